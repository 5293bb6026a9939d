"""A real headless Chromium journey through M-1: a planner of an authorized system opens the
Monitor page from the cycle, records a change to the system, and writes its security impact
analysis (minor, naming the control it touches)."""

import pytest
from django.utils import timezone

from rmf.models import ChangeRecord
from tests.authorize_steps import cycle_in_monitor
from tests.browser import BROWSER_JOURNEY, sign_in

pytestmark = BROWSER_JOURNEY


@pytest.mark.django_db(transaction=True)
def test_planner_records_a_change_and_its_analysis(page, live_server, catalogs, personas):
    cycle = cycle_in_monitor(personas)
    sign_in(page, live_server, "member")
    page.goto(f"{live_server.url}/authorizations/{cycle.pk}/")
    page.get_by_role("navigation", name="This cycle").get_by_role("link", name="6. Monitor").click()
    page.get_by_role("heading", name="Step 6, Monitor: Traffic Signal Control").wait_for()
    assert page.get_by_role("cell", name="No change recorded in this cycle.").is_visible()

    page.get_by_text("Record a change", exact=True).click()
    page.get_by_label("What changed, in a few words").fill("New firewall at the TMC")
    page.get_by_label("Kind of change").select_option("hardware")
    page.get_by_label("Description").fill("The perimeter firewall is replaced by a newer model.")
    page.get_by_label("Date of the change").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Record the change").click()
    page.get_by_role("status").get_by_text("CHG-001 is recorded").wait_for()
    assert page.get_by_role("heading", name="CHG-001: New firewall at the TMC").is_visible()

    analysis = page.locator("#analysis-form")
    analysis.get_by_label("Minor: handled within the current authorization").check()
    analysis.get_by_label("Security impact analysis").fill(
        "The rules are carried over unchanged; the boundary protection is re-checked."
    )
    analysis.get_by_label("Or type their identifiers").fill("SC-7")
    analysis.get_by_role("button", name="Record the analysis").click()
    page.get_by_role("status").get_by_text("The analysis of CHG-001 is recorded.").wait_for()
    result = page.locator("#analysis-result")
    assert "SC-7" in result.inner_text() and "Minor" in result.inner_text()
    change = ChangeRecord.objects.get()
    assert change.impact == "minor" and change.new_cycle is None

    page.get_by_role("link", name="Back to the Monitor page").click()
    row = page.get_by_role("row", name="CHG-001 New firewall at the TMC")
    assert "SC-7" in row.inner_text()
