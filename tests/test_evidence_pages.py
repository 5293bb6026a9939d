"""The evidence pages: an organization's library (list, search, upload, link), one piece of
evidence with its hash and the controls it documents, and the download, served only after the
access check, as an attachment the browser does not sniff."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rmf.models import Evidence, SelectedControl
from rmf.services.implementation import evidence_attach, evidence_link_create, evidence_upload
from tests.test_implementation_api import PDF
from tests.test_rmf_cycles import TYPE_LOW, cycle_in_implement


@pytest.fixture(autouse=True)
def evidence_dir(settings, tmp_path):
    settings.WORKBENCH_EVIDENCE_DIR = tmp_path / "evidence"
    return settings.WORKBENCH_EVIDENCE_DIR


def upload(personas, name="Access policy.pdf", organization=None, title="Access policy"):
    return evidence_upload(
        actor=personas.member,
        organization=organization or personas.agency,
        title=title,
        uploaded_file=SimpleUploadedFile(name, PDF),
    )


def test_a_planner_uploads_to_the_library_and_finds_it(client, personas, evidence_dir):
    client.force_login(personas.member)
    url = reverse("rmf:evidence_library", args=[personas.agency.pk])
    response = client.post(
        url,
        {
            "kind": "file",
            "upload-title": "Access policy",
            "upload-description": "Signed by the director.",
            "upload-file": SimpleUploadedFile("Access policy.pdf", PDF),
        },
    )
    assert response.status_code == 302 and response["Location"] == url
    evidence = Evidence.objects.get()
    assert evidence.organization == personas.agency and evidence.uploaded_by == personas.member
    assert (evidence_dir / evidence.storage_name).read_bytes() == PDF
    response = client.post(
        url, {"kind": "link", "link-title": "Directory", "link-url": "https://dir.example.gov/"}
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "“Directory” is in the library." in page
    assert "Access policy" in page and "Directory" in page
    assert f"{evidence.sha256[:12]}…" in page
    assert reverse("rmf:evidence_download", args=[evidence.pk]) in page
    found = client.get(url, {"q": "access"}).content.decode()
    assert "Access policy" in found and "dir.example.gov" not in found
    # The organization's page leads to its library.
    detail = client.get(reverse("assets:organization_detail", args=[personas.agency.pk]))
    assert url in detail.content.decode()


def test_a_refused_upload_is_explained_and_nothing_is_kept(client, personas, evidence_dir):
    client.force_login(personas.member)
    url = reverse("rmf:evidence_library", args=[personas.agency.pk])
    response = client.post(
        url,
        {
            "kind": "file",
            "upload-title": "Policy",
            "upload-file": SimpleUploadedFile("policy.pdf", b"not a pdf at all"),
        },
    )
    assert response.status_code == 400
    assert "The content of the file is not a .pdf file" in response.content.decode()
    response = client.post(url, {"kind": "file", "upload-title": "Policy"})
    assert response.status_code == 400
    assert "Choose the file to upload." in response.content.decode()
    assert not Evidence.objects.exists()
    assert not evidence_dir.exists() or not any(evidence_dir.iterdir())


def test_the_detail_shows_the_hash_and_the_controls_it_documents(client, personas):
    cycle = cycle_in_implement(personas, types=(TYPE_LOW,))
    evidence = upload(personas)
    control = SelectedControl.objects.select_related("authorization__system__organization").get(
        authorization=cycle, control="ac-1"
    )
    evidence_attach(actor=personas.member, evidence=evidence, selected_control=control)
    client.force_login(personas.viewer)
    page = client.get(reverse("rmf:evidence_detail", args=[evidence.pk])).content.decode()
    assert f'<code class="hash" id="sha256">{hashlib.sha256(PDF).hexdigest()}</code>' in page
    assert reverse("rmf:control_implementation", args=[control.pk]) + "#evidence" in page
    assert "Download Access policy.pdf" in page


def test_the_download_is_an_attachment_for_those_who_may_see_it(client, personas):
    evidence = upload(personas)
    url = reverse("rmf:evidence_download", args=[evidence.pk])
    client.force_login(personas.member)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Access policy.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]
    # Another agency, and the assessor of a system it does not document: the same 404.
    for user in (personas.sibling, personas.assessor, personas.outsider):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.get(reverse("rmf:evidence_detail", args=[evidence.pk])).status_code == 404
    client.force_login(personas.sibling)
    assert client.get(reverse("rmf:evidence_download", args=[987654])).status_code == 404


def test_the_assessor_downloads_what_documents_the_granted_system(client, personas):
    cycle = cycle_in_implement(personas, types=(TYPE_LOW,))
    evidence = upload(personas)
    control = SelectedControl.objects.select_related("authorization__system__organization").get(
        authorization=cycle, control="ac-1"
    )
    evidence_attach(actor=personas.member, evidence=evidence, selected_control=control)
    client.force_login(personas.assessor)
    assert client.get(reverse("rmf:evidence_download", args=[evidence.pk])).status_code == 200
    library = reverse("rmf:evidence_library", args=[personas.agency.pk])
    assert client.get(library).status_code == 404


def test_a_link_has_nothing_to_download(client, personas):
    link = evidence_link_create(
        actor=personas.member,
        organization=personas.agency,
        title="Directory",
        url="https://dir.example.gov/",
    )
    client.force_login(personas.member)
    assert client.get(reverse("rmf:evidence_download", args=[link.pk])).status_code == 404
    page = client.get(reverse("rmf:evidence_detail", args=[link.pk])).content.decode()
    assert 'href="https://dir.example.gov/" rel="noopener noreferrer nofollow"' in page


def test_a_file_missing_from_the_store_is_not_found(client, personas, evidence_dir):
    evidence = upload(personas)
    (evidence_dir / evidence.storage_name).unlink()
    client.force_login(personas.member)
    assert client.get(reverse("rmf:evidence_download", args=[evidence.pk])).status_code == 404


def test_the_library_lists_the_evidence_of_the_organizations_above(client, personas):
    upload(personas, organization=personas.city, name="city.pdf", title="City policy")
    upload(personas, organization=personas.sibling_agency, name="mv.pdf", title="MV policy")
    client.force_login(personas.authorizing_official)  # of the city: sees the city's library
    page = client.get(reverse("rmf:evidence_library", args=[personas.agency.pk])).content.decode()
    assert "City policy" in page and "from Example City" in page
    assert "MV policy" not in page
