from django.urls import path

from allocations.objections import views

urlpatterns = [
    path("bezwaren/", views.objection_list, name="objection_list"),
    path("bezwaren/register/", views.objection_register_export, name="objection_register_export"),
    path("bezwaren/registreren/", views.objection_register, name="objection_register"),
    path("bezwaren/<int:pk>/", views.objection_detail, name="objection_detail"),
    path("bezwaren/<int:pk>/<slug:step>/", views.objection_step, name="objection_step"),
    path(
        "bezwaren/<int:pk>/brieven/<int:letter_pk>/", views.objection_letter_download, name="objection_letter_download"
    ),
    path("aanvragen/<int:pk>/bezwaar/", views.objection_lodge, name="objection_lodge"),
]
