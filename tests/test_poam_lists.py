"""An organization's POA&M list (page and API): every item of the current cycle of the systems
the user may see in the organization's subtree, filtered by status, risk, overdue, aging bucket
and system with the parameter names the dashboard links with, highest risk first then the
soonest due, paginated.

Cycles and items are created as rows (a documented shortcut: the list reads items, not how the
cycle got there); the rules they are read with are `monitor_facts`' own."""

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assets.models import System
from rmf.models import Authorization, PoamItem, PoamMilestone, Step
from rmf.selectors.monitor_facts import poam_aging_counts, poam_overdue_q
from rmf.selectors.poam_lists import PoamFilters, organization_poam_items, organization_poam_scope
from tests.factories import make_system

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def created_days_ago(days: int):
    return timezone.make_aware(datetime.combine(TODAY - timedelta(days=days), time(10)))


def system_with_items(organization, acronym: str, items: list[dict], system=None) -> Authorization:
    """A system (or `system`) with a current cycle in Monitor holding `items`: each a dict of
    PoamItem fields, plus `age` (days since created) and `late_milestone` (a milestone past
    due)."""
    system = system or make_system(organization, f"System {acronym}", acronym)
    cycle = Authorization.objects.create(system=system, step=Step.MONITOR)
    for number, values in enumerate(items, start=1):
        values = dict(values)
        age = values.pop("age", 0)
        late = values.pop("late_milestone", False)
        item = PoamItem.objects.create(
            authorization=cycle,
            number=number,
            weakness=f"Weakness {number} of {system.acronym}",
            source="Vulnerability scan",
            point_of_contact="Team lead",
            **{"scheduled_completion": TODAY + timedelta(days=60), **values},
        )
        PoamItem.objects.filter(pk=item.pk).update(created_at=created_days_ago(age))
        if late:
            PoamMilestone.objects.create(
                item=item, description="Patch", due_on=TODAY - timedelta(days=2)
            )
    return cycle


@pytest.fixture
def world(personas):
    """The agency's traffic signal system and a parking system; the sibling agency's vehicle
    registration system; an earlier cycle and a disposed system, both left out."""
    tsc = system_with_items(
        personas.agency,
        "TSC",
        [
            {"risk_level": "moderate", "age": 10},
            {"risk_level": "very_high", "age": 40, "late_milestone": True},
            {"risk_level": "high", "status": "completed", "age": 200},
            {"risk_level": "", "age": 100, "scheduled_completion": None},
        ],
        system=personas.system,
    )
    prk = system_with_items(
        personas.agency,
        "PRK",
        [
            {"risk_level": "high", "age": 200, "scheduled_completion": TODAY - timedelta(days=1)},
            {"risk_level": "high", "status": "risk_accepted", "age": 5},
            {"risk_level": "very_high", "status": "ongoing", "age": 60},
        ],
    )
    vrs = system_with_items(
        personas.sibling_agency,
        "VRS",
        [{"risk_level": "very_high", "age": 3}],
        system=personas.sibling_system,
    )
    old = system_with_items(personas.agency, "OLD", [{"risk_level": "very_high"}])
    Authorization.objects.filter(pk=old.pk).update(is_current=False)
    gone = system_with_items(personas.agency, "GONE", [{"risk_level": "very_high"}])
    System.objects.filter(pk=gone.system_id).update(status=System.Status.DISPOSED)
    return {"tsc": tsc, "prk": prk, "vrs": vrs}


def codes(items) -> list[str]:
    return [f"{item.authorization.system.acronym} {item.code}" for item in items]


def listed(personas, user, organization, **filters) -> list[str]:
    return codes(organization_poam_items(user, organization, PoamFilters(**filters), TODAY))


def test_the_list_is_sorted_by_risk_then_due_date(personas, world):
    assert listed(personas, personas.member, personas.agency) == [
        "PRK POAM-003",  # very high, due in 60 days
        "TSC POAM-002",  # very high, due in 60 days: then by system
        "PRK POAM-001",  # high, due yesterday
        "PRK POAM-002",  # high, due in 60 days
        "TSC POAM-003",
        "TSC POAM-001",  # moderate
        "TSC POAM-004",  # not rated, last
    ]


