"""A real headless Chromium journey through the Authorize step: the system's authorizing official
reads the risk, records the risk determination, signs the decision with their password and sees
the package's fingerprint stored with it."""

import os

import pytest

from rmf.models import AuthorizationDecision, Finding, RiskDetermination
from rmf.services.authorize import risk_response_record
from rmf.services.workflow import task_signoff
from tests.authorize_steps import cycle_in_authorize
from tests.browser import BROWSER_JOURNEY, sign_in
from tests.factories import PASSWORD

pytestmark = BROWSER_JOURNEY


@pytest.mark.django_db(transaction=True)
def test_the_authorizing_official_determines_the_risk_and_signs(
    page, live_server, catalogs, personas
):
    cycle = cycle_in_authorize(personas)
    task_signoff(actor=personas.member, authorization=cycle, task="R-1", note="Ready.")
    for finding in Finding.objects.filter(assessment__authorization=cycle):
        risk_response_record(
            actor=personas.authorizing_official,
            finding=finding,
            response="mitigate",
            rationale="POA&M item within 90 days.",
        )

    sign_in(page, live_server, "authorizing_official")
    page.goto(f"{live_server.url}/authorizations/{cycle.pk}/authorize/")
    page.get_by_role("link", name="Risk determination and response (R-2, R-3)").click()
    assert page.locator("#risk-by-csf_function").get_by_text("PR Protect").is_visible()
    form = page.get_by_role("form", name="Record the risk determination")
    form.get_by_label("Risk of operating the system").select_option("moderate")
    form.get_by_label("Rationale").fill("Two account weaknesses, both planned in the POA&M.")
    form.get_by_role("button", name="Record the determination").click()
    page.get_by_role("status").get_by_text("The risk determination is recorded (R-2).").wait_for()
    assert RiskDetermination.objects.get(authorization=cycle).risk_level == "moderate"

    page.get_by_role("link", name="Go on to the authorization decision").click()
    form = page.get_by_role("form", name="Sign the decision (R-4)")
    assert form.get_by_label("Authorization to operate", exact=True).is_checked()
    form.get_by_label("Terms and conditions of operation").fill("Within the plan's boundary.")
    form.get_by_label("Your password").fill("not my password")
    form.get_by_role("button", name="Sign the decision").click()
    page.locator("p.error").get_by_text("The password is not right").wait_for()
    assert not AuthorizationDecision.objects.exists()
    form = page.get_by_role("form", name="Sign the decision (R-4)")
    form.get_by_label("Your password").fill(PASSWORD)
    form.get_by_role("button", name="Sign the decision").click()
    page.get_by_role("status").get_by_text("You signed the decision").wait_for()
    decision = AuthorizationDecision.objects.get(authorization=cycle)
    assert page.locator("#content-hash").inner_text() == decision.content_hash
    assert page.get_by_text("The package is as it was signed.").is_visible()
    assert not page.get_by_role("button", name="Sign the decision").count()
    page.screenshot(path=os.path.join(os.environ.get("TMPDIR", "/tmp"), "rmf-decision.png"))
