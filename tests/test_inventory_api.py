"""The inventory REST API: what each endpoint does, its validation, concurrency and audit trail.

Who may call what is in test_inventory_api_permissions.py, the query counts in
test_inventory_api_query_counts.py.
"""

import pytest

from assets.models import (
    AuditEvent,
    Component,
    Interconnection,
    OrganizationInformationType,
    System,
    SystemInformationType,
    Vendor,
)
from assets.selectors import SystemFilters, system_search
from assets.services import (
    component_create,
    organization_information_type_create,
    vendor_get_or_create,
)
from tests.factories import UserFactory, make_system

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture(autouse=True)
def _json_bodies(api_client):
    api_client.default_format = "json"


@pytest.fixture
def member(api_client, personas):
    api_client.force_authenticate(personas.member)
    return api_client


def _audit(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


# ----------------------------------------------------------------------------- the system list


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def inventory(personas):
    """A few systems across the agencies, varied on every filter."""
    portal = make_system(
        personas.agency,
        "Parking Permit Portal",
        "PPP",
        public_facing=True,
        channels=["web"],
        processes_pii=True,
        system_type=System.SystemType.CLOUD_SERVICE,
        hosting=System.Hosting.SAAS,
        hosting_provider="ParkCo",
        location="City Hall",
    )
    sensors = make_system(
        personas.sibling_agency,
        "Plate Readers",
        "LPR",
        kind=System.Kind.IOT,
        system_type=System.SystemType.IOT_FLEET,
        status=System.Status.PLANNED,
    )
    component_create(
        actor=None,
        system=sensors,
        name="Camera",
        component_type="iot_device",
        vendor=vendor_get_or_create(name="Acme Optics"),
    )
    return {"portal": portal, "sensors": sensors}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"system", "sibling_system", "portal", "sensors"}),
        ({"q": "permit city"}, {"portal"}),
        ({"q": "PLATE"}, {"sensors"}),
        ({"organization": "agency"}, {"system", "portal"}),
        ({"organization": "city"}, {"system", "sibling_system", "portal", "sensors"}),
        ({"kind": "OT"}, {"system"}),
        ({"status": "planned"}, {"sensors"}),
        ({"system_type": "cloud_service"}, {"portal"}),
        ({"public_facing": "true"}, {"portal"}),
        ({"public_facing": "false"}, {"system", "sibling_system", "sensors"}),
        ({"processes_pii": "true"}, {"portal"}),
        ({"vendor": "acme"}, {"sensors"}),
        (
            {"kind": "", "q": "", "public_facing": ""},
            {"system", "sibling_system", "portal", "sensors"},
        ),
    ],
)
def test_list_filters_are_the_ui_filters(api_client, personas, inventory, params, expected):
    api_client.force_authenticate(personas.viewer)
    objects = {
        "system": personas.system,
        "sibling_system": personas.sibling_system,
        **inventory,
        "agency": personas.agency,
        "city": personas.city,
        "acme": Vendor.objects.get(name="Acme Optics"),
    }
    query = {key: objects[value].pk if value in objects else value for key, value in params.items()}
    ids = _ids(api_client.get(f"{API}/systems/", query))
    assert set(ids) == {objects[name].pk for name in expected}
    # The very same rows, in the same order, as the selector the systems page uses.
    typed = {key: value for key, value in query.items() if value != ""}
    for key in ("public_facing", "processes_pii"):
        if key in typed:
            typed[key] = typed[key] == "true"
    assert ids == [s.pk for s in system_search(personas.viewer, SystemFilters(**typed))]


def test_list_shows_only_what_the_caller_may_see(api_client, personas, inventory):
    api_client.force_authenticate(personas.sibling)
    ids = _ids(api_client.get(f"{API}/systems/"))
    assert set(ids) == {personas.sibling_system.pk, inventory["sensors"].pk}
    # Filtering by an organization the caller cannot see finds nothing, rather than an error.
    assert _ids(api_client.get(f"{API}/systems/", {"organization": personas.agency.pk})) == []


def test_list_rows_carry_the_component_count(member, personas):
    component_create(
        actor=None, system=personas.system, name="Controller", component_type="ot_device"
    )
    row = member.get(f"{API}/systems/").json()["results"][0]
    assert row["acronym"] == "TSC"
    assert row["component_count"] == 1
    assert row["organization_name"] == "Department of Transportation"


