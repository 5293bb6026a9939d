"""The CSF assessment pages: an organization's list and start form, the overview (progress,
scores with their rule, tiers, submit / approve / return, history), the one-category form
(everything typed kept when a save is refused, errors next to the subcategory), the maturity
scale page; who sees what; a constant number of queries whatever the assessment's state."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from assets.models import System
from csf.models import CsfAnswer, CsfAssessment, CsfMaturityLabel, CsfTier
from csf.scoring import RULE
from csf.services.assessments import (
    csf_answers_save,
    csf_assessment_return,
    csf_assessment_submit,
)
from tests.csf_assessment_steps import answer_all, approved, complete, start, submitted
from tests.factories import make_system
from tests.test_rmf_cycles import cycle_in_select

pytestmark = pytest.mark.django_db

Status = CsfAssessment.Status
DRAFT_READERS = ("member", "admin")  # the planners and the reviewers of the agency
APPROVED_ONLY = ("viewer", "authorizing_official")
STRANGERS = ("sibling", "outsider", "assessor")


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


def body(response) -> str:
    return response.content.decode()


def category_url(assessment, identifier: str) -> str:
    return reverse("csf:assessment_category", args=[assessment.pk, identifier])


# ----------------------------------------------------------------------------- the list


def test_the_list_by_persona(client, personas):
    approved(personas, year=2024)
    start(personas, year=2025)
    url = reverse("csf:organization_assessments", args=[personas.agency.pk])
    for name in DRAFT_READERS + APPROVED_ONLY:
        response = get(client, getattr(personas, name), url)
        assert response.status_code == 200, name
        page = body(response)
        assert ">2024</a>" in page, name
        assert (">2025</a>" in page) == (name in DRAFT_READERS), name
        assert ('id="start"' in page) == (name == "member"), name
    for name in STRANGERS:
        assert get(client, getattr(personas, name), url).status_code == 404, name
    client.logout()
    assert client.get(url).status_code == 302


def test_the_organization_page_links_the_assessments(client, personas):
    page = body(
        get(
            client,
            personas.viewer,
            reverse("assets:organization_detail", args=[personas.agency.pk]),
        )
    )
    assert reverse("csf:organization_assessments", args=[personas.agency.pk]) in page


def test_a_planner_starts_a_blank_assessment(client, personas):
    client.force_login(personas.member)
    url = reverse("csf:organization_assessments", args=[personas.agency.pk])
    response = client.post(url, {"year": "2025", "framework": "2.0", "start": "blank"})
    assessment = CsfAssessment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("csf:assessment", args=[assessment.pk])
    assert (assessment.year, assessment.framework, assessment.origin) == (2025, "2.0", "blank")


def test_the_start_form_keeps_what_was_chosen_and_says_what_is_wrong(client, personas):
    last_year = start(personas, year=2024, framework="1.1")
    client.force_login(personas.member)
    url = reverse("csf:organization_assessments", args=[personas.agency.pk])
    response = client.post(
        url, {"year": "2025", "framework": "2.0", "start": "copy", "source": str(last_year.pk)}
    )
    assert response.status_code == 400
    page = body(response)
    assert "The 2024 assessment uses CSF 1.1: copy one in CSF 2.0" in page
    assert 'value="2025"' in page
    response = client.post(url, {"year": "2024", "framework": "2.0", "start": "blank"})
    assert response.status_code == 400
    assert "already has a CSF assessment for 2024" in body(response)
    assert CsfAssessment.objects.count() == 1
    response = client.post(
        url, {"year": "2025", "framework": "2.0", "start": "carry", "source": str(last_year.pk)}
    )
    assert response.status_code == 302
    assert CsfAssessment.objects.get(year=2025).origin == "crosswalk"


def test_only_planners_start(client, personas):
    url = reverse("csf:organization_assessments", args=[personas.agency.pk])
    for name in ("admin", "viewer"):
        client.force_login(getattr(personas, name))
        response = client.post(url, {"year": "2025", "framework": "2.0", "start": "blank"})
        assert response.status_code == 404, name
    assert not CsfAssessment.objects.exists()


# ----------------------------------------------------------------------------- the overview


def test_the_overview_shows_progress_scores_and_the_rule(client, personas):
    assessment = start(personas)
    csf_answers_save(
        actor=personas.member,
        assessment=assessment,
        answers=[("GV.OC-01", 2, "", ""), ("GV.OC-02", 5, "", ""), ("PR.AT-01", 4, "", "")],
    )
    page = body(get(client, personas.member, reverse("csf:assessment", args=[assessment.pk])))
    assert "3 of 106" in page  # the whole assessment
    assert "2 of 5" in page  # GV.OC
    assert escape(RULE) in page
    # GV.OC = 3.5, GV = 3.5, PR.AT = 4.0, PR = 4.0, overall = (3.5 + 4) / 2 = 3.75 -> 3.8
    assert 'id="overall-score"><strong>3.8</strong>' in page
    assert 'id="tiers-form"' in page and 'id="still-missing"' in page
    assert "Continue with GV.OC" in page
    assert category_url(assessment, "PR.AT") in page


def test_the_overview_by_persona(client, personas):
    draft = start(personas, year=2025)
    done = approved(personas, year=2024)
    for name in DRAFT_READERS:
        assert (
            get(
                client, getattr(personas, name), reverse("csf:assessment", args=[draft.pk])
            ).status_code
            == 200
        )
    for name in APPROVED_ONLY + STRANGERS:
        user = getattr(personas, name)
        assert get(client, user, reverse("csf:assessment", args=[draft.pk])).status_code == 404
        expected = 200 if name in APPROVED_ONLY else 404
        assert get(client, user, reverse("csf:assessment", args=[done.pk])).status_code == expected
    page = body(get(client, personas.viewer, reverse("csf:assessment", args=[done.pk])))
    assert "Approved: this assessment is kept as it is." in page
    assert 'id="tiers-form"' not in page and "Submit for review</button>" not in page
    assert "Tier 2: Risk Informed" in page
    history = page[page.index('id="history-table"') :]
    assert (
        history.index("Started") < history.index("Submitted for review") < history.index("Approved")
    )


def test_submit_from_the_page_lists_what_is_missing(client, personas):
    assessment = start(personas)
    answer_all(personas, assessment)
    client.force_login(personas.member)
    response = client.post(
        reverse("csf:assessment_submit", args=[assessment.pk]), {"expected_version": "1"}
    )
    assert response.status_code == 400
    assert "The assessment was not submitted." in body(response)
    assert "Choose the implementation tier of every function" in body(response)
    client.post(
        reverse("csf:assessment_tiers", args=[assessment.pk]),
        {f"tier_{f}": "3" for f in ("GV", "ID", "PR", "DE", "RS", "RC")} | {"rationale_GV": "Ok"},
    )
    assert CsfTier.objects.filter(assessment=assessment, tier=3).count() == 6
    response = client.post(
        reverse("csf:assessment_submit", args=[assessment.pk]), {"expected_version": "1"}
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == Status.SUBMITTED


def test_the_tiers_form_shows_its_errors(client, personas):
    assessment = start(personas)
    client.force_login(personas.member)
    url = reverse("csf:assessment_tiers", args=[assessment.pk])
    response = client.post(url, {"tier_GV": "2", "tier_ID": "7"})
    assert response.status_code == 400
    assert "Choose a tier from 1 to 4." in body(response)
    response = client.post(url, {"tier_GV": "", "rationale_GV": "Council approved the policy"})
    assert response.status_code == 400
    page = body(response)
    assert "Choose the tier of GV that the rationale explains" in page
    assert "Council approved the policy" in page
    assert not CsfTier.objects.exists()


def test_a_reviewer_returns_with_a_note_then_approves(client, personas):
    assessment = submitted(personas)
    url = reverse("csf:assessment", args=[assessment.pk])
    page = body(get(client, personas.admin, url))
    assert "Approve the assessment" in page and "Return to the planners" in page
    assert "Approve the assessment" not in body(get(client, personas.member, url))
    client.force_login(personas.admin)
    response = client.post(
        reverse("csf:assessment_return", args=[assessment.pk]),
        {"note": "", "expected_version": "2"},
    )
    assert response.status_code == 400
    assert "the note is required" in body(response)
    response = client.post(
        reverse("csf:assessment_return", args=[assessment.pk]),
        {"note": "Add evidence for PR.AA", "expected_version": "2"},
    )
    assert response.status_code == 302
    page = body(get(client, personas.member, url))
    assert "Returned for changes." in page and "Add evidence for PR.AA" in page
    csf_assessment_submit(actor=personas.member, assessment=assessment)
    client.force_login(personas.admin)
    stale = client.post(
        reverse("csf:assessment_approve", args=[assessment.pk]), {"expected_version": "2"}
    )
    assert stale.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == Status.SUBMITTED  # the stale approval changed nothing
    assert "Someone else changed this assessment" in body(client.get(url))
    client.post(reverse("csf:assessment_approve", args=[assessment.pk]), {"expected_version": "4"})
    assessment.refresh_from_db()
    assert assessment.status == Status.APPROVED


def test_planners_cannot_review(client, personas):
    assessment = submitted(personas)
    client.force_login(personas.member)
    response = client.post(reverse("csf:assessment_approve", args=[assessment.pk]), {})
    assert response.status_code == 404
    assessment.refresh_from_db()
    assert assessment.status == Status.SUBMITTED


# ----------------------------------------------------------------------------- the category form


def test_the_category_form_is_made_for_planners(client, personas):
    cycle_in_select(personas)  # the agency's system has RMF work: the hint counts it
    CsfMaturityLabel.objects.create(
        organization=personas.agency, level=5, label="In place", description="Everywhere, checked."
    )
    assessment = start(personas)
    response = get(client, personas.member, category_url(assessment, "PR.AA"))
    assert response.status_code == 200
    page = body(response)
    assert "Identities and credentials for authorized users, services, and hardware" in page
    assert "Implementation examples" in page
    assert (
        "SP 800-53 controls that address it" in page
        and reverse("rmf:control_detail", args=["ac-2"]) in page
    )
    assert "From your RMF work:" in page and "of 1 system" in page
    assert "5 · In place" in page and "Everywhere, checked." in page
    assert "Nobody does this today" in page  # level 1's default description
    assert 'name="PR.AA-01-score"' in page and 'name="PR.AA-01-evidence"' in page
    assert "Save and go to next category (PR.AT)" in page
    assert "category 10 of 22" in page


def test_saving_a_category_and_going_to_the_next(client, personas):
    assessment = start(personas)
    client.force_login(personas.member)
    url = category_url(assessment, "PR.AT")
    response = client.post(
        url,
        {
            "PR.AT-01-score": "5",
            "PR.AT-01-comment": "Yearly training for everyone",
            "PR.AT-01-evidence": "LMS report",
            "PR.AT-02-score": "",
            "PR.AT-02-comment": "IT staff only",
            "then": "next",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == category_url(assessment, "PR.DS")
    answers = {
        a.subcategory.identifier: a for a in assessment.answers.select_related("subcategory")
    }
    assert answers["PR.AT-01"].score == 5 and answers["PR.AT-01"].evidence == "LMS report"
    assert answers["PR.AT-02"].score is None and answers["PR.AT-02"].comment == "IT staff only"
    page = body(client.get(url))
    assert "Yearly training for everyone" in page and "IT staff only" in page
    assert 'value="5" checked' in page
    response = client.post(url, {"PR.AT-01-score": "5", "then": "stay"})
    assert response["Location"] == url
    last = category_url(assessment, "RC.CO")
    response = client.post(last, {"then": "next"})
    assert response["Location"] == reverse("csf:assessment", args=[assessment.pk])


def test_a_refused_save_keeps_everything_typed_and_writes_nothing(client, personas):
    assessment = start(personas)
    client.force_login(personas.member)
    url = category_url(assessment, "PR.AT")
    response = client.post(
        url,
        {
            "PR.AT-01-score": "9",
            "PR.AT-01-comment": "Typed with care",
            "PR.AT-02-score": "3",
            "PR.AT-02-evidence": "Training plan",
        },
    )
    assert response.status_code == 400
    page = body(response)
    assert "Nothing was saved." in page
    assert "Choose a maturity level from 1 to 7." in page
    assert "Typed with care" in page and "Training plan" in page
    assert 'id="id_PR.AT-02-score_3" value="3" checked' in page
    assert not CsfAnswer.objects.exists()


def test_a_save_refused_by_the_service_keeps_what_was_typed(client, personas):
    assessment = submitted(personas)
    client.force_login(personas.admin)
    assert "Maturity of PR.AT-01" not in body(client.get(category_url(assessment, "PR.AT")))
    client.force_login(personas.member)
    url = category_url(assessment, "PR.AT")
    assert "Maturity of PR.AT-01" not in body(client.get(url))  # submitted: read-only
    response = client.post(url, {"PR.AT-01-score": "2", "PR.AT-01-comment": "Changed my mind"})
    assert response.status_code == 400
    page = body(response)
    assert "submitted for review, so its answers can no longer be changed" in page
    assert (
        CsfAnswer.objects.get(assessment=assessment, subcategory__identifier="PR.AT-01").score == 4
    )


def test_category_pages_by_persona_and_unknown_categories(client, personas):
    draft = start(personas, year=2025)
    done = approved(personas, year=2024)
    for name in APPROVED_ONLY:
        user = getattr(personas, name)
        assert get(client, user, category_url(draft, "GV.OC")).status_code == 404
        page = body(get(client, user, category_url(done, "GV.OC")))
        assert "4 · Partially implemented" in page and "Comment on GV.OC-01" in page
        client.force_login(user)
        assert client.post(category_url(done, "GV.OC"), {}).status_code == 404
    for name in STRANGERS:
        assert get(client, getattr(personas, name), category_url(draft, "GV.OC")).status_code == 404
    for identifier in ("PR.AC", "XX.YY", "GV.OC-01"):
        assert get(client, personas.member, category_url(draft, identifier)).status_code == 404


# ----------------------------------------------------------------------------- the scale


def test_the_maturity_scale_page(client, personas):
    url = reverse("csf:maturity_scale", args=[personas.agency.pk])
    page = body(get(client, personas.member, url))
    assert "Optimized" in page and "Reword the levels" not in page
    client.force_login(personas.member)
    assert client.post(url, {"label_1": "x"}).status_code == 404
    page = body(get(client, personas.admin, url))
    assert "Reword the levels" in page
    data = {}
    for level in range(1, 8):
        data[f"label_{level}"] = f"Level {level} name"
        data[f"description_{level}"] = f"What level {level} means here."
    data["description_4"] = ""
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Describe level 4 in a sentence or two." in body(response)
    assert "Level 3 name" in body(response)
    assert not CsfMaturityLabel.objects.exists()
    data["description_4"] = "Most places."
    assert client.post(url, data).status_code == 302
    assert CsfMaturityLabel.objects.filter(organization=personas.agency).count() == 7
    assert get(client, personas.sibling, url).status_code == 404


# ----------------------------------------------------------------------------- query counts


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_pages_take_a_constant_number_of_queries(client, personas):
    small = start(personas, year=2020)
    client.force_login(personas.member)
    list_url = reverse("csf:organization_assessments", args=[personas.agency.pk])
    counts_small = [
        queries(client, list_url),
        queries(client, reverse("csf:assessment", args=[small.pk])),
        queries(client, category_url(small, "PR.AA")),
    ]
    # Large: more assessments, every subcategory answered, tiers, a longer history (submitted
    # and returned, editable again like the small one), more systems.
    for year in (2021, 2022, 2023):
        complete(personas, start(personas, year=year))
    large = csf_assessment_return(
        actor=personas.admin, assessment=submitted(personas, year=2024), note="More evidence"
    )
    for number in range(5):
        make_system(personas.agency, f"Kiosk {number}", f"K{number}", kind=System.Kind.IT)
    counts_large = [
        queries(client, list_url),
        queries(client, reverse("csf:assessment", args=[large.pk])),
        queries(client, category_url(large, "PR.AA")),
    ]
    assert counts_small == counts_large
