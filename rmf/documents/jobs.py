"""Running document jobs: where their files are kept, how a rendered document is written there,
and how a job is handed to whatever builds it (`WORKBENCH_DOCUMENT_QUEUE`):

- "thread" (the default): a background thread of the web process; no extra service to run.
- "celery": a Celery worker (workbench/celery.py; broker `WORKBENCH_CELERY_BROKER_URL`).
- "inline": at once, in the caller (tests, and the command line).

The web request never waits on a render in the first two modes.
"""

import hashlib
import logging
import os
import secrets
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections

from workbench.exports import Rendered

logger = logging.getLogger(__name__)

QUEUES = ("thread", "celery", "inline")


def documents_dir() -> Path:
    return Path(settings.WORKBENCH_DOCUMENTS_DIR)


def _chunks(body: bytes | Iterable[bytes]) -> Iterable[bytes]:
    if isinstance(body, bytes):
        yield body
    else:
        yield from body


def rendered_write(rendered: Rendered, path: Path) -> tuple[int, str]:
    """Write the body of a rendered document to `path`, whole or not at all: the bytes go to a
    temporary file beside it, renamed over `path` only once complete. Returns (size, sha256)."""
    _, _, body = rendered
    partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    digest = hashlib.sha256()
    size = 0
    try:
        with partial.open("xb") as target:
            for chunk in _chunks(body):
                target.write(chunk)
                digest.update(chunk)
                size += len(chunk)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        close = getattr(body, "close", None)  # a generator that holds a temporary file
        if close is not None:
            close()
    return size, digest.hexdigest()


def job_file_open(job) -> IO[bytes]:
    """The file of a finished job, for a view that reached the job through its access function.
    Raises FileNotFoundError when the job has no file (not done, failed, or removed)."""
    name = job.storage_name
    if not name or not name.isalnum() or job.status != job.Status.DONE:
        raise FileNotFoundError("This document has no file.")
    return (documents_dir() / name).open("rb")


def _run_in_thread(job_id: int) -> None:
    from rmf.services.documents import document_job_run

    try:
        document_job_run(job_id=job_id)
    except Exception:  # the job records its own failure; this is a last resort for the log
        logger.exception("Document job %s stopped unexpectedly", job_id)
    finally:
        connections.close_all()  # this thread's connections, not the request's


def document_job_dispatch(job_id: int) -> threading.Thread | None:
    """Hand the job to the configured queue (after the transaction that created it commits).
    Returns the thread in "thread" mode, so a caller may wait for it."""
    queue = settings.WORKBENCH_DOCUMENT_QUEUE
    if queue == "inline":
        from rmf.services.documents import document_job_run

        document_job_run(job_id=job_id)
        return None
    if queue == "celery":
        from workbench.celery import run_document_job

        run_document_job.delay(job_id)
        return None
    if queue == "thread":
        thread = threading.Thread(
            target=_run_in_thread, args=(job_id,), name=f"document-job-{job_id}", daemon=True
        )
        thread.start()
        return thread
    raise ImproperlyConfigured(
        f"WORKBENCH_DOCUMENT_QUEUE is {queue!r}: use one of {', '.join(QUEUES)}."
    )
