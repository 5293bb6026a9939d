"""A real headless Chromium journey through RMF step 4: the assigned assessor opens AC-2 from the
worklist, reads the system's narratives, records its determinations (one other than satisfied),
saves and moves on to the next control; then opens the finding that followed, rates its
likelihood and impact, and sees the level of risk in the organization's table."""

import os
import re

import pytest

from rmf.models import Determination, Finding
from rmf.selectors.assessment import leaf_objectives
from tests.assessment_steps import plan_approved
from tests.browser import BROWSER_JOURNEY, sign_in
from tests.test_rmf_cycles import cycle_in_assess

pytestmark = BROWSER_JOURNEY


@pytest.mark.django_db(transaction=True)
def test_the_assessor_determines_a_control_and_rates_its_finding(
    page, live_server, catalogs, personas
):
    cycle = cycle_in_assess(personas)
    assessment = plan_approved(personas, cycle)
    first, second = leaf_objectives(["ac-2"])["ac-2"][:2]

    sign_in(page, live_server, "assessor")
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/controls/")
    page.get_by_role("link", name="AC-2", exact=True).click()
    page.get_by_role("heading", level=1).filter(has_text="Account Management").wait_for()
    # The system's narrative of part a., where the assessor determines its objectives.
    narrative = page.locator("form.determinations .narrative").first
    assert narrative.is_visible() and "How the system meets a." in narrative.inner_text()

    result = page.get_by_role("group", name=f"Result of {first.label}", exact=True)
    result.get_by_label("Other than satisfied").check()
    page.get_by_label(f"Note on {first.label}").fill("Six technicians share one account.")
    page.get_by_role("group", name=f"Result of {second.label}", exact=True).get_by_label(
        "Satisfied", exact=True
    ).check()
    page.get_by_role("button", name=re.compile(r"^Save and next control")).click()
    page.get_by_role("status").get_by_text("2 determination(s) of AC-2 saved.").wait_for()
    assert page.get_by_role("heading", level=1).inner_text().startswith("AC-3")
    assert Determination.objects.get(objective=first.pk).result == "other_than_satisfied"
    assert Determination.objects.get(objective=second.pk).updated_by == personas.assessor

    page.get_by_role("link", name="‹ AC-2").click()
    assert "Other than satisfied" in page.locator("#control-result").inner_text()
    page.get_by_role("link", name="F-001").first.click()
    page.get_by_label("Weakness", exact=True).fill("The six field technicians share one account.")
    page.get_by_label("Likelihood", exact=True).select_option("high")
    page.get_by_label("Impact", exact=True).select_option("moderate")
    page.get_by_label("Recommendation", exact=True).fill("Give each technician a named account.")
    page.get_by_role("button", name="Save F-001").click()
    page.get_by_role("status").get_by_text("F-001 is saved.").wait_for()
    assert page.locator("#risk-level").inner_text().startswith("Moderate")
    current = page.locator("#risk-current")
    assert "(this finding)" in current.inner_text()
    assert Finding.objects.get().risk_level == "moderate"
    page.screenshot(
        path=os.path.join(os.environ.get("TMPDIR", "/tmp"), "rmf-assess-finding.png"),
        full_page=True,
    )
