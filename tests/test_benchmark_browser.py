"""A real headless Chromium journey through the CSF benchmark: a planner opens it from the
organization page, reads the year-over-year table under the trend chart, narrows it to the
CSF 1.1 year in its own terms, widens the peer group to the state, and downloads the same
report as Excel, which opens with the filters chosen."""

import pytest
from openpyxl import load_workbook

from tests.browser import BROWSER_JOURNEY, sign_in
from tests.test_benchmark_filters import history, sibling_agencies

pytestmark = BROWSER_JOURNEY


@pytest.mark.django_db(transaction=True)
def test_a_planner_reads_filters_and_downloads_the_benchmark(
    page, live_server, catalogs, personas, tmp_path
):
    sibling_agencies(personas, [1, 2, 4, 6, 7])
    history(personas)
    sign_in(page, live_server, "member")
    page.goto(f"{live_server.url}/organizations/{personas.agency.pk}/")
    page.get_by_role("link", name="CSF benchmark").first.click()
    page.get_by_role("heading", name=f"CSF benchmark: {personas.agency.name}").wait_for()
    assert page.locator("figure.chart svg").count() >= 3
    overall = page.locator("#changes-overall")
    assert overall.locator('tr[data-year="2024"] td.score').inner_text() == "4.00"
    assert "2022*" in overall.inner_text()  # the CSF 1.1 year, carried and marked

    filters = page.get_by_role("form", name="Choose what the report shows")
    filters.get_by_label("Framework version").select_option("1.1")
    filters.get_by_role("button", name="Show").click()
    page.wait_for_url("**framework=1.1**")
    assert page.locator('tr[data-identifier="ID"][data-year="2022"]').count() == 1
    assert page.locator('tr[data-year="2024"]').count() == 0
    page.get_by_text("this CSF 1.1 view has none").wait_for()

    filters = page.get_by_role("form", name="Choose what the report shows")
    filters.get_by_label("Framework version").select_option("all")
    filters.get_by_label("Peer group").select_option("state")
    filters.get_by_role("button", name="Show").click()
    page.wait_for_url("**peer_group=state**")
    page.get_by_text(f"Peers: Every other agency of {personas.state.name}").wait_for()
    peers = page.locator("#peer-table")
    assert peers.locator('tr[data-identifier="GV"]').inner_text().count("3.00") >= 1

    with page.expect_download() as excel:
        page.locator("#downloads").get_by_role("link", name="Excel").click()
    path = tmp_path / excel.value.suggested_filename
    excel.value.save_as(path)
    assert path.name.endswith(".xlsx")
    workbook = load_workbook(path)
    cells = [
        str(value) for row in workbook.worksheets[0].iter_rows(values_only=True) for value in row
    ]
    assert any(f"Every other agency of {personas.state.name}" in cell for cell in cells)
