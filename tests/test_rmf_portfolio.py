"""The RMF portfolio: every visible system, its step, open tasks and who answers; its filters,
pages and a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assets.models import System
from rmf.services.workflow import authorization_start
from tests.factories import make_system
from tests.test_rmf_pages import cycle_in_select

pytestmark = pytest.mark.django_db

URL = "/rmf/portfolio/"


def _systems(personas, count: int, start: int = 0, *, started=True):
    systems = []
    for number in range(start, start + count):
        system = make_system(
            personas.agency,
            f"Parking sensors {number}",
            f"PS{number}",
            kind=System.Kind.IOT,
            system_owner=personas.member,
            authorizing_official=personas.authorizing_official,
        )
        if started:
            authorization_start(actor=personas.member, system=system)
        systems.append(system)
    return systems


def test_the_url_is_named():
    assert reverse("rmf:portfolio") == URL


def test_rows_show_the_step_open_tasks_and_who_answers(client, personas):
    cycle_in_select(personas)  # TSC: owner member, AO authorizing_official
    client.force_login(personas.member)
    body = client.get(URL).content.decode()
    assert "Traffic Signal Control" in body
    assert reverse("rmf:authorization_detail", args=[personas.system.authorizations.get().pk]) in (
        body
    )
    assert "S-1 Control selection" in body
    assert "S-6 Plan review and approval" in body
    full_name = personas.authorizing_official.get_full_name()
    assert f"AO: {full_name}" in body
    assert f"Owner: {personas.member.get_full_name()}" in body
    assert "C-1" not in body  # only the open tasks of the current step
    assert "Vehicle Registration" not in body  # the sibling agency's system is not visible


def test_filters_by_step_organization_and_kind(client, personas):
    cycle_in_select(personas)
    _systems(personas, 1, started=False)
    client.force_login(personas.authorizing_official)  # reaches both agencies
    every = client.get(URL).content.decode()
    assert "Vehicle Registration" in every and "Parking sensors 0" in every

    not_started = client.get(URL, {"step": "not_started"}).content.decode()
    assert "Parking sensors 0" in not_started and "Vehicle Registration" in not_started
    assert "Traffic Signal Control" not in not_started
    selecting = client.get(URL, {"step": "select"}).content.decode()
    assert "Traffic Signal Control" in selecting and "Parking sensors 0" not in selecting

    sibling = client.get(URL, {"organization": personas.sibling_agency.pk}).content.decode()
    assert "Vehicle Registration" in sibling and "Traffic Signal Control" not in sibling
    iot = client.get(URL, {"kind": "IoT"}).content.decode()
    assert "Parking sensors 0" in iot and "Traffic Signal Control" not in iot
    nonsense = client.get(URL, {"step": "nonsense", "organization": "x"})
    assert nonsense.status_code == 200  # an invalid filter counts as not given


def test_the_portfolio_is_paginated_by_fifty(client, personas):
    _systems(personas, 51, started=False)
    client.force_login(personas.member)
    first = client.get(URL).content.decode()
    assert "Page 1 of 2" in first
    second = client.get(URL, {"page": 2}).content.decode()
    assert "Page 2 of 2" in second


def _count(client, params=None) -> int:
    client.get(URL, params or {})  # warm the process-wide caches first
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL, params or {})
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_portfolio_runs_a_fixed_number_of_queries(client, personas):
    client.force_login(personas.viewer)
    _systems(personas, 2)
    few = _count(client)
    _systems(personas, 28, start=2)
    cycle_in_select(personas)
    many = _count(client)
    assert few == many
    assert many <= 25, many
    assert _count(client, {"step": "categorize", "kind": "IoT"}) == many
