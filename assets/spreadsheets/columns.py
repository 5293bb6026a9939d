"""The columns of the Systems and Components sheets and how a cell becomes a field value and back.

Choice columns are written with their human labels and read from either the label or the stored
value, case-insensitively ("Operational technology (OT)" or "OT").
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, Literal

from assets.models import Component, System

SYSTEMS = "Systems"
COMPONENTS = "Components"

Kind = Literal[
    "text", "choice", "yes_no", "integer", "date", "choice_list", "username", "organization"
]
YES_WORDS = frozenset({"yes", "y", "true", "1", "x"})
NO_WORDS = frozenset({"no", "n", "false", "0", ""})
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


class CellError(ValueError):
    """A cell whose value cannot be used; the message is shown to the person importing."""


def normalized(text: str) -> str:
    return " ".join(text.split()).casefold()


def cell_text(raw: Any) -> str:
    """Any cell as trimmed text: spreadsheet programs turn "0042" into 42 and "1.10" into 1.1."""
    if raw is None:
        return ""
    if isinstance(raw, str):
        return raw.strip()
    if isinstance(raw, bool):
        return "Yes" if raw else "No"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime):
        return raw.date().isoformat() if raw.time() == time() else raw.isoformat(sep=" ")
    if isinstance(raw, date | time):
        return raw.isoformat()
    return str(raw).strip()


@dataclass(frozen=True)
class Column:
    key: str  # the model field, or "organization" / "system" for the keys of a row
    header: str  # as written in row 1
    kind: Kind
    help: str
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    default: Any = None  # the value of a blank cell
    width: int = 20
    _lookup: dict[str, str] = field(default_factory=dict, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        for value, label in self.choices:
            short_label = re.sub(r"\s*\([^)]*\)$", "", label)
            for spelling in (value, label, short_label):
                self._lookup.setdefault(normalized(spelling), value)

    @property
    def labels(self) -> list[str]:
        return [label for _, label in self.choices]

    def label_of(self, value: str) -> str:
        return dict(self.choices).get(value, value)

    def parse(self, raw: Any) -> Any:
        """The field value of a cell, or CellError."""
        if self.kind == "yes_no":
            return _parse_yes_no(raw)
        if self.kind == "integer":
            return _parse_integer(raw, self.default)
        if self.kind == "date":
            return _parse_date(raw)
        text = cell_text(raw)
        if not text:
            if self.required:
                raise CellError(f"{self.header} is required.")
            return [] if self.kind == "choice_list" else self.default
        if self.kind == "choice":
            return self._choice(text)
        if self.kind == "choice_list":
            values = [self._choice(part) for part in re.split(r"[,;]", text) if part.strip()]
            return list(dict.fromkeys(values))
        return text

    def _choice(self, text: str) -> str:
        try:
            return self._lookup[normalized(text)]
        except KeyError:
            allowed = "; ".join(self.labels)
            raise CellError(f"“{text}” is not one of the allowed values: {allowed}.") from None

    def cell(self, value: Any, *, text_only: bool = False) -> Any:
        """What an export writes for a field value: the inverse of `parse`. Empty is None, which
        a workbook leaves out altogether and a CSV file writes as nothing."""
        if value is None or value == "":
            return None
        if self.kind == "choice":
            return self.label_of(value)
        if self.kind == "choice_list":
            return ", ".join(self.label_of(item) for item in value)
        if self.kind == "yes_no":
            return "Yes" if value else "No"
        if self.kind == "date":
            return value.isoformat() if text_only else value
        return value


def _parse_yes_no(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = normalized(cell_text(raw))
    if text in YES_WORDS:
        return True
    if text in NO_WORDS:
        return False
    raise CellError(f"“{cell_text(raw)}” is not Yes or No.")


def _parse_integer(raw: Any, default: int | None) -> int | None:
    if isinstance(raw, bool):
        raise CellError(f"“{cell_text(raw)}” is not a whole number.")
    if isinstance(raw, int):
        value = raw
    else:
        text = cell_text(raw).replace(",", "").replace(" ", "")
        if not text:
            return default
        if not re.fullmatch(r"\d+", text):
            raise CellError(f"“{cell_text(raw)}” is not a whole number.")
        value = int(text)
    if value < 0:
        raise CellError("A number here cannot be negative.")
    return value


def _parse_date(raw: Any) -> date | None:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = cell_text(raw)
    if not text:
        return None
    us_date = _US_DATE.match(text)
    try:
        if us_date:
            month, day, year = (int(part) for part in us_date.groups())
            return date(year, month, day)
        return datetime.fromisoformat(text).date()
    except ValueError:
        raise CellError(f"“{text}” is not a date: write it as 2025-06-30.") from None


def _text(key: str, header: str, help: str, *, required: bool = False, width: int = 20):
    return Column(key, header, "text", help, required=required, default="", width=width)


def _choice(key: str, header: str, help: str, choices: Iterable[tuple[str, str]], width=24):
    return Column(key, header, "choice", help, required=True, choices=tuple(choices), width=width)


def _yes_no(key: str, header: str, help: str) -> Column:
    return Column(key, header, "yes_no", help, default=False, width=14)


def _username(key: str, header: str, help: str) -> Column:
    return Column(key, header, "username", help, default=None, width=18)


ORGANIZATION = Column(
    "organization",
    "Organization",
    "organization",
    "The name or short name of the organization the system belongs to. You can only import into "
    "organizations where you may edit the inventory.",
    required=True,
    width=30,
)

SYSTEM_COLUMNS: tuple[Column, ...] = (
    ORGANIZATION,
    _text(
        "acronym",
        "Acronym",
        "The system's short name, unique within its organization. A row whose organization and "
        "acronym match an existing system updates it; otherwise it creates a new system.",
        required=True,
        width=12,
    ),
    _text("name", "Name", "The system's full name.", required=True, width=32),
    _text("description", "Description", "What the system is for, in plain words.", width=40),
    _choice("kind", "Kind", "The kind of technology.", System.Kind.choices, width=28),
    _choice("system_type", "System type", "The type of system.", System.SystemType.choices),
    _choice(
        "status", "Status", "Where the system is in its life.", System.Status.choices, width=20
    ),
    _choice("hosting", "Hosting", "Where the system runs.", System.Hosting.choices),
    _text(
        "hosting_provider",
        "Hosting provider",
        "Required for cloud or SaaS hosting: the provider, for example Microsoft Azure.",
    ),
    _yes_no("public_facing", "Public facing", "Do residents use the system directly? Yes or No."),
    Column(
        "channels",
        "Channels",
        "choice_list",
        "How residents reach a public-facing system, separated by commas, for example "
        "“Web site, Mobile app”. Leave blank when the system is not public facing.",
        choices=tuple(System.Channel.choices),
        width=24,
    ),
    _yes_no("processes_pii", "Processes PII", "Does it handle personal information? Yes or No."),
    Column(
        "user_count",
        "Number of users",
        "integer",
        "About how many people use it (a whole number); blank if unknown.",
        width=16,
    ),
    _text("location", "Location", "Where it is: a data center, a building, a region."),
    _text(
        "boundary_description",
        "Boundary description",
        "What is inside the system's authorization boundary.",
        width=40,
    ),
    _text(
        "laws_regulations",
        "Laws, regulations and policies",
        "The laws, regulations and policies the system must follow, one per line in the cell "
        "(Alt+Enter in Excel), for example “State data breach notification law” and “PCI DSS”.",
        width=40,
    ),
    Column("operational_since", "Operational since", "date", "Date it went live.", width=16),
    Column("next_review", "Next review", "date", "Date of the next review.", width=16),
    Column(
        "retirement_date",
        "Retirement date",
        "date",
        "Date it was or will be retired; required when the status is Disposed.",
        width=16,
    ),
    _username(
        "system_owner",
        "System owner",
        "User name of the system owner (optional); they need a role in the organization.",
    ),
    _username(
        "isso",
        "ISSO",
        "User name of the information system security officer (optional); they need a role in "
        "the organization.",
    ),
    _username(
        "authorizing_official",
        "Authorizing official",
        "User name of the authorizing official (optional); they need the authorizing official "
        "role for the organization.",
    ),
)

COMPONENT_COLUMNS: tuple[Column, ...] = (
    ORGANIZATION,
    _text(
        "system",
        "System acronym",
        "The acronym of the system the component belongs to: an existing system, or one on the "
        "Systems sheet of the same file.",
        required=True,
        width=16,
    ),
    _text(
        "name",
        "Component name",
        "The component's name, unique within its system. A row whose system and component name "
        "match an existing component updates it; otherwise it creates a new one.",
        required=True,
        width=30,
    ),
    _choice(
        "component_type", "Type", "The type of component.", Component.ComponentType.choices, 30
    ),
    _text("vendor", "Vendor", "Who supplies it; a new vendor is added to the list.", width=22),
    _text("product", "Product", "The product name.", width=22),
    _text("version", "Version", "The version in use.", width=12),
    Column(
        "quantity",
        "Quantity",
        "integer",
        "How many there are (a whole number, 1 or more); blank means 1.",
        default=1,
        width=10,
    ),
    _text("cpe", "CPE", "The CPE name, for example cpe:2.3:a:vendor:product:1.0:*:*:*:*:*:*:*."),
    _yes_no(
        "internet_reachable",
        "Internet reachable",
        "Can it be reached from the internet? Yes or No.",
    ),
    _text("notes", "Notes", "Anything else worth knowing.", width=40),
)

COLUMNS: dict[str, tuple[Column, ...]] = {SYSTEMS: SYSTEM_COLUMNS, COMPONENTS: COMPONENT_COLUMNS}


def header_lookup(columns: tuple[Column, ...]) -> dict[str, Column]:
    """Header spellings that name each column: its header or its key, in any case."""
    lookup: dict[str, Column] = {}
    for column in columns:
        lookup[normalized(column.header)] = column
        lookup[normalized(column.key.replace("_", " "))] = column
    return lookup


def header_key(text: str) -> str:
    return normalized(text).rstrip("*: ").strip()
