"""URL map: pages per app, accounts (allauth), the admin, and the API under /api/v1/."""

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny

from accounts.admin_base import site_has_permission
from nplvportal import views


def _admin_login(request, extra_context=None):
    """The admin logs in through the portal's own login, so two-factor authentication always applies."""
    from urllib.parse import urlencode

    target = request.GET.get("next", "/admin/")
    return redirect(f"/accounts/login/?{urlencode({'next': target})}")


admin.site.login = _admin_login
admin.site.has_permission = site_has_permission
admin.site.site_header = _("NPLV-portaal – beheer")
admin.site.site_title = _("NPLV-portaal")
admin.site.index_title = _("Configuratie en referentiegegevens")

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("", include("accounts.urls")),
    path("", include("applications.urls")),
    path("", include("allocations.runs.urls")),
    path("", include("allocations.letters.urls")),
    path("", include("allocations.exports.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("nplvportal.api_urls")),
    # The schema and its docs are public: they describe the API, they hold no data.
    path("api/v1/schema/", SpectacularAPIView.as_view(permission_classes=[AllowAny]), name="schema"),
    path(
        "api/v1/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", permission_classes=[AllowAny]),
        name="swagger-ui",
    ),
]
