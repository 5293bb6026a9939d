"""CSF 2.0 -> SP 800-53 Rev 5.2.0 references: the CSF 2.0 Reference Tool export (informative
references column) and the OLIR concept crosswalk (one relationship a row)."""

import re
from pathlib import Path

from openpyxl.workbook.workbook import Workbook

from workbench.catalogs.registry import CatalogFileError

from .parsed import ControlRef, ReferenceSet
from .xlsx import cell, clean, header_columns, open_workbook, sheet

TOOL_SHEET = "CSF 2.0"
TOOL_INTRO_SHEET = "Introduction"
TOOL_COLUMNS = ("function", "category", "subcategory", "informative references")
# The export also cites Rev 5.1.1; only the Rev 5.2.0 lines match the loaded catalog.
TOOL_REFERENCE_PREFIX = "SP 800-53 Rev 5.2.0:"
# "GOVERN (GV): ...", "Organizational Context (GV.OC): ...", "GV.OC-01: ..."
TOOL_ELEMENT_RE = re.compile(
    r"(?:[^():]*\((?P<group>[A-Z]{2}(?:\.[A-Z]{2})?)\)|(?P<subcategory>[A-Z]{2}\.[A-Z]{2}-\d{2})):"
)

OLIR_SHEET = "Relationships"
OLIR_FOCAL = "focal document element"
OLIR_REFERENCE = "reference document element"
OLIR_STRENGTH = "strength of relationship (optional)"


def parse_reference_tool(path: Path) -> ReferenceSet:
    with open_workbook(path) as workbook:
        title = _tool_title(workbook, path)
        rows = sheet(workbook, path, name=TOOL_SHEET).iter_rows(values_only=True)
        columns = header_columns(rows, path, TOOL_COLUMNS)
        element_columns = [columns[c] for c in TOOL_COLUMNS[:3]]
        refs: list[ControlRef] = []
        for row in rows:
            references = str(cell(row, columns["informative references"]) or "")
            tokens = [
                clean(line.removeprefix(TOOL_REFERENCE_PREFIX))
                for line in references.splitlines()
                if line.startswith(TOOL_REFERENCE_PREFIX)
            ]
            if tokens:
                element = _tool_element(row, element_columns, path)
                refs.extend(ControlRef(element=element, token=token) for token in tokens)
    if not refs:
        raise CatalogFileError(path.name, f'no "{TOOL_REFERENCE_PREFIX}" informative references')
    return ReferenceSet(title=title, refs=refs)


def _tool_title(workbook: Workbook, path: Path) -> str:
    fields: dict[str, str] = {}
    if TOOL_INTRO_SHEET in workbook.sheetnames:
        for row in workbook[TOOL_INTRO_SHEET].iter_rows(values_only=True, max_col=2):
            if len(row) == 2 and row[0]:
                fields[clean(row[0])] = clean(row[1])
    title = fields.get("Title") or path.stem
    generated = fields.get("Generated Date", "")[:10]
    return f"{title}, Reference Tool export" + (f" generated {generated}" if generated else "")


def _tool_element(row: tuple, columns: list[int], path: Path) -> str:
    text = next((clean(cell(row, c)) for c in columns if clean(cell(row, c))), "")
    match = TOOL_ELEMENT_RE.match(text)
    if not match:
        raise CatalogFileError(
            path.name, f"references on a row without a CSF element: {text[:80]!r}"
        )
    return match["group"] or match["subcategory"]


def parse_olir(path: Path) -> ReferenceSet:
    with open_workbook(path) as workbook:
        rows = sheet(workbook, path, name=OLIR_SHEET).iter_rows(values_only=True)
        columns = header_columns(rows, path, (OLIR_FOCAL, OLIR_REFERENCE), (OLIR_STRENGTH,))
        refs: list[ControlRef] = []
        for row in rows:
            focal, reference = (clean(cell(row, columns[c])) for c in (OLIR_FOCAL, OLIR_REFERENCE))
            if not reference:
                continue  # functions and categories are listed without a relationship
            if not focal:
                raise CatalogFileError(
                    path.name, f"relationship to {reference} without a focal element"
                )
            strength = clean(cell(row, columns.get(OLIR_STRENGTH)))
            refs.append(ControlRef(element=focal, token=reference, relationship=strength))
    if not refs:
        raise CatalogFileError(path.name, "no relationships found")
    # The file carries no version of its own: its name does ("..._800-53_5_2_0_draft").
    return ReferenceSet(title=path.stem, refs=refs)
