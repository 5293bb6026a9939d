"""The authorization package (R-1) as its page and the API show it: the parts with their
completeness, the SSP, the SAR and the POA&M, and an executive summary written from the data."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count

from assets.models import Component, Interconnection, System
from rmf.models import (
    Assessment,
    Authorization,
    AuthorizationDecision,
    Control,
    Determination,
    DeterminationResult,
    Finding,
    PoamItem,
    RiskDetermination,
    SelectedControl,
)
from rmf.selectors.authorize_pages.common import (
    AUTHORIZE_TASKS,
    NOT_CLOSED,
    PACKAGE_PARTS,
    RISK_LABELS,
    STATUS_LABELS,
    findings_query,
    plural,
    poam_items,
    risk_counts,
)
from rmf.selectors.package import SECTIONS, package_changes_bulk
from rmf.selectors.workflow import (
    ACTIVE,
    CategorizationResult,
    CycleFacts,
    TaskState,
    cycle_facts,
    task_states,
)

# --- the package (R-1) ----------------------------------------------------------------------


@dataclass
class PackagePart:
    key: str
    title: str
    tasks: list[TaskState]

    @property
    def complete(self) -> bool:
        return all(task.done for task in self.tasks if task.spec.required)

    @property
    def missing(self) -> list[str]:
        return [
            f"{task.code} {task.spec.title}: {item}"
            for task in self.tasks
            if not task.done
            for item in task.missing
        ]


def package_parts(facts: CycleFacts) -> tuple[list[PackagePart], list[TaskState]]:
    """The package's parts with the state of the tasks that complete them, and the tasks of
    the Authorize step (R-1 to R-5)."""
    states = {state.code: state for state in task_states(facts)}
    parts = [
        PackagePart(key, title, [states[code] for code in codes])
        for key, title, codes in PACKAGE_PARTS
    ]
    return parts, [states[code] for code in AUTHORIZE_TASKS]


@dataclass
class ControlRow:
    selected: SelectedControl
    status: str
    satisfied: int = 0
    other_than_satisfied: int = 0
    not_applicable: int = 0

    @property
    def control(self) -> Control:
        return self.selected.control

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, "No status yet")


@dataclass
class FamilyRow:
    label: str
    controls: int = 0
    by_status: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUS_LABELS, 0))
    without_status: int = 0
    other_than_satisfied: int = 0  # controls with an objective other than satisfied

    @property
    def status_cells(self) -> list[int]:
        return [self.by_status[status] for status in STATUS_LABELS]


@dataclass
class ResultCounts:
    objectives_in_scope: int = 0
    satisfied: int = 0
    other_than_satisfied: int = 0
    not_applicable: int = 0

    @property
    def determined(self) -> int:
        return self.satisfied + self.other_than_satisfied + self.not_applicable


@dataclass
class ExecutiveSummary:
    """The package in plain words, from the data: the page shows `sentences`, the API the
    numbers too."""

    system: System
    categorization: CategorizationResult
    baselines: list[str]
    controls: int
    by_status: dict[str, int]
    without_status: int
    assessed: bool
    results: ResultCounts
    findings_not_closed: int
    findings_by_risk: list[tuple[str, str, int]]
    poam_items: int
    poam_by_status: list[tuple[str, str, int]]
    risk_determination: RiskDetermination | None
    decision: AuthorizationDecision | None

    @property
    def sentences(self) -> list[str]:
        system = self.system
        levels = self.categorization.levels
        words = [
            f"{system.name} ({system.acronym}) is a system of {system.organization.name}. "
            f"Kind: {system.get_kind_display()}, {system.get_system_type_display().lower()}.",
            f"Its security categorization is {self.categorization.overall.title()} "
            f"(confidentiality {levels['confidentiality'].title()}, integrity "
            f"{levels['integrity'].title()}, availability {levels['availability'].title()})"
            + (
                ", approved by the authorizing official."
                if self.categorization.approved
                else ", not approved yet."
            ),
        ]
        if self.controls:
            statuses = [
                f"{count} {STATUS_LABELS[status].lower()}"
                for status, count in self.by_status.items()
                if count
            ]
            if self.without_status:
                statuses.append(f"{self.without_status} without a status yet")
            words.append(
                f"{plural(self.controls, 'control')} protect it"
                + (f" (from the {' + '.join(self.baselines)} baseline)" if self.baselines else "")
                + f": {', '.join(statuses)}."
            )
        else:
            words.append("No control set has been selected yet.")
        results = self.results
        if self.assessed and results.determined:
            words.append(
                f"The assessment determined {results.determined} of "
                f"{plural(results.objectives_in_scope, 'objective')}: {results.satisfied} "
                f"satisfied, {results.other_than_satisfied} other than satisfied, "
                f"{results.not_applicable} not applicable."
            )
        elif self.assessed:
            words.append("The assessment has started; no objective is determined yet.")
        else:
            words.append("No assessment has been recorded yet.")
        if self.findings_not_closed:
            detail = ", ".join(
                f"{count} {label.lower()}" for _, label, count in self.findings_by_risk
            )
            words.append(
                f"{plural(self.findings_not_closed, 'finding is', 'findings are')} not closed "
                f"({detail} risk)."
            )
        elif self.assessed:
            words.append("No finding is open.")
        if self.poam_items:
            detail = ", ".join(
                f"{count} {label.lower()}" for _, label, count in self.poam_by_status
            )
            words.append(f"The POA&M holds {plural(self.poam_items, 'item')} ({detail}).")
        else:
            words.append("The POA&M holds no item.")
        determination = self.risk_determination
        if determination is not None:
            words.append(
                "The authorizing official determined the risk of operating the system as "
                f"{RISK_LABELS[determination.risk_level].lower()} on "
                f"{determination.determined_at:%Y-%m-%d}."
            )
        else:
            words.append("The authorizing official has not recorded the risk determination yet.")
        decision = self.decision
        if decision is not None:
            until = (
                f", until {decision.termination_date:%Y-%m-%d}" if decision.termination_date else ""
            )
            words.append(
                f"Decision: {decision.get_kind_display().lower()}, signed by "
                f"{decision.signer_name} on {decision.decision_date:%Y-%m-%d}{until}."
            )
        return words


@dataclass
class PackagePage:
    authorization: Authorization
    system: System
    facts: CycleFacts
    parts: list[PackagePart]
    authorize_tasks: list[TaskState]
    summary: ExecutiveSummary
    components: list[Component]
    interconnections: list[Interconnection]
    families: list[FamilyRow]
    controls: list[ControlRow]
    assessment: Assessment | None
    findings: list[Finding]  # of the initial assessment: the SAR's
    poam: list[PoamItem]
    # After signing: the package sections changed since (keys of SECTIONS).
    changed_sections: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return all(part.complete for part in self.parts)

    @property
    def submission(self) -> TaskState:
        return self.authorize_tasks[0]

    @property
    def decision(self) -> AuthorizationDecision | None:
        return self.facts.authorize.decision

    @property
    def changed_labels(self) -> list[str]:
        return [SECTIONS[key] for key in self.changed_sections]


def _controls(authorization: Authorization, assessment: Assessment | None):
    """The active controls in catalog order with their status and, when assessed, their
    objectives' results; and the same counted per family. Two queries."""
    results: dict[int, Counter] = defaultdict(Counter)
    if assessment is not None:
        for selected_id, result, n in (
            Determination.objects.filter(assessment=assessment)
            .values("selected_control", "result")
            .annotate(n=Count("pk"))
            .values_list("selected_control", "result", "n")
            .order_by()
        ):
            results[selected_id][result] = n
    rows, families = [], {}
    for selected in (
        SelectedControl.objects.filter(authorization=authorization, tailoring__in=ACTIVE)
        .select_related("control__family", "implementation", "provider")
        .order_by("control__sort_key")
    ):
        implementation = getattr(selected, "implementation", None)
        status = implementation.status if implementation is not None else ""
        counted = results[selected.pk]
        row = ControlRow(
            selected,
            status,
            satisfied=counted[DeterminationResult.SATISFIED],
            other_than_satisfied=counted[DeterminationResult.OTHER_THAN_SATISFIED],
            not_applicable=counted[DeterminationResult.NOT_APPLICABLE],
        )
        rows.append(row)
        family = selected.control.family
        family_row = families.setdefault(family.pk, FamilyRow(f"{family.label} {family.title}"))
        family_row.controls += 1
        if status:
            family_row.by_status[status] += 1
        else:
            family_row.without_status += 1
        family_row.other_than_satisfied += bool(row.other_than_satisfied)
    return rows, list(families.values())


