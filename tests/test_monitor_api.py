"""The Monitor API (changes, their analysis, the assessment schedule, ongoing assessments,
disposal): every endpoint against every persona, the answers' content, 400 and 409 bodies, and
a constant number of queries for the lists whatever the cycle's size.

Reads need VIEW on the system; change records and disposal EDIT_RMF (the system team); an
ongoing assessment ASSESS (and the service asks for an assigned assessor). Without the
permission: the same 404 as for a missing object, and nothing changes."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assets.models import System
from rmf.models import Assessment, Authorization, ChangeRecord, Control, SelectedControl
from rmf.services.monitor import change_record_create
from tests.authorize_steps import cycle_in_monitor
from tests.test_ongoing_assessments import make_overdue

API = "/api/v1"
TODAY = timezone.localdate()
PERSONAS = ("admin", "member", "sibling", "assessor", "authorizing_official", "viewer", "outsider")
READERS = frozenset({"admin", "member", "assessor", "authorizing_official", "viewer"})
TEAM = frozenset({"member"})
ASSESSORS = frozenset({"assessor"})


def record(personas, authorization, title="New firewall") -> ChangeRecord:
    return change_record_create(
        actor=personas.member,
        authorization=authorization,
        title=title,
        kind="hardware",
        description="The perimeter firewall is replaced.",
        changed_on=TODAY,
    )


@dataclass(frozen=True)
class Endpoint:
    method: str
    url: str
    allowed: frozenset[str]
    success: int
    body: dict | None = None


def endpoints(world: dict) -> dict[str, Endpoint]:
    cycle, change, ac2 = world["cycle"], world["change"], world["ac2"]
    return {
        "changes": Endpoint("get", f"authorizations/{cycle}/changes/", READERS, 200),
        "change": Endpoint("get", f"changes/{change}/", READERS, 200),
        "schedule": Endpoint("get", f"authorizations/{cycle}/assessment-schedule/", READERS, 200),
        "change-create": Endpoint(
            "post",
            f"authorizations/{cycle}/changes/record/",
            TEAM,
            201,
            {
                "title": "Controller firmware 4.2",
                "kind": "software",
                "description": "Vendor update of the signal controllers.",
                "changed_on": TODAY.isoformat(),
            },
        ),
        "change-update": Endpoint(
            "put",
            f"changes/{change}/update/",
            TEAM,
            200,
            {
                "title": "Firewall replaced",
                "kind": "hardware",
                "description": "Replaced on the weekend.",
                "changed_on": TODAY.isoformat(),
                "expected_version": 1,
            },
        ),
        "change-analyse": Endpoint(
            "post",
            f"changes/{change}/analyse/",
            TEAM,
            200,
            {
                "impact": "minor",
                "analysis": "Rules carried over; SC-7 re-checked at the next assessment.",
                "affected_control_ids": [world["sc7"]],
            },
        ),
        "ongoing-start": Endpoint(
            "post",
            f"authorizations/{cycle}/ongoing-assessments/start/",
            ASSESSORS,
            201,
            {
                "title": "Quarterly check",
                "scoped_control_ids": [ac2],
                "starts_on": TODAY.isoformat(),
                "ends_on": (TODAY + timedelta(days=5)).isoformat(),
                "methods": ["examine"],
            },
        ),
        # Last: it makes the system read-only.
        "dispose": Endpoint(
            "post",
            f"systems/{world['system']}/dispose/",
            TEAM,
            200,
            {"disposed_on": TODAY.isoformat(), "reason": "Replaced by the regional system."},
        ),
    }


@pytest.fixture
def world(personas):
    cycle = cycle_in_monitor(personas)
    make_overdue(cycle)
    change = record(personas, cycle)
    ids = dict(
        SelectedControl.objects.filter(
            authorization=cycle, control__in=["ac-2", "sc-7"]
        ).values_list("control", "pk")
    )
    return {
        "cycle": cycle.pk,
        "change": change.pk,
        "ac2": ids["ac-2"],
        "sc7": ids["sc-7"],
        "system": personas.system.pk,
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
    assert ChangeRecord.objects.count() == 2
    change = ChangeRecord.objects.get(pk=world["change"])
    assert change.title == "Firewall replaced" and change.impact == "minor"
    assert Assessment.objects.filter(kind="ongoing").count() == 1
    assert System.objects.get(pk=world["system"]).status == System.Status.DISPOSED


def test_the_change_answers(api_client, personas, world):
    api_client.force_authenticate(personas.member)
    rows = api_client.get(f"{API}/authorizations/{world['cycle']}/changes/").json()
    assert rows["count"] == 1
    row = rows["results"][0]
    assert row["code"] == "CHG-001" and row["impact"] is None and row["analysed"] is False
    assert row["kind"] == "hardware" and row["recorded_by"] == "member"
    response = api_client.post(
        f"{API}/changes/{world['change']}/analyse/",
        {"impact": "significant", "analysis": "", "return_to": "nowhere"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"analysis", "return_to"}
    response = api_client.put(
        f"{API}/changes/{world['change']}/update/",
        {
            "title": "Stale",
            "kind": "hardware",
            "description": "x",
            "changed_on": TODAY.isoformat(),
            "expected_version": 7,
        },
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["current"]["title"] == "New firewall"
    assert response.json()["current_version"] == 1
    response = api_client.post(
        f"{API}/changes/{world['change']}/analyse/",
        {
            "impact": "significant",
            "analysis": "Remote access added: the access controls are re-selected.",
            "return_to": "select",
            "expected_version": 1,
        },
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    new = Authorization.objects.get(system=personas.system, is_current=True)
    assert body["new_cycle"] == new.pk and new.step == "select"
    assert body["return_to"] == "select" and body["impact"] == "significant"


def test_the_schedule_answers_and_filter(api_client, personas, world):
    api_client.force_authenticate(personas.viewer)
    url = f"{API}/authorizations/{world['cycle']}/assessment-schedule/"
    overdue = api_client.get(url, {"due": "overdue"}).json()
    assert overdue["count"] == 3
    labels = [row["label"] for row in overdue["results"]]
    assert labels == ["AC-2", "AC-3", "IA-5"]
    first = overdue["results"][0]
    assert first["due"] == "overdue" and first["ongoing_assessments"] == []
    assert first["last_assessed"] == (TODAY - timedelta(days=400)).isoformat()
    assert first["next_due"] == (TODAY - timedelta(days=35)).isoformat()
    everything = api_client.get(url, {"page_size": 500}).json()
    assert everything["count"] == len(everything["results"]) > 100
    response = api_client.get(url, {"due": "someday"})
    assert response.status_code == 400 and "due" in response.json()


def test_the_lists_take_a_constant_number_of_queries(api_client, personas, world):
    api_client.force_authenticate(personas.member)
    urls = [
        f"{API}/authorizations/{world['cycle']}/changes/",
        f"{API}/authorizations/{world['cycle']}/assessment-schedule/?page_size=500",
    ]
    for url in urls:
        api_client.get(url)
    small = {}
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert api_client.get(url).status_code == 200
        small[url] = len(queries.captured_queries)
    cycle = Authorization.objects.get(pk=world["cycle"])
    taken = SelectedControl.objects.filter(authorization=cycle).values("control")
    SelectedControl.objects.bulk_create(
        [
            SelectedControl(
                authorization=cycle,
                control=control,
                in_baseline=False,
                tailoring=SelectedControl.Tailoring.ADDED,
                tailoring_rationale="Added for the query count.",
            )
            for control in Control.objects.exclude(pk__in=taken).order_by("sort_key")[:150]
        ]
    )
    for number in range(12):
        change = record(personas, cycle, title=f"Change {number}")
        change.affected_controls.set(SelectedControl.objects.filter(authorization=cycle)[:5])
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert api_client.get(url).status_code == 200
        assert len(queries.captured_queries) == small[url], url