def test_list_refuses_invalid_filters_by_name(member):
    response = member.get(f"{API}/systems/", {"kind": "mainframe", "vendor": "x"})
    assert response.status_code == 400
    assert set(response.json()) == {"kind", "vendor"}


def test_list_is_paginated(member, personas):
    for number in range(3):
        make_system(personas.agency, f"System {number}", f"S{number}")
    page = member.get(f"{API}/systems/", {"page_size": 2}).json()
    assert set(page) == {"count", "next", "previous", "results"}
    assert page["count"] == 4 and len(page["results"]) == 2
    assert page["previous"] is None and "page=2" in page["next"]
    second = member.get(page["next"]).json()
    assert len(second["results"]) == 2 and second["next"] is None


# ----------------------------------------------------------------------------- system records

CREATE = {
    "name": "Parking Permit Portal",
    "acronym": "PPP",
    "kind": "IT",
    "system_type": "cloud_service",
    "hosting": "saas",
    "hosting_provider": "ParkCo",
    "public_facing": True,
    "channels": ["web", "mobile_app"],
    "processes_pii": True,
    "user_count": 12000,
    "operational_since": "2021-03-01",
}


def test_create_names_people_by_username_and_is_audited(member, personas):
    body = {
        **CREATE,
        "system_owner": "MEMBER",
        "isso": "admin",
        "authorizing_official": "authorizing_official",
    }
    response = member.post(f"{API}/organizations/{personas.agency.pk}/systems/create/", body)
    assert response.status_code == 201, response.content
    data = response.json()
    system = System.objects.get(pk=data["id"])
    assert system.organization == personas.agency
    assert system.system_owner == personas.member
    assert system.isso == personas.admin
    assert system.authorizing_official == personas.authorizing_official
    assert data["system_owner"] == "member" and data["channels"] == ["web", "mobile_app"]
    assert data["operational_since"] == "2021-03-01" and data["version"] == 1
    (event,) = [e for e in _audit("system_create") if e.object_id == str(system.pk)]
    assert event.actor == personas.member and event.organization == personas.agency


