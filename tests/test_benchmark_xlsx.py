"""The Excel form of the benchmark report (csf/benchmarks/xlsx/): one sheet per view, the
tables' figures as number cells, CSF 1.1 years marked, native charts that read the sheet's own
cells, the heatmap's colour scale, suppressed peer figures left blank (never 0), no peer named
for a member and every peer named for a state viewer, the empty cases, no database query, the
filename; and the demo city's Transportation agency, timed."""

import io
import time
import zipfile

import pytest
from openpyxl import load_workbook
from openpyxl.chart import BarChart, LineChart

from csf.benchmarks.data import crosswalk_frame, organization_benchmark_get
from csf.benchmarks.layout import SHARE_METRICS
from csf.benchmarks.tables import benchmark_tables
from csf.benchmarks.xlsx import TOP_LEVELS, render_xlsx
from tests.test_benchmark_data import GV, Status, assess, peers_city, uniform
from workbench.exports import XLSX_TYPE

SHEETS = [
    "Summary",
    "Year over year",
    "Categories by year",
    "Movers",
    "Targets",
    "Peers",
    "RMF metrics",
]
FUNCTIONS = 6  # GV ID PR DE RS RC


def with_a_csf_1_1_year(personas):
    """peers_city (the agency and its peers in 2023 and 2024, four peers only in 2023) and a
    CSF 1.1 year, 2022, for the agency."""
    peers = peers_city(personas)
    link = crosswalk_frame().iloc[0]
    assess(personas.agency, 2022, {link["source"]: 5}, framework="1.1")
    return peers


def opened(rendered):
    filename, content_type, body = rendered
    assert content_type == XLSX_TYPE and isinstance(body, bytes)
    return load_workbook(io.BytesIO(body))


def table(sheet, name: str) -> list[list]:
    """The cells of one Excel table of the sheet, header row first."""
    return [list(row) for row in sheet[sheet.tables[name].ref]]


def texts(*sheets) -> str:
    """Every value written on the sheets, one a line."""
    return "\n".join(
        str(cell.value)
        for sheet in sheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    )


def element_key(level: str, identifier) -> tuple:
    return (level.lower(), identifier or "overall")


