"""The portal's URLs plus views that fail on purpose, to see the 500 answers (tests only)."""

from django.urls import path

from nplvportal.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def _boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("stuk/", _boom), path("api/v1/stuk/", _boom), *urlpatterns]
