"""The control implementation matrix workbook ("ssp", "xlsx"): one row per control and statement
part with the system's values, narratives and latest results; frozen header, filters, lists on
the editable columns, real dates, text that cannot become a formula; a fixed number of queries
for LOW and HIGH.

`workbook_of` and `table_of` are shared with the other workbook tests."""

import io
from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from rmf.documents import document_render, document_spec
from rmf.models import Designation, ImplementationNarrative, SelectedControl
from rmf.selectors.package import package_content, package_hash
from rmf.services.selection import control_allocate, control_tailor_remove
from tests.assessment_steps import control, determine_control, plan_approved
from tests.test_rmf_cycles import (
    TYPE_HIGH,
    complete_implementation,
    complete_selection,
    cycle_in_assess,
    cycle_in_implement,
    cycle_in_select,
)
from workbench.exports import XLSX_TYPE


def workbook_of(rendered):
    filename, content_type, body = rendered
    assert content_type == XLSX_TYPE
    assert filename.endswith(".xlsx")
    data = body if isinstance(body, bytes) else b"".join(body)
    return load_workbook(io.BytesIO(data))


def table_of(sheet) -> list[dict]:
    """The rows of a table sheet as {header: value}."""
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def validations_of(sheet) -> dict[str, list[str]]:
    """{column header: the values its list offers}, read through the hidden Lists sheet."""
    book = sheet.parent
    headers = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    found = {}
    for validation in sheet.data_validations.dataValidation:
        assert validation.type == "list"
        sheet_name, cells = validation.formula1.split("!")
        lists = book[sheet_name.strip("'")]
        values = [cell[0].value for cell in lists[cells.replace("$", "")]]
        first = str(validation.sqref).split(":")[0]
        column = "".join(char for char in first if char.isalpha())
        index = sum((ord(c) - 64) * 26**i for i, c in enumerate(reversed(column))) - 1
        assert first == f"{column}2"  # from the first data row down
        found[headers[index]] = values
    return found


def test_the_matrix_has_a_row_per_control_and_statement_part(personas):
    authorization = cycle_in_assess(personas)
    ac2 = control(authorization, "ac-2")
    narrative = ImplementationNarrative.objects.get(
        implementation__selected_control=ac2, part="ac-2_smt.d.1"
    )
    narrative.text = '=HYPERLINK("x") accounts\x07 are reviewed by the TMC supervisor.'
    narrative.save()
    # Longer than a cell may hold: shortened, and the cut said.
    ImplementationNarrative.objects.filter(
        implementation__selected_control=ac2, part="ac-2_smt.b"
    ).update(text="Account managers are named. " * 1_500)

    assessment = plan_approved(personas, authorization)
    determine_control(personas, assessment, ac2, failing=1)
    spec = document_spec("ssp", "xlsx")
    assert spec is not None and not spec.background

    book = workbook_of(document_render(authorization, "ssp", "xlsx"))
    assert book.sheetnames == ["About", "Controls", "Lists"]
    assert book["Lists"].sheet_state == "hidden"
    about = dict(book["About"].iter_rows(values_only=True))
    assert about["System"] == "Traffic Signal Control (TSC)"
    assert about["Package content SHA-256"] == package_hash(package_content(authorization))

    sheet = book["Controls"]
    assert sheet.freeze_panes == "C2"
    assert sheet.auto_filter.ref == f"A1:R{sheet.max_row}"
    rows = table_of(sheet)
    assert list(rows[0]) == [
        "Family",
        "Control",
        "Control title",
        "Part",
        "Statement part ID",
        "Requirement (with this system's values)",
        "Tailoring",
        "Tailoring rationale",
        "Implementation status",
        "Designation",
        "Provider",
        "Responsible roles",
        "Parameters (values)",
        "Implementation narrative",
        "Provider's narrative",
        "Latest result (part)",
        "Latest result (control)",
        "Last assessed",
    ]
    # Every statement part that takes a narrative, once, in catalog order.
    expected = list(
        ImplementationNarrative.objects.filter(
            implementation__selected_control__authorization=authorization
        ).values_list("part", flat=True)
    )
    assert {row["Statement part ID"] for row in rows if row["Statement part ID"]} == set(expected)
    assert len([row for row in rows if row["Statement part ID"]]) == len(expected)
    controls = [row["Control"] for row in rows]
    assert controls.index("AC-1") < controls.index("AC-2") < controls.index("AT-1")

    by_part = {row["Statement part ID"]: row for row in rows}
    d1 = by_part["ac-2_smt.d.1"]
    assert d1["Part"] == "d.1."
    assert d1["Control title"] == "Account Management"
    assert d1["Requirement (with this system's values)"].startswith("d. Specify: 1. ")
    # Text typed by a person stays text: no formula, no control character.
    assert d1["Implementation narrative"] == (
        '=HYPERLINK("x") accounts are reviewed by the TMC supervisor.'
    )
    assert sheet.cell(row=rows.index(d1) + 2, column=14).data_type == "s"
    assert d1["Implementation status"] == "Implemented"
    assert d1["Designation"] == "System-specific"
    # The parameters with the system's values, and the values in the requirement's text.
    assert "AC-02_ODP[01]" in d1["Parameters (values)"]
    assert "value of ac-02_odp.01" in d1["Parameters (values)"]
    a = by_part["ac-2_smt.a"]
    b_narrative = by_part["ac-2_smt.b"]["Implementation narrative"]
    assert len(b_narrative) == 32_767
    assert b_narrative.endswith("(truncated: see the workbench for the full text)")
    c = by_part["ac-2_smt.c"]
    assert c["Requirement (with this system's values)"] == (
        "c. Require value of ac-02_odp.01 for group and role membership;"
    )
    # The latest results: the failing objective is on a.; the control is other than satisfied.
    assert a["Latest result (part)"] == "Other than satisfied"
    assert by_part["ac-2_smt.b"]["Latest result (part)"] == "Satisfied"
    assert d1["Latest result (control)"] == "Other than satisfied"
    # A real date cell, not text.
    assert d1["Last assessed"].date() == date.today()
    assert sheet.cell(row=rows.index(d1) + 2, column=18).number_format == "yyyy-mm-dd"
    not_assessed = next(row for row in rows if row["Control"] == "AC-3")
    assert not_assessed["Latest result (control)"] == "Not assessed"
    assert not_assessed["Last assessed"] is None

    lists = validations_of(sheet)
    assert lists["Implementation status"] == [
        "Implemented",
        "Partially implemented",
        "Planned",
        "Alternative implementation",
        "Not applicable",
    ]
    assert lists["Designation"] == ["System-specific", "Common (inherited)", "Hybrid"]


