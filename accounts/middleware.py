"""Two-factor authentication is required for ministry roles before they can use any ministry page."""

from __future__ import annotations

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from accounts.permissions import needs_two_factor_setup

# Pages a ministry user must still reach to log in, set up 2FA or log out.
EXEMPT_URL_NAME_PREFIXES = ("account_", "mfa_")
EXEMPT_URL_NAMES = {"set_language", "health", "javascript-catalog"}


def _is_exempt(path: str) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return True  # a 404 stays a 404
    name = match.url_name or ""
    return name.startswith(EXEMPT_URL_NAME_PREFIXES) or name in EXEMPT_URL_NAMES


class RequireMinistryTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and needs_two_factor_setup(user) and not _is_exempt(request.path_info):
            message = _(
                "Tweestapsverificatie is verplicht voor medewerkers van het ministerie. "
                "Stel eerst een authenticator-app in."
            )
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": message}, status=403)
            messages.warning(request, message)
            return redirect("mfa_activate_totp")
        return self.get_response(request)


class PortalLocaleMiddleware:
    """Pages are Dutch unless the person chose English with the language switch; the API follows
    ``Accept-Language`` (DESIGN.md §10), Dutch when the header asks for nothing we offer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation
        from django.utils.cache import patch_vary_headers

        is_api = request.path_info.startswith("/api/")
        if is_api:
            language = translation.get_language_from_request(request)
        else:
            chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
            supported = {code for code, _name in settings.LANGUAGES}
            language = chosen if chosen in supported else settings.LANGUAGE_CODE
        # override (not activate): the language ends with the request, and never leaks into the next one
        # handled by the same thread.
        with translation.override(language):
            request.LANGUAGE_CODE = translation.get_language()
            response = self.get_response(request)
            if is_api:
                patch_vary_headers(response, ("Accept-Language",))
            response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        return response
