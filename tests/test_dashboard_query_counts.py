"""The dashboard, the list of authorizations and the organization's status report (pages and
API) cost the same number of queries for an organization of 5 systems as for one of 60: the
database counts, nothing loops over systems or cycles."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.reporting_steps import Kind, agency_systems, decide, finding, poam_item

pytestmark = pytest.mark.django_db

# Every fifth system alike, so that 5 systems already hold every case each list shows: an
# authorization expiring within 30, 60, 90 days, one expired, a denial; findings and POA&M
# items of every age.
CASES = (
    (Kind.ATO, 15, 0),
    (Kind.ATO_WITH_CONDITIONS, 45, 0),
    (Kind.IATT, 80, 0),
    (Kind.ATO, 365, 370),
    (Kind.DENIAL, None, 0),
)


def _systems(personas, count: int, start: int = 0) -> None:
    for number, system in enumerate(agency_systems(personas, count, start), start=start):
        kind, days, signed = CASES[number % len(CASES)]
        cycle = decide(personas, system, kind, days=days, signed_days_ago=signed).authorization
        poam_item(cycle, 1, age_days=(number * 37) % 400, overdue=number % 2 == 0)
        poam_item(cycle, 2, risk="high", age_days=number % 30)
        finding(cycle, 1, "ac-2", risk=("very_high", "high", "low")[number % 3])


def _count(client, url: str, params=None) -> int:
    client.get(url, params or {})  # warm the process-wide caches first
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200, url
    return len(captured.captured_queries)


def _urls(personas) -> list[tuple[str, dict]]:
    city = personas.city.pk
    return [
        (reverse("rmf:organization_dashboard", args=[city]), {}),
        (reverse("rmf:organization_authorizations", args=[city]), {}),
        (reverse("rmf:organization_authorizations", args=[city]), {"expiring": "90"}),
        (reverse("rmf:organization_authorizations", args=[city]), {"state": "expired"}),
        (reverse("rmf:organization_status_report", args=[city]), {}),
        (reverse("api-organization-dashboard", args=[city]), {}),
        (reverse("api-organization-authorizations", args=[city]), {}),
        (reverse("api-organization-authorizations", args=[city]), {"state": "authorized"}),
        (reverse("api-organization-status-report", args=[city]), {}),
    ]


def test_reporting_costs_the_same_for_5_and_60_systems(client, personas):
    client.force_login(personas.authorizing_official)
    _systems(personas, 5)
    few = {(url, str(params)): _count(client, url, params) for url, params in _urls(personas)}
    _systems(personas, 55, start=5)
    many = {(url, str(params)): _count(client, url, params) for url, params in _urls(personas)}
    assert few == many
    # The authorizations list reads its rows' signed packages (R-5: "changed since") in bulk.
    assert max(many.values()) <= 32, many
    dashboard = client.get(reverse("api-organization-dashboard", args=[personas.city.pk])).json()
    assert dashboard["systems"] == 62  # the 60 and the personas' two
    assert len(dashboard["highest_risks"]) == 10
