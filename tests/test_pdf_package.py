"""The whole authorization package as one PDF: a cover, a table of contents whose page numbers
are the pages the sections start on, an executive summary, then the documents; running headers
with the system, the current document and the organization's marking, "Page x of y" footers,
and no text running off a page. A part that does not exist yet says so in its place."""

import re

from django.test import override_settings

from rmf.documents import document_spec
from rmf.documents.pdf.documents import package_html
from tests.pdf_pages import laid_out, margin_text, overflowing, page_text
from tests.test_rmf_cycles import cycle_in_assess

# (contents entry, the heading that starts it)
ENTRIES = [
    ("Executive summary", "Executive Summary"),
    ("System Security Plan", "System Security Plan"),
    ("1. System identification", "1. System identification"),
    ("8. Laws, regulations and standards", "8. Laws, regulations and standards"),
    ("10. Control implementation", "10. Control implementation"),
    ("AC Access Control", "AC Access Control"),
    ("SR Supply Chain Risk Management", "SR Supply Chain Risk Management"),
    ("Security Assessment Report", "Security Assessment Report"),
    ("Plan of Action and Milestones", "Plan of Action and Milestones"),
    ("Authorization Decision Letter", "Authorization Decision Letter"),
]
DOCUMENTS = {
    "Executive Summary",
    "System Security Plan",
    "Security Assessment Report",
    "Plan of Action and Milestones",
    "Authorization Decision Letter",
}


def contents_page(text: str, entry: str) -> int:
    match = re.search(re.escape(entry) + r"(?: ?\.)+ ?(\d+)", text)
    assert match, entry
    return int(match.group(1))


def test_the_package_has_cover_contents_headers_and_page_numbers(personas):
    # Assess has started, not the assessment: the SAR and the letter are not there yet.
    authorization = cycle_in_assess(personas)
    with override_settings(WORKBENCH_MARKING="CUI"):
        notes = []
        html = package_html(authorization, lambda percent, note: notes.append((percent, note)))
    assert any(re.fullmatch(r"Control [A-Z]{2}-\d+ \(\d+ of 149\)", note) for _, note in notes)
    assert [percent for percent, _ in notes] == sorted(percent for percent, _ in notes)
    assert "The security assessment report has nothing to report yet" in html
    assert "no decision signed yet" in html

    document = laid_out(html)
    pages = [page_text(page) for page in document.pages]
    headers = [margin_text(page) for page in document.pages]
    total = len(pages)
    assert total > 40
    cover = pages[0]
    assert "Authorization Package" in cover and "Traffic Signal Control (TSC)" in cover
    assert "Department of Transportation".upper() in cover.upper()
    # The cover carries the marking, not the running header nor a page number.
    assert headers[0] == "CUI CUI"
    contents = pages[1]
    assert contents.startswith("Contents")
    for entry, heading in ENTRIES:
        number = contents_page(contents, entry)
        # A document starts a page; a section is the first of the heading's text after it.
        starts = [
            index + 1
            for index, text in enumerate(pages)
            if index > 1 and (text.startswith(heading) if heading in DOCUMENTS else heading in text)
        ]
        assert starts and starts[0] == number, (entry, number, starts[:3])
    for number, header in enumerate(headers[1:], start=2):
        assert header.startswith("Traffic Signal Control (TSC) CUI"), number
        assert header.endswith(f"CUI Page {number} of {total}"), number
    # The header names the document being read.
    poam_page = contents_page(contents, "Plan of Action and Milestones")
    assert "Plan of Action and Milestones" in headers[poam_page - 1]
    assert "Security Assessment Report" in headers[poam_page - 2]
    assert "System Security Plan" in headers[contents_page(contents, "AC Access Control")]
    assert all(overflowing(page) == [] for page in document.pages)


def test_the_package_is_a_background_document():
    spec = document_spec("package", "pdf")
    assert spec.background and spec.progress_render is spec.render
