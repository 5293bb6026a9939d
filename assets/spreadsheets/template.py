"""The downloadable import templates: one XLSX workbook, or one CSV file per sheet."""

import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from assets.roles import EDIT_INVENTORY
from assets.selectors import organization_list_for_user
from assets.spreadsheets.columns import COLUMNS, COMPONENTS, SYSTEMS, Column
from assets.spreadsheets.export import csv_line
from assets.spreadsheets.uploads import max_bytes
from workbench.exports import CSV_TYPE, XLSX_TYPE, Rendered

VALIDATED_ROWS = 10_000  # rows below the header that get the drop-down lists
LISTS = "Lists"
HEADER_FILL = PatternFill("solid", fgColor="0D2B4E")
HEADER_FONT = Font(bold=True, color="FFFFFF")
CSV_FILES = {SYSTEMS: "systems.csv", COMPONENTS: "components.csv"}


def _instructions() -> list[str]:
    limit = max_bytes() // (1024 * 1024)
    return [
        "How to use this template",
        "",
        "1. Fill in the Systems sheet: one row per system. Then the Components sheet: one row per "
        "component (hardware, software, devices) of a system.",
        "2. Upload the file on the Import page of RMF Workbench. You first see a preview that "
        "lists every problem by sheet, row and column, and how many systems and components would "
        "be created or updated. Nothing is saved until you confirm.",
        "3. The import is all or nothing: if any row has a problem, nothing is imported. Correct "
        "the rows and upload the file again.",
        "",
        "Rules",
        "• Row 1 of each sheet holds the column headers: keep them as they are. You may leave "
        "either sheet empty.",
        "• A system is matched on Organization + Acronym: if it exists, the row updates it; "
        "otherwise the row creates it. A component is matched on its system + Component name. "
        "Importing the same file twice changes nothing the second time.",
        "• Every column of a row is saved as written: a blank cell clears the value. The import "
        "never deletes systems or components.",
        "• Choice columns (Kind, System type, Status, Hosting, Type) have drop-down lists. The "
        "short codes work too, in any case: for example “OT” for Operational technology (OT).",
        "• Yes/No columns take Yes or No; a blank cell means No.",
        "• Dates are written as 2025-06-30 (or 6/30/2025).",
        "• Type values, not formulas: a cell holding a formula is refused. To turn formulas into "
        "values, copy the cells and paste them as values.",
        f"• The file may be at most {limit} MB.",
        "• An export of the inventory has the same columns: you can edit it and import it back.",
        "",
        "CSV files instead of this workbook",
        "Use one CSV file per sheet: template-systems.csv (the Systems columns) or "
        "template-components.csv (the Components columns). The import recognizes which one it "
        "is from its header line. Import the systems file before a components file that refers "
        "to new systems. Save CSV files as UTF-8 (in Excel: “CSV UTF-8 (Comma delimited)”).",
        "",
    ]


def allowed_values(column: Column) -> str:
    if column.kind in ("choice", "choice_list"):
        listed = "; ".join(f"{label} ({value})" for value, label in column.choices)
        return ("One or more, separated by commas: " if column.kind == "choice_list" else "") + (
            listed
        )
    return {
        "yes_no": "Yes or No",
        "integer": "A whole number",
        "date": "A date such as 2025-06-30",
        "username": "A user name in RMF Workbench",
        "organization": "The name or short name of an organization where you may edit",
    }.get(column.kind, "Text")


def column_reference() -> list[dict[str, str | bool]]:
    """Every column of both sheets, as the Instructions sheet and the import page explain them."""
    return [
        {
            "sheet": name,
            "header": column.header,
            "required": column.required,
            "help": column.help,
            "allowed": allowed_values(column),
        }
        for name in (SYSTEMS, COMPONENTS)
        for column in COLUMNS[name]
    ]


