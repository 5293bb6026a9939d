"""A real headless Chromium journey through RMF steps 1 and 2: a planner starts the RMF for a
prepared system and raises an impact level with its reason, the authorizing official approves
the categorization, the planner moves on to Select and creates the control set."""

import os
import re

import pytest

from rmf.models import Authorization, SelectedControl
from tests.browser import BROWSER_JOURNEY, TIMEOUT_MS, sign_in
from tests.test_rmf_pages import JUSTIFICATION, prepare_inventory

pytestmark = BROWSER_JOURNEY


@pytest.mark.django_db(transaction=True)
def test_planner_and_ao_take_a_system_through_categorize_and_select(
    page,
    browser,
    live_server,
    catalogs,
    personas,
):
    prepare_inventory(personas)
    sign_in(page, live_server, "member")
    page.goto(f"{live_server.url}/systems/{personas.system.pk}/")
    page.get_by_role("button", name="Start the RMF").click()
    page.get_by_role("status").get_by_text("has started").wait_for()
    assert page.get_by_text("To move on to Select, still needed:").is_visible()
    cycle = Authorization.objects.get(system=personas.system, is_current=True)

    page.get_by_role("navigation", name="This cycle").get_by_role("link", name="Categorize").click()
    notation = page.locator("#sc-notation")
    assert "(availability, LOW)" in notation.inner_text()
    form = page.get_by_role("form", name=re.compile(r"^Availability of D\.14\.2"))
    form.get_by_label("Impact level").select_option("HIGH")
    form.get_by_label(re.compile(r"^Why does it differ")).fill(JUSTIFICATION)
    form.get_by_role("button", name="Save availability").click()
    page.get_by_role("status").get_by_text("is now High").wait_for()
    assert notation.inner_text() == (
        "SC system = {(confidentiality, LOW), (integrity, MODERATE), (availability, HIGH)}"
    )

    context = browser.new_context()
    official = context.new_page()
    official.set_default_timeout(TIMEOUT_MS)
    sign_in(official, live_server, "authorizing_official")
    official.goto(f"{live_server.url}/authorizations/{cycle.pk}/")
    official.get_by_label("Note for C-3 (optional)").fill("Reviewed with the owner.")
    official.get_by_role("button", name="Approve C-3").click()
    official.get_by_role("status").get_by_text("C-3 is signed off.").wait_for()
    assert official.get_by_text("Reviewed with the owner.").first.is_visible()
    context.close()

    page.goto(f"{live_server.url}/authorizations/{cycle.pk}/")
    page.get_by_role("button", name="Move on to Select").click()
    page.get_by_role("status").get_by_text("moved on to Select").wait_for()
    page.get_by_role("link", name="Open the control selection").click()
    assert page.get_by_text("HIGH baseline: 370 controls").is_visible()
    page.get_by_role("button", name="Create the control set").click()
    page.get_by_role("status").get_by_text("The control set was created from HIGH.").wait_for()
    assert page.locator("#count-active").inner_text() == "370"
    assert SelectedControl.objects.filter(authorization=cycle).count() == 370
    page.screenshot(path=os.path.join(os.environ.get("TMPDIR", "/tmp"), "rmf-select.png"))
