"""What every package workbook shares: an About sheet tying the file to the data it was built
from (the package's SHA-256), table sheets with a styled, frozen header row, auto-filters,
column widths, wrapped long text, and lists to pick from (data validation) on the columns a
person is meant to edit. The lists live on a hidden "Lists" sheet: a list written inline may
not hold commas, and the labels do ("Remediation recorded, awaiting re-assessment").

Written with openpyxl's write-only mode into a temporary file, then streamed from it, as the
inventory export does (`assets.spreadsheets.export`): memory stays flat whatever the rows.
"""

import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from rmf.models import Authorization
from rmf.selectors.package import package_content, package_hash
from workbench.exports import XLSX_TYPE, Rendered

STREAM_BYTES = 64 * 1024
LISTS = "Lists"
# Rows below the data that keep the lists, so that rows a person adds get them too.
VALIDATION_EXTRA_ROWS = 200
# Excel refuses longer cells.
MAX_CELL_CHARS = 32_767
TRUNCATED = " […] (truncated: see the workbench for the full text)"

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="0D2B4E")
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center")
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
BOLD = Font(bold=True)


@dataclass(frozen=True)
class Column:
    header: str
    width: int = 16
    wrap: bool = False  # long text: wrapped, top-aligned
    choices: tuple[str, ...] = ()  # the values a person may pick when editing the workbook
    number_format: str = ""  # for numbers and shares ("0%")
    prompt: str = ""  # shown when a cell with choices is selected


def clean_text(value: str) -> str:
    """Text a workbook can hold: no control characters, not over Excel's cell limit."""
    if ILLEGAL_CHARACTERS_RE.search(value):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if len(value) > MAX_CELL_CHARS:
        value = value[: MAX_CELL_CHARS - len(TRUNCATED)] + TRUNCATED
    return value


