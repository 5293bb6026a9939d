"""The CSF assessment API: every endpoint against every persona (planners fill, the agency's
administrator reviews, state viewers and the city's authorizing official read approved
assessments only, everybody else gets the same 404), the answers' content, 400 bodies naming
each wrong row, 409 on a stale version, and a constant number of queries."""

from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from csf.models import CsfAnswer, CsfAssessment, CsfMaturityLabel, CsfTier
from csf.scoring import RULE
from csf.services.assessments import csf_answers_save
from tests.csf_assessment_steps import approved, complete, start, submitted

pytestmark = pytest.mark.django_db

API = "/api/v1"
PERSONAS = ("admin", "member", "sibling", "assessor", "authorizing_official", "viewer", "outsider")
FILLERS = frozenset({"member"})
REVIEWERS = frozenset({"admin"})
DRAFT_READERS = frozenset({"member", "admin"})
APPROVED_READERS = frozenset({"member", "admin", "viewer", "authorizing_official"})
Status = CsfAssessment.Status


@dataclass(frozen=True)
class Endpoint:
    method: str
    url: str
    allowed: frozenset[str]
    success: int
    body: dict | None = None


@pytest.fixture
def world(personas):
    return {
        "draft": complete(personas, start(personas, year=2025)).pk,
        "submitted": submitted(personas, year=2024).pk,
        "to_return": submitted(personas, year=2023).pk,
        "approved": approved(personas, year=2022).pk,
        "agency": personas.agency.pk,
    }


def endpoints(world: dict) -> dict[str, Endpoint]:
    draft, agency = world["draft"], world["agency"]
    return {
        "draft-detail": Endpoint("get", f"csf/assessments/{draft}/", DRAFT_READERS, 200),
        "approved-detail": Endpoint(
            "get", f"csf/assessments/{world['approved']}/", APPROVED_READERS, 200
        ),
        "start": Endpoint(
            "post",
            "csf/assessments/",
            FILLERS,
            201,
            {"organization": agency, "year": 2019, "framework": "1.1"},
        ),
        "answer": Endpoint(
            "put",
            f"csf/assessments/{draft}/answers/GV.OC-01/",
            FILLERS,
            200,
            {"score": 5, "comment": "Mission reviewed by council", "evidence": "Minutes"},
        ),
        "category-answers": Endpoint(
            "post",
            f"csf/assessments/{draft}/categories/PR.AT/answers/",
            FILLERS,
            200,
            {
                "answers": [
                    {"subcategory": "PR.AT-01", "score": 6, "comment": "Phishing drills"},
                    {"subcategory": "PR.AT-02", "score": 3},
                ]
            },
        ),
        "tiers": Endpoint(
            "put",
            f"csf/assessments/{draft}/tiers/",
            FILLERS,
            200,
            {"tiers": [{"function": "GV", "tier": 3, "rationale": "Council policy"}]},
        ),
        "submit": Endpoint("post", f"csf/assessments/{draft}/submit/", FILLERS, 200, {}),
        "approve": Endpoint(
            "post",
            f"csf/assessments/{world['submitted']}/approve/",
            REVIEWERS,
            200,
            {"note": "Complete"},
        ),
        "return": Endpoint(
            "post",
            f"csf/assessments/{world['to_return']}/return/",
            REVIEWERS,
            200,
            {"note": "Evidence missing for DE.CM"},
        ),
        "scale": Endpoint(
            "get", f"csf/organizations/{agency}/maturity-scale/", APPROVED_READERS, 200
        ),
        "scale-save": Endpoint(
            "put",
            f"csf/organizations/{agency}/maturity-scale/",
            REVIEWERS,
            200,
            {"levels": [{"level": 2, "label": "Ad hoc", "description": "Done when remembered."}]},
        ),
    }


def call(client, endpoint: Endpoint):
    return getattr(client, endpoint.method)(f"{API}/{endpoint.url}", endpoint.body, format="json")


def test_every_endpoint_against_every_persona(api_client, personas, world):
    for name, endpoint in endpoints(world).items():
        api_client.force_authenticate(None)
        assert call(api_client, endpoint).status_code in (401, 403), name
        for persona in PERSONAS:
            if persona in endpoint.allowed:
                continue
            api_client.force_authenticate(getattr(personas, persona))
            response = call(api_client, endpoint)
            assert response.status_code == 404, (name, persona, response.content)
        for persona in sorted(endpoint.allowed):
            api_client.force_authenticate(getattr(personas, persona))
            response = call(api_client, endpoint)
            assert response.status_code == endpoint.success, (name, persona, response.content)
    # Every write went through once, by its allowed persona.
    assert CsfAssessment.objects.get(year=2019).framework == "1.1"
    draft = CsfAssessment.objects.get(pk=world["draft"])
    assert draft.status == Status.SUBMITTED
    answers = {a.subcategory.identifier: a for a in draft.answers.select_related("subcategory")}
    assert answers["GV.OC-01"].score == 5 and answers["PR.AT-01"].score == 6
    assert CsfTier.objects.get(assessment=draft, function__identifier="GV").tier == 3
    assert CsfAssessment.objects.get(pk=world["submitted"]).status == Status.APPROVED
    assert CsfAssessment.objects.get(pk=world["to_return"]).status == Status.RETURNED
    assert CsfMaturityLabel.objects.get(organization=personas.agency).label == "Ad hoc"


