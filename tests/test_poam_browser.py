"""A real headless Chromium journey through POA&M management in the Monitor step: the planner
adds a weakness found by a scan, then completes it with the scan report from the evidence
library; the item's history shows both, and the organization's list finds it by its status."""

import os

import pytest

from rmf.models import PoamItem
from rmf.services.implementation import evidence_link_create
from tests.authorize_steps import cycle_in_monitor
from tests.browser import BROWSER_JOURNEY, sign_in

pytestmark = BROWSER_JOURNEY


@pytest.mark.django_db(transaction=True)
def test_planner_adds_a_weakness_and_completes_it_with_evidence(
    page, live_server, catalogs, personas
):
    cycle = cycle_in_monitor(personas)
    evidence_link_create(
        actor=personas.member,
        organization=personas.agency,
        title="Console scan after the fix",
        url="https://files.example.gov/console-scan.pdf",
    )
    sign_in(page, live_server, "member")
    page.goto(f"{live_server.url}/authorizations/{cycle.pk}/poam/")
    page.get_by_text("Add a weakness by hand").click()
    form = page.get_by_role("form", name="New POA&M item")
    form.get_by_label("Weakness").fill("The signal controllers' console accepts default passwords.")
    form.get_by_label("Where it was found").fill("Vulnerability scan of March")
    form.get_by_label("Level of risk").select_option("high")
    form.get_by_label("Point of contact").fill("Signal shop lead")
    form.get_by_label("Scheduled completion").fill("2099-01-31")
    form.get_by_role("button", name="Add the item").click()
    page.get_by_role("status").get_by_text("POAM-003 is added to the POA&M.").wait_for()

    complete = page.get_by_role("form", name="Complete with evidence")
    complete.get_by_label("Console scan after the fix").check()
    complete.get_by_label("What was done").fill("Passwords changed on every controller.")
    complete.get_by_role("button", name="Complete POAM-003").click()
    page.get_by_role("status").get_by_text("POAM-003 is completed.").wait_for()
    assert page.locator("#item-status").inner_text() == "Completed"
    history = page.get_by_role("table", name="Changes to POAM-003 and its milestones")
    assert history.get_by_text("Completed with evidence").is_visible()
    assert history.get_by_text("Added by hand").is_visible()
    assert PoamItem.objects.get(authorization=cycle, number=3).closed_by == personas.member

    page.goto(f"{live_server.url}/organizations/{personas.agency.pk}/poam/?status=completed")
    row = page.get_by_role("row", name="POAM-003")
    assert row.get_by_text("Completed").is_visible()
    page.screenshot(path=os.path.join(os.environ.get("TMPDIR", "/tmp"), "rmf-poam.png"))
