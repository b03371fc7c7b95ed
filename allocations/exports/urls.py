from django.urls import path

from allocations.exports import views

urlpatterns = [
    path("context/", views.context, name="context"),
    path("beheer/overzichten/", views.overview_index, name="overview_index"),
    path("beheer/overzichten/portefeuille/", views.portfolio, name="portfolio"),
    path("beheer/overzichten/rondes/<int:pk>/", views.call_overview, name="call_overview"),
    path(
        "beheer/overzichten/rondes/<int:pk>/publicatie/<str:export_format>/",
        views.publication_download,
        name="publication_download",
    ),
    path("beheer/verdelingen/<int:pk>/exports/", views.run_exports, name="run_exports"),
    path(
        "beheer/verdelingen/<int:pk>/exports/<str:export_format>/",
        views.run_export_download,
        name="run_export_download",
    ),
    path("beheer/verdelingen/<int:pk>/exporttaak/", views.run_export_job, name="run_export_job"),
    path("beheer/exporttaken/<int:pk>/", views.export_job, name="export_job"),
    path("beheer/exporttaken/<int:pk>/download/", views.export_job_download, name="export_job_download"),
]