def _poam_by_status(items: list[PoamItem]) -> list[tuple[str, str, int]]:
    counts = Counter(item.status for item in items)
    return [
        (status, label, counts[status])
        for status, label in PoamItem.Status.choices
        if counts[status]
    ]


def package_page(authorization: Authorization) -> PackagePage:
    """Everything the package page and the package API show, in a fixed number of queries.
    `authorization` comes from `authorization_get_for_user`."""
    facts = cycle_facts(authorization)
    system = authorization.system
    parts, authorize_tasks = package_parts(facts)
    assessment = facts.assessment.assessment
    controls, families = _controls(authorization, assessment)
    findings = (
        list(findings_query().filter(assessment=assessment)) if assessment is not None else []
    )
    poam = poam_items(authorization)
    not_closed = [finding for finding in findings if finding.status in NOT_CLOSED]
    by_status = dict.fromkeys(STATUS_LABELS, 0)
    without_status = 0
    for row in controls:
        if row.status:
            by_status[row.status] += 1
        else:
            without_status += 1
    results = ResultCounts(objectives_in_scope=facts.assessment.objectives_in_scope)
    for row in controls:
        results.satisfied += row.satisfied
        results.other_than_satisfied += row.other_than_satisfied
        results.not_applicable += row.not_applicable
    summary = ExecutiveSummary(
        system=system,
        categorization=facts.categorization,
        baselines=facts.selection.baselines,
        controls=len(controls),
        by_status=by_status,
        without_status=without_status,
        assessed=assessment is not None,
        results=results,
        findings_not_closed=len(not_closed),
        findings_by_risk=risk_counts(not_closed),
        poam_items=len(poam),
        poam_by_status=_poam_by_status(poam),
        risk_determination=facts.authorize.risk_determination,
        decision=facts.authorize.decision,
    )
    decision = facts.authorize.decision
    changed = []
    if decision is not None:
        decision.authorization = authorization
        changed = package_changes_bulk([decision])[authorization.pk]
    return PackagePage(
        authorization=authorization,
        system=system,
        facts=facts,
        parts=parts,
        authorize_tasks=authorize_tasks,
        summary=summary,
        components=list(Component.objects.filter(system=system).order_by("name", "pk")),
        interconnections=list(
            Interconnection.objects.filter(system=system)
            .select_related("remote_system")
            .order_by("pk")
        ),
        families=families,
        controls=controls,
        assessment=assessment,
        findings=findings,
        poam=poam,
        changed_sections=changed,
    )
