"""The CSF profile, target and action item endpoints (/api/v1/csf/...): every persona (the
agency's planner writes; its administrator, the city's authorizing official and the state's
viewer read; the sibling agency's planner, the one-system assessor and outsiders get 404;
anonymous callers 401), the answers' content, refusals as 400 with nothing written, conflicts
as 409, and the same number of queries for a small and a large organization."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assets.models import AuditEvent
from csf.models import CsfActionItem, CsfTarget
from tests.csf_profile_steps import (
    NEXT_MONTH,
    TODAY,
    action_item,
    assessment_with_scores,
    set_target,
    subcategories,
)

pytestmark = pytest.mark.django_db

PERSONAS = ("admin", "member", "sibling", "assessor", "authorizing_official", "viewer", "outsider")
READERS = frozenset({"admin", "member", "authorizing_official", "viewer"})
PLANNERS = frozenset({"member"})


@pytest.fixture
def world(personas) -> dict:
    assessment = assessment_with_scores(
        personas.agency, {"DE.CM-01": 1, "DE.CM-02": 2}, default=5, year=2025
    )
    set_target(personas.agency, "PR.AA-01", 7, "Badges open the traffic control room.")
    item = action_item(personas.agency, "DE.CM-02", owner=personas.member)
    return {"agency": personas.agency.pk, "item": item.pk, "assessment": assessment.pk}


def _reads(world) -> list[str]:
    agency, item = world["agency"], world["item"]
    return [
        reverse("api-csf-profile", args=[agency]),
        reverse("api-csf-profile", args=[agency]) + "?version=1.1",
        reverse("api-csf-targets", args=[agency]),
        reverse("api-csf-action-items", args=[agency]) + "?status=open",
        reverse("api-csf-action-item", args=[item]),
    ]


def _writes(world) -> list[tuple[str, str, dict]]:
    """(method, url, body) of every write, each one accepted from a planner."""
    agency, item = world["agency"], world["item"]
    return [
        (
            "put",
            reverse("api-csf-targets", args=[agency]),
            {"targets": [{"subcategory": "PR.AA-02", "score": 6}]},
        ),
        (
            "post",
            reverse("api-csf-action-items", args=[agency]),
            {
                "subcategory": "PR.AA-03",
                "title": "Review the remote access accounts",
                "owner": "member",
                "due_date": NEXT_MONTH.isoformat(),
            },
        ),
        (
            "post",
            reverse("api-csf-action-items-from-gaps", args=[agency]),
            {"subcategories": ["DE.CM-01"], "owner": "admin", "due_date": NEXT_MONTH.isoformat()},
        ),
        (
            "patch",
            reverse("api-csf-action-item", args=[item]),
            {"status": "in_progress", "expected_version": 1},
        ),
        (
            "post",
            reverse("api-csf-action-item-close", args=[item]),
            {"outcome": "done", "note": "Netflow feeds the SOC.", "expected_version": 2},
        ),
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_reads_and_who_writes(api_client, personas, world, persona):
    api_client.force_authenticate(getattr(personas, persona))
    for url in _reads(world):
        expected = 200 if persona in READERS else 404
        assert api_client.get(url).status_code == expected, (persona, url)
    for method, url, body in _writes(world):
        response = getattr(api_client, method)(url, body, format="json")
        expected = (200, 201) if persona in PLANNERS else (404,)
        assert response.status_code in expected, (persona, method, url, response.data)
    if persona not in PLANNERS:
        assert not AuditEvent.objects.filter(action__startswith="csf_").exists()
        assert CsfActionItem.objects.count() == 1


def test_anonymous_callers_are_asked_to_authenticate(api_client, world):
    for url in _reads(world):
        assert api_client.get(url).status_code == 401, url
    for method, url, body in _writes(world):
        assert getattr(api_client, method)(url, body, format="json").status_code == 401, url


def test_the_profile_answers_scores_gaps_and_the_prioritized_list(api_client, personas, world):
    api_client.force_authenticate(personas.viewer)
    body = api_client.get(reverse("api-csf-profile", args=[world["agency"]])).json()
    assert body["version"] == "2.0"
    assert body["assessment"]["id"] == world["assessment"]
    assert body["assessment"]["year"] == 2025
    assert "not counted as zero" in body["rule"]
    detect = next(function for function in body["functions"] if function["identifier"] == "DE")
    assert (detect["title"], detect["current"], detect["target"], detect["gap"]) == (
        "Detect",
        4.3,
        5.0,
        0.7,
    )
    monitoring = next(c for c in detect["categories"] if c["identifier"] == "DE.CM")
    assert (monitoring["current"], monitoring["gap"]) == (3.6, 1.4)
    first, second = body["prioritized_gaps"][:2]
    assert (first["rank"], first["subcategory"], first["gap"], first["function"]) == (
        1,
        "DE.CM-01",
        4.0,
        "DE",
    )
    assert second["open_action_items"] == [world["item"]]
    rows = {row["subcategory"]: row for row in body["subcategories"]}
    assert len(rows) == 106
    assert rows["PR.AA-01"] == {
        "subcategory": "PR.AA-01",
        "category": "PR.AA",
        "function": "PR",
        "current": 5.0,
        "target": 7.0,
        "gap": 2.0,
        "own_target": True,
    }
    assert body["unanswered"] == []

    none = api_client.get(reverse("api-csf-profile", args=[world["agency"]]) + "?version=1.1")
    assert none.json()["assessment"] is None
    assert api_client.get(
        reverse("api-csf-profile", args=[world["agency"]]) + "?version=3"
    ).status_code == (404)


def test_targets_are_read_and_set_all_or_nothing(api_client, personas, world):
    api_client.force_authenticate(personas.member)
    url = reverse("api-csf-targets", args=[world["agency"]])
    body = api_client.get(url).json()
    assert body["recommended_target"] == 5
    targets = {row["subcategory"]: row for row in body["targets"]}
    assert targets["PR.AA-01"]["score"] == 7 and targets["PR.AA-01"]["own_target"]
    assert targets["PR.AA-02"]["score"] == 5 and not targets["PR.AA-02"]["own_target"]

    refused = api_client.put(
        url,
        {
            "targets": [
                {"subcategory": "PR.AA-02", "score": 6},
                {"subcategory": "PR.AA-03", "score": 2},
                {"subcategory": "ZZ.ZZ-01", "score": 6},
            ]
        },
        format="json",
    )
    assert refused.status_code == 400
    assert set(refused.json()) == {"PR.AA-03", "ZZ.ZZ-01"}
    assert CsfTarget.objects.count() == 1

    saved = api_client.put(
        url,
        {
            "targets": [
                {"subcategory": "PR.AA-02", "score": 6},
                {"subcategory": "PR.AA-03", "score": 2, "rationale": "Paper records only."},
                {"subcategory": "PR.AA-01", "score": None},
            ]
        },
        format="json",
    )
    assert saved.status_code == 200
    assert saved.json()["changed"] == ["PR.AA-02", "PR.AA-03", "PR.AA-01"]
    assert dict(CsfTarget.objects.values_list("subcategory__identifier", "score")) == {
        "PR.AA-02": 6,
        "PR.AA-03": 2,
    }
    assert api_client.put(url, {"targets": []}, format="json").status_code == 400
    assert api_client.put(url + "?version=9", {"targets": []}, format="json").status_code == 404


def test_action_items_are_listed_with_filters_and_created(api_client, personas, world):
    action_item(personas.agency, "PR.AA-03", due_date=TODAY - timedelta(days=3), title="Late")
    action_item(personas.agency, "PR.AA-04", status="done", title="Done")
    api_client.force_authenticate(personas.member)
    url = reverse("api-csf-action-items", args=[world["agency"]])
    listing = api_client.get(url).json()
    assert listing["count"] == 3
    assert [row["title"] for row in listing["results"]] == ["Late", "Work on DE.CM-02", "Done"]
    late = listing["results"][0]
    assert (late["overdue"], late["function"], late["category"], late["framework"]) == (
        True,
        "PR",
        "PR.AA",
        "2.0",
    )
    assert [r["title"] for r in api_client.get(url, {"overdue": "true"}).json()["results"]] == [
        "Late"
    ]
    assert api_client.get(url, {"function": "DE"}).json()["count"] == 1
    assert api_client.get(url, {"status": "done"}).json()["count"] == 1
    assert api_client.get(url, {"status": "nonsense"}).status_code == 400

    created = api_client.post(
        url,
        {
            "subcategory": "de.cm-01",
            "title": "Send the signal network's logs to the SOC",
            "owner": "admin",
            "due_date": NEXT_MONTH.isoformat(),
            "assessment": world["assessment"],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["subcategory"], body["current_score"], body["target_score"]) == (
        "DE.CM-01",
        1,
        5,
    )
    assert (body["owner"], body["status"], body["version"]) == ("admin", "open", 1)

    refused = api_client.post(
        url,
        {
            "subcategory": "DE.CM-01",
            "title": "",
            "owner": "sibling",
            "due_date": (TODAY - timedelta(days=1)).isoformat(),
        },
        format="json",
    )
    assert refused.status_code == 400
    assert set(refused.json()) == {"title", "owner", "due_date"}
    unknown = api_client.post(
        url,
        {"subcategory": "PR.AC-1", "title": "x", "owner": "member", "due_date": None},
        format="json",
    )
    assert unknown.status_code == 400 and "subcategory" in unknown.json()
    assert CsfActionItem.objects.count() == 4


def test_gaps_become_action_items_and_those_worked_on_are_reported(api_client, personas, world):
    api_client.force_authenticate(personas.member)
    url = reverse("api-csf-action-items-from-gaps", args=[world["agency"]])
    response = api_client.post(
        url,
        {
            "subcategories": ["DE.CM-01", "de.cm-02"],
            "owner": "member",
            "due_date": NEXT_MONTH.isoformat(),
        },
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert [item["subcategory"] for item in body["created"]] == ["DE.CM-01"]
    assert body["created"][0]["title"] == "DE.CM-01: raise from 1 to 5"
    assert body["skipped"] == ["DE.CM-02"]
    refused = api_client.post(
        url,
        {"subcategories": ["PR.AA-02"], "owner": "member", "due_date": NEXT_MONTH.isoformat()},
        format="json",
    )
    assert refused.status_code == 400
    assert "not on the gap list" in refused.json()["subcategories"][0]


def test_an_item_is_patched_version_checked_and_closed(api_client, personas, world):
    api_client.force_authenticate(personas.member)
    url = reverse("api-csf-action-item", args=[world["item"]])
    patched = api_client.patch(
        url, {"owner": "admin", "status": "in_progress", "expected_version": 1}, format="json"
    )
    assert patched.status_code == 200
    assert (patched.json()["owner"], patched.json()["version"]) == ("admin", 2)

    stale = api_client.patch(url, {"title": "Mine", "expected_version": 1}, format="json")
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2
    assert stale.json()["current"]["owner"] == "admin"
    assert api_client.patch(url, {"title": "Mine"}, format="json").status_code == 400
    closing = api_client.patch(url, {"status": "done", "expected_version": 2}, format="json")
    assert closing.status_code == 400

    close = reverse("api-csf-action-item-close", args=[world["item"]])
    no_note = api_client.post(
        close, {"outcome": "cancelled", "note": "", "expected_version": 2}, format="json"
    )
    assert no_note.status_code == 400 and no_note.json() == {
        "note": ["Say why the action is cancelled."]
    }
    closed = api_client.post(
        close,
        {"outcome": "cancelled", "note": "Replaced by the city's SOC.", "expected_version": 2},
        format="json",
    )
    assert closed.status_code == 200
    assert (closed.json()["status"], closed.json()["closure_note"]) == (
        "cancelled",
        "Replaced by the city's SOC.",
    )
    again = api_client.patch(url, {"title": "x", "expected_version": 3}, format="json")
    assert again.status_code == 400
    assert "kept as the record" in again.json()["detail"][0]
    assert AuditEvent.objects.filter(action__startswith="csf_action_item").count() == 2


def _count(api_client, url: str) -> int:
    api_client.get(url)  # warm the process-wide caches first
    with CaptureQueriesContext(connection) as captured:
        response = api_client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


def test_the_endpoints_cost_the_same_for_a_small_and_a_large_organization(api_client, personas):
    small, large = personas.sibling_agency, personas.agency
    assessment_with_scores(small, {"PR.AA-01": 2})
    set_target(small, "PR.AA-01", 6)
    small_item = action_item(small, "PR.AA-01", owner=personas.sibling)
    assessment_with_scores(large, {}, default=2)
    for identifier in subcategories()[:60]:
        set_target(large, identifier, 6)
        action_item(large, identifier, owner=personas.member)
    large_item = CsfActionItem.objects.filter(organization=large).first()
    api_client.force_authenticate(personas.viewer)

    def urls(organization, item):
        return [
            reverse("api-csf-profile", args=[organization.pk]),
            reverse("api-csf-targets", args=[organization.pk]),
            reverse("api-csf-action-items", args=[organization.pk]),
            reverse("api-csf-action-items", args=[organization.pk]) + "?overdue=true&function=PR",
            reverse("api-csf-action-item", args=[item.pk]),
        ]

    for small_url, large_url in zip(urls(small, small_item), urls(large, large_item), strict=True):
        assert _count(api_client, small_url) == _count(api_client, large_url), large_url
