"""The documents store's housekeeping (`document_jobs_clean`, `manage.py clean_documents`): jobs
lost in a restart are failed with the reason and their pages stop waiting; old files go, each
cycle's latest file of each document stays; files no job names are removed once a day old."""

import os
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from assets.models import AuditEvent
from rmf.models import DocumentJob
from rmf.services.documents import LOST_ERROR, document_jobs_clean
from tests.test_rmf_cycles import cycle_in_implement

pytestmark = pytest.mark.django_db
Status = DocumentJob.Status


@pytest.fixture
def store(settings, tmp_path):
    settings.WORKBENCH_DOCUMENTS_DIR = tmp_path
    return tmp_path


@pytest.fixture
def cycle(personas):
    return cycle_in_implement(personas)


def make_job(cycle, store, *, age, status=Status.DONE, kind="ssp", fmt="pdf", size=10):
    name = os.urandom(16).hex() if status == Status.DONE else ""
    if name:
        (store / name).write_bytes(b"x" * size)
    job = DocumentJob.objects.create(
        authorization=cycle,
        kind=kind,
        format=fmt,
        status=status,
        content_hash="0" * 64,
        storage_name=name,
        size=size if name else 0,
    )
    DocumentJob.objects.filter(pk=job.pk).update(requested_at=timezone.now() - age)
    job.refresh_from_db()
    return job


def test_a_lost_job_is_failed_with_the_reason_and_its_page_stops_waiting(
    client, api_client, personas, cycle, store, django_capture_on_commit_callbacks
):
    lost = make_job(cycle, store, age=timedelta(hours=2), status=Status.RUNNING)
    running = make_job(cycle, store, age=timedelta(minutes=5), status=Status.RUNNING)
    client.force_login(personas.member)
    body = client.get(reverse("rmf:document_job", args=[lost.pk])).content.decode()
    assert "This document stopped being built." in body and "Try again" in body
    assert 'http-equiv="refresh"' not in body
    api_client.force_authenticate(personas.member)
    assert api_client.get(f"/api/v1/document-jobs/{lost.pk}/").json()["lost"] is True
    assert api_client.get(f"/api/v1/document-jobs/{running.pk}/").json()["lost"] is False
    body = client.get(reverse("rmf:document_job", args=[running.pk])).content.decode()
    assert 'http-equiv="refresh"' in body

    with django_capture_on_commit_callbacks(execute=True):
        cleanup = document_jobs_clean(keep_days=30)

    assert cleanup.lost_jobs == 1
    lost.refresh_from_db()
    running.refresh_from_db()
    assert (lost.status, lost.error) == (Status.FAILED, LOST_ERROR)
    assert running.status == Status.RUNNING
    event = AuditEvent.objects.get(action="document_job_failed")
    assert event.object_id == str(lost.pk) and LOST_ERROR in str(event.changes)


def test_old_files_go_but_each_documents_latest_file_stays(
    cycle, store, django_capture_on_commit_callbacks
):
    oldest = make_job(cycle, store, age=timedelta(days=90), size=100)
    old_latest = make_job(cycle, store, age=timedelta(days=60), size=1)
    old_failed = make_job(cycle, store, age=timedelta(days=45), status=Status.FAILED)
    other_document = make_job(cycle, store, age=timedelta(days=90), kind="sar", size=5)
    recent_failed = make_job(cycle, store, age=timedelta(days=2), status=Status.FAILED)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        cleanup = document_jobs_clean(keep_days=30)
    assert (store / oldest.storage_name).exists()  # files go only once the removal committed
    for callback in callbacks:
        callback()

    remaining = set(DocumentJob.objects.values_list("pk", flat=True))
    assert remaining == {old_latest.pk, other_document.pk, recent_failed.pk}
    assert not (store / oldest.storage_name).exists()
    assert (store / old_latest.storage_name).exists()
    assert (store / other_document.storage_name).exists()
    assert (cleanup.removed_jobs, cleanup.removed_files, cleanup.freed_bytes) == (2, 1, 100)
    assert old_failed.pk not in remaining

    newer = make_job(cycle, store, age=timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert document_jobs_clean(keep_days=30).removed_jobs == 1  # old_latest is superseded
    assert not (store / old_latest.storage_name).exists() and (store / newer.storage_name).exists()


def test_files_no_job_names_are_removed_once_a_day_old(
    cycle, store, django_capture_on_commit_callbacks
):
    kept = make_job(cycle, store, age=timedelta(days=3))
    orphan, fresh_orphan = os.urandom(16).hex(), os.urandom(16).hex()
    partial = f".{os.urandom(16).hex()}.{os.urandom(4).hex()}.part"
    for name in (orphan, fresh_orphan, partial, "README.txt", kept.storage_name):
        (store / name).write_bytes(b"x")
    two_days_ago = time.time() - 2 * 86400
    for name in (orphan, partial, "README.txt", kept.storage_name):
        os.utime(store / name, (two_days_ago, two_days_ago))

    with django_capture_on_commit_callbacks(execute=True):
        cleanup = document_jobs_clean(keep_days=30)

    assert cleanup.removed_files == 2
    assert sorted(path.name for path in store.iterdir()) == sorted(
        [fresh_orphan, "README.txt", kept.storage_name]
    )


def test_the_command_reports_and_refuses_a_negative_number_of_days(
    cycle, store, settings, django_capture_on_commit_callbacks
):
    make_job(cycle, store, age=timedelta(days=20), size=2048)
    make_job(cycle, store, age=timedelta(days=10))
    out = StringIO()
    settings.WORKBENCH_DOCUMENTS_KEEP_DAYS = 30
    with django_capture_on_commit_callbacks(execute=True):
        call_command("clean_documents", stdout=out)
    assert "0 old job(s) and 0 file(s) removed" in out.getvalue()
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("clean_documents", "--keep-days", "15", stdout=out)
    assert "1 old job(s) and 1 file(s) removed, 2.0\xa0KB freed." in out.getvalue()
    with pytest.raises(CommandError, match="cannot be negative"):
        call_command("clean_documents", "--keep-days", "-1")
