"""Inventory API calls cost a fixed number of queries, whatever the number of rows.

Each case builds the same data with 2 and with 30 rows and compares the counts; the bounds
document what each call costs today (access check, count, page, prefetches).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assets.models import InformationType, System
from assets.services import (
    component_create,
    interconnection_create,
    organization_information_type_create,
    system_information_type_add,
    system_update,
    vendor_get_or_create,
)
from tests.factories import make_system

pytestmark = pytest.mark.django_db

API = "/api/v1"
SMALL, LARGE = 2, 30


def queries(client, url: str, params: dict | None = None) -> tuple[int, dict]:
    client.get(url, params or {})  # process-wide caches (permission content types) warm up
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.content
    return len(captured.captured_queries), response.json()


def _populate_system(personas, system: System, rows: int) -> None:
    """`rows` components (each with a vendor), interconnections and information types."""
    agency = system.organization
    catalog = list(InformationType.objects.order_by("sort_order")[:rows])
    for number in range(rows):
        component_create(
            actor=None,
            system=system,
            name=f"Part {number}",
            component_type="hardware",
            vendor=vendor_get_or_create(name=f"Vendor {number}"),
        )
        remote = make_system(agency, f"Neighbour {system.pk}-{number}", f"N{system.pk}-{number}")
        interconnection_create(
            actor=None,
            system=system,
            remote_system=remote,
            direction="outgoing",
            information="Data",
        )
        if number % 2:
            system_information_type_add(actor=None, system=system, catalog_type=catalog[number])
        else:
            own = organization_information_type_create(
                actor=None,
                organization=agency,
                identifier=f"T{system.pk}.{number}",
                title="Own",
                confidentiality="LOW",
                integrity="LOW",
                availability="LOW",
            )
            system_information_type_add(actor=None, system=system, organization_type=own)


@pytest.fixture
def two_systems(personas):
    """A system with few parts and one with many, in the same agency."""
    small = make_system(personas.agency, "Small", "SML")
    large = make_system(personas.agency, "Large", "LRG")
    _populate_system(personas, small, SMALL)
    _populate_system(personas, large, LARGE)
    return small, large


@pytest.mark.parametrize("persona", ["member", "viewer", "assessor"])
def test_system_list(api_client, personas, persona):
    api_client.force_authenticate(getattr(personas, persona))
    system_update(actor=None, system=personas.system, system_owner=personas.member)
    for number in range(LARGE):
        system = make_system(
            personas.agency, f"System {number}", f"S{number}", system_owner=personas.member
        )
        component_create(
            actor=None,
            system=system,
            name="Part",
            component_type="hardware",
            vendor=vendor_get_or_create(name="Acme"),
        )
    small, page = queries(api_client, f"{API}/systems/", {"page_size": SMALL})
    large, page_large = queries(api_client, f"{API}/systems/", {"page_size": 100})
    visible = {"member": LARGE + 1, "viewer": LARGE + 2, "assessor": 1}[persona]
    assert len(page_large["results"]) == visible
    assert small == large
    assert large <= 3


def test_system_list_with_every_filter(api_client, personas):
    api_client.force_authenticate(personas.viewer)
    everything = {
        "q": "system",
        "organization": personas.city.pk,
        "kind": "IT",
        "status": "operational",
        "system_type": "major_application",
        "public_facing": "false",
        "processes_pii": "false",
    }
    vendor = vendor_get_or_create(name="Acme")
    for number in range(LARGE):
        system = make_system(personas.agency, f"System {number}", f"S{number}")
        component_create(
            actor=None, system=system, name="Part", component_type="hardware", vendor=vendor
        )
    small, page = queries(
        api_client, f"{API}/systems/", {**everything, "vendor": vendor.pk, "page_size": SMALL}
    )
    large, page_large = queries(
        api_client, f"{API}/systems/", {**everything, "vendor": vendor.pk, "page_size": 100}
    )
    assert (len(page["results"]), len(page_large["results"])) == (SMALL, LARGE)
    assert small == large
    assert large <= 4  # one more: the organization filter reads the organization's path


@pytest.mark.parametrize("persona", ["member", "viewer"])
def test_system_detail(api_client, personas, two_systems, persona):
    api_client.force_authenticate(getattr(personas, persona))
    small_system, large_system = two_systems
    small, data = queries(api_client, f"{API}/systems/{small_system.pk}/")
    large, data_large = queries(api_client, f"{API}/systems/{large_system.pk}/")
    assert len(data["components"]) == len(data["information_types"]) == SMALL
    assert len(data_large["interconnections"]) == LARGE
    assert small == large
    assert large <= 6  # the access check (view and selector), the system, three prefetches


@pytest.mark.parametrize("part", ["components", "interconnections", "information-types"])
def test_lists_of_a_systems_parts(api_client, personas, two_systems, part):
    api_client.force_authenticate(personas.member)
    small_system, large_system = two_systems
    small, page = queries(api_client, f"{API}/systems/{small_system.pk}/{part}/")
    large, page_large = queries(api_client, f"{API}/systems/{large_system.pk}/{part}/")
    assert (page["count"], page_large["count"]) == (SMALL, LARGE)
    assert small == large
    assert large <= 3


def test_vendors_and_organization_information_types(api_client, personas, two_systems):
    api_client.force_authenticate(personas.member)
    small, page = queries(api_client, f"{API}/vendors/", {"page_size": SMALL})
    large, page_large = queries(api_client, f"{API}/vendors/", {"page_size": 100})
    assert (len(page["results"]), len(page_large["results"])) == (SMALL, LARGE)
    assert small == large <= 2

    url = f"{API}/organizations/{personas.agency.pk}/information-types/"
    small, page = queries(api_client, url, {"page_size": SMALL})
    large, page_large = queries(api_client, url, {"page_size": 100})
    assert (len(page["results"]), len(page_large["results"])) == (SMALL, LARGE // 2 + 1)
    assert small == large <= 3
