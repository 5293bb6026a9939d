"""The benchmark report as a PDF (csf/benchmarks/pdf.py): the web page's figures, wording and
vector charts on paper, with the running header and "Page x of y" footer of the rmf documents;
peers anonymous for a member (by name for a state viewer), small peer groups suppressed and
said so, CSF 1.1 years marked, a report with nothing assessed, no query and no fetch.

Rendering is slow (seconds per report), so the reports are built and rendered once for the
module; the tests read what came out. The text is read from WeasyPrint's laid-out pages of the
same HTML (tests/pdf_pages.py, as the rmf PDF tests do); the PDF file itself is read for what
only it holds (images, fonts, metadata)."""

import dataclasses
import logging
import re
import zlib
from dataclasses import dataclass

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from assets.models import Organization
from csf.benchmarks.data import OrganizationBenchmark, crosswalk_frame, organization_benchmark_get
from csf.benchmarks.layout import report_layout
from csf.benchmarks.pdf import render_pdf, report_html
from csf.benchmarks.tables import benchmark_tables
from tests.factories import build_personas, make_organization
from tests.pdf_pages import laid_out, margin_text, page_text
from tests.test_benchmark_data import AGENCY, PR, assess, uniform
from workbench.exports import PDF_TYPE

# The module's reports are built in the fixture's own transaction; the mark makes pytest-django
# create the test database.
pytestmark = pytest.mark.django_db

STREAM = re.compile(rb"\d+ 0 obj\s*(<<.*?>>)\s*stream\r?\n", re.S)


@dataclass
class Made:
    """One report, rendered: render_pdf's answer, the queries it made, WeasyPrint's warnings
    (a refused fetch is one), and the laid-out pages of the same HTML."""

    report: OrganizationBenchmark
    tables: dict
    html: str
    filename: str = ""
    content_type: str = ""
    body: bytes = b""
    queries: int = -1
    warnings: tuple = ()
    pages: list = dataclasses.field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(page_text(page) for page in self.pages)


