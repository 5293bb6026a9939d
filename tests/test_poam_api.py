"""POA&M management over the REST API, one view per operation: the cycle's list (filtered),
an item with what settled it, its history, adding an item, accepting its risk, completing it
with evidence, re-checking it, and the organization's list. Every endpoint against every
persona: without the permission, the same 404 as for a missing object, and nothing changes."""

from dataclasses import dataclass
from datetime import timedelta

import pytest

from assets.models import AuditEvent
from rmf.models import PoamItem
from rmf.services.implementation import evidence_link_create
from tests.assessment_steps import TODAY
from tests.test_poam_page_permissions import (
    AUTHORIZERS,
    CITY_READERS,
    ORGANIZATION_READERS,
    PERSONAS,
    READERS,
    TEAM,
    poam_world,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"
ASSESSORS = frozenset({"assessor"})
MISSING = 987654


@dataclass(frozen=True)
class Endpoint:
    method: str
    url: str  # formatted with the ids of the world
    allowed: frozenset[str]
    success: int
    body: dict | None = None


# In the order they run: each allowed call finds what it acts on.
ENDPOINTS = {
    "cycle-list": Endpoint("get", "authorizations/{cycle}/poam/?status=open", READERS, 200),
    "item": Endpoint("get", "poam-items/{first}/", READERS, 200),
    "history": Endpoint("get", "poam-items/{first}/history/", READERS, 200),
    "organization-list": Endpoint(
        "get", "organizations/{agency}/poam/?overdue=1", ORGANIZATION_READERS, 200
    ),
    "city-list": Endpoint("get", "organizations/{city}/poam/?aging=0-30", CITY_READERS, 200),
    "add": Endpoint(
        "post",
        "authorizations/{cycle}/poam/add/",
        TEAM,
        201,
        {
            "weakness": "Default password on the web console.",
            "source": "Vulnerability scan of March",
            "risk_level": "high",
            "point_of_contact": "Signal shop lead",
            "scheduled_completion": (TODAY + timedelta(days=30)).isoformat(),
        },
    ),
    "complete": Endpoint(
        "post",
        "poam-items/{first}/complete/",
        TEAM,
        200,
        {"evidence": ["{evidence}"], "note": "Named accounts.", "milestones_explained": True},
    ),
    "recheck": Endpoint(
        "post",
        "poam-items/{second}/recheck/",
        ASSESSORS,
        200,
        {"result": "other_than_satisfied", "note": "Still one shared account."},
    ),
    "accept-risk": Endpoint(
        "post",
        "poam-items/{second}/accept-risk/",
        AUTHORIZERS,
        200,
        {"rationale": "Reachable from the maintenance network only."},
    ),
}


def _filled(value, ids: dict):
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return ids[value[1:-1]]
    if isinstance(value, list):
        return [_filled(item, ids) for item in value]
    if isinstance(value, dict):
        return {key: _filled(item, ids) for key, item in value.items()}
    return value


def call(client, endpoint: Endpoint, ids: dict):
    url = f"{API}/{endpoint.url.format(**ids)}"
    body = _filled(endpoint.body or {}, ids)
    if endpoint.method == "get":
        return client.get(url)
    return getattr(client, endpoint.method)(url, body, format="json")


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_endpoint_against_the_persona(api_client, personas, persona):
    world = poam_world(personas)
    user = getattr(personas, persona)
    api_client.force_authenticate(user)
    for name, endpoint in ENDPOINTS.items():
        before = AuditEvent.objects.count()
        response = call(api_client, endpoint, world)
        if persona in endpoint.allowed:
            assert response.status_code == endpoint.success, (name, response.content)
            if endpoint.method != "get":
                assert AuditEvent.objects.count() > before, name
                assert AuditEvent.objects.order_by("-pk").first().actor == user, name
        else:
            assert response.status_code == 404, (name, response.content)
            assert response.json() == {"detail": "Not found."}, name
            assert AuditEvent.objects.count() == before, name


def test_not_allowed_is_the_same_404_as_missing(api_client, personas):
    world = poam_world(personas)
    missing = dict.fromkeys(world, MISSING)
    for name, endpoint in ENDPOINTS.items():
        api_client.force_authenticate(personas.outsider)
        refused = call(api_client, endpoint, world)
        api_client.force_authenticate(getattr(personas, sorted(endpoint.allowed)[0]))
        unknown = call(api_client, endpoint, missing)
        assert refused.status_code == unknown.status_code == 404, name
        assert refused.json() == unknown.json(), name


def test_anonymous_callers_are_asked_to_authenticate(api_client, personas):
    world = poam_world(personas)
    before = AuditEvent.objects.count()
    for name, endpoint in ENDPOINTS.items():
        response = call(api_client, endpoint, world)
        assert response.status_code == 401, name
    assert AuditEvent.objects.count() == before


def test_an_item_added_then_completed_with_evidence(api_client, personas):
    world = poam_world(personas)
    api_client.force_authenticate(personas.member)
    response = api_client.post(
        f"{API}/authorizations/{world['cycle']}/poam/add/",
        {**ENDPOINTS["add"].body, "selected_control": MISSING},
        format="json",
    )
    assert response.status_code == 400 and "selected_control" in response.json()
    response = api_client.post(
        f"{API}/authorizations/{world['cycle']}/poam/add/",
        {**ENDPOINTS["add"].body, "risk_level": "", "point_of_contact": ""},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"risk_level", "point_of_contact"}
    response = api_client.post(
        f"{API}/authorizations/{world['cycle']}/poam/add/",
        {
            **ENDPOINTS["add"].body,
            "milestone_description": "Console password changed",
            "milestone_due_on": (TODAY + timedelta(days=5)).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 201
    added = response.json()
    assert (added["code"], added["status"], added["overdue"]) == ("POAM-003", "open", False)
    assert [m["description"] for m in added["milestones"]] == ["Console password changed"]

    url = f"{API}/poam-items/{added['id']}/complete/"
    foreign = evidence_link_create(
        actor=personas.sibling,
        organization=personas.sibling_agency,
        title="Motor Vehicles scan",
        url="https://files.example.gov/mv.pdf",
    )
    response = api_client.post(url, {"evidence": [foreign.pk], "note": "Done."}, format="json")
    assert response.status_code == 400
    assert "No evidence" in response.json()["evidence"][0]
    response = api_client.post(
        url,
        {"evidence": [world["evidence"]], "note": "Done.", "expected_version": 7},
        format="json",
    )
    assert response.status_code == 409 and response.json()["current_version"] == 1
    response = api_client.post(
        url, {"evidence": [world["evidence"]], "note": "Password changed."}, format="json"
    )
    assert response.status_code == 400
    assert "milestones_explained" in response.json()
    response = api_client.post(
        url,
        {
            "evidence": [world["evidence"]],
            "note": "Password changed on the day; the milestone is moot.",
            "milestones_explained": True,
            "expected_version": 1,
        },
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "completed" and body["closed_by"] == "member"
    assert body["closure_evidence"] == [{"id": world["evidence"], "title": "Scan report, March"}]
    history = api_client.get(f"{API}/poam-items/{added['id']}/history/").json()
    assert [entry["what"] for entry in history] == [
        "Completed with evidence",
        "Milestone added",
        "Added by hand",
    ]


def test_the_assessor_re_checks_and_the_ao_accepts_a_risk(api_client, personas):
    world = poam_world(personas)
    api_client.force_authenticate(personas.assessor)
    url = f"{API}/poam-items/{world['first']}/recheck/"
    response = api_client.post(url, {"result": "maybe"}, format="json")
    assert response.status_code == 400 and "result" in response.json()
    response = api_client.post(url, {"result": "satisfied", "note": "Seen."}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "completed" and body["rechecked_by"] == "assessor"
    # The assessor cannot complete an item any other way (no EDIT_RMF: as if missing).
    response = api_client.post(
        f"{API}/poam-items/{world['second']}/complete/",
        {"evidence": [world["evidence"]], "note": "Seen."},
        format="json",
    )
    assert response.status_code == 404
    assert PoamItem.objects.get(pk=world["second"]).status == "ongoing"

    api_client.force_authenticate(personas.authorizing_official)
    url = f"{API}/poam-items/{world['second']}/accept-risk/"
    response = api_client.post(url, {"rationale": ""}, format="json")
    assert response.status_code == 400 and "rationale" in response.json()
    response = api_client.post(url, {"rationale": "Isolated network."}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "risk_accepted"
    assert body["risk_accepted_by"] == "authorizing_official"
    assert body["risk_acceptance_rationale"] == "Isolated network."
    response = api_client.post(url, {"rationale": "Again."}, format="json")
    assert response.status_code == 400 and "kept as the record" in response.json()["detail"][0]
    listed = api_client.get(f"{API}/authorizations/{world['cycle']}/poam/?status=open").json()
    assert listed["count"] == 0
    listed = api_client.get(f"{API}/authorizations/{world['cycle']}/poam/").json()
    assert [row["status"] for row in listed["results"]] == ["completed", "risk_accepted"]
    response = api_client.get(f"{API}/authorizations/{world['cycle']}/poam/?status=closed")
    assert response.status_code == 400
