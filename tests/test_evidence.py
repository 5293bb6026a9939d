"""Implementation evidence: upload limits and type checks (by extension and by content), the
content hash, storage outside the web root, links, reuse across the systems of an
organization's tree and refusal across organizations, and access by organization."""

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from assets.models import AuditEvent
from rmf.models import Evidence, SelectedControl
from rmf.selectors.implementation import evidence_get_for_user, evidence_list_for_user
from rmf.services.implementation import (
    evidence_attach,
    evidence_detach,
    evidence_file_open,
    evidence_link_create,
    evidence_upload,
)
from tests.factories import make_organization, make_system
from tests.test_rmf_cycles import (
    TYPE_LOW,
    complete_selection,
    cycle_in_implement,
    cycle_in_select,
)

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def evidence_dir(settings, tmp_path) -> Path:
    settings.WORKBENCH_EVIDENCE_DIR = tmp_path / "evidence"
    return settings.WORKBENCH_EVIDENCE_DIR


def upload(personas, name: str, content: bytes, organization=None) -> Evidence:
    return evidence_upload(
        actor=personas.member,
        organization=organization or personas.agency,
        title=f"Evidence {name}",
        uploaded_file=SimpleUploadedFile(name, content),
    )


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def selected(authorization, control_id: str) -> SelectedControl:
    return SelectedControl.objects.select_related("authorization__system__organization").get(
        authorization=authorization, control=control_id
    )


# --- upload ---------------------------------------------------------------------------------


def test_an_upload_is_stored_outside_the_web_root_with_its_hash(personas, settings, evidence_dir):
    evidence = upload(personas, "Access policy.pdf", PDF)
    assert evidence.sha256 == hashlib.sha256(PDF).hexdigest()
    assert evidence.size == len(PDF)
    assert evidence.content_type == "application/pdf"
    assert evidence.file_name == "Access policy.pdf"
    stored = evidence_dir / evidence.storage_name
    assert stored.read_bytes() == PDF
    assert "policy" not in evidence.storage_name.lower()  # a random name, not the upload's
    for web_root in (settings.STATIC_ROOT, settings.MEDIA_ROOT):
        assert not stored.resolve().is_relative_to(Path(web_root).resolve())
    with evidence_file_open(evidence) as handle:
        assert handle.read() == PDF
    event = AuditEvent.objects.get(action="evidence_upload")
    assert event.changes["sha256"] == [None, evidence.sha256]


def test_the_configured_evidence_folder_is_outside_the_web_root():
    from django.conf import settings as real

    folder = Path(real.WORKBENCH_EVIDENCE_DIR).resolve()
    for web_root in (real.STATIC_ROOT, real.MEDIA_ROOT):
        assert not folder.is_relative_to(Path(web_root).resolve())


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 20),
        ("notes.txt", "Checked on Monday — all good.".encode()),
        ("accounts.csv", b"user,role\nana,admin\n"),
        ("export.json", b'{"findings": []}'),
        ("config.xml", b"<?xml version='1.0'?><config/>"),
        ("procedure.docx", docx_bytes()),
    ],
)
def test_the_accepted_types_are_stored(personas, name, content):
    assert upload(personas, name, content).size == len(content)


def test_a_file_over_the_limit_is_refused_and_not_kept(personas, settings, evidence_dir):
    settings.WORKBENCH_EVIDENCE_MAX_BYTES = 1024
    with pytest.raises(ValidationError, match="larger than the limit"):
        upload(personas, "big.txt", b"a" * 1025)
    # A declared size that lies is caught while the file is written, and the file removed.
    lying = SimpleUploadedFile("big.txt", b"a" * 5000)
    lying.size = 10
    with pytest.raises(ValidationError, match="larger than the limit"):
        evidence_upload(
            actor=personas.member, organization=personas.agency, title="Big", uploaded_file=lying
        )
    assert not Evidence.objects.exists()
    assert not evidence_dir.exists() or not any(evidence_dir.iterdir())


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("tool.exe", b"MZ\x90\x00", "not accepted"),
        ("no-extension", PDF, "not accepted"),
        ("policy.pdf", b"MZ\x90\x00 an executable renamed", "content"),
        ("scan.png", PDF, "content"),
        ("notes.txt", b"\x00\x01binary\xff\xfe", "content"),
        ("export.json", b"{not json", "content"),
        ("procedure.docx", b"PK\x03\x04not really a zip", "content"),
        ("sheet.xlsx", docx_bytes(), "content"),
    ],
)
def test_a_wrong_type_is_refused_even_disguised_by_its_extension(
    personas, evidence_dir, name, content, message
):
    with pytest.raises(ValidationError, match=message):
        upload(personas, name, content)
    assert not Evidence.objects.exists()
    assert not evidence_dir.exists() or not any(evidence_dir.iterdir())


