"""Who may call which inventory endpoint: every endpoint against every persona.

Reads need VIEW on the system (or organization), writes EDIT_INVENTORY, assessor grants MANAGE.
An object is fetched with the permission the operation needs, so a caller without it gets the
same 404 as for an object that does not exist, and nothing is written.
"""

from dataclasses import dataclass

import pytest

from assets.inventory_access import system_assessor_list
from assets.models import (
    AuditEvent,
    Component,
    InformationType,
    Interconnection,
    OrganizationInformationType,
    Role,
    System,
    SystemInformationType,
)
from assets.selectors import system_list_for_user
from assets.services import (
    component_create,
    interconnection_create,
    membership_grant,
    system_information_type_add,
)
from tests.factories import UserFactory, make_system

pytestmark = pytest.mark.django_db

API = "/api/v1"
PERSONAS = ("admin", "member", "sibling", "assessor", "authorizing_official", "viewer", "outsider")
SYSTEM_READERS = frozenset({"admin", "member", "assessor", "authorizing_official", "viewer"})
AGENCY_READERS = frozenset({"admin", "member", "authorizing_official", "viewer"})
EDITORS = frozenset({"admin", "member"})
MANAGERS = frozenset({"admin"})
MISSING = 987654


@dataclass(frozen=True)
class Endpoint:
    method: str
    url: str  # formatted with the ids of the `world` fixture
    allowed: frozenset[str]
    success: int
    body: dict | None = None


ENDPOINTS = {
    # reads
    "system": Endpoint("get", "systems/{system}/", SYSTEM_READERS, 200),
    "component-list": Endpoint("get", "systems/{system}/components/", SYSTEM_READERS, 200),
    "component": Endpoint("get", "components/{component}/", SYSTEM_READERS, 200),
    "interconnection-list": Endpoint(
        "get", "systems/{system}/interconnections/", SYSTEM_READERS, 200
    ),
    "interconnection": Endpoint("get", "interconnections/{interconnection}/", SYSTEM_READERS, 200),
    "information-type-list": Endpoint(
        "get", "systems/{system}/information-types/", SYSTEM_READERS, 200
    ),
    "organization-information-type-list": Endpoint(
        "get", "organizations/{agency}/information-types/", AGENCY_READERS, 200
    ),
    # writes
    "system-create": Endpoint(
        "post",
        "organizations/{agency}/systems/create/",
        EDITORS,
        201,
        {"name": "Fleet", "acronym": "FLT", "kind": "IT", "system_type": "major_application"},
    ),
    "system-update": Endpoint(
        "patch", "systems/{system}/update/", EDITORS, 200, {"location": "Annex", "version": 1}
    ),
    "component-create": Endpoint(
        "post",
        "systems/{system}/components/create/",
        EDITORS,
        201,
        {"name": "Detector", "component_type": "hardware", "vendor": "Acme"},
    ),
    "component-update": Endpoint(
        "patch", "components/{component}/update/", EDITORS, 200, {"notes": "Spare on shelf"}
    ),
    "component-delete": Endpoint("post", "components/{component}/delete/", EDITORS, 204),
    "interconnection-create": Endpoint(
        "post",
        "systems/{system}/interconnections/create/",
        EDITORS,
        201,
        {"external_party": "State DOT", "direction": "outgoing", "information": "Incidents"},
    ),
    "interconnection-update": Endpoint(
        "patch",
        "interconnections/{interconnection}/update/",
        EDITORS,
        200,
        {"agreement": "isa"},
    ),
    "interconnection-delete": Endpoint(
        "post", "interconnections/{interconnection}/delete/", EDITORS, 204
    ),
    "information-type-add": Endpoint(
        "post",
        "systems/{system}/information-types/add/",
        EDITORS,
        201,
        {"catalog_type": "C.2.8.12"},
    ),
    "information-type-remove": Endpoint(
        "post", "system-information-types/{information_type}/remove/", EDITORS, 204
    ),
    "organization-information-type-create": Endpoint(
        "post",
        "organizations/{agency}/information-types/create/",
        EDITORS,
        201,
        {
            "identifier": "DOT.1",
            "title": "Signal timing plans",
            "confidentiality": "LOW",
            "integrity": "LOW",
            "availability": "LOW",
        },
    ),
    "assessor-grant": Endpoint(
        "post", "systems/{system}/assessors/grant/", MANAGERS, 204, {"username": "consultant"}
    ),
    "assessor-revoke": Endpoint(
        "post", "systems/{system}/assessors/revoke/", MANAGERS, 204, {"username": "assessor"}
    ),
}
WRITES = {name for name, endpoint in ENDPOINTS.items() if endpoint.method != "get"}


@pytest.fixture(autouse=True)
def _json_bodies(api_client):
    api_client.default_format = "json"