def safe_filename(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "system"


class TableSheet:
    """One table: header in row 1 (frozen, filtered), then a row per `append`."""

    def __init__(
        self,
        book: "PackageWorkbook",
        title: str,
        columns: Sequence[Column],
        *,
        freeze_columns: int = 0,
    ):
        self.book = book
        self.columns = list(columns)
        self.sheet = book.workbook.create_sheet(title)
        self.sheet.freeze_panes = f"{get_column_letter(freeze_columns + 1)}2"
        for index, column in enumerate(self.columns, 1):
            self.sheet.column_dimensions[get_column_letter(index)].width = column.width
        header = []
        for column in self.columns:
            cell = WriteOnlyCell(self.sheet, value=column.header)
            cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGNMENT
            header.append(cell)
        self.sheet.append(header)
        self.rows = 1

    def append(self, values: Sequence[Any], *, bold: bool = False) -> None:
        cells = zip(self.columns, values, strict=True)
        self.sheet.append([self._cell(column, value, bold) for column, value in cells])
        self.rows += 1

    def _cell(self, column: Column, value: Any, bold: bool) -> Any:
        if value is None or value == "":
            return None
        styled = bold or column.wrap or column.number_format
        if isinstance(value, str):
            value = clean_text(value)
            # Text typed by a person, never a formula, even when it starts with "=".
            if value.startswith("=") or styled:
                cell = WriteOnlyCell(self.sheet, value=value)
                cell.data_type = "s"
                self._style(cell, column, bold)
                return cell
            return value
        if styled:
            cell = WriteOnlyCell(self.sheet, value=value)
            self._style(cell, column, bold)
            return cell
        return value

    @staticmethod
    def _style(cell: WriteOnlyCell, column: Column, bold: bool) -> None:
        cell.alignment = WRAP if column.wrap else TOP
        if column.number_format:
            cell.number_format = column.number_format
        if bold:
            cell.font = BOLD

    def close(self) -> None:
        """The filter over the rows written, and the lists on the columns that have them."""
        last = get_column_letter(len(self.columns))
        self.sheet.auto_filter.ref = f"A1:{last}{max(self.rows, 2)}"
        for index, column in enumerate(self.columns, 1):
            if not column.choices:
                continue
            letter = get_column_letter(index)
            validation = DataValidation(
                type="list",
                formula1=self.book.list_range(column.choices),
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=column.header,
                error=f"Pick one of the listed values for “{column.header}”.",
                promptTitle=column.header if column.prompt else None,
                prompt=column.prompt or None,
                showInputMessage=bool(column.prompt),
            )
            validation.add(f"{letter}2:{letter}{self.rows + VALIDATION_EXTRA_ROWS}")
            self.sheet.data_validations.append(validation)


class PackageWorkbook:
    """A workbook of one cycle's package: the About sheet first, then the tables."""

    def __init__(self, authorization: Authorization, *, document: str):
        self.authorization = authorization
        self.document = document
        self.workbook = Workbook(write_only=True)
        self.tables: list[TableSheet] = []
        self._lists: list[tuple[str, ...]] = []
        self.content_hash = package_hash(package_content(authorization))
        self._about()

    def _about(self) -> None:
        system = self.authorization.system
        generated = timezone.localtime()
        sheet = self.workbook.create_sheet("About")
        sheet.column_dimensions["A"].width = 28
        sheet.column_dimensions["B"].width = 90
        rows: list[tuple[str, Any]] = [
            ("Document", self.document),
            ("System", f"{system.name} ({system.acronym})"),
            ("Organization", system.organization.name),
            (
                "RMF cycle",
                f"Cycle {self.authorization.cycle}, step: {self.authorization.get_step_display()}",
            ),
            ("Generated", generated.replace(tzinfo=None, microsecond=0)),
            ("Package content SHA-256", self.content_hash),
            (
                "About this file",
                "Built from the workbench's data at the time above. The SHA-256 identifies "
                "that version of the authorization package: a file with another value was "
                "built from other data. Columns with a list (status, risk) accept only the "
                "listed values; edits here do not change the workbench.",
            ),
        ]
        if settings.WORKBENCH_MARKING:
            rows.insert(0, ("Marking", settings.WORKBENCH_MARKING))
        for label, value in rows:
            label_cell = WriteOnlyCell(sheet, value=label)
            label_cell.font = BOLD
            value_cell = WriteOnlyCell(
                sheet, value=clean_text(value) if isinstance(value, str) else value
            )
            value_cell.alignment = WRAP
            if label == "Generated":
                value_cell.number_format = "yyyy-mm-dd hh:mm"
            sheet.append([label_cell, value_cell])
        properties = self.workbook.properties
        properties.title = f"{self.document}: {system.name}"
        properties.subject = f"{system.acronym} cycle {self.authorization.cycle}"
        properties.creator = "RMF Workbench"
        properties.identifier = self.content_hash
        properties.keywords = settings.WORKBENCH_MARKING or None

    def table(self, title: str, columns: Sequence[Column], *, freeze_columns: int = 0):
        table = TableSheet(self, title, columns, freeze_columns=freeze_columns)
        self.tables.append(table)
        return table

    def list_range(self, choices: tuple[str, ...]) -> str:
        if choices not in self._lists:
            self._lists.append(choices)
        letter = get_column_letter(self._lists.index(choices) + 1)
        return f"{quote_sheetname(LISTS)}!${letter}$1:${letter}${len(choices)}"

    def filename(self, slug: str) -> str:
        """Named like the other documents of the cycle: "TSC-cycle1-control-matrix.xlsx"."""
        acronym = safe_filename(self.authorization.system.acronym)
        return f"{acronym}-cycle{self.authorization.cycle}-{slug}.xlsx"

    def render(self, slug: str) -> Rendered:
        return self.filename(slug), XLSX_TYPE, self._save()

    def _save(self) -> Iterator[bytes]:
        """Built into a temporary file before the first byte is sent (a workbook is a zip
        archive finished at the end), then streamed from it."""
        for table in self.tables:
            table.close()
        if self._lists:
            lists = self.workbook.create_sheet(LISTS)
            lists.sheet_state = "hidden"
            depth = max(len(choices) for choices in self._lists)
            for row in range(depth):
                lists.append(
                    [choices[row] if row < len(choices) else None for choices in self._lists]
                )
        target = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the generator that streams it
        try:
            self.workbook.save(target)
        except BaseException:
            target.close()
            raise
        target.seek(0)
        return _stream(target)


def _stream(target) -> Iterator[bytes]:
    with target:
        while chunk := target.read(STREAM_BYTES):
            yield chunk


def labels(choices: Iterable[tuple[str, str]]) -> tuple[str, ...]:
    return tuple(label for _, label in choices)
