from django.urls import path

from allocations.exports import views

urlpatterns = [
    path("context/", views.context, name="context"),
]
