"""Reading an uploaded XLSX or CSV file into raw rows, refusing what cannot be read safely.

Nothing here knows about the database: a row is its spreadsheet row number and the raw cell values
by column key. Problems are collected, not raised, so that the preview lists every one of them;
only a file that cannot be read at all raises `UnreadableFile`.
"""

import csv
import io
import logging
import zipfile
from dataclasses import asdict, dataclass, field
from typing import Any, BinaryIO

import openpyxl
from openpyxl.utils import get_column_letter

from assets.spreadsheets.columns import (
    COLUMNS,
    COMPONENTS,
    SYSTEMS,
    Column,
    header_key,
    header_lookup,
    normalized,
)

logger = logging.getLogger(__name__)

MAX_ROWS = 50_000  # per sheet: far more than any city or state inventory
# A 20 MB workbook legitimately expands to a few hundred MB of XML at most; beyond that it is
# a zip bomb, refused before openpyxl inflates anything.
MAX_UNCOMPRESSED_BYTES = 400 * 1024 * 1024
MAX_ZIP_ENTRIES = 2_000
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 .xls
# Leading characters a spreadsheet program would run as a formula; the CSV export prefixes them
# with an apostrophe, which the import removes again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class UnreadableFile(Exception):
    """The whole file is refused; the message says why in plain words."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Row:
    number: int  # as the spreadsheet program shows it: the header is row 1
    values: dict[str, Any] = field(default_factory=dict)  # raw cell values by column key
    refused: set[str] = field(default_factory=set)  # keys of cells already reported (formulas)


@dataclass
class SheetRows:
    name: str  # SYSTEMS or COMPONENTS
    rows: list[Row] = field(default_factory=list)


@dataclass
class ParsedFile:
    sheets: dict[str, SheetRows] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        return sum(len(sheet.rows) for sheet in self.sheets.values())


def read_spreadsheet(stream: BinaryIO, filename: str = "") -> ParsedFile:
    """The rows of an XLSX workbook or a CSV file, told apart by their content."""
    stream.seek(0, io.SEEK_END)
    if stream.tell() == 0:
        raise UnreadableFile("The file is empty.")
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if head.startswith(ZIP_MAGIC):
        return _read_xlsx(stream)
    if head.startswith(OLE_MAGIC):
        raise UnreadableFile(
            "This is an old Excel 97-2003 (.xls) workbook. Save it as an Excel Workbook (.xlsx) "
            "or as CSV UTF-8 and upload that."
        )
    if suffix in ("xlsx", "xlsm"):
        raise UnreadableFile(
            "This file is named .xlsx but is not an Excel workbook: it may be damaged. Save it "
            "again from your spreadsheet program as an Excel Workbook (.xlsx)."
        )
    return _read_csv(stream.read())


def _check_zip(stream: BinaryIO) -> None:
    try:
        with zipfile.ZipFile(stream) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise UnreadableFile(
            "This file looks like an Excel workbook but it is damaged and cannot be opened."
        ) from None
    finally:
        stream.seek(0)
    if len(entries) > MAX_ZIP_ENTRIES or (
        sum(entry.file_size for entry in entries) > MAX_UNCOMPRESSED_BYTES
    ):
        raise UnreadableFile(
            "This workbook expands to far more data than an inventory holds, so it was not "
            "opened. Copy the Systems and Components sheets into the template and try again."
        )
    if "[Content_Types].xml" not in names or not any(name.startswith("xl/") for name in names):
        raise UnreadableFile(
            "This is a zip archive but not an Excel workbook (.xlsx). Upload the template, or "
            "a CSV file."
        )


def _read_xlsx(stream: BinaryIO) -> ParsedFile:
    _check_zip(stream)
    try:
        workbook = openpyxl.load_workbook(stream, read_only=True, data_only=False, keep_links=False)
    except Exception:  # openpyxl raises anything from KeyError to XML errors on a bad file
        logger.info("Unreadable workbook upload", exc_info=True)
        raise UnreadableFile(
            "This workbook could not be read. Save it again from your spreadsheet program as an "
            "Excel Workbook (.xlsx), or use the template."
        ) from None
    parsed = ParsedFile()
    try:
        worksheets = {normalized(sheet.title): sheet for sheet in workbook.worksheets}
        for name in (SYSTEMS, COMPONENTS):
            worksheet = worksheets.get(normalized(name))
            if worksheet is not None:
                _read_worksheet(worksheet, name, parsed)
    except UnreadableFile:
        raise
    except Exception:
        logger.info("Unreadable worksheet in upload", exc_info=True)
        raise UnreadableFile(
            "A sheet of this workbook is damaged and could not be read. Save it again from your "
            "spreadsheet program as an Excel Workbook (.xlsx)."
        ) from None
    finally:
        workbook.close()
    if not worksheets.keys() & {normalized(SYSTEMS), normalized(COMPONENTS)}:
        raise UnreadableFile(
            "This workbook has no sheet named “Systems” or “Components”. Use the template: its "
            "sheet names and column headers tell the import what each column holds."
        )
    _require_rows(parsed)
    return parsed


def _read_worksheet(worksheet, name: str, parsed: ParsedFile) -> None:
    # The dimension in the file may claim a million rows; read the rows that are really there.
    worksheet.reset_dimensions()
    rows = worksheet.iter_rows(max_row=1)
    header_row = next(rows, None)
    rows.close()
    if header_row is None or not any(cell.value not in (None, "") for cell in header_row):
        return  # an empty sheet: nothing to import from it
    columns = _columns_from_header(name, [cell.value for cell in header_row], parsed)
    if columns is None:
        return
    sheet = SheetRows(name)
    title = worksheet.title
    for number, cells in enumerate(worksheet.iter_rows(min_row=2, max_col=len(columns)), 2):
        row = Row(number)
        for index, cell in enumerate(cells):
            column = columns[index]
            if column is None or cell.value is None:
                continue
            reference = f"{title}!{get_column_letter(index + 1)}{number}"
            if cell.data_type == "f":
                row.refused.add(column.key)
                parsed.problems.append(
                    Problem(
                        name,
                        number,
                        column.header,
                        f"{reference} holds a formula. Type the value itself (copy the cells, "
                        "then paste them as values).",
                    )
                )
            elif cell.data_type == "e":
                row.refused.add(column.key)
                parsed.problems.append(
                    Problem(name, number, column.header, f"{reference} holds an error value.")
                )
            else:
                row.values[column.key] = cell.value
        if row.refused or any(value not in (None, "") for value in row.values.values()):
            if len(sheet.rows) >= MAX_ROWS:
                raise UnreadableFile(f"The {name} sheet has more than {MAX_ROWS:,} rows.")
            sheet.rows.append(row)
    parsed.sheets[name] = sheet


def _columns_from_header(
    name: str, headers: list[Any], parsed: ParsedFile
) -> list[Column | None] | None:
    """The column of each position, or None (with problems) when the header is not usable."""
    while headers and headers[-1] in (None, ""):
        headers.pop()
    lookup = header_lookup(COLUMNS[name])
    columns: list[Column | None] = []
    problems: list[Problem] = []
    for index, header in enumerate(headers):
        text = "" if header is None else str(header).strip()
        column = lookup.get(header_key(text)) if text else None
        if text and column is None:
            problems.append(
                Problem(
                    name,
                    1,
                    text,
                    f"Column {get_column_letter(index + 1)} “{text}” is not a column of the "
                    f"{name} sheet. Remove it or correct its header.",
                )
            )
        elif column is not None and column in columns:
            problems.append(Problem(name, 1, text, f"The column “{text}” appears twice."))
            column = None
        columns.append(column)
    missing = [column.header for column in COLUMNS[name] if column not in columns]
    if missing:
        problems.append(
            Problem(
                name,
                1,
                "",
                f"Missing column(s): {', '.join(missing)}. Row 1 must hold the headers of the "
                "template.",
            )
        )
    parsed.problems.extend(problems)
    return None if problems else columns


def _read_csv(data: bytes) -> ParsedFile:
    text = _decode(data)
    if not text.strip():
        raise UnreadableFile("The file is empty.")
    first_line = text.split("\n", 1)[0]
    delimiter = ","
    if "," not in first_line:
        delimiter = ";" if ";" in first_line else "\t" if "\t" in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    parsed = ParsedFile()
    try:
        header = next(reader, [])
        keys = {header_key(cell) for cell in header}
        if "component name" in keys:
            name = COMPONENTS
        elif "acronym" in keys:
            name = SYSTEMS
        else:
            raise UnreadableFile(
                "The first line of this CSV file holds neither the Systems columns nor the "
                "Components columns. Start from template-systems.csv or template-components.csv."
            )
        columns = _columns_from_header(name, list(header), parsed)
        if columns is None:
            return parsed
        sheet = SheetRows(name)
        for number, record in enumerate(reader, 2):
            values = {
                column.key: _csv_value(value)
                for column, value in zip(columns, record, strict=False)
                if column is not None and value.strip()
            }
            if len(record) > len(columns) and any(
                value.strip() for value in record[len(columns) :]
            ):
                parsed.problems.append(
                    Problem(name, number, "", "This row has more cells than there are columns.")
                )
            if values:
                if len(sheet.rows) >= MAX_ROWS:
                    raise UnreadableFile(f"The file has more than {MAX_ROWS:,} rows.")
                sheet.rows.append(Row(number, values))
    except csv.Error as error:
        raise UnreadableFile(
            f"This CSV file is malformed near line {reader.line_num}: {error}."
        ) from None
    parsed.sheets[name] = sheet
    _require_rows(parsed)
    return parsed


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" is UTF-16
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif b"\x00" not in data:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            raise UnreadableFile(
                f"This file is not UTF-8 text: line {line} holds bytes that cannot be read. If "
                "it is a spreadsheet, upload it as .xlsx; from Excel, choose “Save as” → "
                "“CSV UTF-8 (Comma delimited)”."
            ) from None
        if not any(ord(char) < 32 and char not in "\t\r\n" for char in text):
            return text
    raise UnreadableFile(
        "This file is neither an Excel workbook (.xlsx) nor a CSV text file: it holds binary data."
    )


def _csv_value(value: str) -> str:
    if value.startswith("'") and value[1:2] and value[1] in "=+-@":
        return value[1:]
    return value


def _require_rows(parsed: ParsedFile) -> None:
    if not parsed.row_count and not parsed.problems:
        raise UnreadableFile(
            "There is nothing to import: the file has its headers but no rows below them."
        )
