"""Risk aggregated per group of controls, by groupings registered here: the control families
are built in; other apps add theirs (the CSF functions come from `csf`, which depends on `rmf` and
not the other way round)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rmf.models import (
    RISK_ORDER,
    Control,
    Finding,
)
from rmf.selectors.authorize_pages.common import RISK_LABELS, RISK_LEVELS_DESC

# --- risk groupings (a registry other apps add to) ------------------------------------------


@dataclass
class GroupedControls:
    """What a grouping says about some controls: its groups in display order (key -> label;
    groups listed even when no finding falls in them) and the groups of each control (a
    control may be in several, or in none)."""

    groups: dict[str, str]
    of_control: dict[str, list[str]]


@dataclass(frozen=True)
class RiskGrouping:
    key: str
    label: str
    # control ids -> GroupedControls, in a fixed number of queries.
    group: Callable[[list[str]], GroupedControls]


_GROUPINGS: dict[str, RiskGrouping] = {}


def register_risk_grouping(
    key: str, label: str, fn: Callable[[list[str]], GroupedControls]
) -> None:
    """Add (or replace, on a reload) a way to aggregate findings by groups of controls."""
    _GROUPINGS[key] = RiskGrouping(key, label, fn)


def risk_groupings() -> list[RiskGrouping]:
    return list(_GROUPINGS.values())


def families_of(control_ids: list[str]) -> GroupedControls:
    """The SP 800-53 families of the given controls, in catalog order. One query."""
    groups: dict[str, str] = {}
    of_control: dict[str, list[str]] = {}
    for control in (
        Control.objects.filter(pk__in=control_ids)
        .select_related("family")
        .order_by("family__sort_order", "sort_key")
    ):
        family = control.family
        groups.setdefault(family.pk, f"{family.label} {family.title}")
        of_control[control.pk] = [family.pk]
    return GroupedControls(groups=groups, of_control=of_control)


register_risk_grouping("family", "control family", families_of)


@dataclass
class GroupRow:
    key: str
    label: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RISK_ORDER, 0))
    unrated: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values()) + self.unrated

    @property
    def highest(self) -> str:
        """The highest risk level of the group's open findings ("" when none is rated)."""
        return next((level for level in RISK_LEVELS_DESC if self.counts[level]), "")

    @property
    def highest_label(self) -> str:
        return RISK_LABELS.get(self.highest, "")

    @property
    def cells(self) -> list[tuple[str, int]]:
        """(level, count), highest level first, for a table row."""
        return [(level, self.counts[level]) for level in RISK_LEVELS_DESC]


@dataclass
class GroupingTable:
    key: str
    label: str
    rows: list[GroupRow]

    @property
    def with_findings(self) -> list[GroupRow]:
        return [row for row in self.rows if row.total]


def risk_by_group(findings: Iterable[Finding]) -> list[GroupingTable]:
    """For each registered grouping: per group, the findings counted by risk level and the
    highest level. A finding whose control is in several groups counts in each; one in none is
    counted under "Not grouped"."""
    findings = list(findings)
    control_ids = sorted({finding.selected_control.control_id for finding in findings})
    tables = []
    for grouping in risk_groupings():
        grouped = grouping.group(control_ids)
        rows = {key: GroupRow(key, label) for key, label in grouped.groups.items()}
        for finding in findings:
            keys = grouped.of_control.get(finding.selected_control.control_id) or [""]
            for key in dict.fromkeys(keys):
                row = rows.get(key)
                if row is None:
                    row = rows[key] = GroupRow(key, key or "Not grouped")
                if finding.risk_level in row.counts:
                    row.counts[finding.risk_level] += 1
                else:
                    row.unrated += 1
        tables.append(GroupingTable(grouping.key, grouping.label, list(rows.values())))
    return tables
