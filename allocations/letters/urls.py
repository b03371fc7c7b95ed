from django.urls import path

from allocations.letters import views

urlpatterns = [
    path("verdelingen/<int:pk>/brieven/", views.run_letters, name="run_letters"),
    path("verdelingen/<int:pk>/brieven/voortgang/", views.run_letters_progress, name="run_letters_progress"),
    path("verdelingen/<int:pk>/brieven/voorbereiden/", views.run_letters_prepare, name="run_letters_prepare"),
    path("verdelingen/<int:pk>/brieven/verzonden/", views.run_letters_send, name="run_letters_send"),
    path("verdelingen/<int:pk>/brieven/opnieuw/", views.run_letters_retry, name="run_letters_retry"),
    path("verdelingen/<int:pk>/brieven/vernieuwen/", views.run_letters_regenerate, name="run_letters_regenerate"),
    path("brieven/<int:pk>/pdf/", views.letter_download, name="letter_download"),
    path("aanvragen/<int:pk>/beschikking/", views.application_letters, name="application_letters"),
    path("aanvraagrondes/<int:pk>/brieftekst/", views.call_letter_texts, name="call_letter_texts"),
]