def test_the_list_is_filtered_by_access(api_client, personas, world):
    years = {}
    for name in PERSONAS:
        api_client.force_authenticate(getattr(personas, name))
        response = api_client.get(f"{API}/csf/assessments/")
        assert response.status_code == 200, name
        years[name] = sorted(row["year"] for row in response.json()["results"])
    assert years["member"] == years["admin"] == [2022, 2023, 2024, 2025]
    assert years["viewer"] == years["authorizing_official"] == [2022]
    assert years["sibling"] == years["outsider"] == years["assessor"] == []
    api_client.force_authenticate(personas.member)
    rows = api_client.get(f"{API}/csf/assessments/", {"status": "submitted"}).json()
    assert sorted(row["year"] for row in rows["results"]) == [2023, 2024]
    rows = api_client.get(
        f"{API}/csf/assessments/", {"year": 2025, "organization": world["agency"]}
    )
    assert [row["id"] for row in rows.json()["results"]] == [world["draft"]]
    response = api_client.get(f"{API}/csf/assessments/", {"status": "finished", "year": "soon"})
    assert response.status_code == 400
    assert set(response.json()) == {"status", "year"}


def test_the_detail_has_progress_scores_and_answers(api_client, personas):
    assessment = start(personas)
    csf_answers_save(
        actor=personas.member,
        assessment=assessment,
        answers=[
            ("GV.OC-01", 2, "Informal", ""),
            ("GV.OC-02", 5, "", ""),
            ("GV.RM-01", 6, "", ""),
            ("PR.AT-01", 4, "", ""),
        ],
    )
    api_client.force_authenticate(personas.admin)
    body = api_client.get(f"{API}/csf/assessments/{assessment.pk}/").json()
    assert body["status"] == "draft" and body["framework"] == "2.0" and body["version"] == 1
    assert body["progress"] == {"answered": 4, "total": 106, "to_review": 0}
    assert body["rule"] == RULE
    functions = {function["identifier"]: function for function in body["functions"]}
    # GV.OC = (2 + 5) / 2 = 3.5, GV.RM = 6, GV = (3.5 + 6) / 2 = 4.75; PR = PR.AT = 4.
    categories = {c["identifier"]: c for c in functions["GV"]["categories"]}
    assert categories["GV.OC"]["score"] == 3.5
    assert categories["GV.OC"]["progress"] == {"answered": 2, "total": 5, "to_review": 0}
    assert functions["GV"]["score"] == 4.75 and functions["PR"]["score"] == 4.0
    assert functions["ID"]["score"] is None and functions["GV"]["tier"] is None
    assert body["overall_score"] == pytest.approx((4.75 + 4.0) / 2)
    assert body["completeness"]["complete"] is False
    assert len(body["completeness"]["unscored"]) == 102
    assert body["completeness"]["without_tier"] == ["GV", "ID", "PR", "DE", "RS", "RC"]
    answer = body["answers"][0]
    assert answer["subcategory"] == "GV.OC-01" and answer["score"] == 2
    assert answer["comment"] == "Informal" and answer["updated_by"] == "member"


