"""Real headless Chromium journeys: sign in, browse the catalogs, manage a role."""

import os

import pytest

from tests.browser import BROWSER_JOURNEY, sign_in

pytestmark = BROWSER_JOURNEY


@pytest.mark.django_db(transaction=True)
def test_planner_browses_controls_and_csf(page, live_server, catalogs, personas):
    sign_in(page, live_server, "member")
    assert "Department of Transportation" in page.content()

    page.get_by_role("link", name="SP 800-53 controls").first.click()
    page.get_by_role("link", name="AC", exact=False).first.wait_for()
    page.goto(f"{live_server.url}/catalog/controls/?q=account+management&baseline=HIGH")
    page.get_by_role("link", name="AC-2", exact=False).first.click()
    page.wait_for_url("**/catalog/controls/ac-2/")
    body = page.content()
    assert "Account Management" in body
    assert "AC-02a.[01]" in body  # an SP 800-53A objective
    assert "EXAMINE" in body
    assert "organization-defined" in body  # parameters rendered inline

    page.goto(f"{live_server.url}/csf/2.0/")
    assert "GOVERN" in page.content().upper()
    page.screenshot(path=os.path.join(os.environ.get("TMPDIR", "/tmp"), "csf-functions.png"))


@pytest.mark.django_db(transaction=True)
def test_administrator_grants_a_role_and_sees_it_audited(page, live_server, personas):
    sign_in(page, live_server, "admin")
    page.goto(f"{live_server.url}/organizations/{personas.agency.pk}/")
    page.get_by_label("Username").fill("nobody-here")
    page.get_by_label("Role").select_option("viewer")
    page.get_by_role("button", name="Grant role").click()
    assert page.get_by_text("No account is named").is_visible()  # error next to the field

    page.get_by_label("Username").fill("outsider")
    page.get_by_label("Role").select_option("viewer")
    page.get_by_role("button", name="Grant role").click()
    page.get_by_role("status").get_by_text("was granted").wait_for()
    assert page.get_by_role("cell", name="outsider", exact=False).first.is_visible()

    page.get_by_role("link", name="Audit trail").click()
    assert page.get_by_role("cell", name="membership_grant").first.is_visible()
