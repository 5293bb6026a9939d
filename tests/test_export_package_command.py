"""`manage.py export_package`: the documents of a system's current cycle written to a file for
automation, with clear errors for a wrong system, a system without a cycle, a document that
cannot be built yet, and a folder that does not exist."""

import io
import json

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from rmf.documents import document_spec
from tests.document_job_steps import registered_document
from tests.factories import make_system
from tests.test_rmf_cycles import cycle_in_implement, started_cycle

pytestmark = pytest.mark.django_db


def export(*args) -> str:
    out = io.StringIO()
    call_command("export_package", *[str(arg) for arg in args], stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_oscal_ssp_and_the_matrix_are_written(personas, tmp_path):
    cycle = cycle_in_implement(personas)
    path = tmp_path / "ssp.json"
    message = export(cycle.system_id, "--format", "oscal-ssp", "--output", path)
    assert f"to {path}" in message and "SHA-256" in message
    ssp = json.loads(path.read_text())["system-security-plan"]
    assert ssp["system-characteristics"]["system-name"] == cycle.system.name

    path = tmp_path / "matrix.xlsx"
    export(cycle.system_id, "--format", "xlsx", "--output", path)
    workbook = openpyxl.load_workbook(path, read_only=True)
    assert workbook.sheetnames  # a real workbook
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_the_progress_is_shown_at_higher_verbosity(personas, tmp_path, monkeypatch):
    cycle = cycle_in_implement(personas)
    with registered_document():
        from rmf.management.commands import export_package

        monkeypatch.setitem(export_package.FORMATS, "pdf", ("test-report", "pdf"))
        err = io.StringIO()
        call_command(
            "export_package",
            str(cycle.system_id),
            "--format=pdf",
            f"--output={tmp_path / 'package.pdf'}",
            "--verbosity=2",
            stdout=io.StringIO(),
            stderr=err,
        )
    assert " 60%  Control 2 of 3" in err.getvalue()
    assert (tmp_path / "package.pdf").read_bytes().startswith(b"%PDF")


def test_a_document_that_cannot_be_built_yet_says_why_and_writes_nothing(personas, tmp_path):
    cycle = started_cycle(personas)  # no control selected: the SSP cannot be built yet
    with pytest.raises(CommandError, match="select the control set"):
        export(cycle.system_id, "--format", "oscal-ssp", "--output", tmp_path / "y.json")
    assert list(tmp_path.iterdir()) == []


def test_clear_errors(personas, tmp_path):
    cycle = cycle_in_implement(personas)
    with pytest.raises(CommandError, match="no system with id 999999"):
        export(999999, "--format", "oscal-ssp", "--output", tmp_path / "x.json")
    with pytest.raises(CommandError, match="does not exist"):
        export(cycle.system_id, "--format", "oscal-ssp", "--output", tmp_path / "no" / "x.json")
    with pytest.raises(CommandError, match="invalid choice"):
        export(cycle.system_id, "--format", "docx", "--output", tmp_path / "x.docx")

    bare = make_system(personas.agency, "Parking meters", "PKM")
    with pytest.raises(CommandError, match="has no RMF cycle yet"):
        export(bare.pk, "--format", "oscal-ssp", "--output", tmp_path / "z.json")


def test_the_whole_package_as_pdf(personas, tmp_path):
    if document_spec("package", "pdf") is None:
        pytest.skip("the package PDF renderer (rmf.documents.pdf) is not registered")
    cycle = cycle_in_implement(personas)
    export(cycle.system_id, "--format", "pdf", "--output", tmp_path / "package.pdf")
    assert (tmp_path / "package.pdf").read_bytes().startswith(b"%PDF")