@pytest.fixture
def world(personas) -> dict[str, int]:
    """The ids the endpoints' URLs need: the assessor's system and one part of each kind."""
    system = personas.system
    UserFactory(username="consultant")
    component = component_create(
        actor=None, system=system, name="Signal controller", component_type="ot_device"
    )
    interconnection = interconnection_create(
        actor=None,
        system=system,
        remote_system=personas.sibling_system,
        direction="outgoing",
        information="Vehicle owners",
    )
    information_type = system_information_type_add(
        actor=None, system=system, catalog_type=InformationType.objects.get(pk="C.2.8.11")
    )
    return {
        "agency": personas.agency.pk,
        "system": system.pk,
        "component": component.pk,
        "interconnection": interconnection.pk,
        "information_type": information_type.pk,
    }


def _call(client, endpoint: Endpoint, ids: dict[str, int]):
    url = f"{API}/{endpoint.url.format(**ids)}"
    return getattr(client, endpoint.method)(url, endpoint.body or {})


def _state() -> tuple:
    """Everything the write endpoints could change."""
    system = System.objects.order_by("pk").first()
    return (
        AuditEvent.objects.count(),
        System.objects.count(),
        (system.version, system.location),
        list(Component.objects.values_list("pk", "notes")),
        list(Interconnection.objects.values_list("pk", "agreement")),
        SystemInformationType.objects.count(),
        OrganizationInformationType.objects.count(),
        [user.username for user in system_assessor_list(system)],
    )


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_every_endpoint_against_every_persona(api_client, personas, world, name, persona):
    endpoint = ENDPOINTS[name]
    api_client.force_authenticate(getattr(personas, persona))
    before = _state()
    response = _call(api_client, endpoint, world)
    if persona in endpoint.allowed:
        assert response.status_code == endpoint.success, response.content
        if name in WRITES:
            assert AuditEvent.objects.count() == before[0] + 1
            assert AuditEvent.objects.order_by("-pk").first().actor == getattr(personas, persona)
    else:
        assert response.status_code == 404, response.content
        assert response.json() == {"detail": "Not found."}
        assert _state() == before


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_not_allowed_is_the_same_404_as_missing(api_client, personas, world, name):
    endpoint = ENDPOINTS[name]
    api_client.force_authenticate(personas.outsider)
    refused = _call(api_client, endpoint, world)
    api_client.force_authenticate(personas.admin)
    missing = _call(api_client, endpoint, dict.fromkeys(world, MISSING))
    assert refused.status_code == missing.status_code == 404
    assert refused.json() == missing.json()


@pytest.mark.parametrize("name", sorted([*ENDPOINTS, "system-list", "vendor-list"]))
def test_anonymous_callers_are_asked_to_authenticate(api_client, personas, world, name):
    endpoint = ENDPOINTS.get(name) or Endpoint("get", name.replace("-list", "s/"), frozenset(), 200)
    before = _state()
    response = _call(api_client, endpoint, world)
    assert response.status_code == 401
    assert response.has_header("WWW-Authenticate")
    assert _state() == before


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_lists_exactly_the_systems_it_may_see(api_client, personas, persona):
    user = getattr(personas, persona)
    api_client.force_authenticate(user)
    response = api_client.get(f"{API}/systems/")
    assert response.status_code == 200
    listed = {row["id"] for row in response.json()["results"]}
    assert listed == set(system_list_for_user(user).values_list("pk", flat=True))
    assert api_client.get(f"{API}/vendors/").status_code == 200


@pytest.mark.parametrize("role", [Role.SYSTEM_OWNER, Role.ISSO])
def test_system_owners_and_issos_of_the_agency_edit_its_inventory(
    api_client, personas, world, role
):
    user = UserFactory(username=f"new-{role}")
    membership_grant(actor=None, organization=personas.agency, user=user, role=role)
    api_client.force_authenticate(user)
    for name in ("system-update", "component-create", "interconnection-update"):
        response = _call(api_client, ENDPOINTS[name], world)
        assert response.status_code == ENDPOINTS[name].success, (name, response.content)
    assert _call(api_client, ENDPOINTS["assessor-grant"], world).status_code == 404


def test_the_single_system_assessor_reaches_no_other_system_of_the_agency(api_client, personas):
    other = make_system(personas.agency, "Parking Meters", "PKM")
    component = component_create(
        actor=None, system=other, name="Meter", component_type="iot_device"
    )
    api_client.force_authenticate(personas.assessor)
    assert api_client.get(f"{API}/systems/{other.pk}/").status_code == 404
    assert api_client.get(f"{API}/components/{component.pk}/").status_code == 404
    assert api_client.get(f"{API}/systems/{other.pk}/components/").status_code == 404
    listed = api_client.get(f"{API}/systems/").json()["results"]
    assert [row["id"] for row in listed] == [personas.system.pk]


def test_a_part_is_reached_only_through_its_own_system(api_client, personas):
    """The sibling planner edits its own system's parts, never those of the agency's system."""
    own = component_create(
        actor=None, system=personas.sibling_system, name="Printer", component_type="hardware"
    )
    theirs = component_create(
        actor=None, system=personas.system, name="Printer", component_type="hardware"
    )
    api_client.force_authenticate(personas.sibling)
    url = f"{API}/components/{{}}/update/"
    assert api_client.patch(url.format(own.pk), {"notes": "ok"}).status_code == 200
    assert api_client.patch(url.format(theirs.pk), {"notes": "no"}).status_code == 404
    assert Component.objects.get(pk=theirs.pk).notes == ""
