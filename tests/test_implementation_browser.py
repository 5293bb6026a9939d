"""A real headless Chromium journey through RMF step 3: a planner filters the work list to the
access controls not documented yet, opens the first, sets its status and roles, writes a
narrative with the parameter values in view, saves and goes on to the next control of the same
list, then goes back to the list and gives two controls a status at once."""

import os
import re

import pytest

from rmf.models import ControlImplementation, ImplementationNarrative
from tests.browser import BROWSER_JOURNEY, sign_in
from tests.test_rmf_cycles import TYPE_LOW, cycle_in_implement

pytestmark = BROWSER_JOURNEY


@pytest.mark.django_db(transaction=True)
def test_a_planner_documents_controls_and_moves_through_the_list(
    page, live_server, catalogs, personas
):
    cycle = cycle_in_implement(personas, types=(TYPE_LOW,))
    sign_in(page, live_server, "member")
    page.goto(f"{live_server.url}/authorizations/{cycle.pk}/")
    page.get_by_role("link", name="Open the implementation work list").click()
    assert page.locator("#overall-status").inner_text() == "0 of 149 (0%)"

    filters = page.get_by_role("search", name="Filter the controls")
    filters.get_by_label("Family").select_option("ac")
    filters.get_by_label("Status").select_option("none")
    filters.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"family=ac&status=none"))
    shown = int(page.locator("#worklist-count").inner_text())
    assert shown == 11  # the AC controls of the LOW baseline

    page.get_by_role("link", name="AC-1", exact=True).click()
    assert page.locator("#position").inner_text() == f"Control 1 of {shown} in your filtered list"
    # The parameter values of the Select step are shown in the statement.
    assert page.get_by_text("value of ac-01_odp.04").first.is_visible()
    page.get_by_label("Implementation status").select_option("implemented")
    page.get_by_label("Responsible roles").fill("CIO office; ISSO")
    page.get_by_label("Narrative for AC-1b.").fill(
        "The CIO designates the ISSO, in the policy's section 2."
    )
    page.get_by_role("button", name="Save and next").click()
    page.get_by_role("status").get_by_text("AC-1 is saved.").wait_for()
    assert page.get_by_role("heading", level=1).inner_text().startswith("AC-2 ")
    # AC-1 left the "not documented" list: AC-2 is now the first of the remaining ones.
    assert (
        page.locator("#position").inner_text() == f"Control 1 of {shown - 1} in your filtered list"
    )

    implementation = ControlImplementation.objects.get(selected_control__control="ac-1")
    assert (implementation.status, implementation.responsible_roles) == (
        "implemented",
        "CIO office; ISSO",
    )
    assert ImplementationNarrative.objects.get().part_id == "ac-1_smt.b"

    page.get_by_role("link", name="Back to the list").click()
    page.wait_for_url(re.compile(r"family=ac&status=none#worklist"))
    page.get_by_label("Tick AC-2", exact=True).check()
    page.get_by_label("Tick AC-3", exact=True).check()
    page.get_by_label("New status").select_option("planned")
    page.get_by_role("button", name="Apply the status").click()
    page.get_by_role("status").get_by_text("2 control(s) are now “Planned”.").wait_for()
    assert int(page.locator("#worklist-count").inner_text()) == shown - 3
    assert ControlImplementation.objects.filter(status="planned").count() == 2
    page.screenshot(
        path=os.path.join(os.environ.get("TMPDIR", "/tmp"), "rmf-implement.png"), full_page=False
    )
