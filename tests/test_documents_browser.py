"""A real headless Chromium journey through the package's documents: a planner downloads the
control implementation matrix from the package page, then asks for a background document,
watches the job page show its progress and then the file (without reloading it by hand),
downloads it, and asking again for the same data leads to the same finished job. Then the way
back in: one system's OSCAL security plan imported into another system's cycle through the
Implement page."""

import re
import threading
from contextlib import contextmanager

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from rmf.documents import _DOCUMENTS, DocumentSpec, document_render, register_document
from rmf.models import DocumentJob, ImplementationNarrative
from tests.authorize_steps import cycle_in_authorize
from tests.browser import BROWSER_JOURNEY, sign_in
from tests.factories import make_system
from tests.test_rmf_cycles import TYPE_LOW, complete_implementation, cycle_in_implement
from tests.test_xlsx_control_matrix import table_of
from workbench.exports import PDF_TYPE

pytestmark = BROWSER_JOURNEY

TITLE = "Held report (PDF)"


@contextmanager
def held_document():
    """A background document whose build stops at 40% until the test lets it go on: the job
    page is seen mid-build, deterministically. (The real package PDF takes minutes of
    WeasyPrint; it is built in tests/test_pdf_package.py.)"""
    release = threading.Event()

    def render(authorization, progress):
        progress(40, f"Control 148 of 370 of {authorization.system.acronym}")
        release.wait(timeout=120)
        return f"{authorization.system.acronym}-held.pdf", PDF_TYPE, b"%PDF-1.7\nheld\n"

    spec = register_document(
        DocumentSpec(
            "held-report",
            "pdf",
            TITLE,
            lambda authorization: render(authorization, lambda *_: None),
            background=True,
            progress_render=render,
        )
    )
    try:
        yield release
    finally:
        release.set()
        del _DOCUMENTS[(spec.kind, spec.format)]


@pytest.mark.django_db(transaction=True)
def test_a_planner_downloads_the_matrix_and_builds_a_document_in_the_background(
    page, live_server, catalogs, personas, settings, tmp_path
):
    # The default "thread" queue: the job runs in a thread of the live server, with its own
    # connection to the test database; the data it reads is committed (transaction=True).
    settings.WORKBENCH_DOCUMENT_QUEUE = "thread"
    settings.WORKBENCH_DOCUMENTS_DIR = tmp_path / "store"
    cycle = cycle_in_authorize(personas)
    package_url = f"{live_server.url}{reverse('rmf:authorize', args=[cycle.pk])}"

    sign_in(page, live_server, "member")
    page.goto(package_url)
    documents = page.get_by_role("region", name="Documents")
    with page.expect_download() as matrix_download:
        documents.get_by_role(
            "link", name="Download Control implementation matrix (Excel)", exact=True
        ).click()
    matrix = matrix_download.value
    assert matrix.suggested_filename.endswith(".xlsx")
    matrix_path = tmp_path / matrix.suggested_filename
    matrix.save_as(matrix_path)
    rows = table_of(load_workbook(matrix_path)["Controls"])
    by_part = {row["Statement part ID"]: row for row in rows}
    account_review = by_part["ac-2_smt.d.1"]
    assert account_review["Control"] == "AC-2"
    assert account_review["Control title"] == "Account Management"
    assert account_review["Implementation status"] == "Implemented"
    assert account_review["Latest result (control)"] == "Other than satisfied"

    with held_document() as release:
        page.goto(package_url)  # the package page now lists the held document too
        documents = page.get_by_role("region", name="Documents")
        documents.get_by_role("button", name=f"Build in the background {TITLE}").click()
        page.wait_for_url(re.compile(r"/document-jobs/\d+/$"))
        job_url = page.url
        job = DocumentJob.objects.get()
        assert job_url.endswith(reverse("rmf:document_job", args=[job.pk]))
        state = page.get_by_role("status")
        state.get_by_text("Control 148 of 370 of").wait_for()  # the page refreshed itself
        assert state.get_by_role("progressbar").get_attribute("value") == "40"
        # No reload by hand: the page refreshes itself until the link is there.
        reloads = []

        def record_reload(frame):
            if frame is page.main_frame:
                reloads.append(frame.url)

        page.on("framenavigated", record_reload)
        release.set()
        ready = state.get_by_role("link", name=re.compile(r"^Download .+\.pdf$"))
        ready.wait_for()
        assert reloads and set(reloads) == {job_url}
        assert state.get_by_text("The document is ready.").is_visible()
        assert not state.get_by_role("progressbar").count()
        with page.expect_download() as download:
            ready.click()
        built = download.value
        assert built.suggested_filename == f"{cycle.system.acronym}-held.pdf"
        built_path = tmp_path / built.suggested_filename
        built.save_as(built_path)
        assert built_path.read_bytes() == b"%PDF-1.7\nheld\n"

        job.refresh_from_db()
        assert job.status == DocumentJob.Status.DONE
        # The same data asked for again: the finished job, not a second build.
        page.goto(package_url)
        page.get_by_role("region", name="Documents").get_by_role(
            "button", name=f"Build in the background {TITLE}"
        ).click()
        page.wait_for_url(job_url)
        assert page.get_by_role("status").get_by_text("The document is ready.").is_visible()
        assert DocumentJob.objects.get().finished_at == job.finished_at


def narratives(cycle) -> int:
    return ImplementationNarrative.objects.filter(
        implementation__selected_control__authorization=cycle
    ).count()


@pytest.mark.django_db(transaction=True)
def test_a_planner_checks_then_imports_another_systems_oscal_plan(
    page, live_server, catalogs, personas, tmp_path
):
    source = cycle_in_implement(personas, types=(TYPE_LOW,))
    complete_implementation(personas, source)
    target = cycle_in_implement(
        personas, make_system(personas.agency, "Parking Meters", "PKM"), types=(TYPE_LOW,)
    )
    filename, _, body = document_render(source, "ssp", "json")
    plan = tmp_path / filename
    plan.write_bytes(body if isinstance(body, bytes) else b"".join(body))
    assert narratives(target) == 0

    sign_in(page, live_server, "member")
    page.goto(f"{live_server.url}{reverse('rmf:implement', args=[target.pk])}")
    page.get_by_role("link", name="Import an OSCAL security plan").click()
    page.get_by_label("OSCAL system security plan (JSON)").set_input_files(plan)
    only_check = page.get_by_label("Only check the file")
    assert only_check.is_checked()  # a first send changes nothing
    page.get_by_role("button", name="Send the file").click()
    report = page.get_by_role("region", name="The file can be imported")
    counts = report.locator("#import-counts")
    to_write = int(counts.locator("dt:has-text('Narratives to write') + dd").inner_text())
    assert to_write > 149  # at least one narrative for each control of LOW
    assert int(counts.locator("dt:has-text('Controls matched') + dd").inner_text()) == 149
    assert not report.get_by_role("alert").count()
    assert narratives(target) == 0

    # The file input is empty again after a send: the planner picks the file once more.
    page.get_by_label("OSCAL system security plan (JSON)").set_input_files(plan)
    page.get_by_label("Only check the file").uncheck()
    page.get_by_role("button", name="Send the file").click()
    page.wait_for_url(f"{live_server.url}{reverse('rmf:implement', args=[target.pk])}")
    page.get_by_role("status").get_by_text(f"{to_write} narratives").wait_for()
    assert narratives(target) == to_write
