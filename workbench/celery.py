"""The Celery application, used when `WORKBENCH_DOCUMENT_QUEUE=celery`: long documents are then
built by a worker (`celery -A workbench.celery worker`) instead of a thread of the web process.
The broker is `WORKBENCH_CELERY_BROKER_URL` (for example redis://localhost:6379/0)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workbench.settings")

from django.conf import settings  # noqa: E402  after the settings module is known

app = Celery("workbench")
app.conf.update(
    broker_url=settings.WORKBENCH_CELERY_BROKER_URL or None,
    # The job row holds the outcome; nobody reads task results.
    task_ignore_result=True,
    # One long render at a time per worker process; the others stay on the queue.
    worker_prefetch_multiplier=1,
    broker_connection_retry_on_startup=True,
)


@app.task(name="workbench.run_document_job")
def run_document_job(job_id: int) -> None:
    from rmf.services.documents import document_job_run

    document_job_run(job_id=job_id)
