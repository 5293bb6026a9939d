"""An organization's list of authorizations (R-5, M-6): every system the reader may see in the
organization's subtree with its effective decision and expiry, soonest end first, filtered by
state and by expiry window by the database, counts per window at the top, paginated; a filter
the list does not offer is said next to its field."""

import re

import pytest
from django.urls import reverse

from tests.reporting_steps import Kind, agency_systems, decide, dispose

pytestmark = pytest.mark.django_db


def _url(organization) -> str:
    return reverse("rmf:organization_authorizations", args=[organization.pk])


def _row_names(body: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/systems/\d+/">([^<]+)</a>', body)


def _setup(personas):
    soon, later, expired, conditions, denied, gone = agency_systems(personas, 6)
    (sibling,) = agency_systems(personas, 1, organization=personas.sibling_agency, prefix="Fleet")
    decide(personas, soon, days=12)
    decide(personas, later, days=300)
    decide(personas, expired, days=365, signed_days_ago=375)
    decide(personas, conditions, Kind.ATO_WITH_CONDITIONS, days=70)
    decide(personas, denied, Kind.DENIAL)
    decide(personas, gone, days=100)
    dispose(gone)
    decide(personas, sibling, days=25)
    return soon, later, expired, conditions, denied, gone, sibling


def test_the_list_is_sorted_by_end_date_with_counts_at_the_top(client, personas):
    _setup(personas)
    client.force_login(personas.member)
    body = client.get(_url(personas.agency)).content.decode()
    # Expired first (ended 10 days ago), then soonest end; no end date last.
    names = _row_names(body)
    assert names[:4] == [
        "Parking sensors 2",
        "Parking sensors 0",
        "Parking sensors 3",
        "Parking sensors 5",
    ]
    assert names[4] == "Parking sensors 1"
    assert set(names[5:]) == {"Parking sensors 4", "Traffic Signal Control"}
    assert "Fleet sensors 0" not in body  # the sibling agency's system is not the member's
    assert '<span class="tile-number" id="count-expired">1</span>' in body
    assert '<span class="tile-number" id="count-within-30">1</span>' in body
    assert '<span class="tile-number" id="count-within-60">1</span>' in body
    assert '<span class="tile-number" id="count-within-90">2</span>' in body
    assert "ended" in body and "10 days ago" in body
    assert "12 days left" in body
    assert '<span class="auth-state disposed">Disposed</span>' in body
    assert '<tr class="expired">' in body

    client.force_login(personas.authorizing_official)  # the city: both agencies
    body = client.get(_url(personas.city)).content.decode()
    assert "Fleet sensors 0" in body
    assert '<span class="tile-number" id="count-within-30">2</span>' in body


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"state": "expired"}, {"Parking sensors 2"}),
        ({"state": "authorized"}, {"Parking sensors 0", "Parking sensors 1"}),
        ({"state": "conditions"}, {"Parking sensors 3"}),
        ({"state": "denied"}, {"Parking sensors 4"}),
        ({"state": "disposed"}, {"Parking sensors 5"}),
        ({"state": "none"}, {"Traffic Signal Control"}),
        ({"state": "iatt"}, set()),
        ({"expiring": "30"}, {"Parking sensors 0"}),
        ({"expiring": "60"}, {"Parking sensors 0"}),
        ({"expiring": "90"}, {"Parking sensors 0", "Parking sensors 3"}),
        ({"expiring": "90", "state": "conditions"}, {"Parking sensors 3"}),
    ],
)
def test_filters_by_state_and_expiry_window(client, personas, params, expected):
    _setup(personas)
    client.force_login(personas.member)
    response = client.get(_url(personas.agency), params)
    assert response.status_code == 200
    assert set(_row_names(response.content.decode())) == expected


def test_a_filter_the_list_does_not_offer_is_said_next_to_the_field(client, personas):
    _setup(personas)
    client.force_login(personas.member)
    response = client.get(_url(personas.agency), {"state": "lapsed", "expiring": "45"})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="state-error"' in body and "Select a valid choice" in body
    assert 'id="expiring-error"' in body
    assert len(_row_names(body)) == 7  # nothing filtered on a value that means nothing


def test_the_list_is_paginated_by_fifty(client, personas):
    for system in agency_systems(personas, 55):
        decide(personas, system, days=30 + system.pk % 40)
    client.force_login(personas.viewer)
    first = client.get(_url(personas.state)).content.decode()
    assert "Page 1 of 2" in first and len(_row_names(first)) == 50
    second = client.get(_url(personas.state), {"page": 2}).content.decode()
    assert len(_row_names(second)) == 7  # 55 + TSC + VRS
