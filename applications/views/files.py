"""Permission-checked downloads: the PDF copy and the attachments, and removing an attachment."""

from __future__ import annotations

import contextlib
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.downloads import private_file
from accounts.workflow import TransitionNotAllowed
from applications import attachments, documents
from applications.models import Status
from applications.views._common import _visible_application


@login_required
@require_GET
def application_pdf(request, pk: int):
    """The stored copy of what was submitted; for a draft (or before the copy is stored) a fresh rendering."""
    application = _visible_application(request, pk, parts=False)
    version = request.GET.get("versie", "")
    document = None
    if application.status != Status.DRAFT:
        stored = application.documents.order_by("-version")
        if version and not version.isdigit():
            raise Http404
        document = get_object_or_404(stored, version=int(version)) if version else stored.first()
    name = f"{application.reference}.pdf"
    if document is not None:
        with contextlib.suppress(FileNotFoundError):
            handle = document.file.open("rb")
            if version:
                name = f"{application.reference}-v{document.version}.pdf"
            return private_file(handle, content_type="application/pdf", filename=name)
    content = documents.render_application_pdf(application)
    return private_file(io.BytesIO(content), content_type="application/pdf", filename=name)


@login_required
@require_GET
def attachment_download(request, pk: int, attachment_pk: int):
    application = _visible_application(request, pk, parts=False)
    attachment = get_object_or_404(application.attachments.all(), pk=attachment_pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return private_file(handle, content_type=attachment.content_type, filename=attachment.original_name)


@login_required
@require_POST
def attachment_delete(request, pk: int, attachment_pk: int):
    application = _visible_application(request, pk, parts=False)
    attachment = get_object_or_404(application.attachments.all(), pk=attachment_pk)
    try:
        attachments.remove_attachment(attachment=attachment, by=request.user)
    except TransitionNotAllowed as exc:
        messages.error(request, str(exc))
        return redirect("application_detail", pk=application.pk)
    messages.success(request, _("De bijlage '%(name)s' is verwijderd.") % {"name": attachment.original_name})
    return redirect("application_step", pk=application.pk, step="bijlagen")