def _write_instructions(sheet: Worksheet) -> None:
    widths = (14, 22, 10, 60, 70)
    for letter, width in zip("ABCDE", widths, strict=True):
        sheet.column_dimensions[letter].width = width
    for number, line in enumerate(_instructions(), 1):
        cell = sheet.cell(number, 1, line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.merge_cells(start_row=number, start_column=1, end_row=number, end_column=5)
        # Spreadsheet programs do not grow merged rows to fit: about 1.1 characters per width unit.
        sheet.row_dimensions[number].height = 15 * (1 + len(line) // int(sum(widths) * 1.1))
        if number == 1 or line in ("Rules", "CSV files instead of this workbook"):
            cell.font = Font(bold=True, size=14 if number == 1 else 11)
    start = sheet.max_row + 2
    sheet.cell(start, 1, "Columns").font = Font(bold=True)
    headings = ["Sheet", "Column", "Required", "What it means", "Allowed values"]
    for index, heading in enumerate(headings, 1):
        cell = sheet.cell(start + 1, index, heading)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for name in (SYSTEMS, COMPONENTS):
        for column in COLUMNS[name]:
            sheet.append(
                [
                    name,
                    column.header,
                    "Yes" if column.required else "",
                    column.help,
                    allowed_values(column),
                ]
            )
    for row in sheet.iter_rows(min_row=start + 2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _write_lists(sheet: Worksheet, organizations: list[str]) -> dict[str, str]:
    """One column per list; returns the range formula of each list by its key."""
    lists: dict[str, list[str]] = {"yes_no": ["Yes", "No"], "organization": organizations}
    for name in (SYSTEMS, COMPONENTS):
        for column in COLUMNS[name]:
            if column.kind == "choice":
                lists[column.key] = column.labels
    ranges = {}
    for index, (key, values) in enumerate(lists.items(), 1):
        letter = get_column_letter(index)
        sheet.cell(1, index, key)
        for row, value in enumerate(values, 2):
            sheet.cell(row, index, value).data_type = "s"
        if values:
            ranges[key] = f"{quote_sheetname(LISTS)}!${letter}$2:${letter}${len(values) + 1}"
    return ranges


def _write_data_sheet(sheet: Worksheet, columns: Iterable[Column], ranges: dict[str, str]) -> None:
    for index, column in enumerate(columns, 1):
        letter = get_column_letter(index)
        cell = sheet.cell(1, index, column.header)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(vertical="center")
        sheet.column_dimensions[letter].width = column.width
        area = f"{letter}2:{letter}{VALIDATED_ROWS + 1}"
        validation = None
        key = "yes_no" if column.kind == "yes_no" else column.key
        if column.kind in ("choice", "yes_no", "organization") and key in ranges:
            validation = DataValidation(type="list", formula1=f"={ranges[key]}", allow_blank=True)
            # A warning, not a refusal: the import also takes the short codes typed by hand.
            validation.errorStyle = "warning"
            validation.error = "Pick a value from the list (see the Instructions sheet)."
        elif column.kind == "integer":
            validation = DataValidation(
                type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True
            )
            validation.error = "Type a whole number."
        elif column.kind == "date":
            validation = DataValidation(
                type="date", operator="greaterThan", formula1="1", allow_blank=True
            )
            validation.errorStyle = "warning"
            validation.error = "Type a date such as 2025-06-30."
            sheet.column_dimensions[letter].number_format = "yyyy-mm-dd"
        if validation is not None:
            validation.showErrorMessage = True
            validation.errorTitle = column.header
            validation.prompt = column.help
            validation.showInputMessage = True
            validation.add(area)
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"


def render_template_xlsx(user) -> Rendered:
    workbook = Workbook()
    _write_instructions(workbook.active)
    workbook.active.title = "Instructions"
    organizations = [
        organization.name
        for organization in organization_list_for_user(user, perm=EDIT_INVENTORY).order_by("name")
    ]
    lists = workbook.create_sheet(LISTS)
    ranges = _write_lists(lists, list(dict.fromkeys(organizations)))
    for name in (SYSTEMS, COMPONENTS):
        _write_data_sheet(
            workbook.create_sheet(name, index=len(workbook.sheetnames) - 1), COLUMNS[name], ranges
        )
    lists.sheet_state = "hidden"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return "inventory-import-template.xlsx", XLSX_TYPE, buffer.getvalue()


def render_template_csv(sheet: str) -> Rendered:
    header = csv_line([column.header for column in COLUMNS[sheet]])
    # The byte order mark makes Excel open the file as UTF-8.
    return f"template-{CSV_FILES[sheet]}", CSV_TYPE, ("\ufeff" + header).encode("utf-8")
