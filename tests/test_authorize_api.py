"""The Authorize API (R-1 to R-5), one view per operation: the package, its submission, the risk,
the determination, a finding's response, signing with the password and the signed decision.

Every endpoint against every persona: readers of the system read; the system team submits the
package; an authorizing official records the risk; only the system's authorizing official signs.
Without the permission: the same 404 as for a missing object, nothing changes; anonymous: 401.
A signed decision is never edited (405)."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from assets.models import AuditEvent, Role
from assets.services import membership_grant
from rmf.models import AuthorizationDecision, Finding, RiskDetermination, RiskResponse, TaskSignoff
from tests.authorize_steps import cycle_in_authorize
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"
PERSONAS = ("admin", "member", "sibling", "assessor", "authorizing_official", "viewer", "outsider")
READERS = frozenset({"admin", "member", "assessor", "authorizing_official", "viewer"})
TEAM = frozenset({"member"})
AUTHORIZERS = frozenset({"authorizing_official"})
MISSING = 987654


@dataclass(frozen=True)
class Endpoint:
    method: str
    url: str  # formatted with the world's ids
    allowed: frozenset[str]
    body: dict | None = None


def sign_body(**values) -> dict:
    today = timezone.localdate()
    return {
        "kind": "ato",
        "conditions": [],
        "terms": "Within the boundary of the security plan.",
        "decision_date": today.isoformat(),
        "termination_date": (today + timedelta(days=3 * 365)).isoformat(),
        "password": PASSWORD,
        **values,
    }


ENDPOINTS = {
    "package": Endpoint("get", "authorizations/{cycle}/package/", READERS),
    "risk": Endpoint("get", "authorizations/{cycle}/risk/", READERS),
    "determination": Endpoint("get", "authorizations/{cycle}/risk-determination/", READERS),
    "submit": Endpoint("post", "authorizations/{cycle}/package/submit/", TEAM, {"note": "Ready."}),
    "determine": Endpoint(
        "put",
        "authorizations/{cycle}/risk-determination/",
        AUTHORIZERS,
        {"risk_level": "moderate", "rationale": "Two account weaknesses, planned."},
    ),
    "respond": Endpoint(
        "put",
        "findings/{finding}/risk-response/",
        AUTHORIZERS,
        {"response": "mitigate", "rationale": "POA&M item within 90 days."},
    ),
    "sign": Endpoint("post", "authorizations/{cycle}/decision/sign/", AUTHORIZERS, sign_body()),
}


def call(client, endpoint: Endpoint, ids: dict):
    return getattr(client, endpoint.method)(
        f"{API}/{endpoint.url.format(**ids)}", endpoint.body or {}, format="json"
    )


@pytest.fixture
def world(personas) -> dict:
    cycle = cycle_in_authorize(personas)
    finding = Finding.objects.filter(assessment__authorization=cycle).order_by("number").first()
    return {"cycle": cycle.pk, "finding": finding.pk}


def test_every_endpoint_refuses_who_may_not(api_client, personas, world):
    people = personas.all_signed_in()
    for persona in PERSONAS:
        api_client.force_authenticate(people[persona])
        for name, endpoint in ENDPOINTS.items():
            if persona in endpoint.allowed:
                continue
            before = AuditEvent.objects.count()
            response = call(api_client, endpoint, world)
            assert response.status_code == 404, (persona, name, response.content)
            assert response.json() == {"detail": "Not found."}, (persona, name)
            assert AuditEvent.objects.count() == before, (persona, name)
    # Not allowed is the same 404 as missing.
    missing = dict.fromkeys(world, MISSING)
    for name, endpoint in ENDPOINTS.items():
        api_client.force_authenticate(people[sorted(endpoint.allowed)[0]])
        assert call(api_client, endpoint, missing).status_code == 404, name
    api_client.force_authenticate(None)
    for name, endpoint in ENDPOINTS.items():
        response = call(api_client, endpoint, world)
        assert response.status_code == 401 and response.has_header("WWW-Authenticate"), name
    assert not TaskSignoff.objects.filter(task="R-1").exists()
    assert not RiskDetermination.objects.exists() and not RiskResponse.objects.exists()
    assert not AuthorizationDecision.objects.exists()


def test_the_authorize_walk_over_the_api(api_client, personas, world):
    url = f"{API}/authorizations/{world['cycle']}"
    api_client.force_authenticate(personas.viewer)
    package = api_client.get(f"{url}/package/").json()
    assert package["complete"] is True and package["submitted"] is False
    assert [part["key"] for part in package["parts"]] == ["ssp", "sar", "poam"]
    assert [task["code"] for task in package["authorize_tasks"]] == [
        "R-1",
        "R-2",
        "R-3",
        "R-4",
        "R-5",
    ]
    summary = package["executive_summary"]
    assert summary["controls"] == 149 and summary["findings_not_closed"] == 2
    assert summary["objectives"]["other_than_satisfied"] == 2
    assert summary["risk_determination"] is None and summary["decision"] is None
    assert any("Traffic Signal Control (TSC)" in sentence for sentence in summary["text"])
    nothing = api_client.get(f"{url}/risk-determination/").json()
    assert nothing["recorded"] is False and nothing["version"] == 0
    assert nothing["risk_level"] is None and nothing["determined_at"] is None
    assert api_client.get(f"{url}/decision/").status_code == 404

    # R-1, by the system team.
    api_client.force_authenticate(personas.member)
    submitted = api_client.post(f"{url}/package/submit/", {"note": "Ready."}, format="json")
    assert submitted.status_code == 201 and submitted.json()["submitted"] is True
    twice = api_client.post(f"{url}/package/submit/", {}, format="json")
    assert twice.status_code == 400 and "already signed off" in twice.json()["task"][0]

    # 400 for bad input, field by field; 409 on a stale version.
    api_client.force_authenticate(personas.authorizing_official)
    bad = api_client.put(
        f"{url}/risk-determination/", {"risk_level": "huge", "rationale": ""}, format="json"
    )
    assert bad.status_code == 400 and set(bad.json()) == {"risk_level", "rationale"}
    done = api_client.put(
        f"{url}/risk-determination/",
        {"risk_level": "moderate", "rationale": "Two weaknesses."},
        format="json",
    )
    assert done.status_code == 200 and done.json()["version"] == 1 and done.json()["recorded"]
    assert done.json()["determined_by"] == "authorizing_official"
    api_client.put(
        f"{url}/risk-determination/",
        {"risk_level": "high", "rationale": "Raised.", "expected_version": 1},
        format="json",
    )
    stale = api_client.put(
        f"{url}/risk-determination/",
        {"risk_level": "low", "rationale": "Lowered.", "expected_version": 1},
        format="json",
    )
    assert stale.status_code == 409
    assert stale.json()["current"]["risk_level"] == "high" and stale.json()["current_version"] == 2

    # R-3 for every finding not closed.
    risk = api_client.get(f"{url}/risk/").json()
    assert risk["findings_without_response"] == 2
    groupings = {grouping["key"]: grouping for grouping in risk["groupings"]}
    assert set(groupings) >= {"family", "csf_function"}
    protect = next(row for row in groupings["csf_function"]["rows"] if row["key"] == "PR")
    assert protect["total"] == 2
    for finding in risk["findings"]:
        assert finding["risk_response"] is None
        answered = api_client.put(
            f"{API}/findings/{finding['id']}/risk-response/",
            {"response": "mitigate", "rationale": "POA&M item."},
            format="json",
        )
        assert answered.status_code == 200
        assert answered.json()["risk_response"]["response"] == "mitigate"
    assert api_client.get(f"{url}/risk/").json()["findings_without_response"] == 0

    # the password is checked; the decision is final.
    wrong = api_client.post(f"{url}/decision/sign/", sign_body(password="nope"), format="json")
    assert wrong.status_code == 400 and "password" in wrong.json()
    backdated = api_client.post(
        f"{url}/decision/sign/",
        sign_body(decision_date=(timezone.localdate() - timedelta(days=1)).isoformat()),
        format="json",
    )
    assert backdated.status_code == 400 and "decision_date" in backdated.json()
    assert not AuthorizationDecision.objects.exists()
    signed = api_client.post(f"{url}/decision/sign/", sign_body(), format="json")
    assert signed.status_code == 201, signed.content
    decision = signed.json()
    assert decision["kind"] == "ato" and decision["signed_by"] == "authorizing_official"
    assert decision["content_hash"] == AuthorizationDecision.objects.get().content_hash
    assert decision["changed_since_authorization"] is False and decision["changed_sections"] == []
    assert "password" not in decision
    again = api_client.post(f"{url}/decision/sign/", sign_body(kind="denial"), format="json")
    assert again.status_code == 400 and "final" in again.json()["detail"][0]
    for method in ("put", "patch", "delete"):
        refused = getattr(api_client, method)(f"{url}/decision/", {})
        assert refused.status_code == 405, method
        assert "never edited" in refused.json()["detail"]

    # every reader sees the decision.
    people = personas.all_signed_in()
    for persona in PERSONAS:
        api_client.force_authenticate(people[persona])
        response = api_client.get(f"{url}/decision/")
        assert response.status_code == (200 if persona in READERS else 404), persona
    api_client.force_authenticate(personas.viewer)
    package = api_client.get(f"{url}/package/").json()
    assert package["executive_summary"]["decision"]["kind"] == "ato"
    assert all(task["done"] for task in package["authorize_tasks"])


def test_another_authorizing_official_cannot_sign(api_client, personas, world):
    other = UserFactory(username="other_official")
    membership_grant(
        actor=None, organization=personas.city, user=other, role=Role.AUTHORIZING_OFFICIAL
    )
    api_client.force_authenticate(other)
    url = f"{API}/authorizations/{world['cycle']}/decision/sign/"
    response = api_client.post(url, sign_body(), format="json")
    assert response.status_code == 400
    assert "Only the authorizing official of TSC" in response.json()["detail"][0]
    assert not AuthorizationDecision.objects.exists()
    assert not AuditEvent.objects.filter(action="decision_sign").exists()
