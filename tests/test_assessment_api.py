"""The Assess REST API: assessors, the plan (409 on a conflict) and its approval, the worklist,
a control's determinations saved at once (409 listing both versions), one objective's, findings
with their risk, remediation and re-assessment, the POA&M with milestones, and the risk
table."""

from datetime import timedelta

import pytest

from assets.models import AuditEvent
from assets.services import system_assessor_grant
from rmf.models import (
    Assessment,
    AssessorAssignment,
    Determination,
    Finding,
    PoamItem,
    PoamMilestone,
    RiskMatrix,
)
from rmf.selectors.assessment import leaf_objectives
from rmf.services.assessment import control_determinations_save, finding_update
from tests.assessment_steps import (
    TODAY,
    assessor_assigned,
    complete_poam,
    control,
    determine_all,
    determine_control,
    plan_approved,
    plan_saved,
    rate_findings,
)
from tests.test_rmf_cycles import cycle_in_assess

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def cycle(personas):
    return cycle_in_assess(personas)


@pytest.fixture
def approved(personas, cycle):
    return plan_approved(personas, cycle)


def entries(selected, results: dict[int, str], **values) -> list[dict]:
    objectives = leaf_objectives([selected.control_id])[selected.control_id]
    return [
        {
            "objective_id": objectives[index].pk,
            "result": result,
            "methods": ["examine"],
            "evidence_examined": "The account list.",
            "note": "",
            "expected_version": 0,
            **values,
        }
        for index, result in results.items()
    ]


# --- assessors ------------------------------------------------------------------------------


def test_the_ao_assigns_and_unassigns_assessors(api_client, personas, cycle):
    api_client.force_authenticate(personas.authorizing_official)
    url = f"{API}/authorizations/{cycle.pk}/assessors/"
    assert api_client.get(url).json() == []
    response = api_client.post(url, {"user_id": personas.assessor.pk, "is_lead": True})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["username"] == "assessor" and body["is_lead"] is True
    assert body["assigned_by"] == "authorizing_official"
    assert [row["username"] for row in api_client.get(url).json()] == ["assessor"]

    response = api_client.post(
        f"{API}/authorizations/{cycle.pk}/assessors/{personas.assessor.pk}/unassign/",
        {"reason": "Left the firm."},
    )
    assert response.status_code == 204
    assert not AssessorAssignment.objects.exists()
    assert AuditEvent.objects.get(action="assessor_unassign").reason == "Left the firm."


def test_separation_of_duties_is_a_400_naming_the_reason(api_client, personas, cycle):
    system_assessor_grant(actor=None, system=personas.system, user=personas.member)
    api_client.force_authenticate(personas.authorizing_official)
    response = api_client.post(
        f"{API}/authorizations/{cycle.pk}/assessors/", {"user_id": personas.member.pk}
    )
    assert response.status_code == 400
    assert "Separation of duties" in response.json()["assessor"][0]
    response = api_client.post(f"{API}/authorizations/{cycle.pk}/assessors/", {"user_id": 99999})
    assert response.status_code == 400 and "user_id" in response.json()
    assert not AssessorAssignment.objects.exists()


# --- the plan -------------------------------------------------------------------------------


def plan_body(**changes):
    return {
        "title": "TSC initial assessment",
        "scope_all": True,
        "scoped_control_ids": [],
        "starts_on": TODAY.isoformat(),
        "ends_on": (TODAY + timedelta(days=10)).isoformat(),
        "methods": ["examine", "interview"],
        "assessment_objects": "Policies.",
        "rules_of_engagement": "Maintenance window.",
        **changes,
    }