@pytest.mark.django_db
def test_the_workbook_has_a_sheet_per_view_with_the_tables_figures(
    personas, django_assert_num_queries
):
    with_a_csf_1_1_year(personas)
    report = organization_benchmark_get(personas.member, personas.agency)
    with django_assert_num_queries(0):
        rendered = render_xlsx(report)
    tables = benchmark_tables(report)
    assert rendered[0] == "Department-of-Transportation-csf-benchmark-2022-2024.xlsx"
    book = opened(rendered)
    assert book.sheetnames == SHEETS
    assert all(len(name) <= 31 for name in book.sheetnames)

    sheet = book["Year over year"]
    rows = table(sheet, "YearOverYear")
    header = [cell.value for cell in rows[0]]
    assert header[:6] == ["Level", "Identifier", "Element", "2022*", "2023", "2024"]
    assert header[6:] == [
        "Change from previous year",
        "Previous year",
        "Change from first year",
        "First year",
    ]
    by_element = {element_key(row[0].value, row[1].value): row for row in rows[1:]}
    changes = tables["changes"]
    assert len(by_element) == len({(row["level"], row["identifier"]) for row in changes})
    assert {key[0] for key in by_element} == {"overall", "function", "category"}
    for row in changes:
        cells = by_element[(row["level"], row["identifier"])]
        cell = cells[3 + [2022, 2023, 2024].index(row["year"])]
        if row["score"] is None:
            assert cell.value is None, (row["identifier"], row["year"])
        else:
            assert cell.value == row["score"] and cell.data_type == "n", row["identifier"]
            assert cell.number_format == "0.00"
        if row["year"] == 2024:
            assert cells[6].value == row["change"]
            assert cells[8].value == row["change_from_first"]
            if row["change"] is not None:
                assert cells[7].value == row["previous_year"] and cells[7].data_type == "n"
    gv_oc = by_element[("category", "GV.OC")]
    assert [cell.value for cell in gv_oc[3:9]] == [None, 3.0, 4.0, 1.0, 2023, 1.0]
    assert sheet.freeze_panes == f"D{rows[0][0].row + 1}"
    assert sheet.tables["YearOverYear"].autoFilter is not None
    assert "Years marked * (2022) were assessed with CSF 1.1" in texts(*book.worksheets)

    (chart,) = sheet._charts
    assert isinstance(chart, LineChart)
    assert len(chart.series) == 1 + FUNCTIONS
    overall = by_element[("overall", "overall")][0].row
    first = chart.series[0]
    assert first.val.numRef.f == f"'Year over year'!$D${overall}:$F${overall}"
    assert first.tx.strRef.f.replace("$", "") == f"'Year over year'!C{overall}"
    assert (
        chart.series[0].cat.strRef.f == f"'Year over year'!$D${rows[0][0].row}:$F${rows[0][0].row}"
    )

    heat = book["Categories by year"]
    rows = table(heat, "CategoriesByYear")
    assert [cell.value for cell in rows[0]] == ["Category", "Title", "2022*", "2023", "2024"]
    gv_oc = next(row for row in rows if row[0].value == "GV.OC")
    assert [cell.value for cell in gv_oc[2:]] == [None, 3.0, 4.0]
    assert gv_oc[3].data_type == "n"
    (scale,) = [
        (ranges, rule)
        for ranges in heat.conditional_formatting
        for rule in ranges.rules
        if rule.type == "colorScale"
    ]
    first_data, last_data = rows[1][2].coordinate, rows[-1][-1].coordinate
    assert str(scale[0].sqref) == f"{first_data}:{last_data}"
    assert [float(value.val) for value in scale[1].colorScale.cfvo] == [1, 4, 7]

    targets = table(book["Targets"], "TargetTable")
    assert len(targets) - 1 == len(tables["targets"]) > FUNCTIONS
    for cells, row in zip(targets[1:], tables["targets"], strict=True):
        assert [cell.value for cell in cells[3:6]] == [row["score"], row["target"], row["gap"]]
        assert cells[6].value == ("Yes" if row["meets_target"] else "No")

    movers = book["Movers"]
    assert "MostImproved" in movers.tables
    improved = table(movers, "MostImproved")
    assert [cell.value for cell in improved[0]][:3] == ["Rank", "Category", "Title"]
    assert improved[1][0].value == tables["improved"][0]["rank"] == 1
    assert improved[1][6].value == tables["improved"][0]["change"]

    rmf = book["RMF metrics"]
    rolled = table(rmf, "RmfRolledUp")
    assert [cell.value for cell in rolled[0][2:]] == [str(row["year"]) for row in tables["rmf"]]
    keyed = {row[0].value: row for row in rolled[1:]}
    systems = keyed["systems"]
    assert [cell.value for cell in systems[2:]] == [
        row["values"]["systems"] for row in tables["rmf"]
    ]
    assert systems[2].data_type == "n" and systems[2].number_format == "0"
    (shares,) = rmf._charts
    assert isinstance(shares, LineChart) and len(shares.series) == len(SHARE_METRICS)
    assert {series.tx.strRef.f.replace("$", "") for series in shares.series} == {
        f"'RMF metrics'!B{keyed[name][0].row}" for name in SHARE_METRICS
    }
    assert "RmfOwn" in rmf.tables


