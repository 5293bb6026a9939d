"""The reporting API (R-5, M-5, M-6, the dashboard): what each endpoint answers, its filters
and their errors, and who may read it (member, other agency, assessor, authorizing official,
viewer, outsider, anonymous)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.reporting_steps import (
    Kind,
    agency_systems,
    current_cycle,
    decide,
    finding,
    poam_item,
)

pytestmark = pytest.mark.django_db


def _endpoints(personas) -> list[tuple[str, str]]:
    """(url, scope): "system" endpoints are of personas.system, the others of its agency."""
    agency, system = personas.agency.pk, personas.system.pk
    return [
        (reverse("api-system-authorization-status", args=[system]), "system"),
        (reverse("api-system-status-report", args=[system]), "system"),
        (reverse("api-organization-authorizations", args=[agency]), "organization"),
        (reverse("api-organization-status-report", args=[agency]), "organization"),
        (reverse("api-organization-dashboard", args=[agency]), "organization"),
    ]


READS = {
    # persona: (reads the system, reads the organization)
    "member": (True, True),
    "admin": (True, True),
    "sibling": (False, False),
    "assessor": (True, False),  # granted the one system, not its organization
    "authorizing_official": (True, True),
    "viewer": (True, True),
    "outsider": (False, False),
}


@pytest.mark.parametrize("persona", list(READS))
def test_who_reads_each_endpoint(api_client, personas, persona):
    api_client.force_authenticate(getattr(personas, persona))
    for url, scope in _endpoints(personas):
        reads = READS[persona][0 if scope == "system" else 1]
        assert api_client.get(url).status_code == (200 if reads else 404), (persona, url)
        # Read-only: no method writes.
        assert api_client.post(url, {}).status_code in (404, 405), (persona, url)


def test_anonymous_callers_are_refused(api_client, personas):
    for url, _scope in _endpoints(personas):
        assert api_client.get(url).status_code in (401, 403), url


def test_the_authorizations_list_filters_sorts_and_refuses_nonsense(api_client, personas):
    soon, later, expired = agency_systems(personas, 3)
    decide(personas, soon, days=20)
    decide(personas, later, Kind.ATO_WITH_CONDITIONS, days=80)
    decide(personas, expired, days=365, signed_days_ago=366)
    api_client.force_authenticate(personas.member)
    url = reverse("api-organization-authorizations", args=[personas.agency.pk])

    body = api_client.get(url).json()
    assert body["count"] == 4  # and TSC, not authorized yet
    acronyms = [row["system"]["acronym"] for row in body["results"]]
    assert acronyms == ["PA2", "PA0", "PA1", "TSC"]
    first = body["results"][0]
    assert first["state"] == "expired" and first["days_left"] is None
    assert first["decision"]["termination_date"] == str(
        timezone.localdate() - timezone.timedelta(days=1)
    )
    assert body["results"][1]["expiring_within"] == 30 and body["results"][1]["days_left"] == 20
    assert body["results"][2]["decision"]["conditions"] == ["Monthly scans."]
    assert body["results"][3]["decision"] is None and body["results"][3]["state"] == "none"

    expiring = api_client.get(url, {"expiring": 90}).json()["results"]
    assert [row["system"]["acronym"] for row in expiring] == ["PA0", "PA1"]
    expired_only = api_client.get(url, {"state": "expired"}).json()["results"]
    assert [row["system"]["acronym"] for row in expired_only] == ["PA2"]
    refused = api_client.get(url, {"state": "lapsed", "expiring": 45})
    assert refused.status_code == 400
    assert set(refused.json()) == {"state", "expiring"}


def test_the_reports_and_the_dashboard_answer_their_numbers(api_client, personas):
    (system,) = agency_systems(personas, 1)
    cycle = decide(personas, system, days=25, step="monitor").authorization
    item = poam_item(cycle, 1, risk="high", age_days=100, overdue=True)
    poam_item(cycle, 2, risk="low", age_days=3)
    weakness = finding(cycle, 1, "ac-2", risk="very_high")
    current_cycle(personas, personas.system)
    api_client.force_authenticate(personas.authorizing_official)

    report = api_client.get(reverse("api-system-status-report", args=[system.pk])).json()
    assert report["cycles"] == 1
    assert {row["key"]: row["count"] for row in report["poam_aging"]} == {
        "0-30": 1,
        "31-90": 0,
        "91-180": 1,
        "181+": 0,
    }
    assert report["poam_open"] == 2 and report["poam_overdue"] == 1
    assert [row["id"] for row in report["overdue_items"]] == [item.pk]
    assert report["overdue_items"][0]["code"] == "POAM-001"
    assert {row["key"]: row["count"] for row in report["findings"]}["very_high"] == 1
    assert report["coverage"] == {"assessed": 0, "active_controls": 1, "percent": 0}

    organization = api_client.get(
        reverse("api-organization-status-report", args=[personas.city.pk])
    ).json()
    assert organization["cycles"] == 2 and organization["poam_overdue"] == 1
    assert "overdue_items" not in organization

    dashboard = api_client.get(reverse("api-organization-dashboard", args=[personas.city.pk]))
    dashboard = dashboard.json()
    assert dashboard["systems"] == 3
    steps = {row["key"]: row["count"] for row in dashboard["steps"]}
    assert steps["monitor"] == 1 and steps["categorize"] == 1 and steps["not_started"] == 1
    states = {row["key"]: row["count"] for row in dashboard["authorization_states"]}
    assert states["authorized"] == 1 and states["none"] == 2
    assert {row["key"]: row["count"] for row in dashboard["expiring"]} == {
        "30": 1,
        "60": 1,
        "90": 1,
    }
    assert dashboard["expired"] == 0 and dashboard["poam_overdue"] == 1
    top = dashboard["highest_risks"][0]
    assert top["kind"] == "finding" and top["id"] == weakness.pk
    assert top["risk_level"] == "very_high" and top["system"]["acronym"] == "PA0"
    assert dashboard["highest_risks"][1]["kind"] == "poam_item"
    assert dashboard["highest_risks"][1]["poam_item"] == item.pk
    assert dashboard["highest_risks"][1]["overdue"] is True
    assert top["overdue"] is False  # no POA&M item


def test_the_schema_documents_the_reporting_endpoints(api_client, personas):
    api_client.force_authenticate(personas.member)
    schema = api_client.get(reverse("api-schema"), {"format": "json"}).json()
    for path in (
        "/api/v1/systems/{id}/authorization-status/",
        "/api/v1/systems/{id}/status-report/",
        "/api/v1/organizations/{id}/authorizations/",
        "/api/v1/organizations/{id}/status-report/",
        "/api/v1/organizations/{id}/dashboard/",
    ):
        assert path in schema["paths"], path
    parameters = schema["paths"]["/api/v1/organizations/{id}/authorizations/"]["get"]
    names = {parameter["name"] for parameter in parameters["parameters"]}
    assert {"state", "expiring", "page"} <= names
