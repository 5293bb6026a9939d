"""CSF 2.0 core, implementation examples and the withdrawn CSF 1.1 elements, from NIST's CPRT
JSON export.

The export holds the CSF 1.1 elements that 2.0 withdrew beside the active ones (same identifier
space, padded: "PR.AC-01"), each with a `withdraw_reason` element "WR-<id>". The active core is
what has no withdraw reason; the withdrawn ones only feed the 1.1 -> 2.0 crosswalk.

`external_reference` relationships are skipped: they point from elements to bare 800-53 family
codes ("AC"), which the two CSF 2.0 mapping files give control by control.
"""

import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from workbench.catalogs.registry import CatalogFileError, read_json

from .parsed import (
    CATEGORY,
    FUNCTION,
    SUBCATEGORY,
    TITLE_LENGTH,
    Csf20Core,
    Element,
    Example,
    Withdrawal,
)
from .xlsx import clean

EXAMPLE = "implementation_example"
WITHDRAW_REASON = "withdraw_reason"
SORT = "sort"
PROJECTION = "projection"
SUCCESSOR_RELATIONSHIPS = ("incorporated_into", "moved_to")
IDENTIFIER_RES = {
    FUNCTION: re.compile(r"[A-Z]{2}"),
    CATEGORY: re.compile(r"[A-Z]{2}\.[A-Z]{2}"),
    SUBCATEGORY: re.compile(r"[A-Z]{2}\.[A-Z]{2}-\d{2}"),
    EXAMPLE: re.compile(r"[A-Z]{2}\.[A-Z]{2}-\d{2}\.\d{3}"),
}
PARENT_KIND = {CATEGORY: FUNCTION, SUBCATEGORY: CATEGORY, EXAMPLE: SUBCATEGORY}
WR_PREFIX = "WR-"
ANY_IDENTIFIER = re.compile(r"\b[A-Z]{2}(?:\.[A-Z]{2}(?:-\d{2})?)?\b")
RECORD_KEYS = ("element_type", "element_identifier")
RELATIONSHIP_KEYS = (
    "source_element_identifier",
    "dest_element_identifier",
    "relationship_identifier",
)


def parse_cprt(path: Path) -> Csf20Core:
    document, records, relationships = _read(path)
    return _CprtParser(path, records, relationships).core(_title(document))


