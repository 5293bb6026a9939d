"""The one interface every export shares: `render(...) -> Rendered`, that is (filename,
content type, body), where the body is bytes or an iterator of bytes (streamed); `download`
turns it into the response. Renderers live in the app that owns the data."""

from collections.abc import Iterator
from typing import IO

from django.http import FileResponse, HttpResponse, StreamingHttpResponse

Rendered = tuple[str, str, bytes | Iterator[bytes]]

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
PDF_TYPE = "application/pdf"
JSON_TYPE = "application/json"


def download(rendered: Rendered) -> HttpResponse | StreamingHttpResponse:
    """The response that sends a rendered file as a download."""
    filename, content_type, body = rendered
    if isinstance(body, bytes):
        response = HttpResponse(body, content_type=content_type)
    else:
        response = StreamingHttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def stored_file_response(handle: IO[bytes], *, filename: str, content_type: str) -> FileResponse:
    """A file kept by the application (evidence, a built document) as a download: never
    displayed nor sniffed by the browser, never cached by a shared cache. The caller reached
    the file's record through its access function."""
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
