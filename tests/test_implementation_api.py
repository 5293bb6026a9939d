"""The Implement API: the worklist with filters and progress, bulk status, a control's
implementation with its parts and parameter values, PATCH and PUT compared by version (409 with
both versions), evidence added, listed, downloaded, attached and detached."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assets.models import AuditEvent
from rmf.models import (
    ControlImplementation,
    Designation,
    Evidence,
    ImplementationNarrative,
    SelectedControl,
)
from rmf.services.implementation import (
    evidence_attach,
    evidence_link_create,
    implementation_update,
    narrative_save,
)
from rmf.services.selection import control_allocate
from rmf.services.workflow import authorization_advance
from tests.test_rmf_cycles import (
    TYPE_LOW,
    approve,
    complete_selection,
    cycle_in_implement,
    cycle_in_select,
)

API = "/api/v1"
PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def evidence_dir(settings, tmp_path):
    settings.WORKBENCH_EVIDENCE_DIR = tmp_path / "evidence"
    return settings.WORKBENCH_EVIDENCE_DIR


@pytest.fixture
def cycle(personas):
    return cycle_in_implement(personas, types=(TYPE_LOW,))


@pytest.fixture
def member(api_client, personas):
    api_client.force_authenticate(personas.member)
    return api_client


def selected(authorization, control_id: str) -> SelectedControl:
    return SelectedControl.objects.select_related("authorization__system__organization").get(
        authorization=authorization, control=control_id
    )


# --- the worklist ---------------------------------------------------------------------------


def test_the_worklist_lists_every_control_with_the_cycles_progress(member, personas, cycle):
    control = selected(cycle, "ac-2")
    implementation_update(
        actor=personas.member,
        selected_control=control,
        status="implemented",
        responsible_roles="Network team",
    )
    narrative_save(
        actor=personas.member, selected_control=control, part_id="ac-2_smt.a", text="Directory."
    )
    url = f"{API}/authorizations/{cycle.pk}/implementation/"
    body = member.get(url).json()
    assert body["count"] == len(body["results"]) == 149
    row = next(item for item in body["results"] if item["control"] == "ac-2")
    assert row == {
        "id": control.pk,
        "control": "ac-2",
        "label": "AC-2",
        "title": "Account Management",
        "family": "ac",
        "designation": "system_specific",
        "provider": None,
        "status": "implemented",
        "responsible_roles": "Network team",
        "version": 2,
        "narratives": 1,
        "narratives_required": 18,
        "needs_narratives": True,
        "missing_narrative": True,
    }
    overall = body["progress"]["overall"]
    assert (overall["family"], overall["controls"], overall["with_status"]) == (None, 149, 1)
    assert (overall["needing_narratives"], overall["narratives_complete"]) == (1, 0)
    by_status = {item["status"]: item["count"] for item in body["progress"]["by_status"]}
    assert by_status == {
        "implemented": 1,
        "partial": 0,
        "planned": 0,
        "alternative": 0,
        "not_applicable": 0,
        "none": 148,
    }
    ac = next(item for item in body["progress"]["families"] if item["family"] == "ac")
    assert ac["implemented"] == 1 and ac["title"] == "Access Control"
    # The filters; the progress stays the whole cycle's.
    filtered = member.get(url, {"family": "AC", "missing_narrative": "true"}).json()
    assert [item["control"] for item in filtered["results"]] == ["ac-2"]
    assert filtered["progress"] == body["progress"]
    assert member.get(url, {"status": "none"}).json()["count"] == 148
    assert member.get(url, {"responsible": "network"}).json()["count"] == 1
    assert member.get(url, {"family": "ac", "missing_narrative": "false"}).json()["count"] > 1
    response = member.get(url, {"status": "done"})
    assert response.status_code == 400 and "status" in response.json()


def test_bulk_status(member, cycle):
    url = f"{API}/authorizations/{cycle.pk}/implementation/bulk-status/"
    ids = list(
        SelectedControl.objects.filter(authorization=cycle, control__family="ac").values_list(
            "pk", flat=True
        )
    )
    response = member.post(url, {"selected_ids": ids, "status": "planned"}, format="json")
    assert response.status_code == 200 and response.json() == {"updated": len(ids)}
    assert ControlImplementation.objects.filter(status="planned").count() == len(ids)
    response = member.post(url, {"selected_ids": ids, "status": "done"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"status": ["Choose one of the implementation statuses."]}


# --- one control ----------------------------------------------------------------------------


def test_a_controls_implementation_with_its_parts_and_values(member, personas, cycle):
    control = selected(cycle, "ac-1")
    narrative_save(
        actor=personas.member, selected_control=control, part_id="ac-1_smt.b", text="The CIO."
    )
    url = f"{API}/selected-controls/{control.pk}/implementation/"
    body = member.get(url).json()
    assert (body["label"], body["status"], body["version"]) == ("AC-1", None, 1)
    assert body["editable"] is True and body["closed_reason"] == ""
    assert body["own_narratives"] is True
    parts = {part["label"]: part for part in body["parts"]}
    assert list(parts) == ["a.1.(a)", "a.1.(b)", "a.2.", "b.", "c.1.", "c.2."]
    b = parts["b."]
    assert b["prose"].startswith("Designate an {{ insert: param, ac-01_odp.04 }}")
    assert b["prose_with_values"].startswith("Designate an value of ac-01_odp.04 to manage")
    assert b["narrative"]["text"] == "The CIO." and b["version"] == 1
    assert b["narrative"]["updated_by"] == "member"
    assert parts["a.2."]["narrative"] is None and parts["a.2."]["version"] == 0
    assert parts["a.1.(a)"]["context"][0]["prose"] == (
        "Develop, document, and disseminate to value of ac-01_odp.01; value of ac-01_odp.02:"
    )
    assert body["evidence"] == []


def test_patch_status_and_roles_with_a_version(member, personas, cycle):
    control = selected(cycle, "ac-2")
    url = f"{API}/selected-controls/{control.pk}/implementation/"
    response = member.patch(
        url,
        {"status": "partial", "responsible_roles": "Network team", "expected_version": 1},
        format="json",
    )
    assert response.status_code == 200
    assert response.json() == {
        "selected_control": control.pk,
        "status": "partial",
        "responsible_roles": "Network team",
        "version": 2,
        "updated_by": "member",
    }
    implementation_update(actor=personas.admin, selected_control=control, status="implemented")
    response = member.patch(url, {"status": "planned", "expected_version": 2}, format="json")
    assert response.status_code == 409
    assert response.json()["current"] == {
        "status": "implemented",
        "responsible_roles": "Network team",
    }
    assert response.json()["current_version"] == 3
    assert ControlImplementation.objects.get().status == "implemented"
    response = member.patch(url, {"status": "done"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"status": ["Choose one of the implementation statuses."]}
    assert member.patch(url, {"status": ""}, format="json").json()["status"] is None


def test_put_a_narrative_and_its_conflict(member, personas, cycle):
    control = selected(cycle, "ac-2")
    url = f"{API}/selected-controls/{control.pk}/narratives/ac-2_smt.a/"
    response = member.put(url, {"text": "Directory.", "expected_version": 0}, format="json")
    assert response.status_code == 200
    assert response.json()["version"] == 1 and response.json()["part"] == "ac-2_smt.a"
    response = member.put(url, {"text": "Directory and HR.", "expected_version": 1}, format="json")
    assert response.json()["version"] == 2
    narrative_save(
        actor=personas.admin,
        selected_control=control,
        part_id="ac-2_smt.a",
        text="The admin's text.",
        expected_version=2,
    )
    response = member.put(url, {"text": "Mine.", "expected_version": 2}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert {key: body[key] for key in body if key != "detail"} == {
        "current_text": "The admin's text.",
        "current_version": 3,
        "current_author": "admin",
        "your_text": "Mine.",
    }
    assert "admin saved this narrative" in body["detail"]
    assert ImplementationNarrative.objects.get().text == "The admin's text."
    bad = member.put(url, {"text": "  ", "expected_version": 3}, format="json")
    assert bad.status_code == 400 and "text" in bad.json()
    other = f"{API}/selected-controls/{control.pk}/narratives/ac-3_smt/"
    assert member.put(other, {"text": "x"}, format="json").status_code == 400


def test_a_common_control_shows_the_providers_narrative_and_takes_none(member, personas):
    provider = cycle_in_implement(personas, personas.sibling_system, types=(TYPE_LOW,))
    narrative_save(
        actor=personas.sibling,
        selected_control=selected(provider, "ac-1"),
        part_id="ac-1_smt.b",
        text="The CIO's office.",
    )
    authorization = cycle_in_select(personas, types=(TYPE_LOW,))
    complete_selection(personas, authorization)
    control = selected(authorization, "ac-1")
    control_allocate(
        actor=personas.member,
        authorization=authorization,
        selected_ids=[control.pk],
        designation=Designation.COMMON,
        provider=personas.sibling_system,
    )
    approve(personas, authorization, "S-6")
    authorization_advance(actor=personas.member, authorization=authorization)
    body = member.get(f"{API}/selected-controls/{control.pk}/implementation/").json()
    assert body["own_narratives"] is False and body["provider"] == personas.sibling_system.pk
    b = next(part for part in body["parts"] if part["label"] == "b.")
    assert b["provider_narrative"]["text"] == "The CIO's office."
    url = f"{API}/selected-controls/{control.pk}/narratives/ac-1_smt.b/"
    response = member.put(url, {"text": "Ours."}, format="json")
    assert response.status_code == 400
    assert "common control" in response.json()["detail"][0]


# --- evidence -------------------------------------------------------------------------------


def test_upload_a_file_and_add_a_link(member, personas, evidence_dir):
    url = f"{API}/organizations/{personas.agency.pk}/evidence/"
    response = member.post(
        url,
        {"title": "Access policy", "file": SimpleUploadedFile("policy.pdf", PDF)},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "file" and body["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert body["size"] == len(PDF) and body["content_type"] == "application/pdf"
    assert body["download"] == f"{API}/evidence/{body['id']}/download/"
    assert body["organization_name"] == "Department of Transportation"
    link = member.post(
        url, {"title": "Directory", "url": "https://dir.example.gov/"}, format="json"
    ).json()
    assert link["kind"] == "link" and link["download"] is None and link["sha256"] == ""
    refused = member.post(
        url,
        {"title": "Script", "file": SimpleUploadedFile("run.pdf", b"MZ\x90\x00")},
        format="multipart",
    )
    assert refused.status_code == 400 and "file" in refused.json()
    refused = member.post(url, {"title": "", "url": "ftp://x"}, format="json")
    assert refused.status_code == 400 and set(refused.json()) == {"title"}
    assert member.post(url, {"title": "Nothing"}, format="json").status_code == 400
    assert Evidence.objects.count() == 2
    assert AuditEvent.objects.filter(action="evidence_upload").count() == 1


def test_the_evidence_list_detail_and_download(member, personas, cycle):
    url = f"{API}/organizations/{personas.agency.pk}/evidence/"
    uploaded = member.post(
        url,
        {"title": "Access policy", "file": SimpleUploadedFile("Access policy.pdf", PDF)},
        format="multipart",
    ).json()
    evidence_link_create(
        actor=None, organization=personas.city, title="City site", url="https://city.example.gov/"
    )
    listing = member.get(f"{API}/evidence/").json()
    assert [item["title"] for item in listing["results"]] == ["Access policy"]
    assert member.get(f"{API}/evidence/", {"q": "policy"}).json()["count"] == 1
    assert member.get(f"{API}/evidence/", {"q": "nothing"}).json()["count"] == 0
    sibling_agency = {"organization": personas.sibling_agency.pk}
    assert member.get(f"{API}/evidence/", sibling_agency).json()["count"] == 0
    evidence = Evidence.objects.get(pk=uploaded["id"])
    evidence_attach(
        actor=personas.member, evidence=evidence, selected_control=selected(cycle, "ac-1")
    )
    detail = member.get(f"{API}/evidence/{evidence.pk}/").json()
    assert [(use["label"], use["system_acronym"]) for use in detail["controls"]] == [
        ("AC-1", "TSC")
    ]
    download = member.get(uploaded["download"], HTTP_ACCEPT="application/pdf")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment;")
    assert 'filename="Access policy.pdf"' in download["Content-Disposition"]
    link = Evidence.objects.get(title="City site")
    evidence_attach(actor=personas.member, evidence=link, selected_control=selected(cycle, "ac-1"))
    assert member.get(f"{API}/evidence/{link.pk}/download/").status_code == 404


def test_attach_and_detach(member, personas, cycle):
    control = selected(cycle, "ac-2")
    ours = evidence_link_create(
        actor=None, organization=personas.agency, title="Ours", url="https://dot.example.gov/"
    )
    theirs = evidence_link_create(
        actor=None, organization=personas.sibling_agency, title="Theirs", url="https://mv.gov/"
    )
    attach = f"{API}/selected-controls/{control.pk}/evidence/attach/"
    response = member.post(attach, {"evidence_id": ours.pk}, format="json")
    assert response.status_code == 200
    assert response.json()["selected_control"] == control.pk
    assert [item["title"] for item in response.json()["evidence"]] == ["Ours"]
    response = member.post(attach, {"evidence_id": theirs.pk}, format="json")
    assert response.status_code == 400
    assert response.json() == {"evidence_id": ["Unknown evidence."]}
    detach = f"{API}/selected-controls/{control.pk}/evidence/detach/"
    assert member.post(detach, {"evidence_id": ours.pk}, format="json").json()["evidence"] == []
    again = member.post(detach, {"evidence_id": ours.pk}, format="json")
    assert again.status_code == 400
    assert Evidence.objects.filter(pk=ours.pk).exists()
