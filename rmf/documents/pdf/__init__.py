"""The package's PDF documents (WeasyPrint, from the templates in templates/rmf/documents/): the
system security plan, the security assessment report, the POA&M, the authorization decision
letter and the whole package with cover and contents. Registered in the document registry when
the app is ready. The SSP, the SAR and the package run to hundreds of pages for a HIGH system:
they are built by background jobs, never in the web request."""

from rmf.documents import DocumentSpec, register_document
from rmf.documents.pdf.documents import (
    document_html,
    render_decision,
    render_package,
    render_poam,
    render_sar,
    render_ssp,
)
from rmf.documents.pdf.render import pdf_from_html

SPECS = [
    register_document(
        DocumentSpec(
            kind=kind,
            format="pdf",
            title=title,
            render=render,
            background=background,
            progress_render=render,
        )
    )
    for kind, title, render, background in (
        ("ssp", "System security plan (PDF)", render_ssp, True),
        ("sar", "Security assessment report (PDF)", render_sar, True),
        ("poam", "Plan of action and milestones (PDF)", render_poam, False),
        ("decision-letter", "Authorization decision letter (PDF)", render_decision, False),
        ("package", "Whole authorization package (PDF)", render_package, True),
    )
]

__all__ = ["SPECS", "document_html", "pdf_from_html"]
