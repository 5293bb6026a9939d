"""An organization's dashboard: systems by RMF step and by authorization state, expiring and
expired authorizations, overdue and aging POA&M items, the highest risks. Every number equals
the list it links to (the portfolio, the authorizations, the organization's POA&M list), and
counts only what the reader may see."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from assets.models import Role
from assets.services import membership_grant
from rmf.models import Authorization, Finding, PoamItem
from rmf.selectors.decisions import STATES
from rmf.selectors.monitor_facts import AGING_BUCKET_KEYS
from rmf.selectors.poam_lists import PoamFilters, organization_poam_items
from rmf.selectors.portfolio import portfolio_systems
from rmf.selectors.reporting import authorization_list, organization_dashboard
from tests.factories import UserFactory
from tests.reporting_steps import (
    Kind,
    agency_systems,
    current_cycle,
    decide,
    dispose,
    finding,
    poam_item,
)

pytestmark = pytest.mark.django_db


def _organization_with_everything(personas):
    """Systems of both agencies at every step and in every authorization state, with POA&M
    items of every age and findings of every level."""
    agency = agency_systems(personas, 8)
    sibling = agency_systems(personas, 4, organization=personas.sibling_agency, prefix="Fleet")
    decide(personas, agency[0], days=20, step="monitor")  # expiring within 30
    decide(personas, agency[1], Kind.ATO_WITH_CONDITIONS, days=50, step="monitor")
    decide(personas, agency[2], Kind.IATT, days=85, step="monitor")
    decide(personas, agency[3], days=365, signed_days_ago=400, step="monitor")  # expired
    decide(personas, agency[4], Kind.DENIAL, step="authorize")
    current_cycle(personas, agency[5])
    Authorization.objects.filter(system=agency[5]).update(step="implement")
    decide(personas, agency[6], days=200, step="monitor")
    dispose(agency[6])
    # agency[7]: not started.
    decide(personas, sibling[0], days=10, step="monitor")
    decide(personas, sibling[1], days=365, signed_days_ago=380, step="monitor")  # expired
    current_cycle(personas, sibling[2])  # categorize
    # sibling[3]: not started.
    ages = [0, 10, 40, 100, 200, 365]
    for number, age in enumerate(ages, start=1):
        poam_item(
            current_cycle(personas, agency[number % 3]),
            number,
            risk=("low", "moderate", "high")[number % 3],
            age_days=age,
            overdue=number % 2 == 0,
        )
    poam_item(current_cycle(personas, sibling[0]), 1, age_days=150, overdue=True)
    poam_item(current_cycle(personas, sibling[0]), 2, age_days=20, status=PoamItem.Status.COMPLETED)
    finding(current_cycle(personas, agency[0]), 1, "ac-2", risk="very_high")
    finding(current_cycle(personas, sibling[0]), 1, "ac-2", risk="high")
    return agency, sibling


def _in_all(body: str) -> int:
    match = re.search(r"(\d+) in all", body)
    return int(match.group(1)) if match else 0


def test_every_number_equals_the_list_behind_it(client, personas):
    _organization_with_everything(personas)
    today = timezone.localdate()
    for user, organization in (
        (personas.authorizing_official, personas.city),
        (personas.member, personas.agency),
        (personas.viewer, personas.state),
    ):
        dashboard = organization_dashboard(user, organization, today)
        for tally in dashboard.steps:
            listed = portfolio_systems(user, step=tally.key, organization=organization.pk)
            assert tally.count == listed.count(), (user, tally.key)
        for tally in dashboard.authorizations.states:
            listed = authorization_list(user, organization, today, state=tally.key)
            assert tally.count == listed.count(), (user, tally.key)
        for tally in dashboard.authorizations.expiring:
            listed = authorization_list(user, organization, today, expiring=int(tally.key))
            assert tally.count == listed.count(), (user, tally.key)
        overdue = organization_poam_items(user, organization, PoamFilters(overdue=True), today)
        assert dashboard.poam_overdue == overdue.count(), user
        still_open = organization_poam_items(user, organization, PoamFilters(status="open"), today)
        assert dashboard.poam_open == still_open.count(), user
        for tally in dashboard.aging:
            aged = organization_poam_items(user, organization, PoamFilters(aging=tally.key), today)
            assert tally.count == aged.count(), (user, tally.key)

    city = organization_dashboard(personas.authorizing_official, personas.city, today)
    assert city.systems == 14  # with the personas' TSC and VRS, not started
    assert {tally.key: tally.count for tally in city.steps} == {
        "not_started": 4,  # the disposed system is not "not started"
        "categorize": 1,
        "select": 0,
        "implement": 1,
        "assess": 0,
        "authorize": 1,
        "monitor": 7,  # the disposed system's last cycle is listed there too
    }
    assert {tally.key: tally.count for tally in city.authorizations.states} == {
        "none": 6,
        "authorized": 2,
        "conditions": 1,
        "iatt": 1,
        "denied": 1,
        "expired": 2,
        "disposed": 1,
    }
    assert {t.key: t.count for t in city.authorizations.expiring} == {"30": 2, "60": 3, "90": 4}
    assert city.authorizations.expired == 2
    assert city.poam_overdue == 4
    assert {tally.key: tally.count for tally in city.aging} == {
        "0-30": 2,
        "31-90": 1,
        "91-180": 2,
        "181+": 2,
    }
    agency = organization_dashboard(personas.member, personas.agency, today)
    assert agency.systems == 9 and agency.authorizations.expired == 1


def test_the_page_links_every_number_to_its_list(client, personas):
    _organization_with_everything(personas)
    client.force_login(personas.authorizing_official)
    city = personas.city.pk
    body = client.get(reverse("rmf:organization_dashboard", args=[city])).content.decode()
    portfolio = reverse("rmf:portfolio")
    authorizations = reverse("rmf:organization_authorizations", args=[city])
    poam = reverse("rmf:organization_poam", args=[city])
    for step in ("not_started", "categorize", "implement", "authorize", "monitor"):
        link = f"{portfolio}?step={step}&amp;organization={city}"
        shown = re.search(re.escape(link) + r'" id="step-' + step + r'"[^>]*>(\d+)<', body)
        assert shown, step
        listed = client.get(portfolio, {"step": step, "organization": city}).content.decode()
        assert int(shown.group(1)) == _in_all(listed), step
    for state in STATES:
        shown = re.search(
            re.escape(f"{authorizations}?state={state}") + r'" id="state-[^>]*>(\d+)<', body
        )
        assert shown, state
        listed = client.get(authorizations, {"state": state}).content.decode()
        assert int(shown.group(1)) == _in_all(listed), state
    for days in ("30", "60", "90"):
        shown = re.search(
            re.escape(f"{authorizations}?expiring={days}")
            + r'" id="tile-expiring-[^>]*><span class="tile-number">(\d+)<',
            body,
        )
        listed = client.get(authorizations, {"expiring": days}).content.decode()
        assert int(shown.group(1)) == _in_all(listed), days
    assert f'href="{authorizations}?state=expired" id="tile-expired"' in body
    assert f'href="{poam}?overdue=1" id="tile-poam-overdue"><span class="tile-number">4<' in body
    for bucket in AGING_BUCKET_KEYS:
        assert f'href="{poam}?aging={bucket}" id="aging-{bucket}"' in body
    assert f'href="{poam}?status=open" id="poam-open">7<' in body


def test_the_highest_risks_come_first_and_link_to_their_record(client, personas):
    systems = agency_systems(personas, 3)
    cycles = [current_cycle(personas, system) for system in systems]
    levels = ["very_high", "high", "moderate", "low", "very_low", ""]
    findings = []
    for number, level in enumerate(levels, start=1):
        findings.append(finding(cycles[number % 3], number, f"ac-{number + 1}", risk=level))
    closed = finding(cycles[0], 20, "au-2", risk="very_high", status=Finding.Status.CLOSED)
    planned = poam_item(cycles[1], 1, risk="high", finding=findings[1], overdue=True)
    by_hand = [
        poam_item(cycles[2], 10 + n, risk="very_high", age_days=n, overdue=n == 2) for n in range(3)
    ]
    poam_item(cycles[2], 20, risk="very_high", status=PoamItem.Status.RISK_ACCEPTED)
    poam_item(cycles[2], 21, risk="very_high", status=PoamItem.Status.COMPLETED)
    poam_item(cycles[0], 30, risk="low")

    dashboard = organization_dashboard(personas.member, personas.agency, timezone.localdate())
    codes = [(row.system.acronym, row.code, row.risk_level) for row in dashboard.risks]
    assert len(codes) == 10
    assert [level for _s, _c, level in codes] == [
        "very_high",
        "very_high",
        "very_high",
        "very_high",
        "high",
        "moderate",
        "low",
        "low",
        "very_low",
        "",
    ]
    assert closed.pk not in [row.finding.pk for row in dashboard.risks if row.finding]
    finding_row = next(row for row in dashboard.risks if row.finding == findings[1])
    assert finding_row.poam_item == planned  # the finding's plan, shown with it
    assert finding_row.overdue  # its plan is overdue
    overdue = {row.poam_item.pk: row.overdue for row in dashboard.risks if not row.finding}
    assert [overdue[item.pk] for item in by_hand] == [False, False, True]

    client.force_login(personas.member)
    body = client.get(reverse("rmf:organization_dashboard", args=[personas.agency.pk]))
    body = body.content.decode()
    assert reverse("rmf:finding", args=[findings[0].pk]) in body
    for item in by_hand:
        assert reverse("rmf:poam_item", args=[item.pk]) in body
    assert reverse("rmf:poam_item", args=[planned.pk]) in body
    assert body.count('<strong class="overdue">overdue</strong>') == 2


def test_the_dashboard_entry_leads_to_the_readers_dashboards(client, personas):
    client.force_login(personas.viewer)  # one top organization: straight to its dashboard
    response = client.get(reverse("rmf:dashboard_home"))
    assert response.url == reverse("rmf:organization_dashboard", args=[personas.state.pk])
    client.force_login(personas.member)
    response = client.get(reverse("rmf:dashboard_home"))
    assert response.url == reverse("rmf:organization_dashboard", args=[personas.agency.pk])

    both = UserFactory(username="both")
    membership_grant(actor=None, organization=personas.agency, user=both, role=Role.VIEWER)
    membership_grant(actor=None, organization=personas.sibling_agency, user=both, role=Role.VIEWER)
    client.force_login(both)
    body = client.get(reverse("rmf:dashboard_home")).content.decode()
    assert reverse("rmf:organization_dashboard", args=[personas.agency.pk]) in body
    assert reverse("rmf:organization_dashboard", args=[personas.sibling_agency.pk]) in body

    client.force_login(personas.assessor)
    body = client.get(reverse("rmf:dashboard_home")).content.decode()
    assert "there is no organization dashboard for you" in body
    assert client.get(reverse("rmf:dashboard_home"), follow=False).status_code == 200

    client.logout()
    assert client.get(reverse("rmf:dashboard_home")).status_code == 302


def test_the_navigation_and_the_organization_page_lead_to_the_dashboard(client, personas):
    client.force_login(personas.member)
    url = reverse("rmf:organization_dashboard", args=[personas.agency.pk])
    body = client.get(url).content.decode()
    assert body.count('aria-current="page"') == 2  # the main navigation and the reports' tabs
    assert f'<a href="{reverse("rmf:dashboard_home")}" aria-current="page">Dashboard</a>' in body
    page = client.get(reverse("assets:organization_detail", args=[personas.agency.pk]))
    assert f'href="{url}"' in page.content.decode()
    home = client.get(reverse("home")).content.decode()
    assert f'<a href="{reverse("rmf:dashboard_home")}">Dashboard</a>' in home
