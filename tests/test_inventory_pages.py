"""Browsing the inventory: the list with its search and filters, and the system page, in a fixed
number of queries whatever the number of systems and components."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assets.models import InformationType, Role, System
from assets.services import (
    component_create,
    interconnection_create,
    membership_grant,
    organization_information_type_create,
    system_information_type_add,
    system_update,
    vendor_get_or_create,
)
from tests.factories import UserFactory, make_system

pytestmark = pytest.mark.django_db


def acronyms(response) -> list[str]:
    return [system.acronym for system in response.context["page_obj"]]


@pytest.fixture
def inventory(personas):
    """A few varied systems of the agency, seen by the member (a planner there)."""
    agency = personas.agency
    portal = make_system(
        agency,
        "Parking Permit Portal",
        "PPP",
        kind=System.Kind.IT,
        system_type=System.SystemType.CLOUD_SERVICE,
        hosting=System.Hosting.SAAS,
        hosting_provider="ParkCo",
        public_facing=True,
        channels=["web", "mobile_app"],
        processes_pii=True,
        location="Downtown garages",
    )
    sensors = make_system(
        agency,
        "Air Quality Sensors",
        "AQS",
        kind=System.Kind.IOT,
        system_type=System.SystemType.IOT_FLEET,
        status=System.Status.PLANNED,
    )
    component_create(
        actor=None,
        system=sensors,
        name="Sensor nodes",
        component_type="iot_device",
        vendor=vendor_get_or_create(name="Acme Sensing"),
        quantity=120,
    )
    return {"portal": portal, "sensors": sensors}


def test_the_list_shows_the_systems_with_their_facts(client, personas, inventory):
    client.force_login(personas.member)
    response = client.get(reverse("assets:system_list"))
    assert response.status_code == 200
    assert acronyms(response) == ["AQS", "PPP", "TSC"]
    body = response.content.decode()
    assert "Parking Permit Portal" in body
    assert reverse("assets:system_detail", args=[inventory["portal"].pk]) in body
    assert reverse("assets:system_create", args=[personas.agency.pk]) in body
    sensors = next(s for s in response.context["page_obj"] if s.acronym == "AQS")
    assert sensors.component_count == 1


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "permit"}, ["PPP"]),
        ({"q": "downtown garages"}, ["PPP"]),  # every word, in any searched field
        ({"q": "tsc"}, ["TSC"]),
        ({"kind": "IoT"}, ["AQS"]),
        ({"kind": "OT"}, ["TSC"]),
        ({"status": "planned"}, ["AQS"]),
        ({"system_type": "cloud_service"}, ["PPP"]),
        ({"public_facing": "yes"}, ["PPP"]),
        ({"public_facing": "no"}, ["AQS", "TSC"]),
        ({"processes_pii": "yes"}, ["PPP"]),
        ({"kind": "IT", "public_facing": "no"}, []),
        ({"kind": "nonsense"}, ["AQS", "PPP", "TSC"]),  # an invalid filter is ignored
    ],
)
def test_search_and_filters(client, personas, inventory, params, expected):
    client.force_login(personas.member)
    response = client.get(reverse("assets:system_list"), params)
    assert response.status_code == 200
    assert acronyms(response) == expected


def test_filter_by_vendor_and_organization(client, personas, inventory):
    client.force_login(personas.viewer)  # the state viewer sees both agencies
    url = reverse("assets:system_list")
    vendor = vendor_get_or_create(name="acme sensing")
    assert acronyms(client.get(url, {"vendor": vendor.pk})) == ["AQS"]
    assert acronyms(client.get(url, {"organization": personas.sibling_agency.pk})) == ["VRS"]
    assert acronyms(client.get(url, {"organization": personas.city.pk})) == [
        "AQS",
        "PPP",
        "TSC",
        "VRS",
    ]
    empty = client.get(url, {"q": "no-such-words"})
    assert "No system matches these filters" in empty.content.decode()


def test_the_list_is_paginated(client, personas):
    for number in range(55):
        make_system(personas.agency, f"Kiosk {number:02}", f"K{number:02}")
    client.force_login(personas.member)
    first = client.get(reverse("assets:system_list"), {"q": "kiosk"})
    assert len(first.context["page_obj"]) == 50
    body = first.content.decode()
    assert "Page 1 of 2" in body
    assert "q=kiosk&amp;page=2" in body
    second = client.get(reverse("assets:system_list"), {"q": "kiosk", "page": 2})
    assert acronyms(second) == [f"K{number:02}" for number in range(50, 55)]


def test_the_system_page_shows_everything(client, personas, inventory):
    system = personas.system
    system_update(
        actor=None,
        system=system,
        system_owner=personas.member,
        authorizing_official=personas.authorizing_official,
        location="City traffic center",
        boundary_description="The central server and 42 intersection controllers.",
    )
    component_create(
        actor=None,
        system=system,
        name="Intersection controllers",
        component_type="ot_device",
        vendor=vendor_get_or_create(name="Signal Corp"),
        product="ATC-2070",
        version="4.2.1",
        quantity=42,
        cpe="cpe:2.3:h:signalcorp:atc-2070:4.2.1:*:*:*:*:*:*:*",
        internet_reachable=True,
    )
    interconnection_create(
        actor=None,
        system=system,
        remote_system=inventory["sensors"],
        direction="incoming",
        information="Air quality readings",
        agreement="mou",
        agreement_reference="MOU 2024-7",
    )
    interconnection_create(
        actor=None,
        system=system,
        remote_system=personas.sibling_system,
        direction="outgoing",
        information="Plate reads",
    )
    catalog_type = InformationType.objects.get(pk="D.14.1")
    system_information_type_add(
        actor=None, system=system, catalog_type=catalog_type, note="Plans the signal timing."
    )
    own = organization_information_type_create(
        actor=None,
        organization=personas.city,
        identifier="CITY.1",
        title="Signal timing plans",
        confidentiality="LOW",
        integrity="HIGH",
        availability="MODERATE",
    )
    system_information_type_add(
        actor=None, system=system, organization_type=own, note="Holds every intersection's plan."
    )
    client.force_login(personas.member)
    response = client.get(reverse("assets:system_detail", args=[system.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    for text in (
        "Traffic Signal Control",
        "Operational technology (OT)",
        "City traffic center",
        "42 intersection controllers",
        "Intersection controllers",
        "Signal Corp",
        "ATC-2070",
        "4.2.1",
        "cpe:2.3:h:signalcorp:atc-2070",
        "Air quality readings",
        "Data comes in from the other side",
        "Memorandum of understanding",
        "MOU 2024-7",
        "D.14.1",
        catalog_type.title,
        "Plans the signal timing.",
        "CITY.1",
        "Defined by the organization",
        "Holds every intersection&#x27;s plan.",
        "authorizing_official",  # the AO by user name
        "RMF work",
        "starts with <strong>categorization</strong>",
        "assessor",  # the assessor granted this system
    ):
        assert text in body, text
    # The member may open the sensors but not the sibling agency's system: no dead link.
    assert reverse("assets:system_detail", args=[inventory["sensors"].pk]) in body
    assert "Vehicle Registration (VRS)" in body
    assert reverse("assets:system_detail", args=[personas.sibling_system.pk]) not in body


def test_the_system_page_lists_the_laws_regulations_and_policies(client, personas):
    client.force_login(personas.viewer)
    url = reverse("assets:system_detail", args=[personas.system.pk])
    body = client.get(url).content.decode()
    assert "Laws, regulations and policies" in body
    assert "None named yet." in body
    system_update(
        actor=None,
        system=personas.system,
        laws_regulations="  State data breach notification law \n\nCity IT policy 4.2\n",
    )
    body = client.get(url).content.decode()
    assert "None named yet." not in body
    listed = body[body.index('<ul id="laws-regulations">') :]
    listed = listed[: listed.index("</ul>")]
    assert listed.count("<li>") == 2
    assert "<li>State data breach notification law</li>" in listed
    assert "<li>City IT policy 4.2</li>" in listed


def test_the_audit_link_is_shown_to_those_who_may_read_the_trail(client, personas):
    url = reverse("assets:system_detail", args=[personas.system.pk])
    audit = f"{reverse('assets:audit_event_list')}?organization={personas.agency.pk}"
    client.force_login(personas.admin)
    assert audit in client.get(url).content.decode()
    client.force_login(personas.member)
    assert audit not in client.get(url).content.decode()


def test_the_navigation_marks_systems_as_current(client, personas):
    client.force_login(personas.member)
    body = client.get(reverse("assets:system_list")).content.decode()
    assert f'<a href="{reverse("assets:system_list")}" aria-current="page">Systems</a>' in body
    home = client.get(reverse("home")).content.decode()
    assert f'<a href="{reverse("assets:system_list")}">Systems</a>' in home


# --- a fixed number of queries ------------------------------------------------------------------


def _count(client, url, params=None) -> int:
    client.get(url, params or {})  # warm the process-wide caches (content types) first
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_list_runs_a_fixed_number_of_queries(client, personas):
    membership_grant(
        actor=None,
        organization=personas.agency,
        user=UserFactory(username="owner"),
        role=Role.SYSTEM_OWNER,
    )
    owner = type(personas.member).objects.get(username="owner")
    vendor = vendor_get_or_create(name="Acme")

    def add_systems(count: int, start: int) -> None:
        for number in range(start, start + count):
            system = make_system(
                personas.agency, f"System {number}", f"S{number}", system_owner=owner
            )
            component_create(
                actor=None, system=system, name="Server", component_type="hardware", vendor=vendor
            )

    client.force_login(personas.member)
    url = reverse("assets:system_list")
    add_systems(2, 0)
    few = _count(client, url, {"vendor": vendor.pk})
    add_systems(28, 2)
    many = _count(client, url, {"vendor": vendor.pk})
    assert few == many
    assert many <= 12, many


def test_the_system_page_runs_a_fixed_number_of_queries(client, personas):
    system = personas.system
    url = reverse("assets:system_detail", args=[system.pk])
    others = [make_system(personas.agency, f"Other {n}", f"O{n}") for n in range(30)]
    catalog = list(InformationType.objects.all()[:30])

    def add_parts(start: int, stop: int) -> None:
        for n in range(start, stop):
            component_create(
                actor=None,
                system=system,
                name=f"Part {n}",
                component_type="hardware",
                vendor=vendor_get_or_create(name=f"Vendor {n}"),
            )
            interconnection_create(
                actor=None,
                system=system,
                remote_system=others[n],
                direction="outgoing",
                information="Data",
            )
            system_information_type_add(actor=None, system=system, catalog_type=catalog[n])

    client.force_login(personas.admin)  # sees every link: edit, assessors, audit
    add_parts(0, 2)
    few = _count(client, url)
    add_parts(2, 30)
    many = _count(client, url)
    assert few == many
    assert many <= 20, many
