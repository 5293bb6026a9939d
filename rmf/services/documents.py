"""Background documents: asking for one (a job, or the finished file of the same data) and
building it (`document_job_run`, called by whatever queue runs jobs: rmf.documents.jobs)."""

import logging
import re
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from assets.audit import audit_record
from rmf.documents import document_spec
from rmf.documents.jobs import document_job_dispatch, documents_dir, rendered_write
from rmf.models import Authorization, DocumentJob
from rmf.models.documents import LOST_AFTER
from rmf.selectors.package import package_content, package_hash

logger = logging.getLogger(__name__)

# Progress is written at most this often (seconds), and whenever the percentage changes.
_PROGRESS_INTERVAL = 1.0

Status = DocumentJob.Status


@transaction.atomic
def document_job_request(
    *, actor, authorization: Authorization, kind: str, format: str
) -> DocumentJob:
    """The job that builds `kind`.`format` of the cycle from its current data. A finished job
    built from the same data (package hash), or one still in progress for it, is returned
    instead of building the file again. A new job starts after this transaction commits.
    `authorization` was reached through its access function."""
    spec = document_spec(kind, format)
    if spec is None:
        raise ValidationError(f"There is no {kind}.{format} document.")
    content_hash = package_hash(package_content(authorization))
    same_data = DocumentJob.objects.filter(
        authorization=authorization, kind=kind, format=format, content_hash=content_hash
    )
    reusable = (
        same_data.filter(
            Q(status=Status.DONE)
            | Q(
                status__in=(Status.QUEUED, Status.RUNNING),
                requested_at__gte=timezone.now() - LOST_AFTER,
            )
        )
        .order_by("-requested_at", "-id")
        .first()
    )
    if reusable is not None:
        return reusable
    job = DocumentJob.objects.create(
        authorization=authorization,
        kind=kind,
        format=format,
        content_hash=content_hash,
        requested_by=actor if actor is not None and actor.is_authenticated else None,
        note="Waiting to start",
    )
    audit_record(
        actor=actor,
        action="document_job_request",
        obj=job,
        organization=authorization.system.organization,
        after={"document": spec.title, "kind": kind, "format": format, "data": content_hash},
    )
    transaction.on_commit(lambda: document_job_dispatch(job.pk))
    return job


