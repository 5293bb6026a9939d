"""Who may call which RMF cycle endpoint: every endpoint against every persona.

Reads need VIEW on the system; starting a cycle, moving it, categorizing, selecting the baseline
and parameter values EDIT_RMF (planners, system owners, ISSOs); tailoring, allocation and the
monitoring strategy TAILOR (ISSOs); sign-offs AUTHORIZE (authorizing officials); organization
parameter defaults MANAGE. An object is fetched with the permission the operation needs, so a
caller without it gets the same 404 as for an object that does not exist, and nothing changes.
"""

from dataclasses import dataclass

import pytest

from assets.models import AuditEvent, Role
from assets.selectors import system_list_for_user
from assets.services import membership_grant
from rmf.models import (
    SelectedControl,
)
from rmf.selectors.workflow import authorization_list_for_user
from tests.factories import UserFactory, make_system
from tests.test_rmf_api import make_cycle, make_isso, rmf_state

pytestmark = pytest.mark.django_db

API = "/api/v1"
PERSONAS = (
    "admin",
    "member",
    "isso",
    "sibling",
    "assessor",
    "authorizing_official",
    "viewer",
    "outsider",
)
READERS = frozenset({"admin", "member", "isso", "assessor", "authorizing_official", "viewer"})
AGENCY_READERS = READERS - {"assessor"}
EDITORS = frozenset({"member", "isso"})
TAILORS = frozenset({"isso"})
AUTHORIZERS = frozenset({"authorizing_official"})
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
    "authorization": Endpoint("get", "authorizations/{select}/", READERS, 200),
    "categorization": Endpoint("get", "authorizations/{select}/categorization/", READERS, 200),
    "controls": Endpoint("get", "authorizations/{select}/controls/", READERS, 200),
    "selected-control": Endpoint("get", "selected-controls/{account}/", READERS, 200),
    "parameter-defaults": Endpoint(
        "get", "organizations/{agency}/parameter-defaults/", AGENCY_READERS, 200
    ),
    # cycles
    "start": Endpoint("post", "systems/{new_system}/authorizations/start/", EDITORS, 201),
    "advance": Endpoint("post", "authorizations/{approved}/advance/", EDITORS, 200),
    "step-back": Endpoint(
        "post",
        "authorizations/{select}/step-back/",
        EDITORS,
        200,
        {"to_step": "categorize", "reason": "A significant change."},
    ),
    "signoff": Endpoint(
        "post", "authorizations/{categorize}/signoffs/", AUTHORIZERS, 201, {"task": "C-3"}
    ),
    "signoff-withdraw": Endpoint(
        "post",
        "authorizations/{approved}/signoffs/withdraw/",
        AUTHORIZERS,
        200,
        {"task": "C-3", "reason": "To be checked again."},
    ),
    # categorize
    "adjust": Endpoint(
        "post",
        "authorizations/{categorize}/categorization/adjust/",
        EDITORS,
        200,
        {
            "system_information_type": "{categorize_type}",
            "objective": "integrity",
            "level": "MODERATE",
            "justification": "Timing errors endanger drivers.",
        },
    ),
    # select
    "select-baseline": Endpoint(
        "post", "authorizations/{unselected}/controls/select-baseline/", EDITORS, 201
    ),
    "add": Endpoint(
        "post",
        "authorizations/{select}/controls/add/",
        TAILORS,
        201,
        {"control": "ac-2.1", "rationale": "Accounts of field technicians."},
    ),
    "remove": Endpoint(
        "post",
        "selected-controls/{removable}/remove/",
        TAILORS,
        200,
        {"kind": "scoped_out", "rationale": "Controllers have no logon screen."},
    ),
    "allocate": Endpoint(
        "post",
        "authorizations/{select}/controls/allocate/",
        TAILORS,
        200,
        {"selected_controls": ["{common}"], "designation": "common", "provider": "{provider}"},
    ),
    "monitoring": Endpoint(
        "post",
        "authorizations/{select}/controls/monitoring/",
        TAILORS,
        200,
        {"frequency": "annual"},
    ),
    "parameter-value": Endpoint(
        "post",
        "selected-controls/{account}/parameters/",
        EDITORS,
        200,
        {"parameter": "ac-02_odp.01", "value": "A supervisor's approval"},
    ),
    "parameter-default-set": Endpoint(
        "post",
        "organizations/{agency}/parameter-defaults/set/",
        MANAGERS,
        200,
        {"parameter": "ac-02_odp.02", "value": "Role"},
    ),
}
WRITES = {name for name, endpoint in ENDPOINTS.items() if endpoint.method != "get"}


@pytest.fixture(autouse=True)
def _json_bodies(api_client):
    api_client.default_format = "json"


@pytest.fixture
def people(personas) -> dict[str, object]:
    return {**personas.all_signed_in(), "isso": make_isso(personas)}


