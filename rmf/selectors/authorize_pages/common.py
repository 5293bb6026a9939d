"""What the Authorize pages share: labels, the package parts and tasks, the findings not
closed and the POA&M with what the risk lists show of them."""

from collections import Counter
from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet

from rmf.models import (
    RISK_ORDER,
    Authorization,
    Finding,
    ImplementationStatus,
    PoamItem,
    PoamMilestone,
    RiskScale,
)

RISK_LABELS = dict(RiskScale.choices)
# Highest first: the order the AO reads risk in.
RISK_LEVELS_DESC = list(reversed(RISK_ORDER))
STATUS_LABELS = dict(ImplementationStatus.choices)
NOT_CLOSED = (Finding.Status.OPEN, Finding.Status.REMEDIATION_SUBMITTED)

# The parts of the package and the tasks of the earlier steps that complete each.
PACKAGE_PARTS: list[tuple[str, str, tuple[str, ...]]] = [
    (
        "ssp",
        "System security plan",
        ("C-1", "C-2", "C-3", "S-1", "S-2", "S-3", "S-4", "S-5", "S-6", "I-1", "I-2"),
    ),
    ("sar", "Security assessment report", ("A-1", "A-2", "A-3", "A-4", "A-5")),
    ("poam", "Plan of action and milestones", ("A-6",)),
]
AUTHORIZE_TASKS = ("R-1", "R-2", "R-3", "R-4", "R-5")


def plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count} {word if count == 1 else (words or word + 's')}"


def in_authorize_or_later(authorization: Authorization) -> bool:
    return authorization.step in ("authorize", "monitor")


# --- findings and the POA&M -----------------------------------------------------------------


def findings_query() -> QuerySet[Finding]:
    return Finding.objects.select_related(
        "assessment",
        "selected_control__control__family",
        "poam_item",
        "risk_response__decided_by",
    ).order_by("assessment__created_at", "assessment_id", "number")


def findings_not_closed(authorization: Authorization) -> list[Finding]:
    """The findings of every assessment of the cycle that are not closed, with their control,
    POA&M item and risk response. One query."""
    return list(
        findings_query().filter(assessment__authorization=authorization, status__in=NOT_CLOSED)
    )


def finding_with_response(pk: int) -> Finding:
    """A finding (already reached through its access function) as the risk lists show it."""
    return findings_query().get(pk=pk)


def poam_items(authorization: Authorization) -> list[PoamItem]:
    """The cycle's POA&M items with their control, finding and milestones. Two queries."""
    return list(
        PoamItem.objects.filter(authorization=authorization)
        .select_related("selected_control__control", "finding")
        .prefetch_related(
            Prefetch("milestones", queryset=PoamMilestone.objects.order_by("due_on", "pk"))
        )
        .order_by("number")
    )


def risk_counts(findings: Iterable[Finding]) -> list[tuple[str, str, int]]:
    """(level, label, count) of the levels present, highest first, then the unrated ones."""
    counts = Counter(finding.risk_level for finding in findings)
    rows = [(level, RISK_LABELS[level], counts[level]) for level in RISK_LEVELS_DESC]
    rows.append(("", "not rated", counts[""]))
    return [row for row in rows if row[2]]