class _ProgressWriter:
    """The `Progress` callback given to a renderer: writes the job's percentage and note
    outside any transaction, so the job page sees them while the render goes on."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.percent = -1
        self.written_at = 0.0

    def __call__(self, percent: int, note: str) -> None:
        percent = max(0, min(99, int(percent)))  # 100 only once the file is written
        now = time.monotonic()
        if percent == self.percent and now - self.written_at < _PROGRESS_INTERVAL:
            return
        self.percent, self.written_at = percent, now
        DocumentJob.objects.filter(pk=self.job_id, status=Status.RUNNING).update(
            progress=percent, note=str(note)[:200]
        )


def _failure_words(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return (
        "The document could not be built because of an unexpected error "
        f"({type(error).__name__}). Ask again; if it fails again, tell your administrator, "
        "who will find the details in the server log."
    )


def document_job_run(*, job_id: int) -> DocumentJob | None:
    """Build the job's document: progress as the renderer reports it, the file written whole
    to the documents folder, then done; or failed, with the reason in plain words and no file.
    A job that is not waiting (already taken by another worker, or finished) is left alone and
    None is returned."""
    taken = DocumentJob.objects.filter(pk=job_id, status=Status.QUEUED).update(
        status=Status.RUNNING, started_at=timezone.now(), progress=0, note="Starting"
    )
    if not taken:
        return None
    job = DocumentJob.objects.select_related("authorization__system__organization").get(pk=job_id)
    authorization = job.authorization
    storage_name = secrets.token_hex(16)
    path = documents_dir() / storage_name
    try:
        spec = document_spec(job.kind, job.format)
        if spec is None:
            raise ValidationError(f"There is no {job.kind}.{job.format} document any more.")
        # The file reflects the data as it is now, which may be newer than at the request.
        content_hash = package_hash(package_content(authorization))
        progress = _ProgressWriter(job.pk)
        if spec.progress_render is not None:
            rendered = spec.progress_render(authorization, progress)
        else:
            progress(0, "Building the document")
            rendered = spec.render(authorization)
        progress(99, "Saving the file")
        path.parent.mkdir(parents=True, exist_ok=True)
        size, sha256 = rendered_write(rendered, path)
    except Exception as error:
        if not isinstance(error, ValidationError):
            logger.exception("Document job %s failed", job_id)
        return _job_finish_failed(job=job, error=_failure_words(error))
    filename, content_type, _ = rendered
    try:
        return _job_finish_done(
            job=job,
            content_hash=content_hash,
            storage_name=storage_name,
            filename=filename,
            content_type=content_type,
            size=size,
            sha256=sha256,
        )
    except Exception:
        path.unlink(missing_ok=True)
        raise


@transaction.atomic
def _job_finish_done(
    *,
    job: DocumentJob,
    content_hash: str,
    storage_name: str,
    filename: str,
    content_type: str,
    size: int,
    sha256: str,
) -> DocumentJob:
    job.status = Status.DONE
    job.progress = 100
    job.note = "Ready"
    job.error = ""
    job.finished_at = timezone.now()
    job.content_hash = content_hash
    job.storage_name = storage_name
    job.filename = filename
    job.content_type = content_type
    job.size = size
    job.sha256 = sha256
    job.save()
    audit_record(
        actor=None,
        action="document_job_done",
        obj=job,
        organization=job.authorization.system.organization,
        after={"file": filename, "size": size, "sha256": sha256, "data": content_hash},
    )
    return job


@transaction.atomic
def _job_finish_failed(*, job: DocumentJob, error: str) -> DocumentJob:
    job.status = Status.FAILED
    job.note = "Failed"
    job.error = error
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "note", "error", "finished_at"])
    audit_record(
        actor=None,
        action="document_job_failed",
        obj=job,
        organization=job.authorization.system.organization,
        after={"error": error},
    )
    return job


LOST_ERROR = (
    "The server stopped while this document was being built (a restart or a crash). "
    "Ask for it again."
)
# A file in the store that no job names is removed once it is this old: it was left by a
# process stopped between writing the file and recording the job as done.
_ORPHAN_AFTER = timedelta(days=1)
_STORED_NAME = re.compile(r"^(?:[0-9a-f]{32}|\.[0-9a-f]{32}\.[0-9a-f]{8}\.part)$")


@dataclass(frozen=True)
class DocumentCleanup:
    lost_jobs: int  # marked failed
    removed_jobs: int
    removed_files: int  # the removed jobs' files and orphans
    freed_bytes: int


@transaction.atomic
def document_jobs_clean(*, keep_days: int, now: datetime | None = None) -> DocumentCleanup:
    """Housekeeping of the documents store, run daily by `manage.py clean_documents`:

    - jobs lost (still waiting or being built `LOST_AFTER` after they were asked for) are
      recorded as failed, with the reason, so their pages stop waiting;
    - finished jobs asked for more than `keep_days` ago are removed with their files, except
      each cycle's latest ready file of each document, which the package page offers;
    - files of the store that no job names, older than a day, are removed.

    Files are deleted only once the transaction has committed."""
    if keep_days < 0:
        raise ValidationError("The number of days to keep documents cannot be negative.")
    now = now or timezone.now()
    lost = list(
        DocumentJob.objects.filter(
            status__in=(Status.QUEUED, Status.RUNNING), requested_at__lt=now - LOST_AFTER
        ).select_related("authorization__system__organization")
    )
    lost_count = 0
    for job in lost:
        # Conditional, so a job that finished meanwhile keeps its file and state.
        if DocumentJob.objects.filter(pk=job.pk, status=job.status).update(
            status=Status.FAILED, note="Failed", error=LOST_ERROR, finished_at=now
        ):
            lost_count += 1
            audit_record(
                actor=None,
                action="document_job_failed",
                obj=job,
                organization=job.authorization.system.organization,
                after={"error": LOST_ERROR},
            )

    newer_ready = DocumentJob.objects.filter(
        authorization=OuterRef("authorization"),
        kind=OuterRef("kind"),
        format=OuterRef("format"),
        status=Status.DONE,
    ).filter(
        Q(requested_at__gt=OuterRef("requested_at"))
        | Q(requested_at=OuterRef("requested_at"), pk__gt=OuterRef("pk"))
    )
    removable = DocumentJob.objects.filter(
        requested_at__lt=now - timedelta(days=keep_days),
        status__in=(Status.DONE, Status.FAILED),
    ).filter(Q(status=Status.FAILED) | Exists(newer_ready))
    removed = list(removable.values_list("pk", "storage_name", "size"))
    DocumentJob.objects.filter(pk__in=[pk for pk, _, _ in removed]).delete()
    names = [name for _, name, _ in removed if name]
    names += _orphan_names(now=now, known=set(names))
    freed = sum(size for _, name, size in removed if name)
    transaction.on_commit(lambda: _store_delete(names))
    return DocumentCleanup(
        lost_jobs=lost_count, removed_jobs=len(removed), removed_files=len(names), freed_bytes=freed
    )


def _orphan_names(*, now: datetime, known: set[str]) -> list[str]:
    folder = documents_dir()
    if not folder.is_dir():
        return []
    cutoff = (now - _ORPHAN_AFTER).timestamp()
    candidates = [
        entry.name
        for entry in folder.iterdir()
        if _STORED_NAME.match(entry.name)
        and entry.name not in known
        and entry.is_file()
        and entry.stat().st_mtime < cutoff
    ]
    named = set(
        DocumentJob.objects.filter(storage_name__in=candidates).values_list(
            "storage_name", flat=True
        )
    )
    return [name for name in candidates if name not in named]


def _store_delete(names: list[str]) -> None:
    folder = documents_dir()
    for name in names:
        (folder / name).unlink(missing_ok=True)
