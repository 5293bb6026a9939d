"""CSF 1.1 core and its SP 800-53 Rev 5 mapping, from NIST's "CSF to SP 800-53r5" sheet."""

import re
from pathlib import Path

from workbench.catalogs.registry import CatalogFileError

from .parsed import CATEGORY, FUNCTION, SUBCATEGORY, TITLE_LENGTH, ControlRef, Csf11Core, Element
from .xlsx import cell, clean, header_columns, open_workbook, sheet

SHEET_PREFIX = "CSF"
COLUMNS = ("function", "category", "subcategory", "nist sp 800-53, revision 5 control")
FUNCTION_RE = re.compile(r"(?P<name>.+?)\s*\((?P<id>[A-Z]{2})\)")
CATEGORY_RE = re.compile(r"(?P<name>.+?)\s*\((?P<id>[A-Z]{2}\.[A-Z]{2})\):\s*(?P<text>.+)")
SUBCATEGORY_RE = re.compile(r"(?P<id>[A-Z]{2}\.[A-Z]{2}-\d+):\s*(?P<text>.+)")


def parse_csf11(path: Path) -> Csf11Core:
    with open_workbook(path) as workbook:
        rows = sheet(workbook, path, prefix=SHEET_PREFIX).iter_rows(values_only=True)
        first = next(rows, ())
        title = clean(first[0]) if first else ""
        columns = header_columns(rows, path, COLUMNS)
        function_col, category_col, subcategory_col, controls_col = (columns[c] for c in COLUMNS)
        parser = _CoreBuilder(path)
        for row in rows:
            parser.function(clean(cell(row, function_col)))
            parser.category(clean(cell(row, category_col)))
            parser.subcategory(clean(cell(row, subcategory_col)), cell(row, controls_col))
    if not parser.count(SUBCATEGORY):
        raise CatalogFileError(path.name, "no CSF subcategories found")
    return Csf11Core(title=title, elements=parser.elements, refs=parser.refs)


class _CoreBuilder:
    """The sheet writes a function and a category only on their first row: carry them down."""

    def __init__(self, path: Path):
        self.path = path
        self.elements: list[Element] = []
        self.refs: list[ControlRef] = []
        self.seen: set[str] = set()
        self.current: dict[str, str | None] = {FUNCTION: None, CATEGORY: None}

    def count(self, kind: str) -> int:
        return sum(1 for element in self.elements if element.kind == kind)

    def function(self, value: str) -> None:
        if not value:
            return
        match = self._match(FUNCTION_RE, value, "function")
        self._add(FUNCTION, match["id"], match["name"], "", parent=None)

    def category(self, value: str) -> None:
        if not value:
            return
        match = self._match(CATEGORY_RE, value, "category")
        parent = self._parent(FUNCTION, match["id"], ".")
        self._add(CATEGORY, match["id"], match["name"], match["text"], parent)

    def subcategory(self, value: str, controls: object) -> None:
        if not value:
            if clean(controls):
                raise CatalogFileError(
                    self.path.name, f"controls {clean(controls)!r} without a subcategory"
                )
            return
        match = self._match(SUBCATEGORY_RE, value, "subcategory")
        identifier = match["id"]
        self._add(
            SUBCATEGORY, identifier, "", match["text"], self._parent(CATEGORY, identifier, "-")
        )
        for token in str(controls or "").split(","):
            if clean(token):
                self.refs.append(ControlRef(element=identifier, token=clean(token)))

    def _match(self, pattern: re.Pattern[str], value: str, kind: str) -> re.Match[str]:
        match = pattern.fullmatch(value)
        if not match:
            raise CatalogFileError(self.path.name, f"unexpected {kind} cell {value[:80]!r}")
        return match

    def _parent(self, kind: str, identifier: str, separator: str) -> str:
        parent = self.current[kind]
        if parent is None or not identifier.startswith(parent + separator):
            raise CatalogFileError(self.path.name, f"{identifier} is listed under {kind} {parent}")
        return parent

    def _add(self, kind: str, identifier: str, title: str, text: str, parent: str | None) -> None:
        if identifier in self.seen:
            raise CatalogFileError(self.path.name, f"{identifier} is listed twice")
        if len(title) > TITLE_LENGTH:
            raise CatalogFileError(
                self.path.name, f"{identifier}: title longer than {TITLE_LENGTH}"
            )
        self.seen.add(identifier)
        if kind in self.current:
            self.current[kind] = identifier
        element = Element(identifier, kind, title, text, parent, sort_order=len(self.elements))
        self.elements.append(element)
