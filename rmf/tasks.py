"""The SP 800-37 Rev 2 tasks of each RMF step, as data.

A task is either settled by the data (`check` returns what is missing, empty when done) or by a
responsible role's sign-off (`signoff_perm`). Tasks of steps whose data arrive with later work
are listed with their responsible role and stay open until that work exists. The Assess tasks
look at the cycle's initial assessment.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assets.models import System
from assets.roles import AUTHORIZE, EDIT_RMF
from rmf.models import Step

if TYPE_CHECKING:
    from rmf.selectors.workflow import CycleFacts


@dataclass(frozen=True)
class TaskSpec:
    code: str
    step: str
    title: str
    responsible: str
    required: bool = True
    check: Callable[["CycleFacts"], list[str]] | None = None
    signoff_perm: str | None = None
    # Tasks that must be done before the sign-off may be given.
    signoff_requires: tuple[str, ...] = ()
    # What the task lacks while it is not signed, and the sign-off button's words.
    signoff_missing: str = "the authorizing official's approval"
    signoff_action: str = ""  # "Approve C-3" when empty
    # A task with nothing to do while the cycle is as it is (M-7 while the system is in
    # service): `idle` says so, in words, and the task is neither open nor done.
    idle: Callable[["CycleFacts"], str] | None = None


def _system_description(facts: "CycleFacts") -> list[str]:
    system = facts.system
    missing = []
    if not system.description.strip():
        missing.append("the system's purpose (description)")
    if not system.boundary_description.strip():
        missing.append("the authorization boundary")
    if system.system_owner_id is None:
        missing.append("a system owner")
    if system.authorizing_official_id is None:
        missing.append("an authorizing official")
    if not facts.component_count:
        missing.append("at least one component")
    return missing


def _categorization(facts: "CycleFacts") -> list[str]:
    if not facts.categorization.types:
        return ["at least one information type the system processes"]
    return []


def _approved(task: str) -> Callable[["CycleFacts"], list[str]]:
    """A sign-off task: done while it is signed and what it approved still holds. An approval
    whose basis changed afterwards (the categorization after an inventory change, a plan whose
    prerequisites reopened) is open again and must be given anew."""

    def check(facts: "CycleFacts") -> list[str]:
        if task not in facts.signoffs:
            return [TASKS_BY_CODE[task].signoff_missing]
        if task == "C-3" and facts.categorization.changed_since_approval:
            return ["a new approval: the categorization changed after it was approved"]
        reopened = [
            code
            for code in TASKS_BY_CODE[task].signoff_requires
            if TASKS_BY_CODE[code].check is not None and TASKS_BY_CODE[code].check(facts)
        ]
        if reopened:
            return [f"a new approval: {', '.join(reopened)} changed after it was approved"]
        return []

    return check


def _control_selection(facts: "CycleFacts") -> list[str]:
    if not facts.selection.baselines:
        return ["a control baseline selected"]
    wanted = facts.matching_baselines
    if sorted(facts.selection.baselines) != sorted(wanted):
        return [
            f"the control set re-selected for {' + '.join(wanted)}: it was selected from "
            f"{' + '.join(facts.selection.baselines)} and the categorization or the system's "
            "handling of PII has changed since"
        ]
    return []


def _tailoring(facts: "CycleFacts") -> list[str]:
    if not facts.selection.baselines:
        return ["a control baseline selected"]
    return (
        [f"a rationale for {facts.selection.without_rationale} tailoring decision(s)"]
        if facts.selection.without_rationale
        else []
    )


def _allocation(facts: "CycleFacts") -> list[str]:
    if not facts.selection.baselines:
        return ["a control baseline selected"]
    if facts.selection.without_provider:
        return [
            f"a providing system in service for {facts.selection.without_provider} common or "
            "hybrid control(s)"
        ]
    return []


def _planned_implementation(facts: "CycleFacts") -> list[str]:
    if not facts.selection.baselines:
        return ["a control baseline selected"]
    if facts.selection.parameters_without_value:
        count = facts.selection.parameters_without_value
        return [f"values for {count} organization-defined parameter(s)"]
    return []


def _monitoring_strategy(facts: "CycleFacts") -> list[str]:
    if not facts.selection.baselines:
        return ["a control baseline selected"]
    if facts.selection.without_frequency:
        return [f"a monitoring frequency for {facts.selection.without_frequency} control(s)"]
    return []


def _implementation_status(facts: "CycleFacts") -> list[str]:
    if not facts.selection.baselines:
        return ["a control baseline selected"]
    missing = []
    if facts.selection.without_status:
        missing.append(f"an implementation status for {facts.selection.without_status} control(s)")
    if facts.selection.planned:
        missing.append(
            f"{facts.selection.planned} control(s) still planned: implemented, partially "
            "implemented, an alternative implementation or not applicable"
        )
    return missing


def _implementation_narratives(facts: "CycleFacts") -> list[str]:
    if not facts.selection.baselines:
        return ["a control baseline selected"]
    if facts.selection.without_status:
        # Which controls need narratives follows from their status: I-1 first.
        return [
            f"an implementation status for {facts.selection.without_status} control(s) first "
            "(I-1), then a narrative for each part of those in place"
        ]
    if facts.selection.without_narrative:
        return [
            f"implementation narratives for {facts.selection.parts_without_narrative} statement "
            f"part(s) of {facts.selection.without_narrative} control(s)"
        ]
    return []


def _assessor_selection(facts: "CycleFacts") -> list[str]:
    assessment = facts.assessment
    if not assessment.assessors:
        return ["an assessor assigned by the authorizing official"]
    return [
        f"an independent assessor: {problem}; unassign them and assign someone else"
        for problem in assessment.sod_problems
    ]


def _assessment_plan(facts: "CycleFacts") -> list[str]:
    assessment = facts.assessment
    if not assessment.plan_exists:
        return ["an assessment plan drafted by the assigned assessor"]
    missing = [f"{what} in the assessment plan" for what in assessment.plan_missing]
    if not assessment.plan_approved:
        missing.append("the authorizing official's approval of the assessment plan")
    return missing


def _control_assessments(facts: "CycleFacts") -> list[str]:
    assessment = facts.assessment
    if not assessment.plan_approved:
        return ["an approved assessment plan first (A-2)"]
    if not assessment.objectives_in_scope:
        return ["controls in scope with assessment objectives"]
    if assessment.undetermined:
        return [
            f"determinations for {assessment.undetermined} of "
            f"{assessment.objectives_in_scope} assessment objective(s) in scope"
        ]
    return []


def _assessment_report(facts: "CycleFacts") -> list[str]:
    if _control_assessments(facts):
        return ["every assessment objective in scope determined first (A-3)"]
    if facts.assessment.findings_incomplete:
        return [
            "a weakness, likelihood, impact and recommendation for "
            f"{facts.assessment.findings_incomplete} finding(s)"
        ]
    return []


def _remediation_actions(facts: "CycleFacts") -> list[str]:
    if _assessment_report(facts):
        return ["a complete assessment report first (A-4)"]
    if facts.assessment.awaiting_reassessment:
        return [
            f"the assessor's re-assessment of {facts.assessment.awaiting_reassessment} "
            "finding(s) whose remediation was recorded"
        ]
    return []


def _plan_of_action(facts: "CycleFacts") -> list[str]:
    if _assessment_report(facts):
        return ["a complete assessment report first (A-4)"]
    missing = []
    if facts.assessment.open_findings_without_poam:
        missing.append(
            f"a POA&M item for {facts.assessment.open_findings_without_poam} finding(s) not closed"
        )
    if facts.assessment.poam_items_incomplete:
        missing.append(
            "a point of contact, a scheduled completion date and at least one milestone for "
            f"{facts.assessment.poam_items_incomplete} POA&M item(s)"
        )
    return missing


def _risk_determination(facts: "CycleFacts") -> list[str]:
    if facts.authorize.risk_determination is None:
        return ["the authorizing official's determination of the risk (R-2)"]
    return []


def _risk_response(facts: "CycleFacts") -> list[str]:
    if facts.authorize.findings_without_response:
        return [
            "a risk response (accept, mitigate, avoid, share or transfer) for "
            f"{facts.authorize.findings_without_response} finding(s) not closed"
        ]
    return []


def _decision(facts: "CycleFacts") -> list[str]:
    if facts.authorize.decision is None:
        return ["the decision signed by the system's authorizing official"]
    return []


def _decision_reported(facts: "CycleFacts") -> list[str]:
    if facts.authorize.decision is None:
        return [
            "a signed decision: it is then reported on the system page, in the portfolio and "
            "in the organization's list of authorizations"
        ]
    return []


def _changes_analysed(facts: "CycleFacts") -> list[str]:
    if facts.monitor.changes_without_analysis:
        return [
            "a security impact analysis for "
            f"{facts.monitor.changes_without_analysis} change record(s)"
        ]
    return []


def _ongoing_assessments(facts: "CycleFacts") -> list[str]:
    if facts.monitor.controls_overdue:
        return [
            f"ongoing assessments of {facts.monitor.controls_overdue} control(s) past their "
            "monitoring frequency"
        ]
    return []


def _ongoing_risk_response(facts: "CycleFacts") -> list[str]:
    missing = _risk_response(facts)
    if facts.monitor.poam_overdue:
        missing.append(
            f"progress on {facts.monitor.poam_overdue} overdue POA&M item(s): complete them, "
            "reschedule them or have the risk accepted"
        )
    return missing


def _package_updates(facts: "CycleFacts") -> list[str]:
    decision = facts.authorize.decision
    if decision is None:
        return ["a signed authorization decision first (R-4)"]
    if facts.package_changes:
        from rmf.selectors.package import SECTIONS

        changed = ", ".join(SECTIONS[key] for key in facts.package_changes)
        return [
            f"the authorizing official's review of the package: {changed} changed since the "
            f"decision of {decision.decision_date:%Y-%m-%d}"
        ]
    return []


def _status_reporting(facts: "CycleFacts") -> list[str]:
    if facts.authorize.decision is None:
        return ["a signed authorization decision first (R-4)"]
    if facts.assessment.findings_incomplete or facts.assessment.poam_items_incomplete:
        return [
            "complete findings and POA&M items for the status report: a risk level for every "
            "finding, a point of contact, completion date and milestone for every item"
        ]
    return []


def _ongoing_authorization(facts: "CycleFacts") -> list[str]:
    decision = facts.authorize.decision
    if decision is None:
        return ["a signed authorization decision first (R-4)"]
    if decision.termination_date is None:
        return []
    days_left = (decision.termination_date - facts.today).days
    if days_left < 0:
        return [
            f"a new authorization: this one expired on {decision.termination_date:%Y-%m-%d}; "
            "start a new cycle"
        ]
    if days_left <= 90:
        return [
            f"the re-authorization planned: this authorization ends on "
            f"{decision.termination_date:%Y-%m-%d}, in {days_left} day(s)"
        ]
    return []


def _disposal(facts: "CycleFacts") -> list[str]:
    if facts.system.status == System.Status.DISPOSED and not facts.system.retirement_date:
        return ["the date the system was retired"]
    return []


def _in_service(facts: "CycleFacts") -> str:
    if facts.system.status == System.Status.DISPOSED:
        return ""
    return "The system is in service: its disposal is recorded when it is retired."


AO = "Authorizing official"
TASKS: tuple[TaskSpec, ...] = (
    TaskSpec(
        "C-1", Step.CATEGORIZE, "System description", "System owner", check=_system_description
    ),
    TaskSpec(
        "C-2",
        Step.CATEGORIZE,
        "Security categorization",
        "System owner, ISSO",
        check=_categorization,
    ),
    TaskSpec(
        "C-3",
        Step.CATEGORIZE,
        "Security categorization review and approval",
        AO,
        check=_approved("C-3"),
        signoff_perm=AUTHORIZE,
        signoff_requires=("C-2",),
    ),
    TaskSpec("S-1", Step.SELECT, "Control selection", "System owner", check=_control_selection),
    TaskSpec("S-2", Step.SELECT, "Control tailoring", "ISSO", check=_tailoring),
    TaskSpec("S-3", Step.SELECT, "Control allocation", "ISSO", check=_allocation),
    TaskSpec(
        "S-4",
        Step.SELECT,
        "Documentation of planned control implementations",
        "System owner",
        check=_planned_implementation,
    ),
    TaskSpec(
        "S-5",
        Step.SELECT,
        "Continuous monitoring strategy: system",
        "ISSO",
        check=_monitoring_strategy,
    ),
    TaskSpec(
        "S-6",
        Step.SELECT,
        "Plan review and approval",
        AO,
        check=_approved("S-6"),
        signoff_perm=AUTHORIZE,
        signoff_requires=("C-3", "S-1", "S-2", "S-3", "S-4", "S-5"),
    ),
    TaskSpec(
        "I-1",
        Step.IMPLEMENT,
        "Control implementation",
        "System owner",
        check=_implementation_status,
    ),
    TaskSpec(
        "I-2",
        Step.IMPLEMENT,
        "Update control implementation information",
        "System owner",
        check=_implementation_narratives,
    ),
    TaskSpec(
        "A-1",
        Step.ASSESS,
        "Assessor selection",
        "Authorizing official",
        check=_assessor_selection,
    ),
    TaskSpec(
        "A-2",
        Step.ASSESS,
        "Assessment plan",
        "Assessor",
        check=_assessment_plan,
    ),
    TaskSpec(
        "A-3",
        Step.ASSESS,
        "Control assessments",
        "Assessor",
        check=_control_assessments,
    ),
    TaskSpec(
        "A-4",
        Step.ASSESS,
        "Assessment reports",
        "Assessor",
        check=_assessment_report,
    ),
    TaskSpec(
        "A-5",
        Step.ASSESS,
        "Remediation actions",
        "System owner",
        check=_remediation_actions,
    ),
    TaskSpec(
        "A-6",
        Step.ASSESS,
        "Plan of action and milestones",
        "System owner",
        check=_plan_of_action,
    ),
    TaskSpec(
        "R-1",
        Step.AUTHORIZE,
        "Authorization package",
        "System owner",
        check=_approved("R-1"),
        signoff_perm=EDIT_RMF,
        signoff_requires=(
            "C-1",
            "C-2",
            "C-3",
            "S-1",
            "S-2",
            "S-3",
            "S-4",
            "S-5",
            "S-6",
            "I-1",
            "I-2",
            "A-1",
            "A-2",
            "A-3",
            "A-4",
            "A-5",
            "A-6",
        ),
        signoff_missing="the system owner's submission of the package to the authorizing official",
    ),
    TaskSpec(
        "R-2",
        Step.AUTHORIZE,
        "Risk analysis and determination",
        AO,
        check=_risk_determination,
    ),
    TaskSpec(
        "R-3",
        Step.AUTHORIZE,
        "Risk response",
        AO,
        check=_risk_response,
    ),
    TaskSpec(
        "R-4",
        Step.AUTHORIZE,
        "Authorization decision",
        AO,
        check=_decision,
    ),
    TaskSpec(
        "R-5",
        Step.AUTHORIZE,
        "Authorization reporting",
        AO,
        check=_decision_reported,
    ),
    TaskSpec(
        "M-1",
        Step.MONITOR,
        "System and environment changes",
        "System owner",
        required=False,
        check=_changes_analysed,
    ),
    TaskSpec(
        "M-2",
        Step.MONITOR,
        "Ongoing assessments",
        "Assessor",
        required=False,
        check=_ongoing_assessments,
    ),
    TaskSpec(
        "M-3",
        Step.MONITOR,
        "Ongoing risk response",
        "System owner",
        required=False,
        check=_ongoing_risk_response,
    ),
    TaskSpec(
        "M-4",
        Step.MONITOR,
        "Authorization package updates",
        "System owner",
        required=False,
        check=_package_updates,
    ),
    TaskSpec(
        "M-5",
        Step.MONITOR,
        "Security and privacy reporting",
        "System owner",
        required=False,
        check=_status_reporting,
    ),
    TaskSpec(
        "M-6",
        Step.MONITOR,
        "Ongoing authorization",
        AO,
        required=False,
        check=_ongoing_authorization,
    ),
    TaskSpec(
        "M-7",
        Step.MONITOR,
        "System disposal",
        "System owner",
        required=False,
        check=_disposal,
        idle=_in_service,
    ),
)
TASKS_BY_CODE = {task.code: task for task in TASKS}


def signoff_permission(task) -> str:
    """The permission a sign-off of `task` needs (AUTHORIZE for an unknown task or one settled
    by the data: the strictest; the service refuses those anyway)."""
    spec = TASKS_BY_CODE.get(str(task or ""))
    return spec.signoff_perm if spec is not None and spec.signoff_perm else AUTHORIZE
