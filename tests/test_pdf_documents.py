"""The package's PDF documents, one by one: the system security plan with SP 800-18's contents,
the security assessment report, the POA&M and the authorization decision letter (refused before
a decision is signed), built from the data through the registry, with their progress reported
for background jobs. The HTML is checked for content; the short documents are laid out to check
pages, running headers and that no text is cut off."""

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from assets.models import System
from assets.services import system_update
from rmf.documents import document_render, document_spec
from rmf.documents.pdf.documents import decision_html, poam_html, sar_html, ssp_html
from rmf.models import Designation, PoamItem, SelectedControl
from rmf.selectors.pdf_documents import laws_of
from rmf.selectors.workflow import categorizations_bulk
from rmf.services.selection import control_allocate, control_tailor_remove
from tests.assessment_steps import control
from tests.authorize_steps import cycle_in_authorize, cycle_in_monitor, ready_to_sign, sign
from tests.pdf_pages import laid_out, margin_text, overflowing, page_text
from tests.test_rmf_cycles import complete_selection, cycle_in_assess, cycle_in_select
from workbench.exports import PDF_TYPE


def test_every_pdf_is_registered_with_its_progress_and_the_long_ones_in_the_background():
    expected = {"ssp": True, "sar": True, "poam": False, "decision-letter": False, "package": True}
    for kind, background in expected.items():
        spec = document_spec(kind, "pdf")
        assert spec is not None, kind
        assert spec.background is background, kind
        assert spec.progress_render is not None, kind


def test_the_security_plan_follows_sp_800_18(personas):
    provider_cycle = cycle_in_assess(personas, personas.sibling_system)
    authorization = complete_selection(personas, cycle_in_select(personas, pii=True))
    control_tailor_remove(
        actor=personas.member,
        selected_control=control(authorization, "pe-8"),
        kind=SelectedControl.Tailoring.SCOPED_OUT,
        rationale="No visitors reach the controllers' cabinets.",
    )
    control_allocate(
        actor=personas.member,
        authorization=authorization,
        selected_ids=[control(authorization, "ac-2").pk],
        designation=Designation.COMMON,
        provider=personas.sibling_system,
    )
    provided = provider_cycle.selected_controls.get(control="ac-2").implementation
    provided_text = provided.narratives.get(part="ac-2_smt.a").text

    html = ssp_html(authorization)
    system = System.objects.get(pk=personas.system.pk)
    for heading in (
        "1. System identification",
        "2. Security categorization",
        "3. Responsible people and contacts",
        "4. System description and purpose",
        "5. Environment and authorization boundary",
        "6. System components",
        "7. Interconnections",
        "8. Laws, regulations and standards",
        "9. Control set and tailoring",
        "10. Control implementation",
    ):
        assert heading in html, heading
    assert system.name in html and system.organization.name in html
    assert system.system_owner.get_full_name() in html
    assert system.authorizing_official.get_full_name() in html
    # The information types with their SP 800-60 identifiers and the levels they give.
    assert "C.2.5.1" in html
    # Processing personal information brings the privacy laws.
    assert "Privacy Act of 1974" in html and "E-Government Act of 2002" in html
    # The tailoring decision with its rationale; the removed control has no section.
    assert "Removed: scoping (does not apply)" in html
    assert "No visitors reach the controllers&#x27; cabinets." in html
    assert 'id="control-pe-8"' not in html
    # The inherited control: its designation, provider and the provider's narrative.
    ac2 = html[html.index('id="control-ac-2"') : html.index('id="control-ac-3"')]
    assert "Common (inherited), provided by Vehicle Registration (VRS)" in ac2
    assert provided_text in ac2
    # Every statement part has its requirement and says when no narrative is written yet.
    assert "No implementation narrative written yet." in html
    assert (
        html.count('class="control"')
        == SelectedControl.objects.filter(
            authorization=authorization, tailoring__in=["baseline", "added"]
        ).count()
    )


def test_the_plan_lists_the_organizations_laws_first_then_the_derived_ones(personas):
    authorization = complete_selection(personas, cycle_in_select(personas, pii=True))
    system = system_update(
        actor=None,
        system=authorization.system,
        laws_regulations="State data breach notification law\n\n"
        "  privacy act of 1974 (5 u.s.c. 552a)  \nCity IT security policy 4.2",
    )
    categorization = categorizations_bulk([authorization])[authorization.pk]
    laws = laws_of(system, categorization)
    named = "Named by the organization."
    pii = "The system processes personally identifiable information."
    assert [(law.name, law.why) for law in laws] == [
        ("State data breach notification law", named),
        ("privacy act of 1974 (5 u.s.c. 552a)", named),  # the derived one is not repeated
        ("City IT security policy 4.2", named),
        ("E-Government Act of 2002, section 208 (privacy impact assessment)", pii),
    ]
    html = ssp_html(authorization)
    laws_part = html[html.index('id="ssp-laws"') : html.index('id="ssp-control-set"')]
    assert laws_part.count(named) == 3
    assert "City IT security policy 4.2" in laws_part
    assert "Privacy Act of 1974 (5 U.S.C. 552a)" not in laws_part
    assert "named by the organization come from the system's inventory record" in laws_part
    system_update(actor=None, system=system, laws_regulations="")
    html = ssp_html(authorization)
    laws_part = html[html.index('id="ssp-laws"') : html.index('id="ssp-control-set"')]
    assert named not in laws_part and "Privacy Act of 1974 (5 U.S.C. 552a)" in laws_part
    assert "The organization has named no law, regulation or policy of its own" in laws_part


