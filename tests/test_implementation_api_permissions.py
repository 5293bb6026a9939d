"""Who may call which Implement endpoint: every endpoint against every persona.

Reads need VIEW on the system (evidence: on its organization, or on a system it documents), so
the agency's staff, the city's authorizing official, the state's viewer and the assessor granted
the system read; changes need EDIT_RMF (planners): the assessor, the authorizing official, the
viewer and the organization administrator do not. Without the permission the answer is the same
404 as for a missing object, and nothing changes; without credentials, 401.
"""

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assets.models import AuditEvent
from rmf.models import ControlImplementation, Evidence, ImplementationNarrative, SelectedControl
from rmf.services.implementation import evidence_attach, evidence_link_create, evidence_upload
from tests.test_implementation_api import PDF
from tests.test_rmf_cycles import TYPE_LOW, cycle_in_implement

pytestmark = pytest.mark.django_db

API = "/api/v1"
PERSONAS = ("admin", "member", "sibling", "assessor", "authorizing_official", "viewer", "outsider")
READERS = frozenset({"admin", "member", "assessor", "authorizing_official", "viewer"})
EDITORS = frozenset({"member"})


@dataclass(frozen=True)
class Endpoint:
    method: str
    url: str  # formatted with the ids of the `world` fixture
    allowed: frozenset[str]
    success: int
    body: dict | None = None


ENDPOINTS = {
    "worklist": Endpoint("get", "authorizations/{cycle}/implementation/", READERS, 200),
    "implementation": Endpoint("get", "selected-controls/{control}/implementation/", READERS, 200),
    "evidence": Endpoint("get", "evidence/{attached}/", READERS, 200),
    "download": Endpoint("get", "evidence/{attached}/download/", READERS, 200),
    "bulk-status": Endpoint(
        "post",
        "authorizations/{cycle}/implementation/bulk-status/",
        EDITORS,
        200,
        {"selected_ids": ["{control}"], "status": "planned"},
    ),
    "patch": Endpoint(
        "patch",
        "selected-controls/{control}/implementation/",
        EDITORS,
        200,
        {"status": "implemented", "responsible_roles": "Network team"},
    ),
    "narrative": Endpoint(
        "put",
        "selected-controls/{control}/narratives/ac-2_smt.a/",
        EDITORS,
        200,
        {"text": "Accounts live in the directory.", "expected_version": 0},
    ),
    "attach": Endpoint(
        "post",
        "selected-controls/{control}/evidence/attach/",
        EDITORS,
        200,
        {"evidence_id": "{library}"},
    ),
    "detach": Endpoint(
        "post",
        "selected-controls/{control}/evidence/detach/",
        EDITORS,
        200,
        {"evidence_id": "{attached}"},
    ),
    "evidence-create": Endpoint(
        "post",
        "organizations/{agency}/evidence/",
        EDITORS,
        201,
        {"title": "Directory", "url": "https://dir.example.gov/"},
    ),
}


@pytest.fixture
def world(personas, settings, tmp_path) -> dict[str, int]:
    settings.WORKBENCH_EVIDENCE_DIR = tmp_path / "evidence"
    cycle = cycle_in_implement(personas, types=(TYPE_LOW,))
    control = SelectedControl.objects.get(authorization=cycle, control="ac-2")
    attached = evidence_upload(
        actor=personas.member,
        organization=personas.agency,
        title="Account policy",
        uploaded_file=SimpleUploadedFile("policy.pdf", PDF),
    )
    evidence_attach(actor=personas.member, evidence=attached, selected_control=control)
    library = evidence_link_create(
        actor=personas.member,
        organization=personas.agency,
        title="Directory",
        url="https://dir.example.gov/",
    )
    return {
        "cycle": cycle.pk,
        "control": control.pk,
        "attached": attached.pk,
        "library": library.pk,
        "agency": personas.agency.pk,
    }


def _format(value, world):
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return world[value[1:-1]]
    if isinstance(value, list):
        return [_format(item, world) for item in value]
    return value


def _call(client, endpoint: Endpoint, world):
    url = f"{API}/" + endpoint.url.format(**world)
    if endpoint.method == "get":
        return client.get(url)
    body = {key: _format(value, world) for key, value in (endpoint.body or {}).items()}
    return getattr(client, endpoint.method)(url, body, format="json")


def _state():
    return (
        AuditEvent.objects.count(),
        list(ControlImplementation.objects.values_list("status", "version")),
        ImplementationNarrative.objects.count(),
        sorted(Evidence.controls.through.objects.values_list("evidence", "selectedcontrol")),
        Evidence.objects.count(),
    )


@pytest.mark.parametrize("name", list(ENDPOINTS))
def test_each_persona_gets_what_its_role_allows(api_client, personas, world, name):
    endpoint = ENDPOINTS[name]
    users = personas.all_signed_in()
    # The refused first: each must leave everything as it was for the allowed one.
    order = sorted(PERSONAS, key=lambda persona: persona in endpoint.allowed)
    for persona in order:
        before = _state()
        api_client.force_authenticate(users[persona])
        response = _call(api_client, endpoint, world)
        if persona in endpoint.allowed:
            assert response.status_code == endpoint.success, (persona, response.content)
        else:
            assert response.status_code == 404, (persona, response.status_code)
            assert _state() == before, persona
    api_client.force_authenticate(None)
    assert _call(api_client, endpoint, world).status_code == 401


def test_the_evidence_list_holds_what_each_persona_may_see(api_client, personas, world):
    expected = {
        "admin": {"Account policy", "Directory"},
        "member": {"Account policy", "Directory"},
        "authorizing_official": {"Account policy", "Directory"},
        "viewer": {"Account policy", "Directory"},
        "assessor": {"Account policy"},  # attached to the system granted to them only
        "sibling": set(),
        "outsider": set(),
    }
    for persona, user in personas.all_signed_in().items():
        api_client.force_authenticate(user)
        response = api_client.get(f"{API}/evidence/")
        assert response.status_code == 200
        assert {item["title"] for item in response.json()["results"]} == expected[persona], persona