@pytest.mark.django_db
def test_peer_figures_are_blank_when_suppressed_and_no_peer_is_named_for_a_member(personas):
    peers = with_a_csf_1_1_year(personas)
    report = organization_benchmark_get(personas.member, personas.agency)
    rendered = render_xlsx(report)
    book = opened(rendered)
    sheet = book["Peers"]
    rows = table(sheet, "PeerTable")
    header = [cell.value for cell in rows[0]]
    assert header[:8] == [
        "Year",
        "Carried from CSF 1.1",
        "Level",
        "Identifier",
        "Element",
        "Score",
        "Peers with a score",
        "Suppressed",
    ]
    assert [row[0].value for row in rows[1:]] == sorted(
        (row[0].value for row in rows[1:]), reverse=True
    )  # the latest year first
    by_key = {(row[0].value, row[3].value or "overall"): row for row in rows[1:]}
    suppressed = by_key[(2023, "GV.OC")]  # four peers only in 2023
    assert suppressed[6].value == 4 and suppressed[7].value == "Yes"
    assert [cell.value for cell in suppressed[8:13]] == [None] * 5
    assert suppressed[13].value == "Peer group too small to show"
    assert by_key[(2022, "GV.OC")][6].value == 0  # a count, not a figure: 0 is right
    assert by_key[(2022, "GV.OC")][13].value == "No peer has a score"
    shown = by_key[(2024, "GV.OC")]
    assert shown[7].value == "No"
    assert [cell.value for cell in shown[8:13]] == [4.0, 2.0, 6.0, 4.0, 50]
    assert all(cell.data_type == "n" for cell in shown[8:13])
    assert "Fewer than 5 peers have a score" in texts(*book.worksheets)

    (chart,) = sheet._charts
    assert isinstance(chart, BarChart)
    side = table(sheet, "PeerChartData")
    tables = benchmark_tables(report)
    charted = [
        row
        for row in tables["peers"]
        if row["year"] == 2024 and row["level"] in ("overall", "function")
        if not row["suppressed"]
    ]
    assert [[cell.value for cell in row] for row in side[1:]] == [
        ["Overall" if row["level"] == "overall" else row["title"], row["score"], row["median"]]
        for row in charted
    ]
    assert [series.val.numRef.f.split("!")[0] for series in chart.series] == ["'Peers'"] * 2
    assert chart.series[1].val.numRef.f == (
        f"'Peers'!${side[1][2].column_letter}${side[1][2].row}:"
        f"${side[-1][2].column_letter}${side[-1][2].row}"
    )

    assert "Named peers" not in book.sheetnames
    everything = texts(*book.worksheets)
    with zipfile.ZipFile(io.BytesIO(rendered[2])) as archive:
        parts = "\n".join(archive.read(name).decode() for name in archive.namelist())
    for peer in peers:
        assert peer.name not in everything, peer.name
        assert peer.name not in parts, peer.name


@pytest.mark.django_db
def test_a_state_viewer_gets_the_peers_by_name(personas):
    peers = with_a_csf_1_1_year(personas)
    report = organization_benchmark_get(personas.viewer, personas.agency)
    book = opened(render_xlsx(report))
    assert book.sheetnames == [*SHEETS[:-1], "Named peers", "RMF metrics"]
    rows = table(book["Named peers"], "NamedPeers")
    named = benchmark_tables(report)["named_peers"]
    assert len(rows) - 1 == len(named)
    assert {row[0].value for row in rows[1:]} == {peer.name for peer in peers}
    for cells, row in zip(rows[1:], named, strict=True):
        assert cells[0].value == row["name"] and cells[1].value == row["year"]
        assert cells[6].value == row["score"]


@pytest.mark.django_db
def test_subcategories_are_rows_on_demand(personas):
    assess(personas.agency, 2023, uniform(2))
    assess(personas.agency, 2024, {**uniform(4), GV[0]: 6})
    report = organization_benchmark_get(personas.member, personas.agency)
    book = opened(render_xlsx(report, subcategories=True))
    rows = table(book["Year over year"], "YearOverYear")
    subcategory = next(row for row in rows if row[1].value == GV[0])
    assert subcategory[0].value == "Subcategory"
    assert [cell.value for cell in subcategory[3:7]] == [2.0, 6.0, 4.0, 2023]
    assert subcategory[2].alignment.indent == 2
    assert "Functions, categories and subcategories" in texts(*book.worksheets)
    plain = opened(render_xlsx(report))
    assert "Subcategory" not in {
        row[0].value for row in table(plain["Year over year"], "YearOverYear")
    }


