"""A real headless Chromium journey through a CSF self-assessment: a planner resumes the
assessment at the one category left, scores a subcategory and saves, comes back to find it as
saved, finishes the category, submits; the agency's administrator approves it."""

import pytest

from csf.models import CsfAnswer, CsfAssessment
from tests.browser import BROWSER_JOURNEY, sign_in
from tests.csf_assessment_steps import complete, start

pytestmark = BROWSER_JOURNEY


@pytest.mark.django_db(transaction=True)
def test_a_planner_fills_a_category_and_submits_an_administrator_approves(
    page, live_server, catalogs, personas
):
    assessment = complete(personas, start(personas, year=2025))
    CsfAnswer.objects.filter(
        assessment=assessment, subcategory__parent__identifier="PR.AT"
    ).delete()
    overview = f"{live_server.url}/csf/assessments/{assessment.pk}/"

    sign_in(page, live_server, "member")
    page.goto(overview)
    page.get_by_role("link", name="Continue with PR.AT").click()
    page.get_by_role("heading", name="PR.AT Awareness and Training").wait_for()
    first = page.get_by_role("region", name="PR.AT-01")
    first.get_by_label("5 · Implemented").check()
    first.get_by_label("Comment").fill("Yearly security awareness course for all staff")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_role("status").get_by_text(
        "PR.AT is saved: 1 of 2 subcategories scored."
    ).wait_for()

    # Resume later: what was saved is there, the category is still the one to continue with.
    page.goto(overview)
    page.get_by_role("link", name="Continue with PR.AT").click()
    first = page.get_by_role("region", name="PR.AT-01")
    assert first.get_by_label("5 · Implemented").is_checked()
    assert first.get_by_label("Comment").input_value().startswith("Yearly security awareness")
    page.get_by_role("region", name="PR.AT-02").get_by_label("3 · Documented").check()
    page.get_by_role("button", name="Save and go to next category (PR.DS)").click()
    page.get_by_role("heading", name="PR.DS Data Security").wait_for()

    page.goto(overview)
    page.get_by_role("button", name="Submit for review").click()
    page.get_by_role("status").get_by_text("The assessment is submitted.").wait_for()

    page.context.clear_cookies()
    sign_in(page, live_server, "admin")
    page.goto(overview)
    page.get_by_label("Remark (optional)").fill("Clear and well evidenced.")
    page.get_by_role("button", name="Approve the assessment").click()
    page.get_by_role("status").get_by_text("The assessment is approved").wait_for()
    assert page.get_by_text("Approved: this assessment is kept as it is.").is_visible()
    assessment.refresh_from_db()
    assert assessment.status == CsfAssessment.Status.APPROVED
    assert assessment.answers.get(subcategory__identifier="PR.AT-02").score == 3