def test_removed_and_inherited_controls(personas):
    """A control removed by tailoring keeps one row with its rationale; an inherited control
    shows its provider and the provider's narrative."""
    provider_cycle = cycle_in_assess(personas, personas.sibling_system)
    authorization = complete_selection(personas, cycle_in_select(personas))
    removed = control(authorization, "pe-8")
    control_tailor_remove(
        actor=personas.member,
        selected_control=removed,
        kind=SelectedControl.Tailoring.SCOPED_OUT,
        rationale="No visitors reach the controllers' cabinets.",
    )
    inherited = control(authorization, "ac-2")
    control_allocate(
        actor=personas.member,
        authorization=authorization,
        selected_ids=[inherited.pk],
        designation=Designation.COMMON,
        provider=personas.sibling_system,
    )
    provided = ImplementationNarrative.objects.get(
        implementation__selected_control__authorization=provider_cycle,
        part="ac-2_smt.a",
    )

    rows = table_of(workbook_of(document_render(authorization, "ssp", "xlsx"))["Controls"])
    pe8 = [row for row in rows if row["Control"] == "PE-8"]
    assert len(pe8) == 1
    assert pe8[0]["Tailoring"] == "Removed: scoping (does not apply)"
    assert pe8[0]["Tailoring rationale"] == "No visitors reach the controllers' cabinets."
    assert pe8[0]["Statement part ID"] is None and pe8[0]["Parameters (values)"] is None
    ac2a = next(row for row in rows if row["Statement part ID"] == "ac-2_smt.a")
    assert ac2a["Designation"] == "Common (inherited)"
    assert ac2a["Provider"] == "Vehicle Registration (VRS)"
    assert ac2a["Provider's narrative"] == provided.text
    assert ac2a["Implementation narrative"] is None
    # Without a status yet, the cell is empty (for a person to pick one from the list).
    assert ac2a["Implementation status"] is None


def test_the_matrix_takes_the_same_queries_for_low_and_high(personas):
    low = cycle_in_assess(personas)
    high = complete_implementation(
        personas, cycle_in_implement(personas, personas.sibling_system, types=(TYPE_HIGH,))
    )
    counts = {}
    rows = {}
    for name, authorization in (("low", low), ("high", high)):
        with CaptureQueriesContext(connection) as queries:
            rendered = document_render(authorization, "ssp", "xlsx")
        counts[name] = len(queries)
        rows[name] = workbook_of(rendered)["Controls"].max_row
    assert counts["low"] == counts["high"]
    assert rows["high"] > rows["low"] + 300
    assert SelectedControl.objects.filter(authorization=high).count() > 300
