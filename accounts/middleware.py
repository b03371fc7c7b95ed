"""Request-wide rules: two-factor authentication for ministry roles before any ministry page, the language
of pages and API, and no NUL characters in addresses, filters, forms or the session cookie."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import BadRequest
from django.http import Http404, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from accounts.permissions import needs_two_factor_setup

# Pages a ministry user must still reach to log in, set up 2FA or log out.
EXEMPT_URL_NAME_PREFIXES = ("account_", "mfa_")
EXEMPT_URL_NAMES = {"set_language", "health", "javascript-catalog", "favicon", "api-not-found"}


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


class RequestRefused(BadRequest):
    """A 400 whose (translated) message may be shown as it is; with ``field``, as that field's error."""

    def __init__(self, message: str, *, field: str = ""):
        self.field = field
        super().__init__(message)


class NulCharacterRefused(RequestRefused):
    """A NUL character in a form field: PostgreSQL cannot store one, so the request is refused whole."""

    def __init__(self, field: str):
        super().__init__(_("Tekst mag geen NUL-teken (\\u0000) bevatten."), field=field)


FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class RefuseNulCharactersMiddleware:
    """A NUL character can never be part of a valid address, filter or form value, and PostgreSQL refuses
    it in text (a 500 deep inside a lookup). Refuse it at the door: 404 in the path, 400 in the query
    string or a form field. JSON bodies are checked by the API's parser (accounts.api_parsers)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and "\x00" in (session.session_key or ""):
            # A forged session cookie: the lookup would fail in the database. Treat it as no session.
            request.session = session.__class__()
        if "\x00" in request.path_info:
            raise Http404(_("Deze pagina bestaat niet."))
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                raise NulCharacterRefused(key.replace("\x00", ""))
        if request.method == "POST" and request.content_type in FORM_CONTENT_TYPES:
            try:
                fields = list(request.POST.lists())
            except MultiPartParserError as exc:
                raise RequestRefused(_("Het formulier in het verzoek kon niet worden gelezen.")) from exc
            for key, values in fields:
                if "\x00" in key or any("\x00" in value for value in values):
                    raise NulCharacterRefused(key.replace("\x00", ""))
        return self.get_response(request)
