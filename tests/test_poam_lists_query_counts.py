"""The POA&M lists cost the same number of queries for an organization of 5 systems as for one
of 60 (and so for 5,000): filters, overdue flags, ages and sort keys are computed by the
database, nothing is read per row. A cycle's POA&M page and API, and an item's page, likewise
for 3 items as for 40."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rmf.models import PoamItem, PoamMilestone
from rmf.services.assessment import poam_milestone_add, poam_milestone_remove
from tests.authorize_steps import cycle_in_monitor
from tests.test_poam_lists import TODAY, system_with_items

pytestmark = pytest.mark.django_db

ITEMS = [
    {"risk_level": "very_high", "age": 40, "late_milestone": True},
    {"risk_level": "high", "age": 200, "scheduled_completion": TODAY - timedelta(days=1)},
    {"risk_level": "moderate", "status": "completed", "age": 5},
    {"risk_level": "", "status": "risk_accepted", "age": 100},
]


def _systems(personas, count: int, start: int = 0) -> None:
    for number in range(start, start + count):
        organization = personas.agency if number % 2 else personas.sibling_agency
        system_with_items(organization, f"S{number:03d}", ITEMS)


def _count(client, url: str, params: dict) -> int:
    client.get(url, params)  # warm the process-wide caches first
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, (url, params)
    return len(captured.captured_queries)


def _org_urls(personas) -> list[tuple[str, dict]]:
    page = reverse("rmf:organization_poam", args=[personas.city.pk])
    api = reverse("api-organization-poam", args=[personas.city.pk])
    filters = [
        {},
        {"overdue": "1"},
        {"aging": "31-90"},
        {"risk": "high"},
        {"status": "open"},
        {"status": "open", "page": "2", "page_size": "2"},
        {"system": personas.system.pk},
    ]
    return [(url, params) for url in (page, api) for params in filters]


def test_the_organization_s_list_costs_the_same_for_5_and_60_systems(client, api_client, personas):
    client.force_login(personas.authorizing_official)
    api_client.force_authenticate(personas.authorizing_official)

    def counts():
        return {
            (url, str(params)): _count(api_client if "/api/" in url else client, url, params)
            for url, params in _org_urls(personas)
        }

    _systems(personas, 5)
    few = counts()
    _systems(personas, 55, start=5)
    many = counts()
    assert few == many
    assert max(many.values()) <= 15, many
    body = api_client.get(reverse("api-organization-poam", args=[personas.city.pk])).json()
    assert body["count"] == 60 * len(ITEMS)


def _more_items(cycle, count: int) -> None:
    start = PoamItem.objects.filter(authorization=cycle).count() + 1
    for number in range(start, start + count):
        item = PoamItem.objects.create(
            authorization=cycle,
            number=number,
            weakness=f"Weakness {number}",
            source="Vulnerability scan",
            risk_level=("high", "low", "")[number % 3],
            scheduled_completion=TODAY + timedelta(days=number % 20 - 10),
        )
        PoamMilestone.objects.create(item=item, description="Patch", due_on=TODAY)


def test_a_cycle_s_poam_costs_the_same_for_3_and_40_items(client, api_client, personas):
    cycle = cycle_in_monitor(personas)
    client.force_login(personas.member)
    api_client.force_authenticate(personas.member)
    urls = [
        (client, reverse("rmf:poam", args=[cycle.pk]), {}),
        (client, reverse("rmf:poam", args=[cycle.pk]), {"overdue": "1"}),
        (api_client, reverse("api-cycle-poam", args=[cycle.pk]), {}),
        (api_client, reverse("api-cycle-poam", args=[cycle.pk]), {"status": "open"}),
    ]
    _more_items(cycle, 1)
    few = [_count(c, url, params) for c, url, params in urls]
    _more_items(cycle, 37)
    many = [_count(c, url, params) for c, url, params in urls]
    assert few == many
    assert max(many) <= 24, many


def test_an_item_s_page_costs_the_same_whatever_its_history(client, personas):
    cycle = cycle_in_monitor(personas)
    item = PoamItem.objects.get(authorization=cycle, number=1)
    url = reverse("rmf:poam_item", args=[item.pk])
    for persona in ("member", "assessor", "authorizing_official"):
        client.force_login(getattr(personas, persona))
        few = _count(client, url, {})
        for n in range(12):
            milestone = poam_milestone_add(
                actor=personas.member, item=item, description=f"Step {n}", due_on=TODAY
            )
            if n % 2:
                poam_milestone_remove(actor=personas.member, milestone=milestone)
        assert _count(client, url, {}) == few, persona
        assert few <= 20, (persona, few)