def test_the_assessor_saves_the_plan_and_the_ao_approves_it(api_client, personas, cycle):
    assessor_assigned(personas, cycle)
    api_client.force_authenticate(personas.assessor)
    url = f"{API}/authorizations/{cycle.pk}/assessment-plan/"
    scoped = [control(cycle, "ac-1").pk, control(cycle, "ac-2").pk]
    response = api_client.put(
        url, plan_body(scope_all=False, scoped_control_ids=scoped), format="json"
    )
    assert response.status_code == 200, response.content
    plan = response.json()
    assert plan["plan_version"] == 1 and plan["plan_approved"] is False
    assert [row["label"] for row in plan["scoped_controls"]] == ["AC-1", "AC-2"]
    assert plan["methods"] == ["examine", "interview"]

    # A stale version: 409 with the saved plan, nothing written.
    api_client.put(url, plan_body(title="Second", expected_version=1), format="json")
    response = api_client.put(url, plan_body(title="Third", expected_version=1), format="json")
    assert response.status_code == 409
    assert response.json()["current"]["title"] == "Second"
    assert response.json()["current_version"] == 2
    assert Assessment.objects.get().title == "Second"

    # Bad input: 400 by field.
    response = api_client.put(
        url,
        plan_body(ends_on=(TODAY - timedelta(days=1)).isoformat(), expected_version=2),
        format="json",
    )
    assert response.status_code == 400 and "ends_on" in response.json()

    api_client.force_authenticate(personas.authorizing_official)
    assessment = Assessment.objects.get()
    response = api_client.post(
        f"{API}/assessments/{assessment.pk}/approve-plan/", {"note": "Agreed."}
    )
    assert response.status_code == 200, response.content
    assert response.json()["plan_approved"] is True
    assert response.json()["plan_approved_by"] == "authorizing_official"

    listing = api_client.get(f"{API}/authorizations/{cycle.pk}/assessments/").json()
    assert listing["count"] == 1 and listing["results"][0]["title"] == "Second"


def test_an_assessment_with_its_progress(api_client, personas, cycle, approved):
    determine_control(personas, approved, control(cycle, "ac-2"), failing=1)
    api_client.force_authenticate(personas.viewer)
    body = api_client.get(f"{API}/assessments/{approved.pk}/").json()
    total = body["progress"]["total"]
    assert total["family"] is None and total["controls"] == 149
    ac2 = len(leaf_objectives(["ac-2"])["ac-2"])
    assert total["determined"] == ac2 and total["other_than_satisfied"] == 1
    assert total["controls_by_result"]["other_than_satisfied"] == 1
    families = {row["family"]: row for row in body["progress"]["families"]}
    assert families["ac"]["determined"] == ac2


# --- determinations -------------------------------------------------------------------------


def test_the_worklist_with_filters(api_client, personas, cycle, approved):
    determine_control(personas, approved, control(cycle, "ac-2"), failing=1)
    api_client.force_authenticate(personas.assessor)
    url = f"{API}/assessments/{approved.pk}/controls/"
    page = api_client.get(url, {"page_size": 500}).json()
    assert page["count"] == 149
    first = page["results"][0]
    assert first["label"] == "AC-1" and first["result"] == "not_assessed"
    page = api_client.get(url, {"result": "other_than_satisfied"}).json()
    assert [row["label"] for row in page["results"]] == ["AC-2"]
    assert page["results"][0]["finding"] == Finding.objects.get().pk
    page = api_client.get(url, {"family": "si", "page_size": 500}).json()
    assert {row["family"] for row in page["results"]} == {"si"}
    assert api_client.get(url, {"result": "nonsense"}).status_code == 400