@pytest.mark.django_db
def test_a_report_with_nothing_approved_still_renders_and_says_so(personas):
    assess(personas.agency, 2024, uniform(3), status=Status.DRAFT)
    report = organization_benchmark_get(personas.member, personas.agency)
    rendered = render_xlsx(report)
    assert rendered[0] == "Department-of-Transportation-csf-benchmark.xlsx"
    book = opened(rendered)
    assert book.sheetnames == SHEETS
    summary = texts(book["Summary"])
    assert "No approved CSF assessment in the years of this report." in summary
    assert "There is no assessment to summarize yet." in summary
    assert "No targets in this view." in [cell.value for cell in book["Targets"]["A"]]
    assert not book["Year over year"].tables and not book["Year over year"]._charts
    assert not book["Targets"].tables


@pytest.mark.django_db
def test_a_view_without_targets_says_so(personas):
    # Targets are CSF 2.0 subcategories: the CSF 1.1 view has none.
    assess(personas.agency, 2022, {"ID.AM-1": 3}, framework="1.1")
    report = organization_benchmark_get(personas.member, personas.agency, framework="1.1")
    book = opened(render_xlsx(report))
    sheet = book["Targets"]
    assert not sheet.tables
    assert "No targets in this view." in [cell.value for cell in sheet["A"]]


@pytest.mark.django_db
def test_the_short_name_names_the_file_and_names_stay_text(personas):
    assess(personas.agency, 2024, uniform(3))
    report = organization_benchmark_get(personas.member, personas.agency)
    report.organization.short_name = "DOT / Roads"
    report.organization.name = "=HYPERLINK(1)"
    rendered = render_xlsx(report)
    assert rendered[0] == "DOT-Roads-csf-benchmark-2024.xlsx"
    title = opened(rendered)["Summary"]["A1"]
    assert title.value == "CSF benchmark: =HYPERLINK(1)"
    named = [cell for row in opened(rendered)["Summary"].iter_rows() for cell in row]
    formulas = [cell for cell in named if cell.value == "=HYPERLINK(1)"]
    assert formulas and all(cell.data_type == "s" for cell in formulas)


@pytest.mark.django_db
def test_the_demo_city_transportation_workbook(demo_seeded):
    from django.contrib.auth import get_user_model

    from assets.demo import CITY
    from assets.models import Organization

    viewer = get_user_model().objects.get(username="viewer")
    agency = Organization.objects.get(parent__name=CITY, name="Department of Transportation")
    report = organization_benchmark_get(viewer, agency)
    start = time.perf_counter()
    rendered = render_xlsx(report)
    seconds = time.perf_counter() - start
    start = time.perf_counter()
    detailed = render_xlsx(report, subcategories=True)
    detailed_seconds = time.perf_counter() - start
    print(
        f"\ndemo Transportation workbook: {seconds:.3f} s, {len(rendered[2])} bytes; "
        f"with subcategories {detailed_seconds:.3f} s, {len(detailed[2])} bytes; {rendered[0]}"
    )
    book = opened(rendered)
    assert "Named peers" in book.sheetnames
    header = [cell.value for cell in table(book["Year over year"], "YearOverYear")[0]]
    assert any(str(value).endswith("*") for value in header)
    latest = benchmark_tables(report)["peers"]
    shown = [row for row in latest if row["level"] in TOP_LEVELS and not row["suppressed"]]
    # 2026 has too few approved peers: the chart is of the latest year with figures, 2025.
    assert benchmark_tables(report)["peers_year"] == 2025
    assert bool(book["Peers"]._charts) == any(row["year"] == 2025 for row in shown)
    assert book["Year over year"]._charts and book["RMF metrics"]._charts