def test_the_plan_refuses_before_the_control_set(personas):
    authorization = cycle_in_select(personas)
    with pytest.raises(ValidationError, match="select the control set"):
        ssp_html(authorization)


def test_the_assessment_report_has_scope_results_and_findings(personas):
    authorization = cycle_in_authorize(personas)
    html = sar_html(authorization)
    for heading in ("1. Scope", "2. Assessors", "3. Methods", "4. Summary of results"):
        assert heading in html
    assert "5. Findings" in html and "7. Results per assessment objective" in html
    assert personas.assessor.get_full_name() in html
    # Two findings (AC-2 and IA-5), rated, with recommendations and the AO's response.
    assert "F-001" in html and "F-002" in html
    assert "Account Management" in html and "Authenticator Management" in html
    assert html.count('class="finding"') == 2
    assert "AC Access Control" in html  # the summary per family
    # Every objective of every control in scope has its row.
    assert html.count('<tr class="result-') >= 900
    assert html.count('<tr class="result-other_than_satisfied"') == 2


def test_the_poam_pdf_with_progress_pages_and_no_text_cut_off(personas):
    authorization = cycle_in_authorize(personas)
    item = PoamItem.objects.filter(authorization=authorization).order_by("number").first()
    # A word longer than the page is wide (a pasted link) wraps instead of running off.
    PoamItem.objects.filter(pk=item.pk).update(
        weakness="See https://" + "x" * 400 + " for the scan.",
        resources="Two days of the network team.",
    )
    notes = []
    spec = document_spec("poam", "pdf")
    with override_settings(WORKBENCH_MARKING=""):
        filename, content_type, body = spec.progress_render(
            authorization, lambda percent, note: notes.append((percent, note))
        )
        html = poam_html(authorization)
    assert filename == "TSC-cycle1-poam.pdf" and content_type == PDF_TYPE
    assert body.startswith(b"%PDF-")
    percents = [percent for percent, _ in notes]
    assert percents == sorted(percents) and percents[-1] == 100
    assert notes[-1][1].startswith("Done")

    assert "POAM-001" in html and "POAM-002" in html
    assert "Two days of the network team." in html
    for label in ("Weakness", "Source", "Point of contact", "Resources required", "Milestones"):
        assert label in html
    assert "Scheduled completion" in html
    document = laid_out(html)
    pages = len(document.pages)
    for number, page in enumerate(document.pages, start=1):
        header = margin_text(page)
        assert f"Page {number} of {pages}" in header
        assert "Traffic Signal Control (TSC)" in header
        assert "CUI" not in header  # no marking configured
        assert overflowing(page) == []
    assert "Plan of Action and Milestones" in page_text(document.pages[0])


def test_the_decision_letter_is_refused_before_a_decision_is_signed(personas):
    authorization = ready_to_sign(personas, cycle_in_authorize(personas))
    with pytest.raises(ValidationError, match="no decision signed yet"):
        document_render(authorization, "decision-letter", "pdf")


def test_the_decision_letter_gives_the_decision_and_the_package_hash(personas):
    authorization = cycle_in_monitor(personas, kind="ato_conditions", days=180)
    decision = authorization.decision
    with override_settings(WORKBENCH_MARKING="For official use only"):
        html = decision_html(authorization)
        filename, content_type, body = document_render(authorization, "decision-letter", "pdf")
    assert filename == "TSC-cycle1-decision-letter.pdf" and body.startswith(b"%PDF-")
    assert "Authorization to operate with conditions" in html
    assert "Quarterly vulnerability scans reported to the AO." in html
    assert "Operation within the boundary described in the security plan." in html
    assert decision.signer_name in html
    assert decision.termination_date.strftime("%B %-d, %Y") in html
    assert decision.content_hash in html
    assert "The package is unchanged since the signature." in html
    document = laid_out(html)
    assert len(document.pages) == 1
    header = margin_text(document.pages[0])
    assert header.count("For official use only") == 2  # top and bottom
    assert "Page 1 of 1" in header and "Authorization Decision Letter" in header

    # The package changes after signing: the letter still gives the signed hash, and says so.
    PoamItem.objects.filter(authorization=authorization).update(resources="A new contractor.")
    html = decision_html(authorization)
    assert decision.content_hash in html
    assert "The package has changed since the signature" in html


def test_signing_with_denial_says_the_system_may_not_operate(personas):
    authorization = ready_to_sign(personas, cycle_in_authorize(personas))
    sign(personas, authorization, kind="denial")
    html = decision_html(authorization)
    assert "Denial of authorization" in html
    assert "authorization to operate is denied" in html
