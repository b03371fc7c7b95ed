from django.urls import path

from applications import views
from applications.assessment import views as assessment_views
from applications.published_rules import views as rules_views

urlpatterns = [
    path("aanvraagrondes/", views.call_list, name="call_list"),
    path("aanvraagrondes/<int:pk>/", views.call_detail, name="call_detail"),
    path("aanvraagrondes/<int:pk>/aanvragen/", views.application_start, name="application_start"),
    path("aanvragen/", views.application_list, name="application_list"),
    path("aanvragen/<int:pk>/", views.application_detail, name="application_detail"),
    path("aanvragen/<int:pk>/stap/<slug:step>/", views.application_step, name="application_step"),
    path("aanvragen/<int:pk>/controleren/", views.application_check, name="application_check"),
    path("aanvragen/<int:pk>/actie/<slug:action>/", views.application_transition, name="application_transition"),
    path("aanvragen/<int:pk>/verwijderen/", views.application_delete, name="application_delete"),
    path("aanvragen/<int:pk>/pdf/", views.application_pdf, name="application_pdf"),
    path("aanvragen/<int:pk>/bijlagen/<int:attachment_pk>/", views.attachment_download, name="attachment_download"),
    path(
        "aanvragen/<int:pk>/bijlagen/<int:attachment_pk>/verwijderen/",
        views.attachment_delete,
        name="attachment_delete",
    ),
]

urlpatterns += [
    path("beoordelingen/", assessment_views.review_queue, name="review_queue"),
    path("beoordelingen/<int:pk>/", assessment_views.review_detail, name="review_detail"),
    path("aanvraagrondes/<int:pk>/beoordeling/", assessment_views.call_assessment, name="call_assessment"),
    path("aanvragen/<int:pk>/punten/", assessment_views.application_points, name="application_points"),
    path("aanvragen/<int:pk>/beoordeling/", assessment_views.application_assessment, name="application_assessment"),
]

# Assessment actions (POST only; each returns to the page it came from).
urlpatterns += [
    path("beoordelingen/<int:pk>/belangenconflict/", assessment_views.review_conflict, name="review_conflict"),
    path("beoordelingen/<int:pk>/intrekken/", assessment_views.review_unassign, name="review_unassign"),
    path("beoordelingen/<int:pk>/heropenen/", assessment_views.review_reopen, name="review_reopen"),
    path(
        "aanvraagrondes/<int:pk>/beoordeling/automatisch/", assessment_views.call_auto_assign, name="call_auto_assign"
    ),
    path("aanvragen/<int:pk>/beoordelaars/", assessment_views.assign_reviewer, name="assign_reviewer"),
    path("aanvragen/<int:pk>/punten/herberekenen/", assessment_views.points_recompute, name="points_recompute"),
]

# Published rules and the points preview: public pages (no login), except an officer's own overview.
urlpatterns += [
    path("regels/", rules_views.rules_index, name="public_rules_index"),
    path("regels/<int:pk>/", rules_views.rules_page, name="public_rules"),
    path("regels/<int:pk>/versie/<int:number>/", rules_views.rules_page, name="public_rules_version"),
    path("regels/<int:pk>/versie/<int:number>/regels.json", rules_views.rules_json, name="public_rules_json"),
    path("regels/<int:pk>/puntenverkenning/", rules_views.preview_page, name="points_preview"),
    path("regels/<int:pk>/puntenverkenning.json", rules_views.preview_json, name="points_preview_json"),
    path("puntenverkenning/", rules_views.officer_previews, name="officer_previews"),
]