def test_each_user_sees_the_systems_they_may_see(personas, world):
    city = listed(personas, personas.authorizing_official, personas.city)
    assert len(city) == 8 and "VRS POAM-001" in city
    assert listed(personas, personas.viewer, personas.state) == city
    # The agency's member reads its own agency; the sibling agency's planner theirs.
    assert listed(personas, personas.sibling, personas.sibling_agency) == ["VRS POAM-001"]
    assert "VRS POAM-001" not in listed(personas, personas.member, personas.agency)
    # Earlier cycles and disposed systems are not worked on: left out.
    assert not any(code.startswith(("OLD", "GONE")) for code in city)


def test_the_filters_are_the_dashboard_s(personas, world):
    agency, member = personas.agency, personas.member
    assert listed(personas, member, agency, status="open") == [
        "PRK POAM-003",
        "TSC POAM-002",
        "PRK POAM-001",
        "TSC POAM-001",
        "TSC POAM-004",
    ]
    assert listed(personas, member, agency, status="ongoing") == ["PRK POAM-003"]
    assert listed(personas, member, agency, status="risk_accepted") == ["PRK POAM-002"]
    assert listed(personas, member, agency, risk="high") == [
        "PRK POAM-001",
        "PRK POAM-002",
        "TSC POAM-003",
    ]
    assert listed(personas, member, agency, risk="unrated") == ["TSC POAM-004"]
    assert listed(personas, member, agency, overdue=True) == ["TSC POAM-002", "PRK POAM-001"]
    assert listed(personas, member, agency, aging="31-90") == ["PRK POAM-003", "TSC POAM-002"]
    assert listed(personas, member, agency, aging="181+") == ["PRK POAM-001"]
    assert listed(personas, member, agency, system=world["prk"].system_id, risk="high") == [
        "PRK POAM-001",
        "PRK POAM-002",
    ]
    # The same items as monitor_facts counts (the dashboard's numbers).
    scope = organization_poam_scope(member, agency)
    assert scope.filter(poam_overdue_q(TODAY)).count() == 2
    assert poam_aging_counts(scope, TODAY) == {"0-30": 1, "31-90": 2, "91-180": 1, "181+": 1}


def test_the_page_shows_the_filtered_list(client, personas, world):
    client.force_login(personas.authorizing_official)
    url = reverse("rmf:organization_poam", args=[personas.city.pk])
    page = client.get(url, {"overdue": "1"}).content.decode()
    assert "Overdue: 2" in page and "Open or ongoing: 6" in page
    assert page.count('class="has-overdue"') == 2
    assert "POAM-002" in page and "No item matches" not in page
    page = client.get(url, {"aging": "31-90", "risk": "high"}).content.decode()
    assert "No item matches these filters" in page
    page = client.get(url, {"status": "nonsense"}).content.decode()
    assert "not recognized and is ignored: status" in page
    assert page.count("<tr") == 1 + 8  # the header and every item
    page = client.get(url, {"overdue": "0"}).content.decode()
    assert page.count("<tr") == 1 + 8  # `0` is not a flag set
    page = client.get(url, {"system": world["vrs"].system_id}).content.decode()
    assert "Weakness 1 of VRS" in page and "Weakness 1 of TSC" not in page


def test_the_page_is_paginated(client, personas, world, monkeypatch):
    monkeypatch.setattr("rmf.views.poam_lists.PAGE_SIZE", 3)
    client.force_login(personas.member)
    url = reverse("rmf:organization_poam", args=[personas.agency.pk])
    page = client.get(url, {"status": "open", "page": "2"}).content.decode()
    assert "Page 2 of 2 (5 in all)" in page
    assert "status=open&amp;page=1" in page


def test_the_api_lists_and_filters(api_client, personas, world):
    api_client.force_authenticate(personas.member)
    url = reverse("api-organization-poam", args=[personas.agency.pk])
    body = api_client.get(url, {"overdue": "1"}).json()
    assert body["count"] == 2
    first = body["results"][0]
    assert (first["system_acronym"], first["code"], first["overdue"]) == ("TSC", "POAM-002", True)
    assert first["risk_level"] == "very_high" and first["age_days"] == 40
    assert first["next_milestone_due"] == (TODAY - timedelta(days=2)).isoformat()
    body = api_client.get(url, {"status": "completed"}).json()
    assert [row["code"] for row in body["results"]] == ["POAM-003"]
    assert body["results"][0]["age_days"] is None
    body = api_client.get(url, {"page_size": 2}).json()
    assert body["count"] == 7 and len(body["results"]) == 2 and body["next"]
    response = api_client.get(url, {"aging": "1-2", "risk": "severe"})
    assert response.status_code == 400
    assert set(response.json()) == {"aging", "risk"}
