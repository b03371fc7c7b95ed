from django.urls import path

from allocations.objections import rescoring_views, views

urlpatterns = [
    path("bezwaren/", views.objection_list, name="objection_list"),
    path("bezwaren/register/", views.objection_register_export, name="objection_register_export"),
    path("bezwaren/registreren/", views.objection_register, name="objection_register"),
    path("bezwaren/<int:pk>/", views.objection_detail, name="objection_detail"),
    path("bezwaren/<int:pk>/herbeoordeling/", rescoring_views.rescoring_page, name="objection_rescoring"),
    path("bezwaren/<int:pk>/<slug:step>/", views.objection_step, name="objection_step"),
    path(
        "bezwaren/<int:pk>/brieven/<int:letter_pk>/", views.objection_letter_download, name="objection_letter_download"
    ),
    path("herbeoordelingen/<int:pk>/toewijzen/", rescoring_views.rescoring_assign, name="rescoring_assign"),
    path("herbeoordelingen/beoordeling/<int:pk>/", rescoring_views.rescore_detail, name="rescore_detail"),
    path("aanvragen/<int:pk>/bezwaar/", views.objection_lodge, name="objection_lodge"),
]
