"""Background document jobs (rmf.services.documents): asking for a document creates an audited
job built after the commit, reports its progress, writes the file whole or not at all, and a
file of the same data is reused while a change of data gives a new build."""

import hashlib
import threading

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError

from assets.models import AuditEvent
from rmf.documents.jobs import document_job_dispatch
from rmf.models import DocumentJob
from rmf.selectors.document_jobs import document_job_data_changed
from rmf.selectors.package import package_content, package_hash
from rmf.services.documents import document_job_request, document_job_run
from tests.document_job_steps import KIND, registered_document
from tests.test_rmf_cycles import cycle_in_implement

Status = DocumentJob.Status


@pytest.fixture
def documents_dir(settings, tmp_path):
    settings.WORKBENCH_DOCUMENTS_DIR = tmp_path / "documents"
    settings.WORKBENCH_DOCUMENT_QUEUE = "inline"
    return settings.WORKBENCH_DOCUMENTS_DIR


@pytest.mark.django_db
def test_a_request_builds_the_document_after_the_commit_with_its_progress(
    personas, documents_dir, django_capture_on_commit_callbacks, monkeypatch
):
    cycle = cycle_in_implement(personas)
    seen = []
    original = DocumentJob.objects.filter

    with registered_document():
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            job = document_job_request(
                actor=personas.member, authorization=cycle, kind=KIND, format="pdf"
            )
        assert job.status == Status.QUEUED and len(callbacks) == 1
        assert job.content_hash == package_hash(package_content(cycle))
        event = AuditEvent.objects.get(action="document_job_request", object_id=str(job.pk))
        assert event.actor == personas.member
        assert event.organization == cycle.system.organization

        def spying_filter(*args, **kwargs):
            queryset = original(*args, **kwargs)
            if kwargs.get("status") == Status.RUNNING:
                seen.append(DocumentJob.objects.values_list("progress", "note").get(pk=job.pk))
            return queryset

        monkeypatch.setattr(DocumentJob.objects, "filter", spying_filter)
        callbacks[0]()  # the commit: "inline" builds it at once
        monkeypatch.undo()

    job.refresh_from_db()
    assert job.status == Status.DONE and job.progress == 100 and job.error == ""
    assert (0, "Starting") in seen and (10, "Reading the controls") in seen
    assert (60, f"Control 2 of 3 of {cycle.system.acronym}") in seen
    content = (documents_dir / job.storage_name).read_bytes()
    assert content == f"%PDF-1.7\nreport of {cycle.system.acronym}\n".encode()
    assert job.size == len(content) and job.sha256 == hashlib.sha256(content).hexdigest()
    assert job.filename == f"{cycle.system.acronym}-report.pdf"
    assert job.content_type == "application/pdf"
    assert job.started_at <= job.finished_at
    assert list(documents_dir.iterdir()) == [documents_dir / job.storage_name]
    assert AuditEvent.objects.filter(action="document_job_done", object_id=str(job.pk)).exists()


@pytest.mark.django_db
def test_the_file_of_the_same_data_is_reused_and_a_change_builds_again(
    personas, documents_dir, django_capture_on_commit_callbacks
):
    cycle = cycle_in_implement(personas)
    with registered_document(), django_capture_on_commit_callbacks(execute=True):
        first = document_job_request(
            actor=personas.member, authorization=cycle, kind=KIND, format="pdf"
        )
        again = document_job_request(
            actor=personas.viewer, authorization=cycle, kind=KIND, format="pdf"
        )
        assert again.pk == first.pk
        first.refresh_from_db()
        assert not document_job_data_changed(first)

        system = cycle.system
        system.description = "A new description changes the system security plan."
        system.save(update_fields=["description"])
        assert document_job_data_changed(first)
        changed = document_job_request(
            actor=personas.member, authorization=cycle, kind=KIND, format="pdf"
        )
    assert changed.pk != first.pk
    changed.refresh_from_db()
    assert changed.status == Status.DONE and changed.content_hash != first.content_hash
    assert DocumentJob.objects.count() == 2


