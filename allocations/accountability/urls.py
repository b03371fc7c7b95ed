from django.urls import path

from allocations.accountability import views

urlpatterns = [
    path("verantwoording/", views.accountability_index, name="accountability_index"),
    path("verantwoording/beschikkingen/<int:pk>/", views.accountability_decision, name="accountability_decision"),
    path("verantwoording/verslagen/<int:pk>/", views.statement_report, name="statement_report"),
    path("beheer/verantwoording/import/", views.accountability_import, name="accountability_import"),
]
