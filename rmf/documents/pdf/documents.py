"""The package's PDF documents: each one's HTML from the data (`*_html`), and its renderer for
the document registry (`render_*`, with progress for the background jobs)."""

from django.core.exceptions import ValidationError

from rmf.documents.pdf.render import (
    Progress,
    html_document,
    page_context,
    quiet,
    render_each,
    rendered_pdf,
)
from rmf.models import Authorization
from rmf.selectors.authorize_pages import package_page
from rmf.selectors.pdf_documents import (
    STANDARDS,
    decision_document,
    document_header,
    poam_document,
    sar_document,
    ssp_document,
)
from workbench.exports import Rendered

SSP_TITLE = "System Security Plan"
SAR_TITLE = "Security Assessment Report"
POAM_TITLE = "Plan of Action and Milestones"
DECISION_TITLE = "Authorization Decision Letter"
PACKAGE_TITLE = "Authorization Package"


def _ssp_parts(
    authorization: Authorization, progress: Progress, start: int, end: int, header=None
) -> dict:
    progress(start, "Reading the system security plan's data")
    ssp = ssp_document(authorization, header)
    controls = ssp.controls
    return {
        "ssp": ssp,
        "standards": STANDARDS,
        "ssp_controls": render_each(
            "rmf/documents/_ssp_control.html",
            controls,
            "control",
            progress=progress,
            start=start + (end - start) // 5,
            end=end,
            note=lambda control, n, total: f"Control {control.control} ({n} of {total})",
        ),
    }


def _sar_parts(
    authorization: Authorization, progress: Progress, start: int, end: int, header=None
) -> dict:
    progress(start, "Reading the assessment results")
    sar = sar_document(authorization, header)
    return {
        "sar": sar,
        "sar_controls": render_each(
            "rmf/documents/_sar_control.html",
            sar.controls,
            "result",
            progress=progress,
            start=start + (end - start) // 5,
            end=end,
            note=lambda result, n, total: f"Results of {result.control} ({n} of {total})",
        ),
    }


def ssp_html(authorization: Authorization, progress: Progress = quiet) -> str:
    parts = _ssp_parts(authorization, progress, 0, 45)
    context = page_context(parts["ssp"].header, title=SSP_TITLE, **parts)
    return html_document("rmf/documents/ssp.html", context)


def sar_html(authorization: Authorization, progress: Progress = quiet) -> str:
    parts = _sar_parts(authorization, progress, 0, 45)
    context = page_context(parts["sar"].header, title=SAR_TITLE, **parts)
    return html_document("rmf/documents/sar.html", context)


def poam_html(authorization: Authorization, progress: Progress = quiet) -> str:
    progress(0, "Reading the POA&M")
    poam = poam_document(authorization)
    return html_document(
        "rmf/documents/poam.html", page_context(poam.header, title=POAM_TITLE, poam=poam)
    )


def decision_html(authorization: Authorization, progress: Progress = quiet) -> str:
    progress(0, "Reading the decision")
    decision = decision_document(authorization)
    return html_document(
        "rmf/documents/decision_letter.html",
        page_context(decision.header, title=DECISION_TITLE, decision=decision),
    )


def package_html(authorization: Authorization, progress: Progress = quiet) -> str:
    """The whole package: cover, contents, executive summary, then the SSP, the SAR, the POA&M
    and the decision letter. A part that does not exist yet (no assessment, no decision) says
    so in its place."""
    progress(0, "Reading the executive summary")
    header = document_header(authorization)
    summary = package_page(authorization).summary
    context = {"summary": summary, **_ssp_parts(authorization, progress, 5, 30, header)}
    try:
        context.update(_sar_parts(authorization, progress, 30, 45, header))
    except ValidationError as error:
        context["sar_missing"] = error.messages[0]
    progress(45, "Reading the POA&M")
    context["poam"] = poam_document(authorization, header)
    try:
        context["decision"] = decision_document(authorization, header)
    except ValidationError as error:
        context["decision_missing"] = error.messages[0]
    progress(48, "Writing the package")
    return html_document(
        "rmf/documents/package.html", page_context(header, title=PACKAGE_TITLE, **context)
    )


def _renderer(slug: str, build):
    def render(authorization: Authorization, progress: Progress = quiet) -> Rendered:
        return rendered_pdf(authorization, slug, build, progress)

    return render


render_ssp = _renderer("ssp", ssp_html)
render_sar = _renderer("sar", sar_html)
render_poam = _renderer("poam", poam_html)
render_decision = _renderer("decision-letter", decision_html)
render_package = _renderer("package", package_html)

HTML_BUILDERS = {
    "ssp": ssp_html,
    "sar": sar_html,
    "poam": poam_html,
    "decision-letter": decision_html,
    "package": package_html,
}


def document_html(authorization: Authorization, kind: str) -> str:
    """The HTML WeasyPrint lays out for a document kind (for the bench: our part of the time)."""
    return HTML_BUILDERS[kind](authorization, quiet)
