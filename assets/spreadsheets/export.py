"""Exports of the inventory: the systems a person may see, filtered exactly like the list page,
as an XLSX workbook (Systems and Components sheets) or a CSV file of either sheet.

The columns are the import template's, so an export can be edited and imported back. Every
export follows the project's export interface, `render(...) -> (filename, content_type, body)`,
where the body is an iterator of bytes; the number of queries does not depend on the rows.
"""

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Literal

from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from assets.inventory_forms import SystemFilterForm
from assets.models import Component, System, Vendor
from assets.selectors import SystemFilters, organization_list_for_user, system_search
from assets.spreadsheets.columns import (
    COMPONENT_COLUMNS,
    COMPONENTS,
    SYSTEM_COLUMNS,
    SYSTEMS,
)
from workbench.exports import CSV_TYPE, XLSX_TYPE, Rendered

CHUNK_ROWS = 2_000
STREAM_BYTES = 64 * 1024
# Text a spreadsheet program would run as a formula when it opens a CSV file; written with a
# leading apostrophe, which the import removes again.
CSV_FORMULA_STARTS = ("=", "+", "-", "@")

Format = Literal["xlsx", "csv"]


def filters_from_query(user, params: Mapping[str, Any]) -> SystemFilters:
    """The list page's filters, read from the same query parameters by the same form."""
    form = SystemFilterForm(
        params,
        organizations=organization_list_for_user(user),
        vendors=Vendor.objects.only("pk", "name"),
    )
    return form.filters()


def render(user, filters: SystemFilters, *, file_format: Format, sheet: str = SYSTEMS) -> Rendered:
    """The filtered inventory `user` may see. A CSV file holds one sheet: `sheet`."""
    systems = system_search(user, filters)
    stamp = timezone.localdate().isoformat()
    if file_format == "xlsx":
        return f"inventory-{stamp}.xlsx", XLSX_TYPE, _xlsx(systems)
    if sheet not in (SYSTEMS, COMPONENTS):
        raise ValueError(f"unknown sheet {sheet!r}")
    return f"inventory-{sheet.lower()}-{stamp}.csv", CSV_TYPE, _csv(systems, sheet)


# Where each column's value is read: plain values, not model instances, as 100,000 components
# become objects far slower than they are written.
SYSTEM_SOURCES = {
    column.key: {
        "organization": "organization__name",
        "system_owner": "system_owner__username",
        "isso": "isso__username",
        "authorizing_official": "authorizing_official__username",
    }.get(column.key, column.key)
    for column in SYSTEM_COLUMNS
}
COMPONENT_SOURCES = {
    column.key: {
        "organization": "system__organization__name",
        "system": "system__acronym",
        "vendor": "vendor__name",
    }.get(column.key, column.key)
    for column in COMPONENT_COLUMNS
}


def _rows(systems: QuerySet[System], sheet: str, *, text_only: bool) -> Iterator[list[Any]]:
    if sheet == SYSTEMS:
        columns, sources = SYSTEM_COLUMNS, list(SYSTEM_SOURCES.values())
        values = systems.values_list(*sources)
    else:
        columns, sources = COMPONENT_COLUMNS, list(COMPONENT_SOURCES.values())
        values = (
            Component.objects.filter(system__in=systems.values("pk"))
            .order_by("system__organization__path", "system__acronym", "system_id", "name", "pk")
            .values_list(*sources)
        )
    for row in values.iterator(chunk_size=CHUNK_ROWS):
        yield [
            column.cell(value, text_only=text_only)
            for column, value in zip(columns, row, strict=True)
        ]


def _xlsx(systems: QuerySet[System]) -> Iterator[bytes]:
    """Built into a temporary file before the first byte is sent (a workbook is a zip archive
    finished at the end), then streamed from it."""
    workbook = Workbook(write_only=True)
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="0D2B4E")
    for name, columns in ((SYSTEMS, SYSTEM_COLUMNS), (COMPONENTS, COMPONENT_COLUMNS)):
        sheet = workbook.create_sheet(name)
        sheet.freeze_panes = "A2"
        for index, column in enumerate(columns, 1):
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        header = []
        for column in columns:
            cell = WriteOnlyCell(sheet, value=column.header)
            cell.font, cell.fill = header_font, header_fill
            header.append(cell)
        sheet.append(header)
        for row in _rows(systems, name, text_only=False):
            sheet.append([_xlsx_value(sheet, value) for value in row])
    target = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the generator that streams it
    try:
        workbook.save(target)
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return _stream(target)


def _xlsx_value(sheet, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if ILLEGAL_CHARACTERS_RE.search(value):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith("="):
        # openpyxl would write it as a formula; it is text typed by a person.
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def _stream(target) -> Iterator[bytes]:
    with target:
        while chunk := target.read(STREAM_BYTES):
            yield chunk


def _csv_safe(values: Iterable[Any]) -> list[Any]:
    return [
        f"'{value}" if isinstance(value, str) and value.startswith(CSV_FORMULA_STARTS) else value
        for value in values
    ]


def csv_line(values: Iterable[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(_csv_safe(values))
    return buffer.getvalue()


def _csv(systems: QuerySet[System], sheet: str) -> Iterator[bytes]:
    columns = SYSTEM_COLUMNS if sheet == SYSTEMS else COMPONENT_COLUMNS
    buffer = io.StringIO()
    # The byte order mark makes Excel open the file as UTF-8.
    buffer.write("\ufeff" + csv_line(column.header for column in columns))
    writer = csv.writer(buffer, lineterminator="\r\n")
    for number, row in enumerate(_rows(systems, sheet, text_only=True), 1):
        writer.writerow(_csv_safe(row))
        if number % 1_000 == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")