def test_a_control_s_determinations_at_once(api_client, personas, cycle, approved):
    selected = control(cycle, "ac-2")
    api_client.force_authenticate(personas.assessor)
    url = f"{API}/assessments/{approved.pk}/controls/{selected.pk}/"
    body = api_client.get(url).json()
    assert body["label"] == "AC-2" and body["result"] == "not_assessed"
    assert body["objectives"][0]["determination"] is None
    response = api_client.put(
        url + "determinations/",
        {"entries": entries(selected, {0: "other_than_satisfied", 1: "satisfied"})},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["result"] == "other_than_satisfied" and body["determined"] == 2
    saved = body["objectives"][0]["determination"]
    assert saved["result"] == "other_than_satisfied" and saved["version"] == 1
    assert saved["updated_by"] == "assessor"
    assert body["finding"] == Finding.objects.get().pk

    # Another save based on version 0 of objective 0: 409 listing both, nothing written.
    response = api_client.put(
        url + "determinations/",
        {"entries": entries(selected, {0: "satisfied", 2: "satisfied"})},
        format="json",
    )
    assert response.status_code == 409
    conflict = response.json()["conflicts"][0]
    assert conflict["current_result"] == "other_than_satisfied"
    assert conflict["current_version"] == 1 and conflict["current_author"] == "assessor"
    assert conflict["your_values"]["result"] == "satisfied"
    assert Determination.objects.count() == 2

    # Invalid entries: 400 by objective, nothing written.
    bad = entries(selected, {3: "satisfied"}, methods=[])
    response = api_client.put(url + "determinations/", {"entries": bad}, format="json")
    assert response.status_code == 400
    assert bad[0]["objective_id"] in response.json()
    assert Determination.objects.count() == 2


def test_one_objective_s_determination(api_client, personas, cycle, approved):
    selected = control(cycle, "ac-2")
    objective = leaf_objectives(["ac-2"])["ac-2"][0]
    api_client.force_authenticate(personas.assessor)
    url = f"{API}/assessments/{approved.pk}/determinations/{objective.pk}/"
    body = {"result": "satisfied", "methods": ["test"], "expected_version": 0}
    response = api_client.put(url, body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 1 and response.json()["methods"] == ["test"]
    response = api_client.put(url, {**body, "result": "not_applicable"}, format="json")
    assert response.status_code == 409
    assert response.json()["conflicts"][0]["current_version"] == 1
    response = api_client.put(
        url, {**body, "result": "not_applicable", "expected_version": 1}, format="json"
    )
    assert response.status_code == 200 and response.json()["version"] == 2
    assert Determination.objects.get(selected_control=selected).result == "not_applicable"
    response = api_client.put(
        f"{API}/assessments/{approved.pk}/determinations/ac-2_obj/", body, format="json"
    )
    assert response.status_code == 400  # not a leaf objective


def test_a_control_out_of_scope_is_404(api_client, personas, cycle):
    assessor_assigned(personas, cycle)
    assessment = plan_saved(
        personas, cycle, scope_all=False, scoped_control_ids=[control(cycle, "ac-1").pk]
    )
    api_client.force_authenticate(personas.assessor)
    other = control(cycle, "ac-2")
    url = f"{API}/assessments/{assessment.pk}/controls/{other.pk}/"
    assert api_client.get(url).status_code == 404
    response = api_client.put(url + "determinations/", {"entries": []}, format="json")
    assert response.status_code == 404


# --- findings -------------------------------------------------------------------------------


@pytest.fixture
def finding(personas, cycle, approved):
    determine_control(personas, approved, control(cycle, "ac-2"), failing=2)
    return Finding.objects.get()


def test_the_assessor_rates_a_finding(api_client, personas, finding):
    api_client.force_authenticate(personas.assessor)
    url = f"{API}/findings/{finding.pk}/"
    body = api_client.get(url).json()
    assert body["code"] == "F-001" and body["label"] == "AC-2"
    assert len(body["objectives"]) == 2 and body["risk_level"] is None
    response = api_client.patch(
        url,
        {"weakness": "Shared account.", "likelihood": "very_high", "impact": "low"},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["risk_level"] == "low" and body["weakness"] == "Shared account."
    response = api_client.patch(url, {"recommendation": "Named accounts."}, format="json")
    assert response.json()["weakness"] == "Shared account."  # fields not sent stay
    version = response.json()["version"]
    response = api_client.patch(
        url, {"impact": "high", "expected_version": version - 1}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["current"]["impact"] == "low"
    response = api_client.patch(url, {"likelihood": "extreme"}, format="json")
    assert response.status_code == 400 and "likelihood" in response.json()
    listing = api_client.get(f"{API}/assessments/{finding.assessment_id}/findings/").json()
    assert [row["code"] for row in listing["results"]] == ["F-001"]


def test_remediation_then_reassessment(api_client, personas, finding):
    finding_update(
        actor=personas.assessor,
        finding=finding,
        weakness="Shared account.",
        likelihood="moderate",
        impact="moderate",
        recommendation="Named accounts.",
    )
    api_client.force_authenticate(personas.member)
    response = api_client.post(
        f"{API}/findings/{finding.pk}/remediations/",
        {"description": "Named accounts created.", "completed_on": TODAY.isoformat()},
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "submitted"
    assert response.json()["remediations"][0]["recorded_by"] == "member"
    api_client.force_authenticate(personas.assessor)
    response = api_client.post(
        f"{API}/findings/{finding.pk}/reassess/", {"result": "satisfied", "note": "Checked."}
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "closed"
    assert response.json()["reassessed_by"] == "assessor"
    assert not Determination.objects.filter(result="other_than_satisfied").exists()
    response = api_client.post(
        f"{API}/findings/{finding.pk}/reassess/", {"result": "satisfied", "note": ""}
    )
    assert response.status_code == 400  # closed: nothing awaits re-assessment


# --- POA&M ----------------------------------------------------------------------------------


@pytest.fixture
def assessed(personas, cycle, approved):
    determine_all(personas, approved, failing={"ac-2": 1})
    rate_findings(personas, approved)
    return approved


def test_the_team_generates_and_keeps_the_poam(api_client, personas, cycle, assessed):
    api_client.force_authenticate(personas.member)
    response = api_client.post(f"{API}/authorizations/{cycle.pk}/poam/generate/")
    assert response.status_code == 201 and response.json() == {"created": 1}
    item = PoamItem.objects.get()
    url = f"{API}/poam-items/{item.pk}/"
    response = api_client.patch(
        url,
        {
            "point_of_contact": "TMC supervisor",
            "scheduled_completion": (TODAY + timedelta(days=60)).isoformat(),
            "status": "ongoing",
            "expected_version": item.version,
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["point_of_contact"] == "TMC supervisor" and body["status"] == "ongoing"
    response = api_client.patch(url, {"status": "completed"}, format="json")
    assert response.status_code == 400  # the Monitor step's
    response = api_client.patch(url, {"resources": "x", "expected_version": 1}, format="json")
    assert response.status_code == 409
    assert response.json()["current"]["point_of_contact"] == "TMC supervisor"

    response = api_client.post(
        f"{API}/poam-items/{item.pk}/milestones/",
        {"description": "Accounts created", "due_on": (TODAY - timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 400 and "due_on" in response.json()
    response = api_client.post(
        f"{API}/poam-items/{item.pk}/milestones/",
        {"description": "Accounts created", "due_on": (TODAY + timedelta(days=10)).isoformat()},
    )
    assert response.status_code == 201, response.content
    milestone_id = response.json()["id"]
    assert response.json()["overdue"] is False
    response = api_client.post(
        f"{API}/poam-milestones/{milestone_id}/complete/", {"completed_on": TODAY.isoformat()}
    )
    assert response.status_code == 200 and response.json()["completed_on"] == TODAY.isoformat()
    response = api_client.delete(f"{API}/poam-milestones/{milestone_id}/")
    assert response.status_code == 400  # a completed milestone is kept
    other = api_client.post(
        f"{API}/poam-items/{item.pk}/milestones/",
        {"description": "Review", "due_on": (TODAY + timedelta(days=20)).isoformat()},
    ).json()
    assert api_client.delete(f"{API}/poam-milestones/{other['id']}/").status_code == 204
    assert not PoamMilestone.objects.filter(pk=other["id"]).exists()


def test_the_poam_list_flags_overdue_milestones(api_client, personas, cycle, assessed):
    items = complete_poam(personas, cycle)
    PoamMilestone.objects.filter(item=items[0]).update(due_on=TODAY - timedelta(days=3))
    api_client.force_authenticate(personas.authorizing_official)
    body = api_client.get(f"{API}/authorizations/{cycle.pk}/poam/").json()
    assert body["count"] == 1
    item = body["results"][0]
    assert item["code"] == "POAM-001" and item["milestones"][0]["overdue"] is True


# --- the risk table -------------------------------------------------------------------------


def test_the_risk_table_is_set_and_reset_by_the_admin(api_client, personas, cycle, finding):
    api_client.force_authenticate(personas.admin)
    url = f"{API}/organizations/{personas.agency.pk}/risk-table/"
    body = api_client.get(url).json()
    assert body["own"] is False and body["source_organization"] is None
    assert body["cells"]["very_high"]["very_high"] == "very_high"
    cells = body["cells"]
    cells["high"]["low"] = "high"
    response = api_client.put(url, {"cells": cells}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["own"] is True
    assert response.json()["source_organization"] == personas.agency.pk
    assert RiskMatrix.objects.get().cells["high"]["low"] == "high"
    # The agency's findings now use it.
    rated = finding_update(
        actor=personas.assessor,
        finding=finding,
        weakness="w",
        likelihood="high",
        impact="low",
        recommendation="r",
    )
    assert rated.risk_level == "high"
    cells["high"]["low"] = "extreme"
    response = api_client.put(url, {"cells": cells}, format="json")
    assert response.status_code == 400
    response = api_client.post(url + "reset/")
    assert response.status_code == 200 and response.json()["own"] is False
    assert not RiskMatrix.objects.exists()


def test_a_save_meanwhile_by_another_assessor_names_them(api_client, personas, cycle, approved):
    selected = control(cycle, "ac-2")
    control_determinations_save(
        actor=personas.assessor,
        assessment=approved,
        selected_control=selected,
        entries=entries(selected, {0: "satisfied"}),
    )
    api_client.force_authenticate(personas.assessor)
    response = api_client.put(
        f"{API}/assessments/{approved.pk}/controls/{selected.pk}/determinations/",
        {"entries": entries(selected, {0: "not_applicable"})},
        format="json",
    )
    assert response.status_code == 409
    assert "saved the determination of AC-02a.[01]" in response.json()["detail"]
