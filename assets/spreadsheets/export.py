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
from django.http import HttpResponse, StreamingHttpResponse
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
    Column,
)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
CHUNK_ROWS = 2_000
STREAM_BYTES = 64 * 1024
# Text a spreadsheet program would run as a formula when it opens a CSV file; written with a
# leading apostrophe, which the import removes again.
CSV_FORMULA_STARTS = ("=", "+", "-", "@")

Rendered = tuple[str, str, bytes | Iterator[bytes]]
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


def download(rendered: Rendered) -> HttpResponse | StreamingHttpResponse:
    """The response that sends a rendered file as a download."""
    filename, content_type, body = rendered
    if isinstance(body, bytes):
        response = HttpResponse(body, content_type=content_type)
    else:
        response = StreamingHttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _components_of(systems: QuerySet[System]) -> QuerySet[Component]:
    return (
        Component.objects.filter(system__in=systems.values("pk"))
        .select_related("system__organization", "vendor")
        .order_by("system__organization__path", "system__acronym", "system_id", "name", "pk")
    )


def _system_value(system: System, column: Column) -> Any:
    if column.key == "organization":
        return system.organization.name
    value = getattr(system, column.key)
    if column.kind == "username":
        return value.get_username() if value is not None else None
    return value


def _component_value(component: Component, column: Column) -> Any:
    if column.key == "organization":
        return component.system.organization.name
    if column.key == "system":
        return component.system.acronym
    if column.key == "vendor":
        return component.vendor.name if component.vendor_id else None
    return getattr(component, column.key)


def _rows(systems: QuerySet[System], sheet: str, *, text_only: bool) -> Iterator[list[Any]]:
    if sheet == SYSTEMS:
        for system in systems.iterator(chunk_size=CHUNK_ROWS):
            yield [
                column.cell(_system_value(system, column), text_only=text_only)
                for column in SYSTEM_COLUMNS
            ]
    else:
        for component in _components_of(systems).iterator(chunk_size=CHUNK_ROWS):
            yield [
                column.cell(_component_value(component, column), text_only=text_only)
                for column in COMPONENT_COLUMNS
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


def csv_line(values: Iterable[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(
        f"'{value}" if isinstance(value, str) and value.startswith(CSV_FORMULA_STARTS) else value
        for value in values
    )
    return buffer.getvalue()


def _csv(systems: QuerySet[System], sheet: str) -> Iterator[bytes]:
    columns = SYSTEM_COLUMNS if sheet == SYSTEMS else COMPONENT_COLUMNS
    # The byte order mark makes Excel open the file as UTF-8.
    pending = ["\ufeff" + csv_line(column.header for column in columns)]
    for row in _rows(systems, sheet, text_only=True):
        pending.append(csv_line(row))
        if len(pending) >= 500:
            yield "".join(pending).encode("utf-8")
            pending = []
    yield "".join(pending).encode("utf-8")
