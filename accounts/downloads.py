"""The two ways the portal hands over a file, for pages and the API alike: a private file (stored, or made in
memory) and a download streamed as it is written. Neither is kept by a shared cache nor sniffed as another type;
the caller has checked the permission and written the audit event."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import FileResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

PRIVATE = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}


def private_file(handle, *, filename: str, content_type: str, inline: bool = False) -> FileResponse:
    """An open file (or ``io.BytesIO``) as a download named ``filename``; ``inline`` shows it in the browser
    (a preview) instead of saving it."""
    response = FileResponse(handle, as_attachment=not inline, filename=filename, content_type=content_type)
    for header, value in PRIVATE.items():
        response[header] = value
    return response


def streaming_download(chunks: Iterable[bytes | str], *, filename: str, content_type: str) -> StreamingHttpResponse:
    """A file sent while it is written (an export, the audit log), so a large one never sits in memory."""
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    for header, value in PRIVATE.items():
        response[header] = value
    return response
