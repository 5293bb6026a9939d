"""A system's authorization state (R-5), shown the same way everywhere: the Python rule for the
rows of a page and the SQL rule for counts agree on every state; the decision appears on the
system page, its RMF page, the cycle page and the portfolio (page and API), expired systems as
expired, and a package changed since signing says which parts changed."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assets.models import System
from assets.services import system_update
from rmf.selectors.decisions import (
    EXPIRY_WINDOWS,
    decision_status,
    decision_status_bulk,
    expiring_q,
    with_authorization_state,
)
from tests.reporting_steps import Kind, agency_systems, decide, dispose

pytestmark = pytest.mark.django_db


def _scenarios(personas) -> dict[str, tuple[System, str]]:
    """One system per case, with the state both rules must give."""
    systems = dict(
        zip(
            [
                "no_cycle",
                "cycle_no_decision",
                "ato",
                "ato_ends_today",
                "expired",
                "conditions",
                "iatt",
                "denied",
                "disposed",
                "denied_then_ato",
                "ato_then_denied",
                "expired_then_renewed",
                "renewed_then_expired_cycle",
            ],
            agency_systems(personas, 13),
            strict=True,
        )
    )
    decide(personas, systems["cycle_no_decision"], days=10).delete()  # its cycle stays
    decide(personas, systems["ato"], days=200)
    decide(personas, systems["ato_ends_today"], days=0)
    decide(personas, systems["expired"], days=365, signed_days_ago=366)
    decide(personas, systems["conditions"], Kind.ATO_WITH_CONDITIONS, days=45)
    decide(personas, systems["iatt"], Kind.IATT, days=80)
    decide(personas, systems["denied"], Kind.DENIAL)
    decide(personas, systems["disposed"], days=300)
    dispose(systems["disposed"])
    # The latest signed decision wins, whatever its cycle.
    decide(personas, systems["denied_then_ato"], Kind.DENIAL, signed_days_ago=40)
    decide(personas, systems["denied_then_ato"], days=25)
    decide(personas, systems["ato_then_denied"], days=365, signed_days_ago=40)
    decide(personas, systems["ato_then_denied"], Kind.DENIAL)
    decide(personas, systems["expired_then_renewed"], days=30, signed_days_ago=400)
    decide(personas, systems["expired_then_renewed"], Kind.ATO_WITH_CONDITIONS, days=365)
    # An earlier cycle's active decision does not hide the later one that already expired.
    decide(personas, systems["renewed_then_expired_cycle"], days=900, signed_days_ago=500)
    decide(personas, systems["renewed_then_expired_cycle"], days=100, signed_days_ago=101)
    expected = {
        "no_cycle": "none",
        "cycle_no_decision": "none",
        "ato": "authorized",
        "ato_ends_today": "authorized",
        "expired": "expired",
        "conditions": "conditions",
        "iatt": "iatt",
        "denied": "denied",
        "disposed": "disposed",
        "denied_then_ato": "authorized",
        "ato_then_denied": "denied",
        "expired_then_renewed": "conditions",
        "renewed_then_expired_cycle": "expired",
    }
    return {name: (system, expected[name]) for name, system in systems.items()}


def test_python_and_sql_rules_agree_on_every_state(personas):
    scenarios = _scenarios(personas)
    today = timezone.localdate()
    ids = [system.pk for system, _state in scenarios.values()]
    python = decision_status_bulk(list(System.objects.filter(pk__in=ids)), today)
    sql = {
        system.pk: system
        for system in with_authorization_state(System.objects.filter(pk__in=python), today)
    }
    for name, (system, state) in scenarios.items():
        assert python[system.pk].state == state, name
        assert sql[system.pk].authorization_state == state, name
        decision = python[system.pk].decision
        assert sql[system.pk].decision_id == (decision.pk if decision else None), name
    for days in EXPIRY_WINDOWS:
        in_sql = set(
            with_authorization_state(System.objects.filter(pk__in=python), today)
            .filter(expiring_q(today, days))
            .values_list("pk", flat=True)
        )
        in_python = {
            pk
            for pk, status in python.items()
            if status.is_active and status.days_left is not None and status.days_left <= days
        }
        assert in_sql == in_python, days
    assert python[scenarios["ato_ends_today"][0].pk].days_left == 0
    assert python[scenarios["ato_ends_today"][0].pk].expiring_within == 30
    assert python[scenarios["conditions"][0].pk].expiring_within == 60
    assert python[scenarios["iatt"][0].pk].expiring_within == 90
    assert python[scenarios["ato"][0].pk].expiring_within is None


def test_the_state_moves_with_today(personas):
    """The same decision is active up to its termination date and expired the day after."""
    (system,) = agency_systems(personas, 1)
    decision = decide(personas, system, days=10)
    end = decision.termination_date
    for day, state in ((end, "authorized"), (end + timedelta(days=1), "expired")):
        assert decision_status(system, day, with_changes=False).state == state
        annotated = with_authorization_state(System.objects.filter(pk=system.pk), day).get()
        assert annotated.authorization_state == state


def test_expired_and_other_states_are_shown_on_every_page(client, personas):
    expired, conditions, fresh = agency_systems(personas, 3)
    decide(personas, expired, days=365, signed_days_ago=370)
    decide(personas, conditions, Kind.ATO_WITH_CONDITIONS, days=20)
    client.force_login(personas.member)

    body = client.get(reverse("assets:system_detail", args=[expired.pk])).content.decode()
    assert "Authorization expired" in body
    assert "expired on" in body and "5 days ago" in body
    assert 'role="alert"' in body
    rmf_page = client.get(reverse("rmf:system_rmf", args=[expired.pk])).content.decode()
    assert "Authorization expired" in rmf_page and "5 days ago" in rmf_page
    cycle = expired.authorizations.get()
    cycle_page = client.get(reverse("rmf:authorization_detail", args=[cycle.pk])).content.decode()
    assert "Authorization of PA0:" in cycle_page and "Authorization expired" in cycle_page

    body = client.get(reverse("assets:system_detail", args=[conditions.pk])).content.decode()
    assert "Authorized with conditions" in body
    assert "Monthly scans." in body  # the conditions are listed
    assert "20 days left" in body and "The authorization ends in 20 days" in body

    body = client.get(reverse("assets:system_detail", args=[fresh.pk])).content.decode()
    assert "Not authorized yet" in body
    assert "No decision has been signed for this system yet" in body

    portfolio = client.get(reverse("rmf:portfolio")).content.decode()
    assert portfolio.count('<span class="auth-state expired">Authorization expired') == 1
    assert "ended" in portfolio and "5 days ago" in portfolio
    assert '<span class="auth-state conditions">Authorized with conditions' in portfolio
    assert '<span class="auth-state none">Not authorized yet' in portfolio


def test_a_disposed_system_shows_disposed_with_its_last_decision(client, personas):
    (system,) = agency_systems(personas, 1)
    decide(personas, system, days=300)
    dispose(system)
    client.force_login(personas.viewer)
    body = client.get(reverse("assets:system_detail", args=[system.pk])).content.decode()
    assert '<span class="auth-state disposed">Disposed' in body
    assert "the last decision before disposal" in body


def test_a_signed_package_changed_since_says_which_parts(client, personas):
    from tests.authorize_steps import cycle_in_monitor

    authorization = cycle_in_monitor(personas, kind="ato", days=365)
    system = personas.system
    client.force_login(personas.authorizing_official)
    urls = [
        reverse("assets:system_detail", args=[system.pk]),
        reverse("rmf:system_rmf", args=[system.pk]),
        reverse("rmf:authorization_detail", args=[authorization.pk]),
        reverse("rmf:portfolio"),
    ]
    for url in urls:
        body = client.get(url).content.decode()
        assert "Authorized to operate" in body, url
        assert "Package changed since authorization" not in body, url
        assert "The package changed since authorization" not in body, url
    detail = client.get(urls[0]).content.decode()
    assert "365 days left" in detail
    signer = personas.authorizing_official.get_full_name()
    assert f"{timezone.localdate():%Y-%m-%d} by {signer}" in detail

    system_update(
        actor=personas.member, system=system, description="Now also controls the bus lanes."
    )
    for url in urls:
        body = client.get(url).content.decode()
        changed = (
            "The package changed since authorization" in body
            or "Package changed since authorization" in body
        )
        assert changed, url
        assert "the system description (SSP)" in body, url
    api = client.get(reverse("api-system-authorization-status", args=[system.pk])).json()
    assert api["state"] == "authorized" and api["package_changed"] is True
    assert api["changed_sections"] == [{"key": "system", "label": "the system description (SSP)"}]
    assert api["decision"]["cycle"] == authorization.cycle
    assert api["decision"]["kind"] == "ato"


def test_the_portfolio_api_has_the_authorization_status(api_client, personas):
    expired, fresh = agency_systems(personas, 2)
    decide(personas, expired, days=365, signed_days_ago=366)
    api_client.force_authenticate(personas.member)
    rows = api_client.get(reverse("api-rmf-portfolio")).json()["results"]
    by_acronym = {row["system"]["acronym"]: row["authorization_status"] for row in rows}
    assert by_acronym["PA0"]["state"] == "expired"
    assert by_acronym["PA0"]["label"] == "Authorization expired"
    assert by_acronym["PA0"]["decision"]["termination_date"] == str(
        timezone.localdate() - timedelta(days=1)
    )
    assert by_acronym["PA1"] == {
        "state": "none",
        "label": "Not authorized yet",
        "decision": None,
        "days_left": None,
        "expiring_within": None,
        "package_changed": False,
        "changed_sections": [],
    }


def _count(client, url) -> int:
    client.get(url)  # warm the process-wide caches first
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("url_name", ["rmf:portfolio", "api-rmf-portfolio"])
def test_the_portfolio_column_costs_a_fixed_number_of_queries(client, personas, url_name):
    client.force_login(personas.viewer)
    url = reverse(url_name)
    for number, system in enumerate(agency_systems(personas, 2)):
        decide(personas, system, Kind.ATO if number else Kind.IATT, days=40 + number)
    few = _count(client, url)
    for number, system in enumerate(agency_systems(personas, 20, start=2)):
        kind = (Kind.ATO, Kind.ATO_WITH_CONDITIONS, Kind.DENIAL)[number % 3]
        decide(personas, system, kind, days=10 + number, signed_days_ago=number)
        if number % 4 == 0:  # a later cycle's decision: the latest wins
            decide(personas, system, Kind.ATO, days=50)
    many = _count(client, url)
    assert few == many