def test_starting_through_the_api_carries_a_1_1_assessment(api_client, personas):
    old = start(personas, year=2023, framework="1.1")
    csf_answers_save(actor=personas.member, assessment=old, answers=[("PR.AC-1", 3, "", "")])
    api_client.force_authenticate(personas.member)
    response = api_client.post(
        f"{API}/csf/assessments/",
        {"organization": personas.agency.pk, "year": 2025, "framework": "2.0", "copy_from": old.pk},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["origin"] == "crosswalk" and body["copied_from"] == old.pk
    carried = {answer["subcategory"]: answer for answer in body["answers"]}
    assert carried["PR.AA-01"]["score"] == 3 and carried["PR.AA-01"]["carried_from"] == "PR.AC-1"
    assert carried["PR.AA-01"]["needs_review"] is True
    assert carried["GV.OV-01"]["score"] is None
    response = api_client.post(
        f"{API}/csf/assessments/",
        {"organization": personas.agency.pk, "year": 2025, "framework": "1.1"},
        format="json",
    )
    assert response.status_code == 400
    assert "already has a CSF assessment for 2025" in response.json()["year"][0]
    # Another organization's assessment is not found, whatever it is.
    theirs = CsfAssessment.objects.create(
        organization=personas.sibling_agency, year=2020, framework="2.0"
    )
    response = api_client.post(
        f"{API}/csf/assessments/",
        {
            "organization": personas.agency.pk,
            "year": 2026,
            "framework": "2.0",
            "copy_from": theirs.pk,
        },
        format="json",
    )
    assert response.status_code == 404


def test_answers_are_saved_all_or_nothing_with_a_message_per_row(api_client, personas):
    assessment = start(personas)
    api_client.force_authenticate(personas.member)
    url = f"{API}/csf/assessments/{assessment.pk}"
    response = api_client.put(f"{url}/answers/GV.OC-01/", {"score": 9}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "GV.OC-01": ["The score of GV.OC-01 must be a maturity level from 1 to 7, or left empty."]
    }
    response = api_client.put(f"{url}/answers/PR.AC-1/", {"score": 3}, format="json")
    assert response.json() == {
        "PR.AC-1": ["PR.AC-1 is a CSF 1.1 subcategory; this assessment uses CSF 2.0."]
    }
    response = api_client.post(
        f"{url}/categories/PR.AT/answers/",
        {
            "answers": [
                {"subcategory": "PR.AT-01", "score": 5, "comment": "Fine"},
                {"subcategory": "PR.AT-02", "score": 0},
                {"subcategory": "DE.CM-01", "score": 3},
            ]
        },
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"PR.AT-02", "DE.CM-01"}
    assert response.json()["DE.CM-01"] == ["DE.CM-01 belongs to category DE.CM, not PR.AT."]
    assert not CsfAnswer.objects.exists()
    response = api_client.put(f"{url}/answers/GV.OC-01/", {"score": None}, format="json")
    assert response.status_code == 204  # nothing typed: nothing saved
    response = api_client.put(
        f"{url}/answers/gv.oc-01/", {"score": 4, "evidence": "Plan"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["subcategory"] == "GV.OC-01" and response.json()["evidence"] == "Plan"


def test_review_refusals_and_conflicts(api_client, personas):
    draft = start(personas)
    api_client.force_authenticate(personas.member)
    response = api_client.post(f"{API}/csf/assessments/{draft.pk}/submit/", {}, format="json")
    assert response.status_code == 400
    detail = " ".join(response.json()["detail"])
    assert "106 subcategories have no score yet" in detail

    assessment = submitted(personas, year=2024)
    api_client.force_authenticate(personas.admin)
    url = f"{API}/csf/assessments/{assessment.pk}"
    response = api_client.post(f"{url}/return/", {"note": ""}, format="json")
    assert response.status_code == 400
    assert response.json()["note"] == ["Say what the planners should change: the note is required."]
    response = api_client.post(
        f"{url}/return/", {"note": "More evidence", "expected_version": 2}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "returned"
    response = api_client.post(f"{url}/approve/", {"expected_version": 2}, format="json")
    assert response.status_code == 409
    assert response.json()["current_version"] == 3
    assert response.json()["current"]["status"] == "returned"
    response = api_client.post(f"{url}/approve/", {"expected_version": 3}, format="json")
    assert response.status_code == 400
    assert "Only an assessment submitted for review can be approved" in response.json()["detail"][0]


def test_tiers_and_scale_refusals(api_client, personas):
    old = start(personas, year=2023, framework="1.1")
    api_client.force_authenticate(personas.member)
    response = api_client.put(
        f"{API}/csf/assessments/{old.pk}/tiers/",
        {"tiers": [{"function": "ID", "tier": 2}]},
        format="json",
    )
    assert response.status_code == 400
    assert "part of CSF 2.0 assessments" in response.json()["detail"][0]
    api_client.force_authenticate(personas.admin)
    response = api_client.put(
        f"{API}/csf/organizations/{personas.agency.pk}/maturity-scale/",
        {"levels": [{"level": 3, "label": "", "description": "Written"}]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"label_3": ["Give level 3 a short name."]}
    response = api_client.put(
        f"{API}/csf/organizations/{personas.agency.pk}/maturity-scale/",
        {"levels": [{"level": 8, "label": "Beyond", "description": "More"}]},
        format="json",
    )
    assert response.status_code == 400
    assert "there is no level 8" in response.json()["level"][0]
    body = api_client.get(f"{API}/csf/organizations/{personas.agency.pk}/maturity-scale/").json()
    assert [level["level"] for level in body["levels"]] == [1, 2, 3, 4, 5, 6, 7]
    assert body["levels"][6]["label"] == "Optimized"


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_constant_queries(api_client, personas):
    small = start(personas, year=2010)
    api_client.force_authenticate(personas.member)
    few = [
        queries(api_client, f"{API}/csf/assessments/"),
        queries(api_client, f"{API}/csf/assessments/{small.pk}/"),
    ]
    for year in range(2011, 2016):
        start(personas, year=year)
    large = approved(personas, year=2016)
    many = [
        queries(api_client, f"{API}/csf/assessments/"),
        queries(api_client, f"{API}/csf/assessments/{large.pk}/"),
    ]
    assert few == many
