"""Small helpers to read NIST's spreadsheets with openpyxl, failing with the file's name."""

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from workbench.catalogs.registry import CatalogFileError

Row = tuple[Any, ...]
HEADER_SCAN_ROWS = 10


def clean(value: Any) -> str:
    """Cell text with runs of whitespace (newlines, no-break spaces) collapsed to one space."""
    return " ".join(str(value).split()) if value is not None else ""


@contextmanager
def open_workbook(path: Path) -> Iterator[Workbook]:
    try:
        with warnings.catch_warnings():
            # The CSF 2.0 Reference Tool export has no default cell style; openpyxl says so.
            warnings.filterwarnings("ignore", "Workbook contains no default style")
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError, XML and its own errors
        raise CatalogFileError(path.name, f"not a readable Excel workbook ({exc})") from exc
    try:
        yield workbook
    finally:
        workbook.close()


def sheet(workbook: Workbook, path: Path, *, name: str = "", prefix: str = "") -> ReadOnlyWorksheet:
    """The sheet called `name`, or the first whose name starts with `prefix`."""
    for candidate in workbook.sheetnames:
        if candidate == name or (prefix and candidate.startswith(prefix)):
            return workbook[candidate]
    wanted = f'"{name}"' if name else f'starting with "{prefix}"'
    raise CatalogFileError(
        path.name, f"no sheet {wanted} (sheets: {', '.join(workbook.sheetnames)})"
    )


def header_columns(
    rows: Iterator[Row],
    path: Path,
    required: tuple[str, ...],
    optional: tuple[str, ...] = (),
) -> dict[str, int]:
    """Consume rows up to the header row (the first holding every required label, compared
    case-insensitively with whitespace collapsed) and return {label: column index}."""
    for _, row in zip(range(HEADER_SCAN_ROWS), rows, strict=False):
        labels = {clean(cell).lower(): index for index, cell in enumerate(row) if cell}
        if all(label in labels for label in required):
            return {label: labels[label] for label in (*required, *optional) if label in labels}
    raise CatalogFileError(path.name, f"no header row with the columns {', '.join(required)}")


def cell(row: Row, index: int | None) -> Any:
    return row[index] if index is not None and index < len(row) else None