@pytest.mark.django_db
def test_a_job_in_progress_is_reused_but_not_one_that_failed(
    personas, documents_dir, django_capture_on_commit_callbacks
):
    cycle = cycle_in_implement(personas)
    with registered_document():
        with django_capture_on_commit_callbacks(execute=False):
            waiting = document_job_request(
                actor=personas.member, authorization=cycle, kind=KIND, format="pdf"
            )
            assert (
                document_job_request(
                    actor=personas.member, authorization=cycle, kind=KIND, format="pdf"
                ).pk
                == waiting.pk
            )
        DocumentJob.objects.filter(pk=waiting.pk).update(status=Status.FAILED)
        with django_capture_on_commit_callbacks(execute=False):
            retry = document_job_request(
                actor=personas.member, authorization=cycle, kind=KIND, format="pdf"
            )
        assert retry.pk != waiting.pk


@pytest.mark.django_db
def test_a_failure_keeps_the_reason_in_plain_words_and_no_file(
    personas, documents_dir, django_capture_on_commit_callbacks
):
    cycle = cycle_in_implement(personas)
    with registered_document(failing=True), django_capture_on_commit_callbacks(execute=True):
        job = document_job_request(
            actor=personas.member, authorization=cycle, kind=KIND, format="pdf"
        )
    job.refresh_from_db()
    assert job.status == Status.FAILED
    assert "unexpected error (RuntimeError)" in job.error and "administrator" in job.error
    assert job.storage_name == "" and job.size == 0 and job.finished_at is not None
    assert not documents_dir.exists() or list(documents_dir.iterdir()) == []
    assert AuditEvent.objects.filter(action="document_job_failed", object_id=str(job.pk)).exists()


@pytest.mark.django_db
def test_a_refusal_of_the_renderer_is_the_error_shown(
    personas, documents_dir, django_capture_on_commit_callbacks
):
    cycle = cycle_in_implement(personas)

    def refuse(authorization, progress):
        raise ValidationError("No decision has been signed yet.")

    with registered_document() as spec:
        object.__setattr__(spec, "progress_render", refuse)
        with django_capture_on_commit_callbacks(execute=True):
            job = document_job_request(
                actor=personas.member, authorization=cycle, kind=KIND, format="pdf"
            )
    job.refresh_from_db()
    assert job.status == Status.FAILED and job.error == "No decision has been signed yet."


@pytest.mark.django_db
def test_an_unknown_document_is_refused_and_a_job_runs_only_once(personas, documents_dir):
    cycle = cycle_in_implement(personas)
    with pytest.raises(ValidationError, match="no memo.pdf document"):
        document_job_request(actor=personas.member, authorization=cycle, kind="memo", format="pdf")
    assert not DocumentJob.objects.exists()
    with registered_document():
        job = DocumentJob.objects.create(
            authorization=cycle, kind=KIND, format="pdf", content_hash="0" * 64
        )
        assert document_job_run(job_id=job.pk).status == Status.DONE
        assert document_job_run(job_id=job.pk) is None  # already done: left alone
    assert DocumentJob.objects.get(pk=job.pk).status == Status.DONE


@pytest.mark.django_db
def test_a_renderer_without_progress_is_run_too(personas, documents_dir):
    cycle = cycle_in_implement(personas)
    with registered_document() as spec:
        object.__setattr__(spec, "progress_render", None)
        job = DocumentJob.objects.create(
            authorization=cycle, kind=KIND, format="pdf", content_hash="0" * 64
        )
        job = document_job_run(job_id=job.pk)
    assert job.status == Status.DONE and job.size > 0
    # the data version is the one read when the build started, not the one asked for
    assert job.content_hash == package_hash(package_content(cycle))


@pytest.mark.django_db(transaction=True)
def test_the_default_queue_is_a_background_thread(catalogs, personas, settings, tmp_path):
    settings.WORKBENCH_DOCUMENTS_DIR = tmp_path
    assert settings.WORKBENCH_DOCUMENT_QUEUE == "thread"
    cycle = cycle_in_implement(personas)
    with registered_document():
        job = DocumentJob.objects.create(
            authorization=cycle, kind=KIND, format="pdf", content_hash="0" * 64
        )
        thread = document_job_dispatch(job.pk)
        assert isinstance(thread, threading.Thread) and thread is not threading.current_thread()
        thread.join(timeout=30)
    job.refresh_from_db()
    assert job.status == Status.DONE
    assert (tmp_path / job.storage_name).read_bytes().startswith(b"%PDF")


def test_an_unknown_queue_is_a_configuration_error(settings):
    settings.WORKBENCH_DOCUMENT_QUEUE = "carrier-pigeon"
    with pytest.raises(ImproperlyConfigured, match="thread, celery, inline"):
        document_job_dispatch(1)
