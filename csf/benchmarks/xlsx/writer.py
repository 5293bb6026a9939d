"""How the benchmark workbook is written: number formats, columns, a sheet writer that puts
titles, notes and Excel tables (header, filter, widths) one under the other, and native charts
that read the sheet's own cells. The sheets themselves are in csf.benchmarks.xlsx.sheets."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl.chart import LineChart, Reference
from openpyxl.chart.axis import ChartLines
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from rmf.documents.xlsx.workbook import (
    BOLD,
    HEADER_ALIGNMENT,
    HEADER_FILL,
    HEADER_FONT,
    WRAP,
    clean_text,
)

SCORE = "0.00"
CHANGE = "+0.00;-0.00;0.00"
COUNT = "0"
SHARE = "0.0"  # percentages and days
TITLE_FONT = Font(bold=True, size=14)
NOTE_FONT = Font(italic=True, color="595959")
TABLE_STYLE = TableStyleInfo(name="TableStyleLight1", showRowStripes=True)
LEVEL_NAMES = {
    "overall": "Overall",
    "function": "Function",
    "category": "Category",
    "subcategory": "Subcategory",
}
INDENT = {"overall": 0, "function": 0, "category": 1, "subcategory": 2}
TOP_LEVELS = ("overall", "function")
# Light to mid blue: one hue whose lightness falls as the score rises reads the same in grey
# print and to colour-blind readers, and black figures stay legible on every shade.
HEAT = ("F7FBFF", "9ECAE1", "4292C6")


@dataclass(frozen=True)
class Column:
    header: str
    value: str | int | Callable[[Any], Any]  # the row's key or index, or a function of it
    width: float = 12
    number_format: str = ""

    def of(self, row) -> Any:
        return self.value(row) if callable(self.value) else row[self.value]


def element_name(row: dict) -> str:
    return "Overall" if row["level"] == "overall" else row["title"]


def _identifier(row: dict) -> str | None:
    return None if row["level"] == "overall" else row["identifier"]


LEVEL = Column("Level", lambda row: LEVEL_NAMES[row["level"]])
IDENTIFIER = Column("Identifier", _identifier)
ELEMENT = Column("Element", element_name, 42)


def put_cell(sheet: Worksheet, row: int, column: int, value: Any, number_format: str = "") -> None:
    """A value as Excel's own type: numbers as numbers, True/False as Yes/No, None as an empty
    cell, text never as a formula (an organization may be named "=...")."""
    if value is None:
        return
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, bool):
        cell.value = "Yes" if value else "No"
    elif isinstance(value, str):
        cell.value = clean_text(value)
        cell.data_type = "s"
    else:
        cell.value = value
        if number_format:
            cell.number_format = number_format


class Sheet:
    """One sheet written top to bottom: `row` is the last row written."""

    def __init__(self, sheet: Worksheet):
        self.sheet = sheet
        self.row = 0
        sheet.page_setup.orientation = "landscape"
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0

    def line(self, text: str, *, font: Font | None = None, skip: int = 0, column: int = 1) -> None:
        self.row += 1 + skip
        put_cell(self.sheet, self.row, column, text)
        cell = self.sheet.cell(self.row, column)
        if font is not None:
            cell.font = font
        if column > 1:
            cell.alignment = WRAP

    def title(self, text: str) -> None:
        self.line(text, font=TITLE_FONT)

    def note(self, text: str) -> None:
        self.line(text, font=NOTE_FONT)

    def width(self, column: int, width: float) -> None:
        dimension = self.sheet.column_dimensions[get_column_letter(column)]
        dimension.width = max(dimension.width or 0, width)

    def table(
        self,
        name: str,
        columns: Sequence[Column],
        rows: Sequence,
        *,
        empty: str,
        freeze_columns: int | None = None,
        column: int = 1,
        levels: Sequence[str] = (),
    ) -> tuple[int, int]:
        """A header row and a row per item of `rows` under it, as an Excel table (its own
        filter buttons) from `column`; `empty` is written instead when there is no row. With
        `levels` (each row's level), titles are indented and the upper levels bold. Returns
        (header row, last row)."""
        self.row += 1
        header = self.row
        if not rows:
            put_cell(self.sheet, header, column, empty)
            return header, header
        for offset, spec in enumerate(columns):
            put_cell(self.sheet, header, column + offset, spec.header)
            cell = self.sheet.cell(header, column + offset)
            cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGNMENT
            self.width(column + offset, spec.width)
        for index, item in enumerate(rows):
            self.row += 1
            for offset, spec in enumerate(columns):
                put_cell(self.sheet, self.row, column + offset, spec.of(item), spec.number_format)
            if levels:
                for offset in range(len(columns)):
                    cell = self.sheet.cell(self.row, column + offset)
                    if levels[index] in TOP_LEVELS:
                        cell.font = BOLD
                    if columns[offset] is ELEMENT and INDENT[levels[index]]:
                        cell.alignment = Alignment(indent=INDENT[levels[index]])
        last_column = get_column_letter(column + len(columns) - 1)
        table = Table(
            displayName=name, ref=f"{get_column_letter(column)}{header}:{last_column}{self.row}"
        )
        table.tableStyleInfo = TABLE_STYLE
        self.sheet.add_table(table)
        if freeze_columns is not None and self.sheet.freeze_panes is None:
            self.sheet.freeze_panes = self.sheet.cell(header + 1, freeze_columns + 1)
        return header, self.row


# ----------------------------------------------------------------------------- charts


def new_chart(chart, title: str, y_title: str, low: float, high: float):
    chart.title, chart.y_axis.title = title, y_title
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = low, high
    chart.y_axis.majorGridlines = ChartLines()
    chart.height, chart.width = 9, 18
    # openpyxl 3.1 writes the axes as deleted unless told otherwise: Excel would hide them.
    chart.x_axis.delete = chart.y_axis.delete = False
    return chart


def set_labels(chart, sheet: Worksheet, **cells: int) -> None:
    """The categories (years, elements) as text from the sheet's cells: the column headings
    are text ("2022*"), and Excel would number text read as numbers 1, 2, 3."""
    reference = StrRef(f=str(Reference(sheet, **cells)))
    for series in chart.series:
        series.cat = AxDataSource(strRef=reference)


def year_lines(
    sheet: Worksheet,
    title: str,
    y_title: str,
    low: float,
    high: float,
    *,
    rows: Sequence[int],
    label: int,
    last: int,
    header: int,
) -> LineChart:
    """A line per row of `rows`: its name in column `label`, a value per year in the columns
    after it up to `last`; the years are the headings of those columns in row `header`."""
    chart = new_chart(LineChart(), title, y_title, low, high)
    chart.x_axis.title = "Year"
    chart.display_blanks = "gap"  # a year without a score is a gap, not a fall to 0
    for row in rows:
        values = Reference(sheet, min_col=label, max_col=last, min_row=row, max_row=row)
        chart.add_data(values, from_rows=True, titles_from_data=True)
    for series in chart.series:
        series.smooth = False
        series.marker.symbol = "circle"
    set_labels(chart, sheet, min_col=label + 1, max_col=last, min_row=header, max_row=header)
    return chart
