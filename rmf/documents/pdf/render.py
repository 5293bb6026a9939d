"""How every PDF of the package is made: a Django template renders one self-contained HTML
document (the print stylesheet inlined, no external resource), then WeasyPrint lays it out.

Running headers and footers are CSS page-margin boxes: the system and the organization's marking
(`settings.WORKBENCH_MARKING`, e.g. "CUI") are written into an `@page` rule for this document,
the current document's title comes from its heading (`string-set`), and the footer counts pages
("Page 3 of 41"). Long lists (hundreds of controls) are rendered one partial per item so that a
background job can report where it is.
"""

import re
from collections.abc import Callable
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import get_template, render_to_string
from django.utils.safestring import SafeString, mark_safe
from weasyprint import HTML

from rmf.documents import Progress
from rmf.models import Authorization
from rmf.selectors.pdf_documents import DocumentHeader
from workbench.exports import PDF_TYPE, Rendered

PRINT_CSS = Path(settings.BASE_DIR) / "static" / "css" / "print.css"
# How often (in items) a long list reports progress: about twenty notes per list.
PROGRESS_NOTES = 20


def quiet(percent: int, note: str) -> None:
    """The progress of a document rendered in the request: nobody is watching."""


@cache
def print_css() -> str:
    return PRINT_CSS.read_text(encoding="utf-8")


def css_string(text: str) -> str:
    """`text` as a CSS string literal: quotes and backslashes escaped, line breaks as
    spaces (a running header is one line)."""
    text = re.sub(r"\s+", " ", text).strip()
    escaped = "".join(
        f"\\{ord(char):x} " if char in '"\\' or ord(char) < 32 else char for char in text
    )
    return f'"{escaped}"'


def safe_filename(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "system"


def filename(authorization: Authorization, slug: str) -> str:
    """Named like the other documents of the cycle: "TSC-cycle1-ssp.pdf"."""
    return f"{safe_filename(authorization.system.acronym)}-cycle{authorization.cycle}-{slug}.pdf"


def page_context(header: DocumentHeader, *, title: str, **context: Any) -> dict[str, Any]:
    """What the base template needs: the stylesheet, the running header's values, the
    document's metadata."""
    system = header.system
    marking = settings.WORKBENCH_MARKING
    generated: datetime = header.generated
    return {
        "css": mark_safe(print_css()),  # noqa: S308 - our own stylesheet file
        "title": title,
        "header": header,
        "system": system,
        "authorization": header.authorization,
        "marking": marking,
        "running": {
            "system": css_string(f"{system.name} ({system.acronym})"),
            "marking": css_string(marking) if marking else '""',
            "generated": css_string(
                f"Generated {generated:%Y-%m-%d %H:%M} · package SHA-256 "
                f"{header.content_hash[:12]}…"
            ),
        },
        **context,
    }


def render_each(
    template_name: str,
    items: list,
    name: str,
    *,
    progress: Progress,
    start: int,
    end: int,
    note: Callable[[Any, int, int], str],
    extra: dict[str, Any] | None = None,
) -> SafeString:
    """One partial per item, joined; progress from `start` to `end` percent on the way."""
    template = get_template(template_name)
    total = len(items)
    step = max(1, total // PROGRESS_NOTES)
    parts = []
    for index, item in enumerate(items):
        if index % step == 0:
            progress(start + (end - start) * index // max(total, 1), note(item, index + 1, total))
        parts.append(template.render({name: item, **(extra or {})}))
    # Each partial is a template rendered with autoescaping: safe to join.
    return mark_safe("".join(parts))  # noqa: S308


def html_document(template_name: str, context: dict[str, Any]) -> str:
    return render_to_string(template_name, context)


def _refuse_fetch(url: str, *args, **kwargs):
    """The documents embed everything they show: nothing is fetched, from the network or the
    disk, whatever a text typed by a user may contain."""
    raise ValueError(f"The PDF documents load no external resource ({url[:80]}).")


def pdf_from_html(html: str, *, progress: Progress = quiet, start: int = 50) -> bytes:
    """WeasyPrint alone: lay out the pages (the long part), then write the file."""
    progress(start, "Laying out the pages (the longest part)")
    document = HTML(string=html, url_fetcher=_refuse_fetch).render()
    progress(95, f"Writing the PDF file ({len(document.pages)} pages)")
    pdf = document.write_pdf()
    progress(100, f"Done: {len(document.pages)} pages")
    return pdf


def rendered_pdf(
    authorization: Authorization,
    slug: str,
    build: Callable[[Authorization, Progress], str],
    progress: Progress = quiet,
) -> Rendered:
    html = build(authorization, progress)
    return filename(authorization, slug), PDF_TYPE, pdf_from_html(html, progress=progress)
