"""URL map: pages per app, accounts (allauth), the admin, and the API under /api/v1/."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny

from accounts import views as account_views
from accounts.admin_base import site_has_permission
from nplvportal import errors, views

handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error


def _admin_login(request, extra_context=None):
    """The admin logs in through the portal's own login, so two-factor authentication always applies.

    Someone already logged in whose role may not use the admin gets a 403: sending them to the login
    page would send them straight back here, for ever.
    """
    from urllib.parse import urlencode

    if request.user.is_authenticated:
        raise PermissionDenied
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
    path("", include("allocations.payments.urls")),
    path("", include("allocations.objections.urls")),
    path("", include("allocations.accountability.urls")),
    path("accounts/login/", account_views.PortalLoginView.as_view(), name="account_login"),  # its error summary
    path("", include("allocations.settlements.urls")),
    path("", include("allocations.money.urls")),
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
    # Browsers ask for /favicon.ico before reading the page's <link rel="icon">.
    path("favicon.ico", lambda request: redirect(static("favicon.svg"), permanent=True), name="favicon"),
    # Last: any other address under /api/ answers with the API's JSON 404, not a page.
    re_path(r"^api/", errors.api_not_found, name="api-not-found"),
]