def _read(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    data = read_json(path, path.name)
    response = data.get("response") if isinstance(data, dict) else None
    body = response.get("elements") if isinstance(response, dict) else None
    if not isinstance(body, dict):
        raise CatalogFileError(path.name, "not a CPRT export: no response.elements object")
    documents = body.get("documents")
    document = documents[0] if isinstance(documents, list) and documents else {}
    records = _objects(body, "elements", RECORD_KEYS, path)
    relationships = _objects(body, "relationships", RELATIONSHIP_KEYS, path)
    return document if isinstance(document, dict) else {}, records, relationships


def _objects(
    body: dict[str, Any], key: str, keys: tuple[str, ...], path: Path
) -> list[dict[str, Any]]:
    items = body.get(key)
    if not isinstance(items, list) or not all(
        isinstance(item, dict) and all(isinstance(item.get(k), str) for k in keys) for item in items
    ):
        raise CatalogFileError(
            path.name,
            f"response.elements.{key} must be a list of objects with string {', '.join(keys)}",
        )
    return items


def _title(document: dict[str, Any]) -> str:
    name = clean(document.get("name")) or "NIST Cybersecurity Framework"
    version = clean(document.get("version")) or "2.0"
    return f"{name} {version} (CPRT {clean(document.get('doc_identifier'))})"


class _CprtParser:
    def __init__(
        self, path: Path, records: list[dict[str, Any]], relationships: list[dict[str, Any]]
    ):
        self.path = path
        self.records: dict[str, dict[str, Any]] = {}
        for record in records:
            identifier = record["element_identifier"]
            if identifier in self.records:
                raise CatalogFileError(path.name, f"element {identifier} is listed twice")
            self.records[identifier] = record
        self.by_kind: dict[str, list[str]] = defaultdict(list)
        for identifier, record in self.records.items():
            self.by_kind[record["element_type"]].append(identifier)
        self.relationships = relationships
        self.withdrawn = {
            identifier.removeprefix(WR_PREFIX) for identifier in self.by_kind[WITHDRAW_REASON]
        }

    def core(self, title: str) -> Csf20Core:
        parents = self._parents()
        order = self._sort_order()
        elements = [
            Element(
                identifier=identifier,
                kind=kind,
                title=clean(self.records[identifier].get("title")),
                text=clean(self.records[identifier].get("text")),
                parent=parents.get(identifier),
                sort_order=order.get(identifier, len(order)),
            )
            for kind in (FUNCTION, CATEGORY, SUBCATEGORY)
            for identifier in self._active(kind)
        ]
        examples = [
            Example(identifier, parents[identifier], clean(self.records[identifier].get("text")), 0)
            for identifier in self._active(EXAMPLE)
        ]
        examples.sort(key=lambda example: (order.get(example.subcategory, 0), example.identifier))
        examples = [
            Example(ex.identifier, ex.subcategory, ex.text, index)
            for index, ex in enumerate(examples)
        ]
        if not self._active(SUBCATEGORY):
            raise CatalogFileError(self.path.name, "no active CSF 2.0 subcategories found")
        for element in elements:
            if len(element.title) > TITLE_LENGTH:
                raise CatalogFileError(self.path.name, f"{element.identifier}: title too long")
        return Csf20Core(title, elements, examples, self._withdrawals())

    def _active(self, kind: str) -> list[str]:
        identifiers = [i for i in self.by_kind[kind] if i not in self.withdrawn]
        for identifier in identifiers:
            if not IDENTIFIER_RES[kind].fullmatch(identifier):
                raise CatalogFileError(
                    self.path.name, f"unexpected {kind} identifier {identifier!r}"
                )
        return identifiers

    def _parents(self) -> dict[str, str]:
        """Hierarchy from `projection` relationships between active elements."""
        parents: dict[str, str] = {}
        for relationship in self._relationships(PROJECTION):
            source, dest = relationship
            dest_kind = self._kind(dest)
            if dest_kind not in PARENT_KIND or dest in self.withdrawn:
                continue
            if self._kind(source) != PARENT_KIND[dest_kind] or source in self.withdrawn:
                raise CatalogFileError(self.path.name, f"{dest} is projected from {source}")
            if parents.setdefault(dest, source) != source:
                raise CatalogFileError(self.path.name, f"{dest} has two parents")
        for kind in PARENT_KIND:
            orphans = [i for i in self._active(kind) if i not in parents]
            if orphans:
                raise CatalogFileError(self.path.name, f"{kind} without a parent: {orphans[0]}")
        return parents

    def _sort_order(self) -> dict[str, int]:
        """Rank of each element by its "S-<id>" sort record ("00001.00002.00003")."""
        keys = {
            identifier.removeprefix("S-"): clean(self.records[identifier].get("title"))
            for identifier in self.by_kind[SORT]
        }
        ranked = sorted(keys, key=lambda identifier: keys[identifier])
        return {identifier: rank for rank, identifier in enumerate(ranked)}

    def _withdrawals(self) -> list[Withdrawal]:
        successors: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for name in SUCCESSOR_RELATIONSHIPS:
            for source, dest in self._relationships(name):
                if not source.startswith(WR_PREFIX) or self._kind(source) != WITHDRAW_REASON:
                    raise CatalogFileError(
                        self.path.name, f"{name} from {source}, not a withdraw reason"
                    )
                self._require_active(dest, f"{source} {name}")
                successors[source.removeprefix(WR_PREFIX)].append((name, dest))
        withdrawals = []
        for identifier in sorted(self.withdrawn):
            if self._kind(identifier) not in (FUNCTION, CATEGORY, SUBCATEGORY):
                raise CatalogFileError(
                    self.path.name, f"withdraw reason for unknown element {identifier}"
                )
            reason = clean(self.records[WR_PREFIX + identifier].get("text"))
            targets = successors.get(identifier) or self._successors_in_text(reason)
            withdrawals.append(Withdrawal(identifier, reason, tuple(targets)))
        return withdrawals

    def _successors_in_text(self, reason: str) -> list[tuple[str, str]]:
        # RS.RP ("Incorporated into RS.MA") names its successor in the reason text only;
        # relationships take precedence wherever they exist.
        name = "moved_to" if reason.lower().startswith("moved") else "incorporated_into"
        active = {i for kind in (FUNCTION, CATEGORY, SUBCATEGORY) for i in self._active(kind)}
        return [(name, found) for found in ANY_IDENTIFIER.findall(reason) if found in active]

    def _relationships(self, name: str) -> list[tuple[str, str]]:
        return [
            (r["source_element_identifier"], r["dest_element_identifier"])
            for r in self.relationships
            if r["relationship_identifier"] == name
        ]

    def _kind(self, identifier: str) -> str | None:
        record = self.records.get(identifier)
        return record["element_type"] if record else None

    def _require_active(self, identifier: str, context: str) -> None:
        if (
            self._kind(identifier) not in (FUNCTION, CATEGORY, SUBCATEGORY)
            or identifier in self.withdrawn
        ):
            raise CatalogFileError(
                self.path.name, f"{context} {identifier}: not an active CSF 2.0 element"
            )