def test_a_link_is_evidence_too(personas):
    link = evidence_link_create(
        actor=personas.member,
        organization=personas.agency,
        title="Scan dashboard",
        url="https://scans.example.gov/tsc",
    )
    assert link.url and not link.storage_name
    with pytest.raises(FileNotFoundError):
        evidence_file_open(link)
    with pytest.raises(ValidationError):
        evidence_link_create(
            actor=personas.member,
            organization=personas.agency,
            title="Bad",
            url="javascript:alert(1)",
        )


# --- reuse ----------------------------------------------------------------------------------


def test_evidence_is_reused_across_the_systems_of_its_organization_tree(personas):
    second = make_system(personas.agency, "Parking Meters", "PKM")
    first_cycle = cycle_in_implement(personas, types=(TYPE_LOW,))
    second_cycle = cycle_in_implement(personas, second, types=(TYPE_LOW,))
    evidence = upload(personas, "policy.pdf", PDF)
    for authorization in (first_cycle, second_cycle):
        for control_id in ("ac-1", "ac-2"):
            evidence_attach(
                actor=personas.member,
                evidence=evidence,
                selected_control=selected(authorization, control_id),
            )
    assert evidence.controls.count() == 4
    # The city's evidence serves its agencies' systems.
    city_policy = upload(personas, "city.pdf", PDF, organization=personas.city)
    evidence_attach(
        actor=personas.member,
        evidence=city_policy,
        selected_control=selected(first_cycle, "ac-1"),
    )
    evidence_detach(
        actor=personas.member, evidence=evidence, selected_control=selected(first_cycle, "ac-2")
    )
    assert evidence.controls.count() == 3
    assert AuditEvent.objects.filter(action="evidence_attach").count() == 5
    assert AuditEvent.objects.filter(action="evidence_detach").count() == 1


def test_evidence_is_refused_across_organizations(personas):
    other_cycle = cycle_in_implement(personas, personas.sibling_system, types=(TYPE_LOW,))
    evidence = upload(personas, "policy.pdf", PDF)  # the agency's
    with pytest.raises(ValidationError, match="another organization"):
        evidence_attach(
            actor=personas.member,
            evidence=evidence,
            selected_control=selected(other_cycle, "ac-1"),
        )
    assert not evidence.controls.exists()


def test_evidence_is_attached_only_from_the_implement_step(personas):
    authorization = cycle_in_select(personas, types=(TYPE_LOW,))
    complete_selection(personas, authorization)
    evidence = upload(personas, "policy.pdf", PDF)
    with pytest.raises(ValidationError, match="Implement step"):
        evidence_attach(
            actor=personas.member,
            evidence=evidence,
            selected_control=selected(authorization, "ac-1"),
        )


# --- access ---------------------------------------------------------------------------------


def test_evidence_is_seen_through_its_organization(personas):
    evidence = upload(personas, "policy.pdf", PDF)
    other = make_organization("Other City", "city", personas.state)
    foreign = upload(personas, "other.pdf", PDF, organization=other)
    assert evidence_get_for_user(personas.member, evidence.pk) == evidence
    assert evidence_get_for_user(personas.viewer, evidence.pk) == evidence
    assert evidence not in evidence_list_for_user(personas.sibling)
    for user, pk in (
        (personas.sibling, evidence.pk),
        (personas.outsider, evidence.pk),
        (personas.member, foreign.pk),
        (personas.member, 999999),
    ):
        with pytest.raises(Http404):
            evidence_get_for_user(user, pk)


def test_evidence_attached_to_a_visible_system_is_seen_by_its_users(personas):
    """The city's policy attached to the agency's system is read by the agency's staff and by
    the assessor granted that system, not by another agency."""
    authorization = cycle_in_implement(personas, types=(TYPE_LOW,))
    city_policy = upload(personas, "city.pdf", PDF, organization=personas.city)
    for user in (personas.member, personas.assessor):
        with pytest.raises(Http404):
            evidence_get_for_user(user, city_policy.pk)
    evidence_attach(
        actor=personas.member,
        evidence=city_policy,
        selected_control=selected(authorization, "ac-1"),
    )
    for user in (personas.member, personas.assessor, personas.authorizing_official):
        assert evidence_get_for_user(user, city_policy.pk) == city_policy
    with pytest.raises(Http404):
        evidence_get_for_user(personas.sibling, city_policy.pk)
    assert list(evidence_list_for_user(personas.member)).count(city_policy) == 1