def test_create_rules_are_400_per_field_and_nothing_is_saved(member, personas):
    before = (System.objects.count(), AuditEvent.objects.count())
    body = {
        **CREATE,
        "acronym": "tsc",  # taken, in another case
        "channels": [],
        "hosting_provider": "",
        "status": "disposed",
        "system_owner": "sibling",  # no role in this agency
        "authorizing_official": "member",  # not an authorizing official
    }
    response = member.post(f"{API}/organizations/{personas.agency.pk}/systems/create/", body)
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {
        "acronym",
        "channels",
        "hosting_provider",
        "retirement_date",
        "system_owner",
        "authorizing_official",
    }
    assert "already has a system called" in errors["acronym"][0]
    assert (System.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"name", "acronym", "kind", "system_type"}),
        ({**CREATE, "kind": "mainframe", "channels": ["fax"]}, {"kind", "channels"}),
        ({**CREATE, "system_owner": "nobody-by-this-name"}, {"system_owner"}),
        (
            {**CREATE, "user_count": -1, "operational_since": "soon"},
            {"user_count", "operational_since"},
        ),
        ({**CREATE, "acronym": "X" * 33}, {"acronym"}),
    ],
)
def test_create_input_errors(member, personas, body, fields):
    before = System.objects.count()
    response = member.post(
        f"{API}/organizations/{personas.agency.pk}/systems/create/", body, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == fields
    assert System.objects.count() == before


def test_detail_has_all_fields_and_the_parts(member, personas):
    system = personas.system
    component_create(
        actor=None,
        system=system,
        name="Signal controller",
        component_type="ot_device",
        vendor=vendor_get_or_create(name="Econolite"),
        quantity=240,
    )
    Interconnection.objects.create(
        system=system, remote_system=personas.sibling_system, direction="outgoing", information="x"
    )
    Interconnection.objects.create(
        system=system, external_party="State DOT", direction="incoming", information="Incidents"
    )
    SystemInformationType.objects.create(system=system, catalog_type_id="C.2.8.12", note="Logs")
    data = member.get(f"{API}/systems/{system.pk}/").json()
    assert data["acronym"] == "TSC" and data["kind"] == "OT" and data["version"] == 1
    assert {"hosting", "boundary_description", "next_review", "updated_at"} <= set(data)
    (component,) = data["components"]
    assert component["vendor"] == "Econolite" and component["quantity"] == 240
    assert [(i["remote_system"], i["other_side"]) for i in data["interconnections"]] == [
        (personas.sibling_system.pk, "Vehicle Registration (VRS)"),
        (None, "State DOT"),
    ]
    (info,) = data["information_types"]
    assert info["identifier"] == "C.2.8.12" and info["title"] == "General Information"
    assert info["confidentiality"] == "LOW" and info["note"] == "Logs"


def _update(client, system, body):
    return client.patch(f"{API}/systems/{system.pk}/update/", body, format="json")


def test_update_is_partial_versioned_and_audited(member, personas):
    response = _update(member, personas.system, {"location": "Traffic Ops Center", "version": 1})
    assert response.status_code == 200, response.content
    assert response.json()["location"] == "Traffic Ops Center"
    assert response.json()["version"] == 2
    system = System.objects.get(pk=personas.system.pk)
    assert system.name == "Traffic Signal Control" and system.kind == "OT"  # untouched
    (event,) = _audit("system_update")
    assert event.actor == personas.member
    assert event.changes == {"location": ["", "Traffic Ops Center"]}


def test_laws_regulations_and_policies_are_read_and_written(member, personas):
    laws = "PCI DSS for card payments\nState data breach notification law"
    body = {**CREATE, "laws_regulations": laws}
    response = member.post(f"{API}/organizations/{personas.agency.pk}/systems/create/", body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["laws_regulations"] == laws
    assert System.objects.get(pk=created["id"]).laws_regulations_list == [
        "PCI DSS for card payments",
        "State data breach notification law",
    ]
    response = _update(member, personas.system, {"laws_regulations": "City IT policy 4.2"})
    assert response.status_code == 200, response.content
    assert response.json()["laws_regulations"] == "City IT policy 4.2"
    (event,) = [e for e in _audit("system_update") if e.object_id == str(personas.system.pk)]
    assert event.changes == {"laws_regulations": ["", "City IT policy 4.2"]}
    detail = member.get(f"{API}/systems/{personas.system.pk}/").json()
    assert detail["laws_regulations"] == "City IT policy 4.2"


def test_update_without_version_and_without_change(member, personas):
    assert _update(member, personas.system, {"system_owner": "member"}).status_code == 200
    assert _update(member, personas.system, {"system_owner": None}).json()["system_owner"] is None
    assert System.objects.get(pk=personas.system.pk).version == 3
    same = _update(member, personas.system, {"acronym": "TSC"})
    assert same.status_code == 200 and same.json()["version"] == 3
    assert len(_audit("system_update")) == 2


def test_update_based_on_an_old_version_is_409_with_the_saved_values(api_client, personas):
    api_client.force_authenticate(personas.admin)
    assert (
        _update(api_client, personas.system, {"location": "Annex", "version": 1}).status_code == 200
    )
    api_client.force_authenticate(personas.member)
    response = _update(api_client, personas.system, {"location": "City Hall", "version": 1})
    assert response.status_code == 409
    body = response.json()
    assert "Someone else saved this system" in body["detail"]
    assert body["current_version"] == 2
    assert body["current"]["location"] == "Annex" and body["current"]["acronym"] == "TSC"
    assert System.objects.get(pk=personas.system.pk).location == "Annex"
    assert len(_audit("system_update")) == 1
    # Sending the version they were shown replaces it deliberately.
    retry = _update(api_client, personas.system, {"location": "City Hall", "version": 2})
    assert retry.status_code == 200 and retry.json()["version"] == 3


def test_update_rules_are_400_and_nothing_is_saved(member, personas):
    response = _update(member, personas.system, {"public_facing": True, "version": 1})
    assert response.status_code == 400
    assert list(response.json()) == ["channels"]
    response = _update(member, personas.system, {"acronym": "", "kind": "x"})
    assert response.status_code == 400 and set(response.json()) == {"acronym", "kind"}
    system = System.objects.get(pk=personas.system.pk)
    assert (system.public_facing, system.version) == (False, 1)
    assert not _audit("system_update")


# ----------------------------------------------------------------------------- components


def test_component_lifecycle(member, personas):
    system = personas.system
    created = member.post(
        f"{API}/systems/{system.pk}/components/create/",
        {"name": "Signal controller", "component_type": "ot_device", "vendor": " econolite "},
        format="json",
    )
    assert created.status_code == 201, created.content
    component = created.json()
    assert component["vendor"] == "econolite" and component["system"] == system.pk
    # The vendor is found again whatever the case.
    second = member.post(
        f"{API}/systems/{system.pk}/components/create/",
        {"name": "Detector", "component_type": "hardware", "vendor": "ECONOLITE", "quantity": 3},
        format="json",
    )
    assert second.json()["vendor_id"] == component["vendor_id"]
    assert Vendor.objects.count() == 1

    listing = member.get(f"{API}/systems/{system.pk}/components/").json()
    assert [row["name"] for row in listing["results"]] == ["Detector", "Signal controller"]
    assert member.get(f"{API}/components/{component['id']}/").json() == component

    updated = member.patch(
        f"{API}/components/{component['id']}/update/",
        {"version": "4.2", "vendor": ""},
        format="json",
    )
    assert updated.status_code == 200, updated.content
    assert updated.json()["version"] == "4.2" and updated.json()["vendor"] is None
    assert updated.json()["name"] == "Signal controller"

    deleted = member.post(f"{API}/components/{component['id']}/delete/")
    assert deleted.status_code == 204
    assert not Component.objects.filter(pk=component["id"]).exists()
    assert member.get(f"{API}/components/{component['id']}/").status_code == 404
    actions = [
        e.action for e in AuditEvent.objects.filter(action__startswith="component_").order_by("pk")
    ]
    assert actions == [
        "component_create",
        "component_create",
        "component_update",
        "component_delete",
    ]
    assert {e.actor for e in AuditEvent.objects.filter(action__startswith="component_")} == {
        personas.member
    }


def test_component_errors_save_nothing_not_even_the_vendor(member, personas):
    component_create(actor=None, system=personas.system, name="PLC", component_type="ot_device")
    before = (Component.objects.count(), Vendor.objects.count(), AuditEvent.objects.count())
    url = f"{API}/systems/{personas.system.pk}/components/create/"
    duplicate = member.post(url, {"name": "PLC", "component_type": "ot_device", "vendor": "New Co"})
    assert duplicate.status_code == 400 and list(duplicate.json()) == ["name"]
    invalid = member.post(url, {"name": "X", "component_type": "toaster", "quantity": 0})
    assert invalid.status_code == 400 and set(invalid.json()) == {"component_type", "quantity"}
    assert (Component.objects.count(), Vendor.objects.count(), AuditEvent.objects.count()) == before


def test_component_update_refuses_a_name_taken(member, personas):
    for name in ("PLC", "RTU"):
        component_create(actor=None, system=personas.system, name=name, component_type="ot_device")
    rtu = Component.objects.get(name="RTU")
    response = member.patch(
        f"{API}/components/{rtu.pk}/update/", {"name": "PLC", "vendor": "Fresh"}, format="json"
    )
    assert response.status_code == 400 and list(response.json()) == ["name"]
    assert Component.objects.get(pk=rtu.pk).name == "RTU"
    assert not Vendor.objects.exists()


# ----------------------------------------------------------------------------- interconnections


def test_interconnection_lifecycle(member, personas):
    system = personas.system
    other = make_system(personas.agency, "Traffic Cameras", "CAM")
    url = f"{API}/systems/{system.pk}/interconnections/create/"
    created = member.post(
        url,
        {"remote_system": other.pk, "direction": "incoming", "information": "Video"},
        format="json",
    )
    assert created.status_code == 201, created.content
    link = created.json()
    assert link["other_side"] == "Traffic Cameras (CAM)" and link["agreement"] == "none"
    external = member.post(
        url,
        {"external_party": "State DOT", "direction": "bidirectional", "information": "Incidents"},
        format="json",
    )
    assert external.status_code == 201

    listing = member.get(f"{API}/systems/{system.pk}/interconnections/").json()
    assert [row["other_side"] for row in listing["results"]] == [
        "Traffic Cameras (CAM)",
        "State DOT",
    ]
    assert member.get(f"{API}/interconnections/{link['id']}/").json() == link

    updated = member.patch(
        f"{API}/interconnections/{link['id']}/update/",
        {"remote_system": None, "external_party": "Camera vendor", "agreement": "isa"},
        format="json",
    )
    assert updated.status_code == 200, updated.content
    assert updated.json()["remote_system"] is None and updated.json()["agreement"] == "isa"

    assert member.post(f"{API}/interconnections/{link['id']}/delete/").status_code == 204
    assert not Interconnection.objects.filter(pk=link["id"]).exists()
    actions = [
        e.action
        for e in AuditEvent.objects.filter(action__startswith="interconnection_").order_by("pk")
    ]
    assert actions == [
        "interconnection_create",
        "interconnection_create",
        "interconnection_update",
        "interconnection_delete",
    ]


def test_a_remote_system_the_caller_cannot_see_is_unknown_like_a_missing_one(member, personas):
    url = f"{API}/systems/{personas.system.pk}/interconnections/create/"
    body = {"direction": "outgoing", "information": "Registrations"}
    hidden = member.post(url, {**body, "remote_system": personas.sibling_system.pk}, format="json")
    missing = member.post(url, {**body, "remote_system": 987654}, format="json")
    assert hidden.status_code == missing.status_code == 400
    assert hidden.json() == missing.json() == {"remote_system": ["Unknown system."]}
    assert not Interconnection.objects.exists() and not _audit("interconnection_create")


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"direction": "outgoing", "information": "x"}, {"remote_system"}),  # neither side
        (
            {
                "direction": "outgoing",
                "information": "x",
                "external_party": "Y",
                "remote_system": "self",
            },
            {"remote_system"},
        ),
        ({"direction": "outgoing", "information": "x", "remote_system": "self"}, {"remote_system"}),
        ({"direction": "sideways", "external_party": "Y"}, {"direction", "information"}),
    ],
)
def test_interconnection_rules(member, personas, body, fields):
    if body.get("remote_system") == "self":
        body = {**body, "remote_system": personas.system.pk}
    response = member.post(
        f"{API}/systems/{personas.system.pk}/interconnections/create/", body, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == fields
    assert not Interconnection.objects.exists()


# ----------------------------------------------------------------------------- information types


def _org_type(organization, identifier: str) -> OrganizationInformationType:
    return organization_information_type_create(
        actor=None,
        organization=organization,
        identifier=identifier,
        title=f"{identifier} records",
        confidentiality="MODERATE",
        integrity="LOW",
        availability="HIGH",
    )


def test_information_types_of_a_system(member, personas):
    system = personas.system
    city_type = _org_type(personas.city, "CITY.1")
    url = f"{API}/systems/{system.pk}/information-types/add/"
    catalog = member.post(url, {"catalog_type": "C.2.8.12", "note": "Operator logs"})
    assert catalog.status_code == 201, catalog.content
    assert catalog.json()["title"] == "General Information"
    own = member.post(url, {"organization_type": city_type.pk}, format="json")
    assert own.status_code == 201, own.content
    assert own.json()["identifier"] == "CITY.1" and own.json()["availability"] == "HIGH"

    listing = member.get(f"{API}/systems/{system.pk}/information-types/").json()
    assert [row["identifier"] for row in listing["results"]] == ["C.2.8.12", "CITY.1"]

    removed = member.post(
        f"{API}/system-information-types/{catalog.json()['id']}/remove/", {"reason": "Mistake"}
    )
    assert removed.status_code == 204
    assert list(SystemInformationType.objects.values_list("organization_type", flat=True)) == [
        city_type.pk
    ]
    added = _audit("system_information_type_add")
    assert [(e.actor, e.organization) for e in added] == [(personas.member, personas.agency)] * 2
    (removal,) = _audit("system_information_type_remove")
    assert removal.reason == "Mistake" and removal.actor == personas.member


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"catalog_type": "Z.9.9"}, "catalog_type", "Unknown information type."),
        ({"organization_type": "sibling"}, "organization_type", "Unknown information type."),
        ({"organization_type": 987654}, "organization_type", "Unknown information type."),
        ({}, "information_type", "Pick one information type"),
        ({"catalog_type": "C.2.8.12", "organization_type": "city"}, "information_type", "Pick one"),
        ({"catalog_type": "C.2.8.11"}, "information_type", "already lists"),
    ],
)
def test_information_type_rules(member, personas, body, field, message):
    types = {
        "sibling": _org_type(personas.sibling_agency, "MV.1"),
        "city": _org_type(personas.city, "C.1"),
    }
    SystemInformationType.objects.create(system=personas.system, catalog_type_id="C.2.8.11")
    body = {key: types[value].pk if value in types else value for key, value in body.items()}
    before = AuditEvent.objects.count()
    response = member.post(
        f"{API}/systems/{personas.system.pk}/information-types/add/", body, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert message in response.json()[field][0]
    assert SystemInformationType.objects.count() == 1
    assert AuditEvent.objects.count() == before


def test_organization_information_types(member, personas):
    _org_type(personas.city, "CITY.1")
    _org_type(personas.sibling_agency, "MV.1")
    created = member.post(
        f"{API}/organizations/{personas.agency.pk}/information-types/create/",
        {
            "identifier": " DOT.1 ",
            "title": "Signal timing plans",
            "confidentiality": "LOW",
            "integrity": "HIGH",
            "availability": "MODERATE",
        },
    )
    assert created.status_code == 201, created.content
    assert created.json()["identifier"] == "DOT.1"
    event = _audit("organization_information_type_create")[-1]
    assert event.actor == personas.member and event.organization == personas.agency
    # The agency's own types and those of the city above it, not the sibling agency's.
    listing = member.get(f"{API}/organizations/{personas.agency.pk}/information-types/").json()
    assert sorted(row["identifier"] for row in listing["results"]) == ["CITY.1", "DOT.1"]


def test_organization_information_type_errors(member, personas):
    _org_type(personas.agency, "DOT.1")
    url = f"{API}/organizations/{personas.agency.pk}/information-types/create/"
    taken = member.post(
        url,
        {
            "identifier": "DOT.1",
            "title": "Again",
            "confidentiality": "LOW",
            "integrity": "LOW",
            "availability": "LOW",
        },
    )
    assert taken.status_code == 400 and list(taken.json()) == ["identifier"]
    invalid = member.post(url, {"identifier": "DOT.2", "confidentiality": "EXTREME"})
    assert invalid.status_code == 400
    assert set(invalid.json()) == {"title", "confidentiality", "integrity", "availability"}
    assert OrganizationInformationType.objects.count() == 1


# ----------------------------------------------------------------------------- vendors


def test_vendors_with_component_counts_and_search(member, personas):
    acme = vendor_get_or_create(name="Acme Signals")
    vendor_get_or_create(name="Beta Networks")
    for name in ("A", "B"):
        component_create(
            actor=None, system=personas.system, name=name, component_type="hardware", vendor=acme
        )
    rows = member.get(f"{API}/vendors/").json()["results"]
    assert [(row["name"], row["component_count"]) for row in rows] == [
        ("Acme Signals", 2),
        ("Beta Networks", 0),
    ]
    found = member.get(f"{API}/vendors/", {"q": "NETW beta"}).json()["results"]
    assert [row["name"] for row in found] == ["Beta Networks"]


# ----------------------------------------------------------------------------- assessors


def test_granting_and_revoking_an_outside_assessor(api_client, personas):
    consultant = UserFactory(username="consultant")
    grant = f"{API}/systems/{personas.system.pk}/assessors/grant/"
    revoke = f"{API}/systems/{personas.system.pk}/assessors/revoke/"
    api_client.force_authenticate(personas.admin)
    assert api_client.post(grant, {"username": "Consultant"}).status_code == 204
    event = _audit("system_assessor_grant")[-1]
    assert event.actor == personas.admin and event.changes == {"assessor": [None, "consultant"]}

    api_client.force_authenticate(consultant)
    assert api_client.get(f"{API}/systems/{personas.system.pk}/").status_code == 200
    assert _ids(api_client.get(f"{API}/systems/")) == [personas.system.pk]
    assert api_client.get(f"{API}/systems/{personas.sibling_system.pk}/").status_code == 404

    api_client.force_authenticate(personas.admin)
    response = api_client.post(revoke, {"username": "consultant", "reason": "Engagement over"})
    assert response.status_code == 204
    assert _audit("system_assessor_revoke")[0].reason == "Engagement over"
    api_client.force_authenticate(consultant)
    assert api_client.get(f"{API}/systems/{personas.system.pk}/").status_code == 404


def test_assessor_grant_errors(api_client, personas):
    api_client.force_authenticate(personas.admin)
    grant = f"{API}/systems/{personas.system.pk}/assessors/grant/"
    revoke = f"{API}/systems/{personas.system.pk}/assessors/revoke/"
    unknown = api_client.post(grant, {"username": "nobody"})
    assert unknown.status_code == 400 and list(unknown.json()) == ["username"]
    UserFactory(username="gone", is_active=False)
    inactive = api_client.post(grant, {"username": "gone"})
    assert inactive.json() == {"username": ["This account is deactivated."]}
    # A planner holds a role, not a grant on this system: nothing to revoke here.
    not_granted = api_client.post(revoke, {"username": "member"})
    assert not_granted.status_code == 400 and list(not_granted.json()) == ["username"]
    assert not _audit("system_assessor_revoke")
