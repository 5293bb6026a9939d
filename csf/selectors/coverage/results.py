"""What the coverage pages, the API and the assessment form read: counts per level, a
subcategory's mapped controls and their states, and the function -> category -> subcategory
tree of a system or an organization."""

from __future__ import annotations

from dataclasses import dataclass, field

from assets.models import Organization, System
from csf.selectors.coverage.rules import (
    CONTROL_STATE_LABELS,
    CONTROL_STATES,
    COVERED_LEVELS,
    LEVEL_LABELS,
    LEVELS,
    NOT_ADDRESSED,
    NOT_SELECTED,
    RULE,
)
from rmf.models import Authorization

# --- what pages show ------------------------------------------------------------------------


@dataclass
class LevelCount:
    level: str
    label: str
    count: int


@dataclass
class Counts:
    """How many subcategories (a system) or (subcategory, system) pairs (an organization) are
    at each level."""

    by_level: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))

    @property
    def total(self) -> int:
        return sum(self.by_level.values())

    @property
    def covered(self) -> int:
        return sum(self.by_level[level] for level in COVERED_LEVELS)

    @property
    def covered_percent(self) -> int | None:
        return round(100 * self.covered / self.total) if self.total else None

    @property
    def levels(self) -> list[LevelCount]:
        return [LevelCount(level, LEVEL_LABELS[level], self.by_level[level]) for level in LEVELS]

    def add(self, other: Counts) -> None:
        for level in LEVELS:
            self.by_level[level] += other.by_level[level]


@dataclass
class MappedControl:
    """A control mapped to a subcategory, with its state in one system."""

    control_id: str  # "ac-2.1"
    label: str  # "AC-2(1)"
    title: str
    state: str = NOT_SELECTED
    selected_control_id: int | None = None

    @property
    def state_label(self) -> str:
        return CONTROL_STATE_LABELS[self.state]


@dataclass
class ControlSpread:
    """A control mapped to a subcategory, with how many of the organization's systems have it
    in each state (not_selected = the systems that did not select it)."""

    control_id: str
    label: str
    title: str
    states: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CONTROL_STATES, 0))

    @property
    def state_counts(self) -> list[LevelCount]:
        return [
            LevelCount(state, CONTROL_STATE_LABELS[state], self.states[state])
            for state in CONTROL_STATES
        ]

    @property
    def summary(self) -> str:
        """Systems per state: "2 implemented, assessed satisfied; 3 not selected"."""
        return "; ".join(
            f"{item.count} {item.label[:1].lower()}{item.label[1:]}"
            for item in self.state_counts
            if item.count
        )


@dataclass
class SubcategoryCoverage:
    """One subcategory in one system: its level and mapped controls."""

    identifier: str
    text: str
    level: str
    controls: list[MappedControl]

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[self.level]

    @property
    def covered(self) -> bool:
        return self.level in COVERED_LEVELS


@dataclass
class OrganizationSubcategory:
    """One subcategory across an organization's systems: how many systems are at each level
    and, per mapped control, how many systems have it in each state. Also the hint the CSF
    assessment form shows next to the subcategory (`organization_subcategory_hints`)."""

    identifier: str
    text: str
    systems: int  # systems with a current RMF cycle the coverage is computed over
    counts: Counts
    controls: list[ControlSpread]

    @property
    def covered_systems(self) -> int:
        return self.counts.covered

    @property
    def covered_percent(self) -> int | None:
        return self.counts.covered_percent

    @property
    def addressed_nowhere(self) -> bool:
        """No selected control addresses it in any of the systems."""
        return self.systems > 0 and self.counts.by_level[NOT_ADDRESSED] == self.systems

    @property
    def summary(self) -> str:
        """One plain sentence for the assessment form."""
        if not self.systems:
            return "No system of this organization has started the RMF yet: no coverage to show."
        if not self.controls:
            return "NIST maps no SP 800-53 control to this subcategory."
        parts = [
            f"{self.counts.by_level[level]} {LEVEL_LABELS[level].lower()}"
            for level in LEVELS
            if self.counts.by_level[level]
        ]
        noun = "system" if self.systems == 1 else "systems"
        return f"Covered in {self.covered_systems} of {self.systems} {noun} ({'; '.join(parts)})."


@dataclass
class CategoryCoverage:
    identifier: str
    title: str
    counts: Counts
    subcategories: list  # SubcategoryCoverage (system) or OrganizationSubcategory


@dataclass
class FunctionCoverage:
    identifier: str
    title: str
    counts: Counts
    categories: list[CategoryCoverage]


@dataclass
class Coverage:
    """A system's or an organization's coverage of one CSF version."""

    version: str
    functions: list[FunctionCoverage]
    counts: Counts
    rule: str = RULE

    def subcategories(self) -> list:
        return [
            subcategory
            for function in self.functions
            for category in function.categories
            for subcategory in category.subcategories
        ]


@dataclass
class SystemCoverage(Coverage):
    system: System | None = None
    authorization: Authorization | None = None  # the current cycle; None when not started

    def not_addressed(self) -> list[SubcategoryCoverage]:
        """The subcategories no selected control addresses."""
        return [sub for sub in self.subcategories() if sub.level == NOT_ADDRESSED]


@dataclass
class OrganizationCoverage(Coverage):
    organization: Organization | None = None
    systems: int = 0  # systems with a current cycle, the coverage's denominator
    systems_not_started: int = 0  # systems not disposed without an RMF cycle: not counted

    def addressed_nowhere(self) -> list[OrganizationSubcategory]:
        return [sub for sub in self.subcategories() if sub.addressed_nowhere]
