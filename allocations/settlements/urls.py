from django.urls import path

from allocations.settlements import views

urlpatterns = [
    path("beheer/vaststellingen/", views.settlements_index, name="settlements"),
    path("beheer/vaststellingen/rondes/<int:pk>/", views.call_settlements, name="settlements_call"),
    path("beheer/vaststellingen/rondes/<int:pk>/batch/", views.settlement_batch_start, name="settlement_batch_start"),
    path("beheer/vaststellingen/batches/<int:pk>/", views.settlement_batch, name="settlement_batch"),
    path(
        "beheer/vaststellingen/batches/<int:pk>/voortgang/",
        views.settlement_batch_progress,
        name="settlement_batch_progress",
    ),
    path(
        "beheer/vaststellingen/batches/<int:pk>/narekenen/",
        views.settlement_batch_verify,
        name="settlement_batch_verify",
    ),
    path("beheer/vaststellingen/beschikkingen/<int:pk>/", views.propose, name="settlement_propose"),
    path("beheer/vaststellingen/<int:pk>/", views.settlement_detail, name="settlement_detail"),
    path("beheer/vaststellingen/<int:pk>/controleren/", views.settlement_check, name="settlement_check"),
    path("beheer/vaststellingen/<int:pk>/goedkeuren/", views.settlement_approve, name="settlement_approve"),
    path("beheer/vaststellingen/<int:pk>/intrekken/", views.settlement_withdraw, name="settlement_withdraw"),
    path("beheer/vaststellingen/<int:pk>/brief/", views.settlement_letter, name="settlement_letter"),
    path("beheer/vaststellingen/<int:pk>/brief/maken/", views.settlement_letter_make, name="settlement_letter_make"),
    path(
        "beheer/vaststellingen/<int:pk>/brief/verzenden/", views.settlement_letter_send, name="settlement_letter_send"
    ),
    path("vaststellingsbrieven/<int:pk>/pdf/", views.settlement_document_download, name="settlement_document_download"),
]
