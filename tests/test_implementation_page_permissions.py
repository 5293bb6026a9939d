"""Who reaches which Implement and evidence page and action: every view, every persona.

Everybody who sees the system reads its work list and its controls' implementation (the agency's
staff, the city's authorizing official, the state's viewer, the assessor granted the system);
only the system's team (EDIT_RMF: planners) changes them. The evidence library is read by whoever
sees the organization and added to by its planners; a file is downloaded by whoever sees its
organization or a system it documents. Not allowed looks like missing (404), and a refused action
changes nothing; a visitor who is not signed in is sent to sign in.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assets.models import AuditEvent
from rmf.models import ControlImplementation, Evidence, ImplementationNarrative, SelectedControl
from rmf.services.implementation import evidence_attach, evidence_link_create, evidence_upload
from tests.test_implementation_api import PDF
from tests.test_rmf_cycles import TYPE_LOW, cycle_in_implement

pytestmark = pytest.mark.django_db

PERSONAS = ("admin", "member", "sibling", "assessor", "authorizing_official", "viewer", "outsider")
READERS = {"admin", "member", "assessor", "authorizing_official", "viewer"}
ORGANIZATION_READERS = READERS - {"assessor"}  # the assessor is granted one system only
EDITORS = {"member"}


@pytest.fixture
def world(personas, settings, tmp_path):
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
    return {"cycle": cycle, "control": control, "attached": attached, "library": library}


def _reads(personas, world):
    control = world["control"]
    return [
        (reverse("rmf:implement", args=[world["cycle"].pk]), READERS),
        (reverse("rmf:implement", args=[world["cycle"].pk]) + "?status=none&family=ac", READERS),
        (reverse("rmf:control_implementation", args=[control.pk]), READERS),
        (reverse("rmf:control_implementation", args=[control.pk]) + "?family=ac", READERS),
        (reverse("rmf:evidence_detail", args=[world["attached"].pk]), READERS),
        (reverse("rmf:evidence_download", args=[world["attached"].pk]), READERS),
        (reverse("rmf:evidence_detail", args=[world["library"].pk]), ORGANIZATION_READERS),
        (reverse("rmf:evidence_library", args=[personas.agency.pk]), ORGANIZATION_READERS),
    ]


def _actions(personas, world):
    """(url, data, who may): each would change something if allowed."""
    control = world["control"]
    # The one part changed: a client may leave out what it does not change.
    opened = {
        "part-ac-2_smt.a-text": "Accounts live in the directory.",
        "part-ac-2_smt.a-version": "0",
        "part-ac-2_smt.a-base": "",
    }
    return [
        (
            reverse("rmf:implementation_bulk_status", args=[world["cycle"].pk]),
            {"controls": [control.pk], "status": "planned"},
            EDITORS,
        ),
        (reverse("rmf:control_implementation", args=[control.pk]), opened, EDITORS),
        (
            reverse("rmf:control_evidence_attach", args=[control.pk]),
            {"evidence": world["library"].pk},
            EDITORS,
        ),
        (
            reverse("rmf:control_evidence_detach", args=[control.pk]),
            {"evidence": world["attached"].pk},
            EDITORS,
        ),
        (
            reverse("rmf:control_evidence_add", args=[control.pk]),
            {"kind": "link", "link-title": "Wiki", "link-url": "https://wiki.example.gov/"},
            EDITORS,
        ),
        (
            reverse("rmf:evidence_library", args=[personas.agency.pk]),
            {"kind": "link", "link-title": "Wiki", "link-url": "https://wiki.example.gov/"},
            EDITORS,
        ),
    ]


def _state():
    return (
        AuditEvent.objects.count(),
        list(ControlImplementation.objects.values_list("status", "version")),
        ImplementationNarrative.objects.count(),
        sorted(Evidence.controls.through.objects.values_list("evidence", "selectedcontrol")),
        Evidence.objects.count(),
    )


def test_every_page_answers_each_persona_by_its_role(client, personas, world):
    users = personas.all_signed_in()
    for url, allowed in _reads(personas, world):
        for persona in PERSONAS:
            client.force_login(users[persona])
            response = client.get(url)
            expected = 200 if persona in allowed else 404
            assert response.status_code == expected, (url, persona, response.status_code)
        client.logout()
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_only_the_systems_team_changes_the_implementation(client, personas, world):
    users = personas.all_signed_in()
    for url, data, allowed in _actions(personas, world):
        for persona in sorted(PERSONAS, key=lambda persona: persona in allowed):
            before = _state()
            client.force_login(users[persona])
            response = client.post(url, data)
            if persona in allowed:
                assert response.status_code == 302, (url, persona, response.status_code)
                assert _state() != before, (url, persona)
            else:
                assert response.status_code == 404, (url, persona, response.status_code)
                assert _state() == before, (url, persona)
        client.logout()
        assert client.post(url, data).status_code == 302


def test_readers_get_no_forms(client, personas, world):
    page = reverse("rmf:control_implementation", args=[world["control"].pk])
    worklist = reverse("rmf:implement", args=[world["cycle"].pk])
    for persona in READERS - EDITORS:
        client.force_login(personas.all_signed_in()[persona])
        body = client.get(page).content.decode()
        assert "Save and next" not in body and "Detach" not in body, persona
        assert 'name="controls"' not in client.get(worklist).content.decode(), persona
