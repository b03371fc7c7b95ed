from django.urls import path

from allocations.runs import reconsideration_views, views

urlpatterns = [
    path("aanvraagrondes/<int:pk>/verdeling/", views.allocation_overview, name="allocation_overview"),
    path("aanvraagrondes/<int:pk>/verdeling/beleid/", views.allocation_policy, name="allocation_policy"),
    path("aanvraagrondes/<int:pk>/verdeling/berekenen/", views.allocation_start, name="allocation_start"),
    path("aanvraagrondes/<int:pk>/verdeling/vergelijken/", views.run_compare, name="run_compare"),
    path("verdelingen/<int:pk>/", views.run_detail, name="run_detail"),
    path("verdelingen/<int:pk>/voortgang/", views.run_progress, name="run_progress"),
    path("verdelingen/<int:pk>/goedkeuren/", views.run_approve, name="run_approve"),
    path("verdelingen/<int:pk>/controleren/", views.run_verify, name="run_verify"),
    path("verdelingen/<int:pk>/opnieuw/", views.run_retry, name="run_retry"),
    path("verdelingen/<int:pk>/heroverwegen/", reconsideration_views.run_reconsider, name="run_reconsider"),
    path("heroverwegingen/<int:pk>/", reconsideration_views.reconsideration_detail, name="reconsideration_detail"),
    path(
        "heroverwegingen/<int:pk>/controleren/",
        reconsideration_views.reconsideration_verify,
        name="reconsideration_verify",
    ),
]
