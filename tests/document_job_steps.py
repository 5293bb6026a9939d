"""Helpers of the document job tests: a background document registered for the test only, whose
render reports progress (or fails), so the jobs are tested without a 300-page PDF."""

from contextlib import contextmanager

from rmf.documents import _DOCUMENTS, DocumentSpec, register_document
from workbench.exports import PDF_TYPE

KIND = "test-report"


def _progress_render(authorization, progress):
    progress(10, "Reading the controls")
    progress(60, f"Control 2 of 3 of {authorization.system.acronym}")
    body = iter([b"%PDF-1.7\n", f"report of {authorization.system.acronym}\n".encode()])
    return f"{authorization.system.acronym}-report.pdf", PDF_TYPE, body


def _failing_render(authorization, progress):
    progress(30, "Halfway")

    def body():
        yield b"%PDF-1.7\npartial"
        raise RuntimeError("disk on fire")

    return "broken.pdf", PDF_TYPE, body()


@contextmanager
def registered_document(*, failing: bool = False, background: bool = True):
    """Registers ("test-report", "pdf") for the duration of the block."""
    render_with_progress = _failing_render if failing else _progress_render
    spec = register_document(
        DocumentSpec(
            KIND,
            "pdf",
            "Test report (PDF)",
            lambda authorization: render_with_progress(authorization, lambda *_: None),
            background=background,
            progress_render=render_with_progress,
        )
    )
    try:
        yield spec
    finally:
        del _DOCUMENTS[(spec.kind, spec.format)]
