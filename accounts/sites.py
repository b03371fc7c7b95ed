"""The portal's own address for links in e-mails.

``SITE_URL`` wins when it is configured. Without it, a link made while a request is being handled
uses that request's scheme, host and port (the host is one of ``ALLOWED_HOSTS``, Django checks it), so a
portal started on another port still sends links that work; outside a request the default applies.
"""

from __future__ import annotations

from contextvars import ContextVar

from django.conf import settings

_request_origin: ContextVar[str] = ContextVar("portal_request_origin", default="")


def site_url() -> str:
    if getattr(settings, "SITE_URL_CONFIGURED", True):
        return settings.SITE_URL
    return _request_origin.get() or settings.SITE_URL


def absolute_url(path: str) -> str:
    return site_url() + path


class RequestOriginMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_origin.set(request.build_absolute_uri("/").rstrip("/"))
        try:
            return self.get_response(request)
        finally:
            _request_origin.reset(token)
