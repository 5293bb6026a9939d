"""Background documents on the pages and the API: asking for one (POST to the generic document
address), the job's page with its progress and download link, the job over the API (202, status,
download), for every persona: readers of the system get them, everybody else the same 404."""

import pytest
from django.urls import reverse

from rmf.models import DocumentJob
from tests.document_job_steps import KIND, registered_document
from tests.test_rmf_cycles import cycle_in_implement

pytestmark = pytest.mark.django_db

READERS = {"admin", "member", "assessor", "authorizing_official", "viewer"}


@pytest.fixture
def cycle(personas, settings, tmp_path):
    settings.WORKBENCH_DOCUMENTS_DIR = tmp_path
    settings.WORKBENCH_DOCUMENT_QUEUE = "inline"
    with registered_document():
        yield cycle_in_implement(personas)


def document_url(cycle, kind=KIND, document_format="pdf"):
    return reverse(
        "rmf:document", kwargs={"pk": cycle.pk, "kind": kind, "document_format": document_format}
    )


def api_url(cycle, kind=KIND, document_format="pdf"):
    return f"/api/v1/authorizations/{cycle.pk}/documents/{kind}.{document_format}"


def test_every_reader_asks_for_a_document_and_gets_its_page_and_file(
    client, personas, cycle, django_capture_on_commit_callbacks
):
    client.force_login(personas.member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(document_url(cycle))
    job = DocumentJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/document-jobs/{job.pk}/"
    for name, user in personas.all_signed_in().items():
        client.force_login(user)
        page = client.get(f"/document-jobs/{job.pk}/")
        download = client.get(f"/document-jobs/{job.pk}/download/")
        again = client.post(document_url(cycle))
        if name in READERS:
            assert page.status_code == 200, name
            body = page.content.decode()
            assert "The document is ready." in body and "Test report (PDF)" in body
            assert "http-equiv" not in body  # nothing left to wait for
            assert download.status_code == 200, name
            assert download["Content-Type"] == "application/pdf"
            assert download["Content-Disposition"] == (
                f'attachment; filename="{cycle.system.acronym}-report.pdf"'
            )
            assert b"".join(download.streaming_content).startswith(b"%PDF")
            assert again["Location"] == f"/document-jobs/{job.pk}/", name  # the same data
        else:
            assert (page.status_code, download.status_code, again.status_code) == (404,) * 3
    assert DocumentJob.objects.count() == 1
    client.logout()
    for url in (f"/document-jobs/{job.pk}/", f"/document-jobs/{job.pk}/download/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert "/accounts/login/" in client.post(document_url(cycle))["Location"]


def test_the_page_shows_progress_while_waiting_and_the_change_of_data_when_done(
    client, personas, cycle, django_capture_on_commit_callbacks
):
    client.force_login(personas.member)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(document_url(cycle))
    job = DocumentJob.objects.get()
    DocumentJob.objects.filter(pk=job.pk).update(
        status=DocumentJob.Status.RUNNING, progress=42, note="Control AC-2 of 370"
    )
    body = client.get(response["Location"]).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in body
    assert 'value="42"' in body and "Control AC-2 of 370" in body
    assert client.get(f"/document-jobs/{job.pk}/download/").status_code == 404  # no file yet

    DocumentJob.objects.filter(pk=job.pk).update(status=DocumentJob.Status.QUEUED)
    from rmf.services.documents import document_job_run

    document_job_run(job_id=job.pk)
    system = cycle.system
    system.description = "Changed after the build."
    system.save(update_fields=["description"])
    body = client.get(f"/document-jobs/{job.pk}/").content.decode()
    assert "The data has changed since." in body and "Build it again" in body


def test_a_failed_build_says_why_and_offers_to_try_again(
    client, personas, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.WORKBENCH_DOCUMENTS_DIR = tmp_path
    settings.WORKBENCH_DOCUMENT_QUEUE = "inline"
    cycle = cycle_in_implement(personas)
    client.force_login(personas.member)
    with registered_document(failing=True), django_capture_on_commit_callbacks(execute=True):
        response = client.post(document_url(cycle))
    body = client.get(response["Location"]).content.decode()
    assert "The document could not be built." in body and "RuntimeError" in body
    assert "Try again" in body


def test_the_api_answers_202_with_the_job_then_its_state_and_file(
    api_client, personas, cycle, django_capture_on_commit_callbacks
):
    api_client.force_authenticate(personas.assessor)
    assert api_client.get(api_url(cycle)).status_code == 409  # never built in the request
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(api_url(cycle))
    assert response.status_code == 202
    job = DocumentJob.objects.get()
    data = response.json()
    assert data["id"] == job.pk and data["status"] == "queued" and data["kind"] == KIND
    assert response["Location"] == f"http://testserver/api/v1/document-jobs/{job.pk}/"
    assert data["download_url"] is None and data["requested_by"] == personas.assessor.username

    for name, user in personas.all_signed_in().items():
        api_client.force_authenticate(user)
        state = api_client.get(f"/api/v1/document-jobs/{job.pk}/")
        download = api_client.get(f"/api/v1/document-jobs/{job.pk}/download/")
        if name in READERS:
            assert state.status_code == 200, name
            body = state.json()
            assert body["status"] == "done" and body["progress"] == 100
            assert body["data_changed"] is False and body["size"] > 0
            assert body["download_url"].endswith(f"/api/v1/document-jobs/{job.pk}/download/")
            assert download.status_code == 200
            assert b"".join(download.streaming_content).startswith(b"%PDF")
        else:
            assert (state.status_code, download.status_code) == (404, 404), name
            assert api_client.post(api_url(cycle)).status_code == 404, name
    api_client.force_authenticate(None)
    assert api_client.get(f"/api/v1/document-jobs/{job.pk}/").status_code == 401
    assert api_client.post(api_url(cycle)).status_code == 401


def test_unknown_documents_and_jobs_are_404(api_client, client, personas, cycle):
    api_client.force_authenticate(personas.member)
    client.force_login(personas.member)
    assert api_client.post(api_url(cycle, "memo")).status_code == 404
    assert client.post(document_url(cycle, "memo")).status_code == 404
    assert api_client.get("/api/v1/document-jobs/999999/").status_code == 404
    assert client.get("/document-jobs/999999/").status_code == 404


def test_a_workbook_can_be_asked_for_as_a_job_too(
    api_client, personas, cycle, django_capture_on_commit_callbacks
):
    api_client.force_authenticate(personas.member)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(api_url(cycle, "ssp", "xlsx"))
    job = DocumentJob.objects.get(pk=response.json()["id"])
    assert job.status == "done" and job.filename.endswith(".xlsx")
    download = api_client.get(f"/api/v1/document-jobs/{job.pk}/download/")
    assert b"".join(download.streaming_content).startswith(b"PK\x03\x04")
    assert download["Cache-Control"] == "private, no-store"
    assert "sandbox" in download["Content-Security-Policy"]


def test_the_package_page_lists_the_documents_and_the_latest_jobs(
    client, personas, cycle, django_capture_on_commit_callbacks
):
    client.force_login(personas.viewer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(document_url(cycle))
    job = DocumentJob.objects.get()
    body = client.get(reverse("rmf:authorize", args=[cycle.pk])).content.decode()
    assert 'id="documents"' in body
    assert f'action="{document_url(cycle)}"' in body and "Build in the background" in body
    assert f'href="{document_url(cycle, "ssp", "json")}"' in body  # downloaded at once
    assert f'href="/document-jobs/{job.pk}/download/"' in body


def test_the_pages_take_the_same_queries_for_one_job_and_many(
    client, personas, cycle, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(personas.member)

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(document_url(cycle))
    first = DocumentJob.objects.get()
    package_url = reverse("rmf:authorize", args=[cycle.pk])
    counts_for_one = (queries(package_url), queries(f"/document-jobs/{first.pk}/"))
    for _ in range(8):
        DocumentJob.objects.create(
            authorization=cycle,
            kind=KIND,
            format="pdf",
            status=DocumentJob.Status.FAILED,
            content_hash="0" * 64,
            requested_by=personas.assessor,
        )
    assert (queries(package_url), queries(f"/document-jobs/{first.pk}/")) == counts_for_one
