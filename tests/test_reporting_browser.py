"""A real headless Chromium journey through the reporting pages: the authorizing official of
the city opens the dashboard from the main navigation, follows the number of expired
authorizations to the list behind it, filters it by expiry window with the keyboard-usable
form, and opens an expired system's page where the expiry is said prominently."""

import re

import pytest

from tests.browser import BROWSER_JOURNEY, sign_in
from tests.reporting_steps import Kind, agency_systems, decide

pytestmark = BROWSER_JOURNEY


@pytest.mark.django_db(transaction=True)
def test_the_official_follows_the_dashboard_to_the_expired_systems(
    page, live_server, catalogs, personas
):
    expired, soon, later = agency_systems(personas, 3)
    (fleet,) = agency_systems(personas, 1, organization=personas.sibling_agency, prefix="Fleet")
    decide(personas, expired, days=365, signed_days_ago=372, step="monitor")
    decide(personas, soon, Kind.ATO_WITH_CONDITIONS, days=21, step="monitor")
    decide(personas, later, days=200, step="monitor")
    decide(personas, fleet, days=55, step="monitor")

    sign_in(page, live_server, "authorizing_official")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    page.get_by_role("heading", name="Dashboard of Example City").wait_for()
    tile = page.locator("#tile-expired")
    assert tile.locator(".tile-number").inner_text() == "1"
    assert page.locator("#tile-expiring-60 .tile-number").inner_text() == "2"
    assert page.locator("#step-monitor").inner_text() == "4"

    tile.click()
    page.get_by_role("heading", name="Authorizations of Example City").wait_for()
    rows = page.locator("table.authorizations tbody tr")
    assert rows.count() == 1
    assert "ended" in rows.first.inner_text() and "7 days ago" in rows.first.inner_text()

    page.get_by_label("Authorization state").select_option("")
    page.get_by_label("Ends within").select_option("60")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"expiring=60"))
    names = page.locator("table.authorizations tbody th").all_inner_texts()
    assert [name.split()[:3] for name in names] == [
        ["Parking", "sensors", "1"],
        ["Fleet", "sensors", "0"],
    ]

    page.goto(f"{live_server.url}/systems/{expired.pk}/")
    alert = page.get_by_role("alert")
    assert "expired on" in alert.inner_text() and "7 days ago" in alert.inner_text()
