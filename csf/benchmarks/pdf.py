"""The benchmark report of an organization as a PDF: the web page's figures and SVG charts
(csf.benchmarks.tables and csf.benchmarks.layout, the same for both) laid out for paper by
WeasyPrint, with the rmf documents' print stylesheet and rendering (rmf.documents.pdf.render).

Pure: everything comes from the report already read (OrganizationBenchmark), so rendering makes
no database query, and nothing is fetched (pdf_from_html refuses every external resource).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.safestring import mark_safe

from csf.benchmarks.data import OrganizationBenchmark
from csf.benchmarks.frames import PEER_MINIMUM
from csf.benchmarks.layout import report_layout
from csf.benchmarks.rmf_metrics import DERIVED_METRICS
from csf.benchmarks.tables import benchmark_tables, report_filename
from csf.maturity import DEFAULT_LEVELS, MAX_LEVEL, MIN_LEVEL, RECOMMENDED_TARGET
from rmf.documents.pdf.render import (
    css_string,
    html_document,
    pdf_from_html,
    print_css,
)
from workbench.exports import PDF_TYPE, Rendered

TEMPLATE = "csf/benchmarks/report_pdf.html"
TITLE = "CSF benchmark report"
RUNNING_TITLE = "CSF benchmark"


def report_page_context(
    organization_name: str, *, title: str, generated: datetime, **context: Any
) -> dict[str, Any]:
    """rmf's page_context for a document about an organization rather than a system's
    authorization: the stylesheet, the running header's values (the organization, the
    document, the marking, when it was made) and the document's metadata."""
    marking = settings.WORKBENCH_MARKING
    return {
        "css": mark_safe(print_css()),  # noqa: S308 - our own stylesheet file
        "title": title,
        "generated": generated,
        "marking": marking,
        "running": {
            "organization": css_string(organization_name),
            "document": css_string(RUNNING_TITLE),
            "marking": css_string(marking) if marking else '""',
            "generated": css_string(f"Made {generated:%Y-%m-%d %H:%M}"),
        },
        **context,
    }


def named_peer_table(rows: list[dict]) -> dict:
    """The named peers' scores with the years across (on paper, a line per peer, year and
    element runs to pages): `years`, `rows` (one per peer and element, its `cells` a
    (score, carried) pair per year or None where it has no score) and whether any is
    `carried` from CSF 1.1."""
    years = sorted({row["year"] for row in rows})
    lines: dict[tuple[str, str], dict] = {}
    for row in rows:
        line = lines.setdefault(
            (row["name"], row["identifier"]),
            {key: row[key] for key in ("name", "level", "identifier", "title")} | {"by_year": {}},
        )
        line["by_year"][row["year"]] = (row["score"], row["carried"])
    for line in lines.values():
        by_year = line.pop("by_year")
        line["cells"] = [by_year.get(year) for year in years]
    return {
        "years": years,
        "rows": list(lines.values()),
        "carried": any(row["carried"] for row in rows),
    }


def report_html(
    report: OrganizationBenchmark, *, subcategories: bool = False, generated: datetime | None = None
) -> str:
    """The report as one self-contained HTML document for WeasyPrint."""
    tables = benchmark_tables(report, subcategories=subcategories)
    layout = report_layout(tables)
    rmf_years = [row["year"] for row in tables["rmf"]]  # rolled up and own: the same years
    rmf_tables = [(caption, rmf_years, rows) for caption, rows in layout["rmf_tables"]]
    named_peers = tables["named_peers"]
    context = report_page_context(
        tables["organization"]["name"],
        title=TITLE,
        generated=timezone.localtime(generated or timezone.now()),
        tables=tables,
        subcategories=subcategories,
        peer_minimum=PEER_MINIMUM,
        derived_metrics=set(DERIVED_METRICS),
        levels=DEFAULT_LEVELS,
        min_level=MIN_LEVEL,
        max_level=MAX_LEVEL,
        recommended_target=RECOMMENDED_TARGET,
        named_peers=None if named_peers is None else named_peer_table(named_peers),
        **{**layout, "rmf_tables": rmf_tables},
    )
    return html_document(TEMPLATE, context)


def render_pdf(report: OrganizationBenchmark, *, subcategories: bool = False) -> Rendered:
    """The report as a PDF download: (filename, PDF_TYPE, bytes)."""
    html = report_html(report, subcategories=subcategories)
    return report_filename(report, "pdf"), PDF_TYPE, pdf_from_html(html)
