"""Who may call which Assess endpoint: every endpoint against every persona.

Reads need VIEW on the system (the system team, the assessor granted the system, the
authorizing official, viewers, the agency's administrator); assigning assessors and approving
the plan AUTHORIZE; the plan, determinations, findings and re-assessment ASSESS (and the
service then asks for an assigned assessor); remediation and the POA&M EDIT_RMF; the risk table
VIEW on the organization to read and MANAGE to change. Without the permission: the same 404 as
for a missing object, and nothing changes. The assessor never reaches the system team's writes.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest

from assets.models import AuditEvent
from assets.services import system_assessor_grant
from rmf.models import Determination, Finding, PoamMilestone
from rmf.selectors.assessment import leaf_objectives
from rmf.services.assessment import assessor_assign, poam_milestone_add, remediation_record
from tests.assessment_steps import (
    TODAY,
    complete_poam,
    control,
    determine_all,
    plan_approved,
    plan_saved,
    rate_findings,
)
from tests.factories import UserFactory, make_system
from tests.test_rmf_cycles import cycle_in_assess

pytestmark = pytest.mark.django_db

API = "/api/v1"
PERSONAS = ("admin", "member", "sibling", "assessor", "authorizing_official", "viewer", "outsider")
READERS = frozenset({"admin", "member", "assessor", "authorizing_official", "viewer"})
ORGANIZATION_READERS = READERS - {"assessor"}  # granted one system, not the agency
AUTHORIZERS = frozenset({"authorizing_official"})
ASSESSORS = frozenset({"assessor"})
TEAM = frozenset({"member"})
MANAGERS = frozenset({"admin"})
MISSING = 987654
SCOPE = ("ac-2", "ac-3", "ac-7", "ac-8")


def assess_world(personas) -> dict:
    """Two cycles of the agency in Assess. The traffic signal system's: the assessor assigned
    (and a second one), its plan approved with four controls in scope, all determined, three
    findings rated (F-001 open, F-002 remediated and awaiting re-assessment, F-003 open), each
    with its POA&M item and milestones. The parking system's: the assessor assigned, its plan
    saved but not approved. A third assessor granted the first system, not assigned.
    Returns the ids the endpoints act on."""
    cycle = cycle_in_assess(personas)
    assessment = plan_approved(
        personas,
        cycle,
        scope_all=False,
        scoped_control_ids=[control(cycle, control_id).pk for control_id in SCOPE],
    )
    determine_all(personas, assessment, failing={"ac-2": 1, "ac-3": 1, "ac-7": 1})
    rate_findings(personas, assessment)
    items = complete_poam(personas, cycle)
    findings = {
        f.selected_control.control_id: f for f in Finding.objects.select_related("selected_control")
    }
    remediation_record(
        actor=personas.member,
        finding=findings["ac-3"],
        description="Named accounts created.",
        completed_on=TODAY,
    )
    spare = poam_milestone_add(
        actor=personas.member, item=items[0], description="Review", due_on=TODAY
    )
    second, third = UserFactory(username="assessor2"), UserFactory(username="assessor3")
    for user in (second, third):
        system_assessor_grant(actor=None, system=personas.system, user=user)
    assessor_assign(actor=personas.authorizing_official, authorization=cycle, assessor=second)

    parking = cycle_in_assess(personas, make_system(personas.agency, "Parking", "PRK"))
    system_assessor_grant(actor=None, system=parking.system, user=personas.assessor)
    assessor_assign(
        actor=personas.authorizing_official, authorization=parking, assessor=personas.assessor
    )
    draft = plan_saved(personas, parking)

    ac8 = control(cycle, "ac-8")
    objectives = leaf_objectives(["ac-8"])["ac-8"]
    return {
        "agency": personas.agency.pk,
        "cycle": cycle.pk,
        "assessment": assessment.pk,
        "parking": parking.pk,
        "draft": draft.pk,
        "ac8": ac8.pk,
        "objective": objectives[0].pk,
        "other_objective": objectives[1].pk,
        "open_finding": findings["ac-2"].pk,
        "submitted_finding": findings["ac-3"].pk,
        "item": items[-1].pk,
        "milestone": PoamMilestone.objects.filter(item=items[0]).exclude(pk=spare.pk).first().pk,
        "spare_milestone": spare.pk,
        "second": second.pk,
        "third": third.pk,
        "versions": dict(
            Determination.objects.filter(objective__in=[o.pk for o in objectives]).values_list(
                "objective", "version"
            )
        ),
    }


@dataclass(frozen=True)
class Endpoint:
    method: str
    url: str  # formatted with the ids of the world
    allowed: frozenset[str]
    success: int
    body: dict | None = None


def _determination(objective: str, result: str = "not_applicable") -> dict:
    return {
        "objective_id": "{" + objective + "}",
        "result": result,
        "methods": [],
        "evidence_examined": "",
        "note": "Not deployed on this system.",
        "expected_version": "{version:" + objective + "}",
    }


# In the order they run: each allowed call finds what it acts on.
ENDPOINTS = {
    # reads
    "assessors": Endpoint("get", "authorizations/{cycle}/assessors/", READERS, 200),
    "assessments": Endpoint("get", "authorizations/{cycle}/assessments/", READERS, 200),
    "assessment": Endpoint("get", "assessments/{assessment}/", READERS, 200),
    "worklist": Endpoint("get", "assessments/{assessment}/controls/", READERS, 200),
    "control": Endpoint("get", "assessments/{assessment}/controls/{ac8}/", READERS, 200),
    "findings": Endpoint("get", "assessments/{assessment}/findings/", READERS, 200),
    "finding": Endpoint("get", "findings/{open_finding}/", READERS, 200),
    "poam": Endpoint("get", "authorizations/{cycle}/poam/", READERS, 200),
    "poam-item": Endpoint("get", "poam-items/{item}/", READERS, 200),
    "risk-table": Endpoint("get", "organizations/{agency}/risk-table/", ORGANIZATION_READERS, 200),
    #
    "assign": Endpoint(
        "post", "authorizations/{cycle}/assessors/", AUTHORIZERS, 201, {"user_id": "{third}"}
    ),
    "unassign": Endpoint(
        "post",
        "authorizations/{cycle}/assessors/{second}/unassign/",
        AUTHORIZERS,
        204,
        {"reason": "Moved to another contract."},
    ),
    "plan-save": Endpoint(
        "put",
        "authorizations/{parking}/assessment-plan/",
        ASSESSORS,
        200,
        {"title": "PRK assessment", "scope_all": True, "methods": ["examine"]},
    ),
    "plan-approve": Endpoint("post", "assessments/{draft}/approve-plan/", AUTHORIZERS, 200),
    #
    "determinations": Endpoint(
        "put",
        "assessments/{assessment}/controls/{ac8}/determinations/",
        ASSESSORS,
        200,
        {"entries": [_determination("objective")]},
    ),
    "determination": Endpoint(
        "put",
        "assessments/{assessment}/determinations/{other_objective}/",
        ASSESSORS,
        200,
        {
            key: value
            for key, value in _determination("other_objective").items()
            if key != "objective_id"
        },
    ),
    "finding-update": Endpoint(
        "patch",
        "findings/{open_finding}/",
        ASSESSORS,
        200,
        {"recommendation": "Named accounts for each technician, within 30 days."},
    ),
    "remediation": Endpoint(
        "post",
        "findings/{open_finding}/remediations/",
        TEAM,
        201,
        {"description": "Accounts split.", "completed_on": TODAY.isoformat()},
    ),
    "reassess": Endpoint(
        "post",
        "findings/{submitted_finding}/reassess/",
        ASSESSORS,
        200,
        {"result": "satisfied", "note": "Checked the accounts."},
    ),
    #
    "poam-generate": Endpoint("post", "authorizations/{cycle}/poam/generate/", TEAM, 201),
    "poam-item-update": Endpoint(
        "patch", "poam-items/{item}/", TEAM, 200, {"point_of_contact": "Signal shop lead"}
    ),
    "milestone-add": Endpoint(
        "post",
        "poam-items/{item}/milestones/",
        TEAM,
        201,
        {"description": "Vendor patch", "due_on": (TODAY + timedelta(days=9)).isoformat()},
    ),
    "milestone-complete": Endpoint(
        "post",
        "poam-milestones/{milestone}/complete/",
        TEAM,
        200,
        {"completed_on": TODAY.isoformat()},
    ),
    "milestone-remove": Endpoint("delete", "poam-milestones/{spare_milestone}/", TEAM, 204),
    # the organization's risk table
    "risk-table-set": Endpoint(
        "put",
        "organizations/{agency}/risk-table/",
        MANAGERS,
        200,
        {
            "cells": {
                likelihood: dict.fromkeys(
                    ("very_low", "low", "moderate", "high", "very_high"), "moderate"
                )
                for likelihood in ("very_low", "low", "moderate", "high", "very_high")
            }
        },
    ),
    "risk-table-reset": Endpoint("post", "organizations/{agency}/risk-table/reset/", MANAGERS, 200),
}
WRITES = [name for name, endpoint in ENDPOINTS.items() if endpoint.method != "get"]


def _filled(value, ids: dict):
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        key = value[1:-1]
        if key.startswith("version:"):
            return ids["versions"].get(ids[key.removeprefix("version:")], 0)
        return ids[key]
    if isinstance(value, list):
        return [_filled(item, ids) for item in value]
    if isinstance(value, dict):
        return {key: _filled(item, ids) for key, item in value.items()}
    return value


def call(client, endpoint: Endpoint, ids: dict):
    url = f"{API}/{endpoint.url.format(**ids)}"
    body = _filled(endpoint.body or {}, ids)
    return getattr(client, endpoint.method)(url, body, format="json")


@pytest.fixture
def people(personas) -> dict[str, object]:
    return personas.all_signed_in()


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_endpoint_against_the_persona(api_client, personas, people, persona):
    world = assess_world(personas)
    api_client.force_authenticate(people[persona])
    for name, endpoint in ENDPOINTS.items():
        before = AuditEvent.objects.count()
        response = call(api_client, endpoint, world)
        if persona in endpoint.allowed:
            assert response.status_code == endpoint.success, (name, response.content)
            if endpoint.method != "get" and name != "poam-generate":  # nothing left to create
                assert AuditEvent.objects.count() > before, name
                assert AuditEvent.objects.order_by("-pk").first().actor == people[persona]
        else:
            assert response.status_code == 404, (name, response.content)
            assert response.json() == {"detail": "Not found."}, name
            assert AuditEvent.objects.count() == before, name


def test_not_allowed_is_the_same_404_as_missing(api_client, personas, people):
    world = assess_world(personas)
    missing = {key: MISSING if isinstance(value, int) else value for key, value in world.items()}
    missing["objective"] = missing["other_objective"] = "zz-99_obj.a"
    for name, endpoint in ENDPOINTS.items():
        api_client.force_authenticate(people["outsider"])
        refused = call(api_client, endpoint, world)
        allowed = sorted(endpoint.allowed)[0]
        api_client.force_authenticate(people[allowed])
        unknown = call(api_client, endpoint, missing)
        assert refused.status_code == unknown.status_code == 404, name
        assert refused.json() == unknown.json(), name


def test_anonymous_callers_are_asked_to_authenticate(api_client, personas):
    world = assess_world(personas)
    before = AuditEvent.objects.count()
    for name, endpoint in ENDPOINTS.items():
        response = call(api_client, endpoint, world)
        assert response.status_code == 401, name
        assert response.has_header("WWW-Authenticate"), name
    assert AuditEvent.objects.count() == before


def test_another_agency_s_assessment_is_404_to_the_assessor(api_client, personas):
    """The assessor granted the traffic signal system sees nothing of the sibling agency's."""
    world = assess_world(personas)
    api_client.force_authenticate(personas.sibling)
    for name in ("assessment", "worklist", "findings", "poam"):
        assert call(api_client, ENDPOINTS[name], world).status_code == 404, name
    api_client.force_authenticate(personas.assessor)
    assert call(api_client, ENDPOINTS["risk-table"], world).status_code == 404
    sibling_table = f"{API}/organizations/{personas.sibling_agency.pk}/risk-table/"
    assert api_client.get(sibling_table).status_code == 404
