"""What the parsers read from the NIST files, before anything touches the database."""

from dataclasses import dataclass, field

FUNCTION = "function"
CATEGORY = "category"
SUBCATEGORY = "subcategory"
TITLE_LENGTH = 200  # CsfElement.title


@dataclass(frozen=True)
class Element:
    identifier: str
    kind: str
    title: str
    text: str
    parent: str | None
    sort_order: int


@dataclass(frozen=True)
class Example:
    identifier: str
    subcategory: str
    text: str
    sort_order: int


@dataclass(frozen=True)
class ControlRef:
    """One reference from a CSF element to SP 800-53, as written in the file."""

    element: str
    token: str  # "AC-2(1)", "AC-02(01)", "PT" (a family), "all -1 controls"
    relationship: str = ""


@dataclass(frozen=True)
class Withdrawal:
    """A CSF 1.1 element that CSF 2.0 withdrew, and where NIST says it went."""

    identifier: str  # as the CPRT writes it: padded, "PR.AC-01"
    reason: str
    successors: tuple[tuple[str, str], ...]  # (relationship, CSF 2.0 identifier)


@dataclass
class Csf11Core:
    title: str
    elements: list[Element]
    refs: list[ControlRef]


@dataclass
class Csf20Core:
    title: str
    elements: list[Element]  # active only
    examples: list[Example]
    withdrawals: list[Withdrawal] = field(default_factory=list)


@dataclass
class ReferenceSet:
    """CSF 2.0 -> SP 800-53 references from one file."""

    title: str
    refs: list[ControlRef]
