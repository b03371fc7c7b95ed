"""The portal's own error answers: Dutch pages in the portal's layout, and JSON under /api/.

Django calls these for errors raised outside DRF's views (middleware, pages, unknown URLs). Under /api/
the answer has the API's shape, ``{"detail": ...}`` or ``{"field": [...]}``, so a client never has to
parse an HTML page.
"""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions

from accounts.middleware import RequestRefused


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def bad_request(request, exception=None):
    if isinstance(exception, RequestRefused):
        message = str(exception.args[0])
        if _is_api(request) and exception.field:
            return JsonResponse({exception.field: [message]}, status=400)
    else:
        # Django's own reasons (a bad Host header, too many fields) are English and technical: not shown.
        message = _("Het verzoek kon niet worden verwerkt. Controleer wat u hebt ingevuld of verstuurd.")
    if _is_api(request):
        return JsonResponse({"detail": message}, status=400)
    return render(request, "400.html", {"message": message}, status=400)


def permission_denied(request, exception=None):
    if _is_api(request):
        return JsonResponse({"detail": str(exceptions.PermissionDenied.default_detail)}, status=403)
    # The portal raises PermissionDenied without a message (the page says what it means); a message given
    # on purpose is shown.
    message = str(exception.args[0]) if exception is not None and exception.args else ""
    return render(request, "403.html", {"message": message}, status=403)


def page_not_found(request, exception=None):
    if _is_api(request):
        return JsonResponse({"detail": str(exceptions.NotFound.default_detail)}, status=404)
    return render(request, "404.html", status=404)


def server_error(request):
    """Rendered without the request's context: whatever broke the page may break that context too."""
    if _is_api(request):
        return JsonResponse({"detail": _("Er ging iets mis aan onze kant. Probeer het later opnieuw.")}, status=500)
    return HttpResponse(loader.get_template("500.html").render(), status=500)


def csrf_failure(request, reason=""):
    """A form sent without a valid security token, usually from a page left open too long."""
    if _is_api(request):
        return JsonResponse(
            {"detail": _("CSRF-controle mislukt: vernieuw de pagina en probeer het opnieuw.")}, status=403
        )
    message = _(
        "Het formulier kon niet worden verstuurd, omdat de beveiligingscontrole mislukte. Dit gebeurt "
        "meestal als de pagina lang open heeft gestaan of als cookies zijn uitgeschakeld. Ga terug, "
        "vernieuw de pagina en probeer het opnieuw."
    )
    return render(request, "403.html", {"message": message}, status=403)


@csrf_exempt
def api_not_found(request, rest: str = ""):
    """Any address under /api/ that no endpoint answers: a JSON 404, for every method."""
    return JsonResponse({"detail": str(exceptions.NotFound.default_detail)}, status=404)
