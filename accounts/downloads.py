"""The two ways the portal hands over a file, for pages and the API alike: a private file (stored, or made in
memory) and a download streamed as it is written. Neither is kept by a shared cache nor sniffed as another type;
the caller has checked the permission and written the audit event."""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

PRIVATE = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}


def private_file(
    source: IO[bytes] | bytes, *, filename: str, content_type: str, inline: bool = False
) -> FileResponse | HttpResponse:
    """A file as a download named ``filename``: an open file is sent in chunks, bytes made in memory (a PDF
    rendered on the fly) in one piece. ``inline`` shows it in the browser (a preview) instead of saving it."""
    response: FileResponse | HttpResponse
    if isinstance(source, bytes):
        response = HttpResponse(source, content_type=content_type)
        if disposition := content_disposition_header(not inline, filename):
            response["Content-Disposition"] = disposition
    else:
        response = FileResponse(source, as_attachment=not inline, filename=filename, content_type=content_type)
    for header, value in PRIVATE.items():
        response[header] = value
    return response


def streaming_download(chunks: Iterable[bytes | str], *, filename: str, content_type: str) -> StreamingHttpResponse:
    """A file sent while it is written (an export, the audit log), so a large one never sits in memory."""
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    for header, value in PRIVATE.items():
        response[header] = value
    return response