class Warnings(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records = []

    def emit(self, record):
        self.records.append(record.getMessage())


def made(report: OrganizationBenchmark, *, subcategories=False, pdf=True) -> Made:
    result = Made(
        report=report,
        tables=benchmark_tables(report, subcategories=subcategories),
        html=report_html(report, subcategories=subcategories),
    )
    if pdf:
        handler = Warnings()
        logger = logging.getLogger("weasyprint")
        logger.addHandler(handler)
        try:
            with CaptureQueriesContext(connection) as queries:
                result.filename, result.content_type, result.body = render_pdf(
                    report, subcategories=subcategories
                )
        finally:
            logger.removeHandler(handler)
        result.queries, result.warnings = len(queries), tuple(handler.records)
    result.pages = laid_out(result.html).pages
    return result


@pytest.fixture(scope="module")
def reports(django_db_setup, django_db_blocker) -> dict[str, Made]:
    """The Transportation agency assessed in 2022 (CSF 1.1), 2023 and 2024; five sibling
    agencies approved in 2024 with GV.OC at 1, 2, 4, 6 and 7, three of them with PR.AA-01 too
    (too few to show). Rendered for its planner, for the state viewer (with subcategories), and
    the city, which has no approved assessment, for the viewer."""
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast:
        outer = transaction.atomic()
        outer.__enter__()
        try:
            personas = build_personas()
            Organization.objects.filter(pk=personas.agency.pk).update(short_name="DOT")
            link = crosswalk_frame().iloc[0]
            assess(personas.agency, 2022, {link["source"]: 5}, framework="1.1")
            assess(personas.agency, 2023, {**uniform(3), PR: 2})
            assess(personas.agency, 2024, {**uniform(4), PR: 5})
            peers = [personas.sibling_agency] + [
                make_organization(f"Agency {n}", AGENCY, personas.city) for n in range(4)
            ]
            for n, (peer, level) in enumerate(zip(peers, (1, 2, 4, 6, 7), strict=True)):
                assess(peer, 2024, {**uniform(level), **({PR: 3} if n < 3 else {})})
            member = organization_benchmark_get(personas.member, personas.agency)
            viewer = organization_benchmark_get(personas.viewer, personas.agency)
            empty = organization_benchmark_get(personas.viewer, personas.city)
            yield {
                "member": made(member),
                "viewer": made(viewer, subcategories=True, pdf=False),
                "empty": made(empty),
                "peer_names": [peer.name for peer in peers],
            }
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def pdf_internals(body: bytes) -> bytes:
    """The PDF with every Flate stream inflated: the object streams hold the dictionaries
    (images, fonts, outline, metadata) in WeasyPrint's compressed files."""
    parts = [body]
    for match in STREAM.finditer(body):
        length = re.search(rb"/Length (\d+)", match.group(1))
        if length and b"/FlateDecode" in match.group(1):
            start = match.end()
            parts.append(zlib.decompress(body[start : start + int(length.group(1))]))
    return b"\n".join(parts)


def svg_boxes(page) -> list:
    found = []

    def walk(box):
        if type(getattr(box, "replacement", None)).__name__ == "SVGImage":
            found.append(box)
        for child in getattr(box, "children", None) or []:
            walk(child)

    walk(page._page_box)
    return found


def svg_texts(box) -> list[str]:
    """The <text> of a chart as WeasyPrint draws it (text, not outlines)."""
    root = box.replacement._svg.tree._etree_node
    return ["".join(node.itertext()) for node in root.iter() if node.tag.endswith("}text")]


def past_the_margin(page) -> list[str]:
    """The body's texts that reach into the right margin: cut off by their table cell, or
    running off the page (a stricter tests.pdf_pages.overflowing)."""
    box = page._page_box
    right = page.width - box.margin_right + 0.5
    found = []

    def walk(child):
        if getattr(child, "text", None) and child.position_x + child.width > right:
            found.append(child.text)
        for grandchild in getattr(child, "children", None) or []:
            walk(grandchild)

    for child in box.children:
        if type(child).__name__ != "MarginBox":
            walk(child)
    return found


def signed(value: float) -> str:
    return f"{value:+.2f}" if value else f"{value:.2f}"


def test_the_pdf_has_the_title_filters_summary_and_the_tables_figures(reports):
    member = reports["member"]
    assert member.body.startswith(b"%PDF-") and member.content_type == PDF_TYPE
    assert member.filename == "DOT-csf-benchmark-2022-2024.pdf"
    assert member.queries == 0  # everything came with the report
    assert member.warnings == ()  # nothing fetched, nothing WeasyPrint could not draw
    text = member.text
    assert "CSF benchmark report Made" in text
    filters = member.tables["filters"]
    assert {entry["name"] for entry in filters} >= {"organization", "years", "detail"}
    for entry in filters:
        assert f"{entry['label']} {entry['value']}" in text, entry
    summary = member.tables["summary"]
    # GOVERN 3 then 4, PROTECT 2 then 5: overall 2.5 then 4.5.
    assert summary[0] == "In 2024 the overall score was 4.5 out of 7, up 2.0 from 2023."
    for sentence in summary:
        assert sentence in text
    # The year-over-year rows of GOVERN, figure for figure as the tables give them.
    rows = {
        row["year"]: row
        for row in member.tables["changes"]
        if row["level"] == "function" and row["identifier"] == "GV"
    }
    assert (rows[2023]["score"], rows[2024]["score"], rows[2024]["change"]) == (3.0, 4.0, 1.0)
    for year in (2023, 2024):
        row = rows[year]
        cells = [
            f"GV {row['title']} {year}",
            f"{row['score']:.2f}",
            str(row["previous_year"] or "—"),
            "—" if row["change"] is None else signed(row["change"]),
        ]
        assert " ".join(cells) in text, cells
    assert "GV GOVERN 2024 4.00 2023 +1.00" in text
    # CSF 1.1 marked, in the note and in the year columns.
    assert member.tables["carried_years"] == [2022]
    assert "Years marked * (2022) were assessed with CSF 1.1" in text
    assert "Overall 2022* " in text and "2022* 2023 2024" in text
    # How to read it, on the last page.
    last = page_text(member.pages[-1])
    for words in (
        "How to read this report",
        "from 1 to 7",
        "Median The middle score of the peers",
        "Quartiles",
        "Percentile",
        "never named",
        "fewer than 5 peers",
        "NIST's crosswalk",
    ):
        assert words in last, words


def test_every_page_has_the_running_header_and_page_numbers(reports):
    for name in ("member", "viewer", "empty"):
        pages = reports[name].pages
        organization = reports[name].tables["organization"]["name"]
        for number, page in enumerate(pages, start=1):
            header = margin_text(page)
            assert header.startswith(f"{organization} CSF benchmark"), (name, number)
            assert f"Page {number} of {len(pages)}" in header, (name, number)
            assert past_the_margin(page) == [], (name, number)
    # A table continued on the next page repeats its heading row (the page's text starts with
    # the body, the margins follow).
    continued = [
        page
        for page in reports["viewer"].pages
        if page_text(page).startswith("Element Year Score Previous year Change")
    ]
    assert len(continued) > 5


def test_the_charts_are_vector_drawings_with_their_titles_as_text(reports):
    member = reports["member"]
    charts = report_layout(member.tables)["charts"]
    assert all(charts.values()), [name for name, svg in charts.items() if not svg]
    drawn = [(page, box) for page in member.pages for box in svg_boxes(page)]
    assert len(drawn) == len(charts) == 4
    titles = [texts[0] for texts in (svg_texts(box) for _, box in drawn)]
    assert titles == [
        "Score per function by year",
        "Category scores by year",
        "Against peers in 2024",
        "RMF programme: shares by year (%)",
    ]
    for page, box in drawn:  # never cut by the page's end
        bottom = page.height - page._page_box.margin_bottom
        assert box.position_y + box.height <= bottom + 0.5
    inside = pdf_internals(member.body)
    assert b"/FontFile2" in inside  # the text is text, in embedded fonts
    assert not re.search(rb"/Subtype\s*/Image", inside)  # and no picture anywhere


def test_peers_suppressed_below_five_and_anonymous_for_a_member(reports):
    member = reports["member"]
    text = member.text
    assert "Fewer than 5 peers have a score for some rows" in text
    assert "PR.AA Identity Management, Authentication, and Access Control 5.00 3" in text
    assert "Peer group too small to show" in text
    assert "DE DETECT — 0 No peer has a score" in text
    # GV.OC: peers 1, 2, 4, 6, 7: median 4, quartiles 2 and 6, mean 4, the agency at the 50th.
    assert "GV.OC Organizational Context 4.00 5 4.00 2.00 6.00 4.00 50" in text
    assert member.tables["named_peers"] is None
    assert "The peers by name" not in text
    inside = pdf_internals(member.body)
    for name in reports["peer_names"]:
        assert name not in text and name not in member.html, name
        assert name.encode() not in inside and name.encode("utf-16-be") not in inside


def test_a_state_viewer_gets_the_peers_by_name_and_the_subcategories(reports):
    viewer = reports["viewer"]
    text = viewer.text
    assert viewer.tables["named_peers"] and "The peers by name" in text
    overall = [row for row in viewer.tables["named_peers"] if row["level"] == "overall"]
    assert {row["name"] for row in overall} == set(reports["peer_names"])
    assert "Organization Element 2024" in text  # the years across
    for row in overall:
        assert f"{row['name']} Overall {row['score']:.2f}" in text, row
    assert "Functions, categories and subcategories" in text
    row = next(
        row
        for row in viewer.tables["changes"]
        if row["identifier"] == "GV.OC-01" and row["year"] == 2024
    )
    assert (row["score"], row["change"]) == (4.0, 1.0)
    title = " ".join(row["title"].split())
    assert f"GV.OC-01 {title} 2024 4.00 2023 +1.00 2023 +1.00" in text


def test_a_report_with_nothing_assessed_says_so(reports):
    empty = reports["empty"]
    assert empty.report.years == []
    assert empty.filename == "Example-City-csf-benchmark.pdf"
    assert empty.body.startswith(b"%PDF-") and empty.queries == 0
    text = empty.text
    assert "Example City has no approved CSF assessment in the years of this report" in text
    assert "There is no assessment to summarize yet." in text
    assert "Year over year" not in text and "Categories by year" not in text
    assert "RMF programme metrics by year" in text and "How to read this report" in text
    charts = report_layout(empty.tables)["charts"]
    assert not (charts["trend"] or charts["heatmap"] or charts["peers"])
    drawn = [box for page in empty.pages for box in svg_boxes(page)]
    assert len(drawn) == (1 if charts["rmf"] else 0)


def test_without_targets_the_report_says_so(reports):
    """A CSF 1.1 view has no targets (they are set in CSF 2.0 terms)."""
    report = reports["member"].report
    without = dataclasses.replace(report, targets=report.targets.iloc[0:0])
    html = report_html(without)
    assert "No targets in this view" in html
    assert "No targets in this view" not in reports["member"].html
    assert "Score, target and gap" in reports["member"].html