@pytest.fixture
def world(personas, people) -> dict[str, int]:
    """Cycles of the agency's systems in the states the endpoints act on: the assessor's system
    in Select with its LOW control set, and others in Categorize (approved or not) or in Select
    without a control set."""
    agency = personas.agency
    select, _ = make_cycle(personas, personas.system, approve=True, advance=True, select=True)
    categorize, categorize_type = make_cycle(personas, make_system(agency, "Parking", "PRK"))
    approved, _ = make_cycle(personas, make_system(agency, "Cameras", "CAM"), approve=True)
    unselected, _ = make_cycle(
        personas, make_system(agency, "Tolling", "TOL"), approve=True, advance=True
    )
    controls = dict(
        SelectedControl.objects.filter(authorization=select).values_list("control", "pk")
    )
    return {
        "agency": personas.agency.pk,
        "new_system": make_system(agency, "Bike Share", "BIK").pk,
        "select": select.pk,
        "categorize": categorize.pk,
        "categorize_type": categorize_type.pk,
        "approved": approved.pk,
        "unselected": unselected.pk,
        "account": controls["ac-2"],
        "removable": controls["ac-8"],
        "common": controls["pe-1"],
        "provider": personas.sibling_system.pk,
    }


def _filled(value, ids: dict[str, int]):
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return ids[value[1:-1]]
    if isinstance(value, list):
        return [_filled(item, ids) for item in value]
    return value


def _call(client, endpoint: Endpoint, ids: dict[str, int]):
    url = f"{API}/{endpoint.url.format(**ids)}"
    body = {key: _filled(value, ids) for key, value in (endpoint.body or {}).items()}
    return getattr(client, endpoint.method)(url, body)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_every_endpoint_against_every_persona(api_client, people, world, name, persona):
    endpoint = ENDPOINTS[name]
    api_client.force_authenticate(people[persona])
    before = rmf_state()
    response = _call(api_client, endpoint, world)
    if persona in endpoint.allowed:
        assert response.status_code == endpoint.success, response.content
        if name in WRITES:
            assert AuditEvent.objects.count() == before[0] + 1
            assert AuditEvent.objects.order_by("-pk").first().actor == people[persona]
    else:
        assert response.status_code == 404, response.content
        assert response.json() == {"detail": "Not found."}
        assert rmf_state() == before


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_not_allowed_is_the_same_404_as_missing(api_client, people, world, name):
    endpoint = ENDPOINTS[name]
    api_client.force_authenticate(people["outsider"])
    refused = _call(api_client, endpoint, world)
    allowed = next(iter(sorted(endpoint.allowed)))
    api_client.force_authenticate(people[allowed])
    missing = _call(api_client, endpoint, dict.fromkeys(world, MISSING))
    assert refused.status_code == missing.status_code == 404
    assert refused.json() == missing.json()


@pytest.mark.parametrize("name", sorted([*ENDPOINTS, "authorizations/", "rmf/portfolio/"]))
def test_anonymous_callers_are_asked_to_authenticate(api_client, world, name):
    endpoint = ENDPOINTS.get(name) or Endpoint("get", name, frozenset(), 200)
    before = rmf_state()
    response = _call(api_client, endpoint, world)
    assert response.status_code == 401
    assert response.has_header("WWW-Authenticate")
    assert rmf_state() == before


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_lists_exactly_the_cycles_and_systems_it_may_see(
    api_client, personas, people, world, persona
):
    user = people[persona]
    api_client.force_authenticate(user)
    cycles = api_client.get(f"{API}/authorizations/", {"page_size": 500})
    assert cycles.status_code == 200
    listed = {row["id"] for row in cycles.json()["results"]}
    assert listed == set(authorization_list_for_user(user).values_list("pk", flat=True))
    portfolio = api_client.get(f"{API}/rmf/portfolio/", {"page_size": 500})
    assert portfolio.status_code == 200
    systems = {row["system"]["id"] for row in portfolio.json()["results"]}
    assert systems == set(system_list_for_user(user).values_list("pk", flat=True))
    if persona == "assessor":
        assert systems == {personas.system.pk} and listed == {world["select"]}
    if persona in ("sibling", "outsider"):
        assert world["select"] not in listed


@pytest.mark.parametrize("role", [Role.SYSTEM_OWNER, Role.ISSO, Role.PLANNER])
def test_planners_system_owners_and_issos_prepare_but_only_issos_tailor(
    api_client, personas, world, role
):
    user = UserFactory(username=f"new-{role}")
    membership_grant(actor=None, organization=personas.agency, user=user, role=role)
    api_client.force_authenticate(user)
    for name in ("start", "adjust", "advance", "parameter-value"):
        response = _call(api_client, ENDPOINTS[name], world)
        assert response.status_code == ENDPOINTS[name].success, (name, response.content)
    tailored = _call(api_client, ENDPOINTS["add"], world)
    assert tailored.status_code == (201 if role == Role.ISSO else 404), tailored.content
    for name in ("signoff", "parameter-default-set"):
        assert _call(api_client, ENDPOINTS[name], world).status_code == 404


def test_an_authorizing_official_of_another_city_signs_nothing_here(api_client, personas, world):
    from tests.factories import make_organization

    other_city = make_organization("Other City", "city", personas.state)
    official = UserFactory(username="other-ao")
    membership_grant(
        actor=None, organization=other_city, user=official, role=Role.AUTHORIZING_OFFICIAL
    )
    api_client.force_authenticate(official)
    before = rmf_state()
    assert _call(api_client, ENDPOINTS["signoff"], world).status_code == 404
    assert _call(api_client, ENDPOINTS["authorization"], world).status_code == 404
    assert rmf_state() == before
