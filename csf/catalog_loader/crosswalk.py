"""NIST's CSF 1.1 -> 2.0 crosswalk: what CSF 2.0 withdrew went where the CPRT says; everything
else kept its identifier (subcategories padded: "ID.AM-1" is "ID.AM-01")."""

import re
from pathlib import Path

from workbench.catalogs.registry import CatalogFileError

from .parsed import Csf11Core, Csf20Core

SAME = "same"
NUMBER_RE = re.compile(r"-(\d+)$")


def padded(identifier: str) -> str:
    return NUMBER_RE.sub(lambda match: f"-{int(match[1]):02d}", identifier)


def unpadded(identifier: str) -> str:
    return NUMBER_RE.sub(lambda match: f"-{int(match[1])}", identifier)


def crosswalk(csf11: Csf11Core, csf20: Csf20Core, cprt: Path) -> list[tuple[str, str, str]]:
    """(CSF 1.1 identifier, CSF 2.0 identifier, relationship) for every link."""
    kinds_11 = {element.identifier: element.kind for element in csf11.elements}
    kinds_20 = {element.identifier: element.kind for element in csf20.elements}
    links: dict[tuple[str, str], str] = {}
    withdrawn: set[str] = set()
    for withdrawal in csf20.withdrawals:
        source = unpadded(withdrawal.identifier)
        if source not in kinds_11:
            raise CatalogFileError(
                cprt.name, f"withdrawn element {withdrawal.identifier} is not in the CSF 1.1 core"
            )
        withdrawn.add(source)
        for relationship, target in withdrawal.successors:
            links.setdefault((source, target), relationship)
    for identifier, kind in kinds_11.items():
        target = padded(identifier)
        if identifier not in withdrawn and kinds_20.get(target) == kind:
            links[(identifier, target)] = SAME
    return [(source, target, relationship) for (source, target), relationship in links.items()]
