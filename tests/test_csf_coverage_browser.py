"""A real headless Chromium journey: a planner opens their system's CSF coverage from the system
page, reads a subcategory's level and its controls, switches to CSF 1.1, then lists the Detect
controls of the system's implementation work list with the CSF function filter."""

import pytest

from rmf.models import ControlSelection, Step
from tests.browser import BROWSER_JOURNEY, sign_in
from tests.test_csf_coverage import assessment, cycle, determine, select

pytestmark = BROWSER_JOURNEY


@pytest.mark.django_db(transaction=True)
def test_planner_reads_the_coverage_and_filters_the_detect_controls(
    page, live_server, catalogs, personas
):
    authorization = cycle(personas.system, Step.ASSESS)
    ControlSelection.objects.create(authorization=authorization, baselines=["LOW"])
    at2 = select(authorization, "at-2", "implemented")
    select(authorization, "at-3", "implemented")
    select(authorization, "si-4", "partial")
    determine(assessment(authorization), at2, "satisfied")
    sign_in(page, live_server, "member")

    page.goto(f"{live_server.url}/systems/{personas.system.pk}/")
    page.get_by_role("link", name="CSF coverage").click()
    page.get_by_role("heading", name="CSF coverage: Traffic Signal Control (TSC)").wait_for()
    row = page.locator("#sub-PR\\.AT-01")
    assert "Implemented, not yet confirmed" in row.inner_text()
    assert "Implemented, assessed satisfied" in row.inner_text()
    assert page.get_by_text("What the coverage levels mean").is_visible()
    page.get_by_role("navigation", name="CSF version").get_by_role("link", name="CSF 1.1").click()
    page.locator("#sub-PR\\.AT-1").wait_for()
    assert "Implemented and confirmed" in page.locator("#sub-PR\\.AT-1").inner_text()

    page.goto(f"{live_server.url}/authorizations/{authorization.pk}/implement/")
    page.get_by_label("CSF 2.0 function").select_option("DE")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**csf_function=DE**")
    worklist = page.locator("table.worklist").inner_text()
    assert "SI-4" in worklist and "AT-2" not in worklist
