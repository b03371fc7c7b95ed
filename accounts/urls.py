from django.urls import path

from accounts import views

urlpatterns = [
    path("gemeenten/<str:cbs_code>/", views.municipality_detail, name="municipality_detail"),
    path("profiel/", views.profile, name="profile"),
    path("profiel/sleutels/<int:pk>/intrekken/", views.revoke_token, name="revoke_token"),
    path("uitnodiging/<str:uidb64>/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("beheer/gebruikers/", views.users, name="users"),
    path("beheer/auditlog/", views.audit_trail, name="audit_trail"),
    path("beheer/auditlog/export.csv", views.audit_trail_export, name="audit_trail_export"),
]
