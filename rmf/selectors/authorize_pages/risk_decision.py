"""The risk page (R-2, R-3) and the decision page (R-4, R-5), with the usual length of a
decision."""

from dataclasses import dataclass
from datetime import date

from assets.models import System
from rmf.models import (
    Authorization,
    AuthorizationDecision,
    Finding,
    PoamItem,
    RiskDetermination,
)
from rmf.selectors.authorize_pages.common import (
    AUTHORIZE_TASKS,
    RISK_LEVELS_DESC,
    findings_not_closed,
    poam_items,
    risk_counts,
)
from rmf.selectors.authorize_pages.risk_groups import GroupingTable, risk_by_group
from rmf.selectors.package import SECTIONS, package_changes_bulk, package_content, package_hash
from rmf.selectors.workflow import (
    CycleFacts,
    TaskState,
    cycle_facts,
    task_states,
)

# --- risk (R-2, R-3) ------------------------------------------------------------------------


@dataclass
class RiskPage:
    authorization: Authorization
    system: System
    facts: CycleFacts
    tasks: list[TaskState]
    findings: list[Finding]  # not closed, with their response
    findings_by_risk: list[tuple[str, str, int]]
    poam: list[PoamItem]
    groupings: list[GroupingTable]

    @property
    def determination(self) -> RiskDetermination | None:
        return self.facts.authorize.risk_determination

    @property
    def without_response(self) -> int:
        return self.facts.authorize.findings_without_response

    @property
    def highest(self) -> str:
        levels = {finding.risk_level for finding in self.findings}
        return next((level for level in RISK_LEVELS_DESC if level in levels), "")


def risk_page(authorization: Authorization) -> RiskPage:
    """The authorizing official's view of the risk, in a fixed number of queries."""
    facts = cycle_facts(authorization)
    states = {state.code: state for state in task_states(facts)}
    findings = findings_not_closed(authorization)
    return RiskPage(
        authorization=authorization,
        system=authorization.system,
        facts=facts,
        tasks=[states["R-2"], states["R-3"]],
        findings=findings,
        findings_by_risk=risk_counts(findings),
        poam=poam_items(authorization),
        groupings=risk_by_group(findings),
    )


# --- the decision (R-4, R-5) ----------------------------------------------------------------


@dataclass
class DecisionPage:
    authorization: Authorization
    system: System
    facts: CycleFacts
    tasks: list[TaskState]
    decision: AuthorizationDecision | None
    changed_sections: list[str]
    # Before signing: the fingerprint of the package as it would be signed now.
    current_hash: str = ""

    @property
    def open_before_signing(self) -> list[TaskState]:
        """The required tasks that must be done before the decision is signed (R-1 to R-3)."""
        return [task for task in self.tasks[:3] if task.spec.required and not task.done]

    @property
    def changed(self) -> bool:
        return bool(self.changed_sections)

    @property
    def changed_labels(self) -> list[str]:
        return [SECTIONS[key] for key in self.changed_sections]

    @property
    def days_left(self) -> int | None:
        """Days until the decision's termination date (negative once expired)."""
        if self.decision is None or self.decision.termination_date is None:
            return None
        return (self.decision.termination_date - self.facts.today).days

    @property
    def expired(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    @property
    def days_expired(self) -> int:
        return -self.days_left if self.expired else 0


def decision_page(authorization: Authorization, *, with_hash: bool = True) -> DecisionPage:
    """The cycle's decision with the package sections changed since it was signed, or, before
    signing, what is still open and the package's current fingerprint."""
    facts = cycle_facts(authorization)
    states = {state.code: state for state in task_states(facts)}
    decision = facts.authorize.decision
    changed: list[str] = []
    current_hash = ""
    if decision is not None:
        decision.authorization = authorization
        changed = package_changes_bulk([decision])[authorization.pk]
    elif with_hash:
        current_hash = package_hash(package_content(authorization))
    return DecisionPage(
        authorization=authorization,
        system=authorization.system,
        facts=facts,
        tasks=[states[code] for code in AUTHORIZE_TASKS],
        decision=decision,
        changed_sections=changed,
        current_hash=current_hash,
    )


def add_months(day: date, months: int) -> date:
    """`day` plus whole months, on the last day of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise ValueError(day)  # unreachable: every month has a 28th


def suggested_termination(kind: str, decision_date: date) -> date | None:
    """The usual length of a decision: three years to operate, six months to test, none for a
    denial. The authorizing official may choose otherwise within the service's limits."""
    if kind in (AuthorizationDecision.Kind.ATO, AuthorizationDecision.Kind.ATO_WITH_CONDITIONS):
        return add_months(decision_date, 36)
    if kind == AuthorizationDecision.Kind.IATT:
        return add_months(decision_date, 6)
    return None
