"""The Excel form of a benchmark report: one sheet per view of the web page, every figure
csf.benchmarks.tables' (so the page, the PDF, the API and the workbook agree), every number a
number cell and every missing figure an empty cell (never 0), and native Excel charts that read
the sheet's own cells, so a reader who edits or reuses the numbers sees the charts follow.

Pure: nothing is read from the database beyond what the report already holds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from io import BytesIO
from typing import Any

from django.conf import settings
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.utils import get_column_letter

from csf.benchmarks.data import OrganizationBenchmark
from csf.benchmarks.frames import PEER_MINIMUM
from csf.benchmarks.layout import SHARE_METRICS, metric_table, report_sections
from csf.benchmarks.tables import benchmark_tables, report_filename
from csf.benchmarks.xlsx.writer import (
    CHANGE,
    COUNT,
    ELEMENT,
    HEAT,
    IDENTIFIER,
    LEVEL,
    SCORE,
    SHARE,
    TOP_LEVELS,
    Column,
    Sheet,
    element_name,
    new_chart,
    put_cell,
    set_labels,
    year_lines,
)
from csf.maturity import MAX_LEVEL, MIN_LEVEL
from rmf.documents.xlsx.workbook import (
    BOLD,
    WRAP,
    clean_text,
)
from workbench.exports import XLSX_TYPE, Rendered

# ----------------------------------------------------------------------------- the sheets

SHEETS = {
    "Summary": "what the report was made of, the summary and how to read it",
    "Year over year": "the score of each element in each year, and how it changed",
    "Categories by year": "the category scores as a colour-scaled matrix",
    "Movers": "the categories most improved and most declined in the latest year",
    "Targets": "the latest year's scores against the target profile",
    "Peers": "the scores against the peer group's figures, year by year",
    "Named peers": "each peer's scores (only for readers who may see every peer)",
    "RMF metrics": "the RMF programme's figures by year",
}
NO_SCORES = "No approved CSF assessment in the years of this report."
HOW_TO_READ = (
    f"Scores run from {MIN_LEVEL} to {MAX_LEVEL}. Only approved CSF assessments count. A "
    "category's score is the mean of its answered subcategories, a function's the mean of its "
    "categories, the overall score the mean of the functions; an unanswered subcategory is left "
    "out, never counted as 0.",
    "The framework version above says which assessments count. By default every year is shown "
    "in CSF 2.0 terms: years assessed with CSF 1.1 are carried into CSF 2.0 terms through "
    "NIST's crosswalk and marked * in the column headings.",
    "Peers are the peer group above (by default an agency's other agencies, or a city's other "
    "cities and counties). They are compared in aggregate, never named. A peer figure is shown "
    f"only where at least {PEER_MINIMUM} peers have a score (and, for a wider group, where it "
    f"adds no peer or at least {PEER_MINIMUM} to the narrower one); otherwise the figures are "
    "left blank and only the number of peers is given, so that no peer can be identified.",
    "An empty cell means there is no figure, never 0. Each table has filter buttons; the charts "
    "read the cells of their sheet.",
)


def _carried_note(carried: Sequence[int]) -> str:
    return (
        f"Years marked * ({', '.join(str(year) for year in carried)}) were assessed with CSF "
        "1.1; their results are carried into CSF 2.0 terms through NIST's crosswalk."
    )


def _year_heading(year: int, carried: Sequence[int]) -> str:
    return f"{year}*" if year in carried else str(year)


def _summary(sheet: Sheet, tables: dict) -> None:
    sheet.width(1, 24)
    sheet.width(2, 100)
    sheet.title(f"CSF benchmark: {tables['organization']['name']}")
    pairs: list[tuple[str, Any]] = []
    if settings.WORKBENCH_MARKING:
        pairs.append(("Marking", settings.WORKBENCH_MARKING))
    pairs.append(("Made on", timezone.localtime().replace(tzinfo=None, microsecond=0)))
    pairs += [(entry["label"], entry["value"]) for entry in tables["filters"]]
    sheet.row += 1
    for label, value in pairs:
        sheet.line(label, font=BOLD)
        put_cell(sheet.sheet, sheet.row, 2, value)
        sheet.sheet.cell(sheet.row, 2).alignment = WRAP
        if label == "Made on":
            sheet.sheet.cell(sheet.row, 2).number_format = "yyyy-mm-dd hh:mm"
    sheet.line("Summary", font=BOLD, skip=1)
    sentences = ([] if tables["years"] else [NO_SCORES]) + list(tables["summary"])
    if tables["carried_years"]:
        sentences.append(_carried_note(tables["carried_years"]))
    for sentence in sentences:
        sheet.line(sentence, column=2)
    sheet.line("How to read this workbook", font=BOLD, skip=1)
    for text in HOW_TO_READ:
        sheet.line(text, column=2)
    sheet.line("Sheets", font=BOLD, skip=1)
    for name, about in SHEETS.items():
        if name != "Named peers" or tables["named_peers"] is not None:
            sheet.line(name)
            put_cell(sheet.sheet, sheet.row, 2, about)


def _year_over_year(sheet: Sheet, tables: dict) -> None:
    years, carried, latest = tables["years"], tables["carried_years"], tables["latest_year"]
    sheet.title(f"Score by year ({MIN_LEVEL} to {MAX_LEVEL})")
    if carried:
        sheet.note(_carried_note(carried))
    elements: dict[tuple[str, str], dict] = {}
    for row in tables["changes"]:
        element = elements.setdefault((row["level"], row["identifier"]), {**row, "scores": {}})
        element["scores"][row["year"]] = row["score"]
        if row["year"] == latest:
            element["latest"] = row
    rows = list(elements.values())
    for element in rows:
        # The latest year's changes, each with the year it is measured from.
        now = element.get("latest", {})
        change, from_first = now.get("change"), now.get("change_from_first")
        element["since"] = (
            change,
            None if change is None else now["previous_year"],
            from_first,
            None if from_first is None else now["first_year"],
        )
    columns = [
        LEVEL,
        IDENTIFIER,
        ELEMENT,
        *(
            Column(_year_heading(year, carried), lambda row, y=year: row["scores"].get(y), 9, SCORE)
            for year in years
        ),
        Column("Change from previous year", lambda row: row["since"][0], 14, CHANGE),
        Column("Previous year", lambda row: row["since"][1], 10, COUNT),
        Column("Change from first year", lambda row: row["since"][2], 14, CHANGE),
        Column("First year", lambda row: row["since"][3], 10, COUNT),
    ]
    if years:
        sheet.note(
            f"The changes are those of {latest}: from the latest earlier year with a score, "
            "and from the first year with one."
        )
    levels = [row["level"] for row in rows]
    header, _ = sheet.table(
        "YearOverYear", columns, rows, empty=NO_SCORES, freeze_columns=3, levels=levels
    )
    if rows:
        lines = [header + 1 + index for index, level in enumerate(levels) if level in TOP_LEVELS]
        chart = year_lines(
            sheet.sheet,
            "Score per function by year",
            f"Score ({MIN_LEVEL} to {MAX_LEVEL})",
            MIN_LEVEL,
            MAX_LEVEL,
            rows=lines,
            label=3,
            last=3 + len(years),
            header=header,
        )
        sheet.sheet.add_chart(chart, sheet.sheet.cell(header, len(columns) + 2).coordinate)


def _heatmap(sheet: Sheet, tables: dict, sections: dict) -> None:
    years, carried = tables["years"], tables["carried_years"]
    sheet.title(f"Category scores by year ({MIN_LEVEL} to {MAX_LEVEL})")
    sheet.note(
        "The darker the blue, the higher the score; an empty cell has no score that year."
        + (" * carried from CSF 1.1." if carried else "")
    )
    columns = [
        Column("Category", 0),
        Column("Title", 1, 42),
        *(
            Column(_year_heading(year, carried), 2 + index, 9, SCORE)
            for index, year in enumerate(years)
        ),
    ]
    rows = [(identifier, title, *scores) for identifier, title, scores in sections["heatmap_rows"]]
    header, last = sheet.table("CategoriesByYear", columns, rows, empty=NO_SCORES, freeze_columns=2)
    if rows and years:
        low, mid, high = HEAT
        sheet.sheet.conditional_formatting.add(
            f"C{header + 1}:{get_column_letter(2 + len(years))}{last}",
            ColorScaleRule(
                start_type="num",
                start_value=MIN_LEVEL,
                start_color=low,
                mid_type="num",
                mid_value=(MIN_LEVEL + MAX_LEVEL) / 2,
                mid_color=mid,
                end_type="num",
                end_value=MAX_LEVEL,
                end_color=high,
            ),
        )


def _movers(sheet: Sheet, tables: dict, sections: dict) -> None:
    sheet.title(f"Most improved and most declined categories in {tables['latest_year'] or '-'}")
    columns = [
        Column("Rank", "rank", 7, COUNT),
        Column("Category", "identifier"),
        Column("Title", "title", 42),
        Column("Score", "score", 9, SCORE),
        Column("Previous year", "previous_year", 10, COUNT),
        Column("Previous score", "previous_score", 10, SCORE),
        Column("Change", "change", 10, CHANGE),
    ]
    # Both tables have the same columns: the first one's frozen header names the second's.
    for index, ((caption, rows), name) in enumerate(
        zip(sections["movers"], ("MostImproved", "MostDeclined"), strict=True)
    ):
        sheet.line(caption, font=BOLD, skip=index)
        sheet.table(name, columns, rows, empty="None.", freeze_columns=0)


def _targets(sheet: Sheet, tables: dict) -> None:
    sheet.title(f"Against the target profile in {tables['latest_year'] or '-'}")
    sheet.note(
        "Gap = target minus score. A subcategory without its own target aims at the "
        "recommended minimum, as on the target profile."
    )
    columns = [
        LEVEL,
        IDENTIFIER,
        ELEMENT,
        Column("Score", "score", 9, SCORE),
        Column("Target", "target", 9, SCORE),
        Column("Gap", "gap", 9, SCORE),
        Column("Meets target", "meets_target", 10),
    ]
    rows = tables["targets"]
    sheet.table(
        "TargetTable",
        columns,
        rows,
        empty="No targets in this view.",
        freeze_columns=3,
        levels=[row["level"] for row in rows],
    )


def _peer_figure(name: str) -> Callable[[dict], Any]:
    # A suppressed row's figures stay empty whatever it holds: never a 0 that reads as a score.
    return lambda row: None if row["suppressed"] else row[name]


def _peer_note(row: dict) -> str | None:
    if not row["suppressed"]:
        return None
    return "Peer group too small to show" if row["peer_count"] else "No peer has a score"


PEER_COLUMNS = (
    Column("Year", "year", 8, COUNT),
    Column("Carried from CSF 1.1", "carried", 10),
    LEVEL,
    IDENTIFIER,
    ELEMENT,
    Column("Score", "score", 9, SCORE),
    Column("Peers with a score", "peer_count", 10, COUNT),
    Column("Suppressed", "suppressed", 11),
    Column("Median", _peer_figure("median"), 9, SCORE),
    Column("Lower quartile", _peer_figure("q1"), 10, SCORE),
    Column("Upper quartile", _peer_figure("q3"), 10, SCORE),
    Column("Mean", _peer_figure("mean"), 9, SCORE),
    Column("Percentile", _peer_figure("percentile"), 10, COUNT),
    Column("Note", _peer_note, 28),
)


def _peers(sheet: Sheet, tables: dict, sections: dict) -> None:
    # The chart shows the latest year with a figure shown (tables.peers_year), as the page.
    latest, size = tables["peers_year"], tables["peer_group"]["size"]
    sheet.title("Against peers")
    if not size:
        sheet.line(f"{tables['organization']['name']} has no peer group to compare with.")
        return
    sheet.note(
        f"The peer group has {size} organization{'s' if size != 1 else ''}, compared in "
        "aggregate only. The latest year comes first, then the earlier years."
    )
    if any(row["suppressed"] and row["peer_count"] for row in tables["peers"]):
        sheet.line(
            f"Fewer than {PEER_MINIMUM} peers have a score for some rows: their peer figures are "
            "left blank, so that no peer can be identified. Only the number of peers is given.",
            font=BOLD,
        )
    rows = sorted(tables["peers"], key=lambda row: -row["year"])  # stable: the core's order
    header, _ = sheet.table(
        "PeerTable",
        PEER_COLUMNS,
        rows,
        empty="There is no peer comparison for these years.",
        freeze_columns=5,
        levels=[row["level"] for row in rows],
    )
    charted = [
        row
        for row in sections["peers_latest"]
        if row["level"] in TOP_LEVELS and not row["suppressed"]
    ]
    if not rows:
        return
    if not charted:
        sheet.line(f"No peer figure to chart in {latest}: every row is suppressed.", skip=1)
        return
    # The chart's own small table beside the long one: the rows it draws, side by side.
    side = len(PEER_COLUMNS) + 2
    put_cell(sheet.sheet, header - 1, side, f"{latest}: score against the peers' median")
    sheet.sheet.cell(header - 1, side).font = BOLD
    below, sheet.row = sheet.row, header - 1
    columns = [
        Column("Element", element_name, 24),
        Column("Score", "score", 9, SCORE),
        Column("Peer median", "median", 10, SCORE),
    ]
    top, bottom = sheet.table("PeerChartData", columns, charted, empty="", column=side)
    sheet.row = max(below, bottom)
    title = f"Score against the peers' median in {latest}"
    axis = f"Score ({MIN_LEVEL} to {MAX_LEVEL})"
    chart = new_chart(BarChart(), title, axis, MIN_LEVEL, MAX_LEVEL)
    chart.type = "col"
    chart.add_data(
        Reference(sheet.sheet, min_col=side + 1, max_col=side + 2, min_row=top, max_row=bottom),
        titles_from_data=True,
    )
    set_labels(chart, sheet.sheet, min_col=side, min_row=top + 1, max_row=bottom)
    sheet.sheet.add_chart(chart, sheet.sheet.cell(bottom + 2, side).coordinate)


def _named_peers(sheet: Sheet, tables: dict) -> None:
    sheet.title("The peers by name")
    sheet.note(
        "You may see each organization of the peer group, so their overall and function scores "
        "are given by name."
    )
    columns = [
        Column("Organization", "name", 32),
        Column("Year", "year", 8, COUNT),
        Column("Carried from CSF 1.1", "carried", 10),
        LEVEL,
        IDENTIFIER,
        Column("Element", element_name, 36),
        Column("Score", "score", 9, SCORE),
    ]
    empty = "No peer has an approved assessment in these years."
    sheet.table("NamedPeers", columns, tables["named_peers"], empty=empty, freeze_columns=1)


def _metric_format(name: str) -> str:
    return SHARE if name.endswith("_percent") or name.startswith("average_") else COUNT


def _rmf(sheet: Sheet, tables: dict) -> None:
    sheet.title("RMF programme metrics by year")
    sheet.note(
        "From the RMF work on the systems you can see: systems holding a current authorization, "
        "how long authorizations take, POA&M items opened, closed and ageing, and how much of "
        "the selected controls was assessed in the year before."
    )
    blocks = (
        (
            "RmfRolledUp",
            "Rolled up over the organization and the organizations under it that you can see",
            tables["rmf"],
        ),
        ("RmfOwn", "The organization's own systems only", tables["rmf_own"]),
    )
    for index, (name, caption, block) in enumerate(blocks):
        sheet.line(caption, font=BOLD, skip=index)
        years = [row["year"] for row in block]
        metrics = metric_table(block)  # (key, description, a value per year)
        columns = [
            Column("Key", 0, 26),
            Column("Metric", 1, 60),
            *(Column(str(year), lambda row, i=i: row[2][i], 10) for i, year in enumerate(years)),
        ]
        # Both blocks have the same columns: the first one's frozen header names the second's.
        header, _ = sheet.table(
            name, columns, metrics, empty="No RMF figures for these years.", freeze_columns=2
        )
        for offset, (key, _, _) in enumerate(metrics):
            for column in range(3, 3 + len(years)):
                sheet.sheet.cell(header + 1 + offset, column).number_format = _metric_format(key)
        shares = [
            header + 1 + offset for offset, row in enumerate(metrics) if row[0] in SHARE_METRICS
        ]
        if index == 0 and shares and years:
            chart = year_lines(
                sheet.sheet,
                "RMF programme: shares by year (%)",
                "Percent",
                0,
                100,
                rows=shares,
                label=2,
                last=2 + len(years),
                header=header,
            )
            sheet.sheet.add_chart(chart, sheet.sheet.cell(header, 4 + len(years)).coordinate)


# ----------------------------------------------------------------------------- the workbook


def render_xlsx(report: OrganizationBenchmark, *, subcategories: bool = False) -> Rendered:
    """The report as a workbook, one sheet per view of the page (SHEETS; "Named peers" only
    for a reader who may see each peer): the same tables as the page, the PDF and the API
    (csf.benchmarks.tables), with native Excel charts on the sheets' cells."""
    tables = benchmark_tables(report, subcategories=subcategories)
    sections = report_sections(tables)
    book = Workbook()
    book.active.title = "Summary"
    _summary(Sheet(book.active), tables)
    _year_over_year(Sheet(book.create_sheet("Year over year")), tables)
    _heatmap(Sheet(book.create_sheet("Categories by year")), tables, sections)
    _movers(Sheet(book.create_sheet("Movers")), tables, sections)
    _targets(Sheet(book.create_sheet("Targets")), tables)
    _peers(Sheet(book.create_sheet("Peers")), tables, sections)
    if tables["named_peers"] is not None:
        _named_peers(Sheet(book.create_sheet("Named peers")), tables)
    _rmf(Sheet(book.create_sheet("RMF metrics")), tables)
    properties = book.properties
    properties.title = f"CSF benchmark: {clean_text(report.organization.name)}"
    properties.creator = "RMF Workbench"
    properties.keywords = settings.WORKBENCH_MARKING or None
    body = BytesIO()
    book.save(body)
    return report_filename(report, "xlsx"), XLSX_TYPE, body.getvalue()
