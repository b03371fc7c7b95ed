from django.urls import path

from allocations.payments import views

urlpatterns = [
    path("beheer/betalingen/", views.payments, name="payments"),
    path("beheer/betalingen/inlezen/", views.payments_import, name="payments_import"),
    path("beheer/betalingen/rondes/<int:pk>/", views.call_payments, name="payments_call"),
    path("beheer/betalingen/<str:on>/", views.pay_date, name="payments_pay_date"),
    path("beheer/betalingen/<str:on>/opdracht/", views.payment_order, name="payments_order"),
    path(
        "beheer/betalingen/<str:on>/opdracht/<str:export_format>/",
        views.payment_order_download,
        name="payments_order_download",
    ),
    path("beheer/termijnen/<int:pk>/betaald/", views.instalment_paid, name="instalment_paid"),
    path("beheer/termijnen/<int:pk>/vervallen/", views.instalment_cancel, name="instalment_cancel"),
]
