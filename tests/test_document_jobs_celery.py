"""The real queue: with `WORKBENCH_DOCUMENT_QUEUE=celery`, a requested document is built by a
Celery worker through a real Redis broker (started by workbench/bin/test.sh, which exports
WORKBENCH_TEST_REDIS_URL), not in the web process that asked for it."""

import os
import threading
import time

import pytest

from rmf.models import DocumentJob
from rmf.services.documents import document_job_request
from tests.document_job_steps import KIND, registered_document
from tests.test_rmf_cycles import cycle_in_implement

REDIS_URL = os.environ.get("WORKBENCH_TEST_REDIS_URL", "")


@pytest.mark.skipif(
    not REDIS_URL,
    reason="WORKBENCH_TEST_REDIS_URL is not set: workbench/bin/test.sh starts a Redis server",
)
@pytest.mark.django_db(transaction=True)
def test_a_job_is_built_by_a_celery_worker_through_redis(catalogs, personas, settings, tmp_path):
    from celery.contrib.testing.worker import start_worker

    from workbench.celery import app

    settings.WORKBENCH_DOCUMENTS_DIR = tmp_path
    settings.WORKBENCH_DOCUMENT_QUEUE = "celery"
    app.conf.broker_url = REDIS_URL
    cycle = cycle_in_implement(personas)
    ran_in = []
    with registered_document() as spec:
        render = spec.progress_render

        def spying_render(authorization, progress):
            ran_in.append(threading.current_thread())
            return render(authorization, progress)

        object.__setattr__(spec, "progress_render", spying_render)
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            job = document_job_request(
                actor=personas.member, authorization=cycle, kind=KIND, format="pdf"
            )  # no atomic block around it: committed, so sent to the broker at once
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                job.refresh_from_db()
                if job.is_finished:
                    break
                time.sleep(0.2)
    assert job.status == DocumentJob.Status.DONE, job.error
    assert ran_in and ran_in[0] is not threading.current_thread()  # the worker ran it
    assert (tmp_path / job.storage_name).read_bytes().startswith(b"%PDF")
