from django.urls import path

from allocations.money import views

urlpatterns = [
    path("geldoverzicht/", views.money_index, name="money_index"),
    path("geldoverzicht/download/<str:export_format>/", views.money_download, name="money_download"),
    path("geldoverzicht/gemeenten/<str:cbs_code>/", views.money_municipality, name="money_municipality"),
    path(
        "geldoverzicht/gemeenten/<str:cbs_code>/download/<str:export_format>/",
        views.money_municipality_download,
        name="money_municipality_download",
    ),
]
