"""SP 800-53 control references as NIST's CSF files write them, resolved against the controls
the SP 800-53 loader has just written (same transaction)."""

import re
from collections import defaultdict
from dataclasses import dataclass

from rmf.models import Control, ControlFamily
from workbench.catalogs.registry import CatalogFileError

# "AC-2", "AC-02", "AC-2(1)", "AC-02(01)", "AC-2 (1)"
CONTROL_RE = re.compile(r"(?P<family>[A-Z]{2})-0*(?P<number>\d+)(?:\s*\(0*(?P<enhancement>\d+)\))?")
FAMILY_RE = re.compile(r"[A-Z]{2}")
# NIST's CSF 1.1 sheet: " -1 controls from all security control families", "all -1 controls"
POLICY_RE = re.compile(r"(?:all )?-1 controls(?: from all security control families)?", re.I)

FAMILY_NOTE = "family-level reference {family}"
POLICY_NOTE = "all -1 (policy) controls"


def control_id(token: str) -> str | None:
    """OSCAL id of a control written "AC-02(01)" / "AC-2(1)": "ac-2.1"; None if not one."""
    match = CONTROL_RE.fullmatch(token.strip())
    if not match:
        return None
    base = f"{match['family'].lower()}-{int(match['number'])}"
    return f"{base}.{int(match['enhancement'])}" if match["enhancement"] else base


@dataclass(frozen=True)
class Resolved:
    control: str
    note: str  # why an expanded reference includes this control; "" for a control named as such


class ControlCatalog:
    def __init__(self) -> None:
        self.withdrawn: set[str] = set()
        self.ids: set[str] = set()
        self.base_by_family: dict[str, list[str]] = defaultdict(list)
        for pk, family, parent, withdrawn in Control.objects.order_by("sort_key").values_list(
            "id", "family_id", "parent_id", "withdrawn"
        ):
            self.ids.add(pk)
            if withdrawn:
                self.withdrawn.add(pk)
            elif parent is None:
                self.base_by_family[family].append(pk)
        self.families = list(
            ControlFamily.objects.order_by("sort_order").values_list("id", flat=True)
        )

    def resolve(self, token: str, *, file_name: str, element: str) -> list[Resolved]:
        """The controls a reference stands for: one control; every active base control of a
        family ("PT"); or every family's -1 policy control."""
        if not self.ids:
            raise CatalogFileError(file_name, "the SP 800-53 catalog must be loaded first")
        if FAMILY_RE.fullmatch(token):
            family = token.lower()
            if not self.base_by_family.get(family):
                raise CatalogFileError(file_name, f"{element}: no SP 800-53 family {token}")
            note = FAMILY_NOTE.format(family=token)
            return [Resolved(pk, note) for pk in self.base_by_family[family]]
        if POLICY_RE.fullmatch(token):
            policies = [f"{family}-1" for family in self.families]
            for pk in policies:
                self._require(pk, token, file_name, element)
            return [Resolved(pk, POLICY_NOTE) for pk in policies]
        pk = control_id(token)
        if pk is None:
            raise CatalogFileError(
                file_name, f"{element}: {token!r} is not an SP 800-53 control id"
            )
        self._require(pk, token, file_name, element)
        return [Resolved(pk, "")]

    def _require(self, pk: str, token: str, file_name: str, element: str) -> None:
        if pk not in self.ids:
            raise CatalogFileError(
                file_name, f"{element}: {token} ({pk}) is not in the SP 800-53 catalog"
            )
