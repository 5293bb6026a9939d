"""Real headless Chromium journeys: sign in, browse the catalogs, manage a role."""

import os
import shutil

import pytest

from tests.factories import PASSWORD

CHROMIUM = os.environ.get("WORKBENCH_CHROMIUM", "/usr/bin/chromium")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM),
        reason="Debian's chromium is installed by the test command",
    ),
]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")


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
