"""The import templates: an XLSX workbook with instructions and drop-down lists, and CSV files."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assets.models import Component, System
from assets.spreadsheets.columns import COMPONENT_COLUMNS, SYSTEM_COLUMNS

pytestmark = pytest.mark.django_db


def _template(client, user):
    client.force_login(user)
    response = client.get(reverse("assets:system_import_template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment" in response["Content-Disposition"]
    return load_workbook(io.BytesIO(response.content))


def _list_values(workbook, formula: str) -> list[str]:
    sheet_name, area = formula.lstrip("=").split("!")
    sheet = workbook[sheet_name.strip("'")]
    return [cell.value for row in sheet[area.replace("$", "")] for cell in row]


def _validation_lists(workbook, sheet_name: str) -> dict[str, list[str]]:
    """Header of each validated column -> the values its drop-down list offers."""
    sheet = workbook[sheet_name]
    headers = {cell.column_letter: cell.value for cell in sheet[1]}
    lists = {}
    for validation in sheet.data_validations.dataValidation:
        if validation.type != "list":
            continue
        for cell_range in validation.sqref.ranges:
            assert cell_range.min_row == 2 and cell_range.max_row >= 5001
            letter = cell_range.coord.split(":")[0].rstrip("0123456789")
            lists[headers[letter]] = _list_values(workbook, validation.formula1)
    return lists


def test_template_has_instructions_sheets_and_headers(client, personas):
    workbook = _template(client, personas.member)
    assert workbook.sheetnames[:3] == ["Instructions", "Systems", "Components"]
    assert all(workbook[name].sheet_state == "hidden" for name in workbook.sheetnames[3:])
    for name, columns in (("Systems", SYSTEM_COLUMNS), ("Components", COMPONENT_COLUMNS)):
        sheet = workbook[name]
        assert [cell.value for cell in sheet[1]] == [column.header for column in columns]
        assert sheet.freeze_panes == "A2"
        assert sheet.max_row == 1  # no example rows that would be imported by mistake
        assert all(sheet.column_dimensions[cell.column_letter].width >= 10 for cell in sheet[1])
    instructions = workbook["Instructions"]
    text = "\n".join(str(cell.value) for row in instructions.iter_rows() for cell in row)
    for column in (*SYSTEM_COLUMNS, *COMPONENT_COLUMNS):
        assert column.header in text
        assert column.help in text
    headers = [cell.value for cell in workbook["Systems"][1]]
    assert "Laws, regulations and policies" in headers
    assert "one per line" in text
    for label in ("Operational technology (OT)", "Cloud (IaaS/PaaS)", "template-systems.csv"):
        assert label in text
    assert "formula" in text and "all or nothing" in text


def test_every_choice_column_has_a_validation_list(client, personas):
    workbook = _template(client, personas.member)
    systems = _validation_lists(workbook, "Systems")
    assert systems["Kind"] == System.Kind.labels
    assert systems["System type"] == System.SystemType.labels
    assert systems["Status"] == System.Status.labels
    assert systems["Hosting"] == System.Hosting.labels
    assert systems["Public facing"] == ["Yes", "No"]
    assert systems["Processes PII"] == ["Yes", "No"]
    components = _validation_lists(workbook, "Components")
    assert components["Type"] == Component.ComponentType.labels
    assert components["Internet reachable"] == ["Yes", "No"]
    # Organizations: only those where this person may import.
    assert systems["Organization"] == [personas.agency.name]
    assert components["Organization"] == [personas.agency.name]


def test_organization_list_follows_the_person(client, personas):
    workbook = _template(client, personas.sibling)
    assert _validation_lists(workbook, "Systems")["Organization"] == [personas.sibling_agency.name]
    workbook = _template(client, personas.viewer)  # may read it, may import nowhere
    assert "Organization" not in _validation_lists(workbook, "Systems")


def test_number_and_date_columns_are_validated(client, personas):
    workbook = _template(client, personas.member)
    sheet = workbook["Systems"]
    headers = {cell.column_letter: cell.value for cell in sheet[1]}
    types = {}
    for validation in sheet.data_validations.dataValidation:
        for cell_range in validation.sqref.ranges:
            types[headers[cell_range.coord.split(":")[0].rstrip("0123456789")]] = validation.type
    assert types["Number of users"] == "whole"
    assert types["Operational since"] == types["Retirement date"] == "date"


@pytest.mark.parametrize(
    ("url_name", "columns"),
    [
        ("assets:system_import_template_systems_csv", SYSTEM_COLUMNS),
        ("assets:system_import_template_components_csv", COMPONENT_COLUMNS),
    ],
)
def test_csv_templates_hold_the_header_line(client, personas, url_name, columns):
    client.force_login(personas.member)
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    # Read as CSV: a header holding a comma ("Laws, regulations and policies") is quoted.
    assert next(csv.reader(io.StringIO(text))) == [column.header for column in columns]


def test_an_untouched_template_imports_nothing(client, personas, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    client.force_login(personas.member)
    template = client.get(reverse("assets:system_import_template")).content
    upload = io.BytesIO(template)
    upload.name = "inventory-import-template.xlsx"
    response = client.post(reverse("assets:system_import"), {"file": upload})
    assert response.status_code == 400
    assert "no rows" in response.content.decode()


def test_templates_need_a_signed_in_user(client):
    for name in (
        "assets:system_import_template",
        "assets:system_import_template_systems_csv",
        "assets:system_import_template_components_csv",
    ):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert reverse("login") in response["Location"]
