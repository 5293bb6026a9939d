"""Reads of RMF cycles: access, the computed categorization, task states, gates.

Everything a page needs for many cycles is loaded in bulk (`cycle_facts_bulk`): a fixed number
of queries whatever the number of systems, information types or controls.
"""

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from assets.models import (
    Component,
    Organization,
    System,
    SystemInformationType,
)
from assets.roles import VIEW
from assets.selectors import system_list_for_user, user_can
from rmf.impact import OBJECTIVES, high_water_mark, sc_notation
from rmf.models import (
    STEP_ORDER,
    Assessment,
    AssessorAssignment,
    Authorization,
    Categorization,
    ControlPart,
    Designation,
    ImpactAdjustment,
    ImplementationNarrative,
    ImplementationStatus,
    OrganizationParameterDefault,
    ParameterValue,
    SelectedControl,
    TaskSignoff,
)
from rmf.selectors.assessment_facts import AssessmentSummary, assessment_summaries_bulk
from rmf.selectors.authorize_facts import AuthorizeSummary, authorize_summaries_bulk
from rmf.selectors.monitor_facts import MonitorSummary, monitor_summaries_bulk
from rmf.selectors.package import package_changes_bulk
from rmf.tasks import TASKS, TASKS_BY_CODE, TaskSpec
from workbench.access import get_or_404

ACTIVE = (SelectedControl.Tailoring.BASELINE, SelectedControl.Tailoring.ADDED)
# Statuses that describe something in place, and so need a narrative for each statement part.
NARRATED_STATUSES = (
    ImplementationStatus.IMPLEMENTED,
    ImplementationStatus.PARTIAL,
    ImplementationStatus.ALTERNATIVE,
)
# Designations whose system writes its own narrative (a common control's is the provider's).
OWN_NARRATIVE = (Designation.SYSTEM_SPECIFIC, Designation.HYBRID)
STATEMENT_PART_NAMES = (ControlPart.Name.STATEMENT, ControlPart.Name.ITEM)


def authorization_list_for_user(user, *, perm: str = VIEW) -> QuerySet[Authorization]:
    return Authorization.objects.filter(system__in=system_list_for_user(user, perm=perm))


def authorization_get_for_user(user, pk, *, perm: str = VIEW) -> Authorization:
    """The access function for RMF cycles (and everything inside them): through the system."""
    return get_or_404(
        authorization_list_for_user(user, perm=perm).select_related(
            "system__organization", "system__authorizing_official", "system__system_owner"
        ),
        pk=pk,
    )


def selected_control_get_for_user(user, pk, *, perm: str = VIEW) -> SelectedControl:
    return get_or_404(
        SelectedControl.objects.filter(
            authorization__in=authorization_list_for_user(user, perm=perm)
        ).select_related("authorization__system__organization", "control", "provider"),
        pk=pk,
    )


def can_sign_off(user, authorization: Authorization, task: str) -> bool:
    """Whether `user` may give (or withdraw) the sign-off of `task` on this cycle: the task
    takes one and the user holds its permission (AUTHORIZE for C-3 and S-6) on the system."""
    spec = TASKS_BY_CODE.get(task)
    if spec is None or spec.signoff_perm is None:
        return False
    return user_can(user, spec.signoff_perm, authorization.system)


def government_of(organization: Organization) -> Organization:
    """The government an organization belongs to: itself for a state, city or county, the
    nearest such ancestor for an agency (a city's agencies belong to the city, not the state)."""
    if organization.kind != Organization.Kind.AGENCY:
        return organization
    chain = Organization.objects.in_bulk(
        [int(part) for part in organization.path.strip("/").split("/")]
    )
    for pk in reversed(organization.ancestor_ids):
        if chain[pk].kind != Organization.Kind.AGENCY:
            return chain[pk]
    return organization  # an agency without a government above it: itself


def provider_choices(authorization: Authorization) -> QuerySet[System]:
    """The systems that may provide common or hybrid controls to this cycle's system: of the
    same government (its own organizations and agencies, not another city's nor the state's),
    not the system itself, not disposed."""
    government = government_of(authorization.system.organization)
    nested = Organization.objects.filter(path__startswith=government.path).exclude(
        Q(pk=government.pk) | Q(kind=Organization.Kind.AGENCY)
    )
    other_governments = Q()
    for path in nested.values_list("path", flat=True):
        other_governments |= Q(organization__path__startswith=path)
    return (
        System.objects.filter(organization__path__startswith=government.path)
        .exclude(other_governments)
        .exclude(pk=authorization.system_id)
        .exclude(status=System.Status.DISPOSED)
        .select_related("organization")
        .order_by("organization__path", "acronym", "pk")
    )


# --- categorization -------------------------------------------------------------------------


@dataclass
class TypeImpact:
    link: SystemInformationType
    provisional: dict[str, str]
    effective: dict[str, str]
    adjustments: dict[str, ImpactAdjustment]
    notes: dict[str, str]

    @property
    def identifier(self) -> str:
        """ "C.2.8.12" for an SP 800-60 type, the organization's own identifier ("ORG.1")
        otherwise."""
        if self.link.catalog_type_id is not None:
            return self.link.catalog_type_id
        return self.link.organization_type.identifier

    @property
    def title(self) -> str:
        return f"{self.identifier} {self.link.information_type.title}"


@dataclass
class CategorizationResult:
    types: list[TypeImpact]
    levels: dict[str, str]  # per objective, at least LOW
    overall: str
    approved: bool
    approved_snapshot: dict
    changed_since_approval: bool

    @property
    def notation(self) -> str:
        return sc_notation("system", *(self.levels[objective] for objective in OBJECTIVES))

    def snapshot(self) -> dict:
        """What an approval approves, as JSON: the levels per objective and overall, and each
        information type (by its source and identifier, so that a reworded title is no
        change) with its effective levels."""
        return {
            **self.levels,
            "overall": self.overall,
            "information_types": sorted(
                (
                    {
                        "type": ("sp800-60:" if item.link.catalog_type_id else "organization:")
                        + item.identifier,
                        **{objective: item.effective[objective] for objective in OBJECTIVES},
                    }
                    for item in self.types
                ),
                key=lambda row: row["type"],
            ),
        }


def _comparable(snapshot: dict) -> str:
    """A snapshot as it reads back from a JSON column: key order and tuples do not matter."""
    return json.dumps(snapshot, sort_keys=True, default=str)


def _provisional(link: SystemInformationType) -> tuple[dict[str, str], dict[str, str]]:
    source = link.information_type
    levels = {objective: getattr(source, objective) for objective in OBJECTIVES}
    notes = {objective: getattr(source, f"{objective}_note", "") for objective in OBJECTIVES}
    return levels, notes


def _categorize(
    links: list[SystemInformationType],
    adjustments: list[ImpactAdjustment],
    categorization: Categorization | None,
) -> CategorizationResult:
    by_link: dict[int, dict[str, ImpactAdjustment]] = defaultdict(dict)
    for adjustment in adjustments:
        by_link[adjustment.system_information_type_id][adjustment.objective] = adjustment
    types = []
    for link in links:
        provisional, notes = _provisional(link)
        adjusted = by_link.get(link.pk, {})
        effective = {
            objective: adjusted[objective].level
            if objective in adjusted
            else provisional[objective]
            for objective in OBJECTIVES
        }
        types.append(TypeImpact(link, provisional, effective, adjusted, notes))
    levels = {
        objective: high_water_mark((item.effective[objective] for item in types), floor="LOW")
        for objective in OBJECTIVES
    }
    approved = bool(categorization and categorization.approved_at)
    result = CategorizationResult(
        types=types,
        levels=levels,
        overall=high_water_mark(levels.values(), floor="LOW"),
        approved=approved,
        approved_snapshot=categorization.approved_snapshot if categorization else {},
        changed_since_approval=False,
    )
    result.changed_since_approval = approved and _comparable(result.snapshot()) != _comparable(
        result.approved_snapshot
    )
    return result


def categorization_compute(authorization: Authorization) -> CategorizationResult:
    return cycle_facts(authorization).categorization


# --- facts for task states ------------------------------------------------------------------


@dataclass
class SelectionSummary:
    """Counts of a cycle's control set. `in_baseline` is what the chosen baselines hold,
    `active` the tailored set (baseline minus removed plus added)."""

    baselines: list[str] = field(default_factory=list)
    in_baseline: int = 0
    active: int = 0
    removed: int = 0
    added: int = 0
    without_rationale: int = 0
    without_provider: int = 0
    without_frequency: int = 0
    parameters: int = 0
    parameters_without_value: int = 0
    # Implement (I-1, I-2): active controls without a status, still planned, and the controls
    # and statement parts still without a narrative where one is needed.
    without_status: int = 0
    planned: int = 0
    without_narrative: int = 0
    parts_without_narrative: int = 0


@dataclass
class CycleFacts:
    authorization: Authorization
    system: System
    component_count: int
    categorization: CategorizationResult
    selection: SelectionSummary
    signoffs: dict[str, TaskSignoff]
    # The cycle's initial assessment.
    assessment: AssessmentSummary = field(default_factory=AssessmentSummary)
    # Authorize and Monitor (M-1 to M-7).
    authorize: AuthorizeSummary = field(default_factory=AuthorizeSummary)
    monitor: MonitorSummary = field(default_factory=MonitorSummary)
    # For a cycle in Monitor with a decision: the package sections changed since signing.
    package_changes: list[str] = field(default_factory=list)
    today: date = field(default_factory=timezone.localdate)

    @property
    def matching_baselines(self) -> list[str]:
        """The SP 800-53B baselines the categorization calls for: its overall level, plus
        PRIVACY when the system processes personally identifiable information."""
        baselines = [self.categorization.overall]
        if self.system.processes_pii:
            baselines.append("PRIVACY")
        return baselines

    @property
    def is_open(self) -> bool:
        """Whether the cycle takes changes: the system's current cycle, system not disposed."""
        return self.authorization.is_current and self.system.status != System.Status.DISPOSED


def _parameter_counts(authorizations: list[Authorization]) -> dict[int, tuple[int, int]]:
    """Per cycle: (parameters of its active controls, those with neither a system value nor an
    organization default up the tree), in three queries. Aggregating "prm" parameters are
    filled through their parts and are not counted; parameters of removed controls neither.
    The database counts and drops the parameters the system gave values; only those left are
    read, to be checked against the organizations' defaults."""
    ids = [authorization.pk for authorization in authorizations]
    # One filter() call: the conditions apply to the same selected control and parameter, and
    # the annotation and the count below reuse that join.
    parameters = SelectedControl.objects.filter(
        authorization__in=ids, tailoring__in=ACTIVE, control__parameters__aggregates=[]
    )
    totals = dict(
        parameters.values("authorization")
        .annotate(n=Count("control__parameters"))
        .values_list("authorization", "n")
    )
    unvalued = (
        parameters.annotate(parameter=F("control__parameters"))
        .exclude(
            Exists(
                ParameterValue.objects.filter(
                    selected_control=OuterRef("pk"), parameter=OuterRef("parameter")
                )
            )
        )
        .values_list("authorization", "parameter")
        .order_by()
    )
    chains = {
        authorization.pk: tuple(
            int(part) for part in authorization.system.organization.path.strip("/").split("/")
        )
        for authorization in authorizations
    }
    by_organization: dict[int, set[str]] = defaultdict(set)
    for organization_id, parameter_id in OrganizationParameterDefault.objects.filter(
        organization__in={pk for chain in chains.values() for pk in chain}
    ).values_list("organization", "parameter"):
        by_organization[organization_id].add(parameter_id)
    # The parameters with a default somewhere up each organization chain.
    covered: dict[tuple[int, ...], set[str]] = {
        chain: set().union(*(by_organization[pk] for pk in chain)) for chain in set(chains.values())
    }
    missing: dict[int, int] = defaultdict(int)
    for authorization_id, parameter_id in unvalued:
        if parameter_id not in covered[chains[authorization_id]]:
            missing[authorization_id] += 1
    return {pk: (totals.get(pk, 0), missing[pk]) for pk in ids}


def _narrative_gaps(ids: list[int]) -> dict[int, dict[str, int]]:
    """Per cycle, in one query: the active system-specific or hybrid controls whose status says
    something is in place (implemented, partial, alternative) and that lack a narrative for a
    required statement part (a leaf of the statement tree), and how many such parts."""
    leaf_item_children = ControlPart.objects.filter(
        parent=OuterRef("part"), name=ControlPart.Name.ITEM
    )
    narrated = ImplementationNarrative.objects.filter(
        implementation__selected_control=OuterRef("pk"), part=OuterRef("part")
    ).exclude(text="")
    rows = (
        SelectedControl.objects.filter(
            authorization__in=ids,
            tailoring__in=ACTIVE,
            designation__in=OWN_NARRATIVE,
            implementation__status__in=NARRATED_STATUSES,
            control__parts__name__in=STATEMENT_PART_NAMES,
        )
        .annotate(part=F("control__parts"))
        .exclude(Exists(leaf_item_children))
        .exclude(Exists(narrated))
        .values("authorization")
        .annotate(controls=Count("pk", distinct=True), parts=Count("part"))
        .values_list("authorization", "controls", "parts")
        .order_by()
    )
    return {
        authorization_id: {"controls": controls, "parts": parts}
        for authorization_id, controls, parts in rows
    }


def categorizations_bulk(authorizations: list[Authorization]) -> dict[int, CategorizationResult]:
    """The computed categorization of each cycle, in three queries."""
    ids = [authorization.pk for authorization in authorizations]
    system_ids = [authorization.system_id for authorization in authorizations]
    links: dict[int, list[SystemInformationType]] = defaultdict(list)
    for link in SystemInformationType.objects.filter(system__in=system_ids).select_related(
        "catalog_type", "organization_type"
    ):
        links[link.system_id].append(link)
    categorizations = {
        c.authorization_id: c for c in Categorization.objects.filter(authorization__in=ids)
    }
    adjustments: dict[int, list[ImpactAdjustment]] = defaultdict(list)
    for adjustment in ImpactAdjustment.objects.filter(categorization__authorization__in=ids):
        categorization_id = adjustment.categorization_id
        adjustments[categorization_id].append(adjustment)
    results = {}
    for authorization in authorizations:
        categorization = categorizations.get(authorization.pk)
        results[authorization.pk] = _categorize(
            links[authorization.system_id],
            adjustments[categorization.pk] if categorization else [],
            categorization,
        )
    return results


def cycle_facts_bulk(authorizations: list[Authorization]) -> dict[int, CycleFacts]:
    """Facts of many cycles in a fixed number of queries. `authorizations` must come with
    `system__organization` selected."""
    if not authorizations:
        return {}
    ids = [authorization.pk for authorization in authorizations]
    system_ids = [authorization.system_id for authorization in authorizations]
    component_counts = dict(
        Component.objects.filter(system__in=system_ids)
        .values("system")
        .annotate(n=Count("pk"))
        .values_list("system", "n")
    )
    categorized = categorizations_bulk(authorizations)
    selections = {
        row["authorization"]: row
        for row in SelectedControl.objects.filter(authorization__in=ids)
        .values("authorization")
        .annotate(
            in_baseline=Count("pk", filter=Q(in_baseline=True)),
            active=Count("pk", filter=Q(tailoring__in=ACTIVE)),
            removed=Count("pk", filter=~Q(tailoring__in=ACTIVE)),
            added=Count("pk", filter=Q(tailoring=SelectedControl.Tailoring.ADDED)),
            without_rationale=Count(
                "pk",
                filter=~Q(tailoring=SelectedControl.Tailoring.BASELINE) & Q(tailoring_rationale=""),
            ),
            # Common and hybrid controls need a provider, and one still in service (a carried
            # forward allocation may name a system disposed since).
            without_provider=Count(
                "pk",
                filter=Q(tailoring__in=ACTIVE)
                & ~Q(designation=Designation.SYSTEM_SPECIFIC)
                & (Q(provider__isnull=True) | Q(provider__status=System.Status.DISPOSED)),
            ),
            without_frequency=Count("pk", filter=Q(tailoring__in=ACTIVE, monitoring_frequency="")),
            # The implementation record is one-to-one: joining it multiplies no row.
            without_status=Count(
                "pk",
                filter=Q(tailoring__in=ACTIVE)
                & (Q(implementation__isnull=True) | Q(implementation__status="")),
            ),
            planned=Count(
                "pk",
                filter=Q(tailoring__in=ACTIVE, implementation__status=ImplementationStatus.PLANNED),
            ),
        )
    }
    narrative_gaps = _narrative_gaps(ids)
    baselines = {}
    # Cycles with Assess work (assessors or an assessment): the others need no more queries.
    assess_work = set()
    for authorization_id, chosen, assessed, assigned in (
        Authorization.objects.filter(pk__in=ids)
        .annotate(
            assessed=Exists(Assessment.objects.filter(authorization=OuterRef("pk"))),
            assigned=Exists(AssessorAssignment.objects.filter(authorization=OuterRef("pk"))),
        )
        .values_list("pk", "control_selection__baselines", "assessed", "assigned")
    ):
        if chosen is not None:
            baselines[authorization_id] = list(chosen)
        if assessed or assigned:
            assess_work.add(authorization_id)
    parameter_counts = _parameter_counts(authorizations)
    signoffs: dict[int, dict[str, TaskSignoff]] = defaultdict(dict)
    for signoff in TaskSignoff.objects.filter(authorization__in=ids).select_related("signed_by"):
        signoffs[signoff.authorization_id][signoff.task] = signoff
    assessments = assessment_summaries_bulk([a for a in authorizations if a.pk in assess_work])
    today = timezone.localdate()
    authorize = authorize_summaries_bulk(
        [a.pk for a in authorizations if STEP_ORDER.index(a.step) >= STEP_ORDER.index("authorize")]
    )
    monitoring = [a.pk for a in authorizations if a.step == "monitor"]
    monitor = monitor_summaries_bulk(monitoring, today)
    by_pk = {authorization.pk: authorization for authorization in authorizations}
    decisions = []
    for pk, summary in authorize.items():
        if pk in monitor and summary.decision is not None:
            summary.decision.authorization = by_pk[pk]
            decisions.append(summary.decision)
    package_changes = package_changes_bulk(decisions)
    facts = {}
    for authorization in authorizations:
        selection_row = selections.get(authorization.pk, {})
        total_parameters, missing_parameters = parameter_counts[authorization.pk]
        facts[authorization.pk] = CycleFacts(
            authorization=authorization,
            system=authorization.system,
            component_count=component_counts.get(authorization.system_id, 0),
            categorization=categorized[authorization.pk],
            selection=SelectionSummary(
                baselines=baselines.get(authorization.pk, []),
                in_baseline=selection_row.get("in_baseline", 0),
                active=selection_row.get("active", 0),
                removed=selection_row.get("removed", 0),
                added=selection_row.get("added", 0),
                without_rationale=selection_row.get("without_rationale", 0),
                without_provider=selection_row.get("without_provider", 0),
                without_frequency=selection_row.get("without_frequency", 0),
                parameters=total_parameters,
                parameters_without_value=missing_parameters,
                without_status=selection_row.get("without_status", 0),
                planned=selection_row.get("planned", 0),
                without_narrative=narrative_gaps.get(authorization.pk, {}).get("controls", 0),
                parts_without_narrative=narrative_gaps.get(authorization.pk, {}).get("parts", 0),
            ),
            signoffs=signoffs[authorization.pk],
            assessment=assessments.get(authorization.pk) or AssessmentSummary(),
            authorize=authorize.get(authorization.pk) or AuthorizeSummary(),
            monitor=monitor.get(authorization.pk) or MonitorSummary(),
            package_changes=package_changes.get(authorization.pk, []),
            today=today,
        )
    return facts


def cycle_facts(authorization: Authorization) -> CycleFacts:
    return cycle_facts_bulk([authorization])[authorization.pk]


# --- tasks and gates ------------------------------------------------------------------------


@dataclass
class TaskState:
    spec: TaskSpec
    missing: list[str]
    signoff: TaskSignoff | None
    # Why there is nothing to do yet (M-7 while in service): shown instead of "done".
    idle: str = ""

    @property
    def done(self) -> bool:
        return not self.missing

    @property
    def code(self) -> str:
        return self.spec.code


def task_states(facts: CycleFacts) -> list[TaskState]:
    return [
        TaskState(
            spec=spec,
            missing=spec.check(facts) if spec.check else [],
            signoff=facts.signoffs.get(spec.code),
            idle=spec.idle(facts) if spec.idle else "",
        )
        for spec in TASKS
    ]


def tasks_of_step(facts: CycleFacts, step: str) -> list[TaskState]:
    return [state for state in task_states(facts) if state.spec.step == step]


def gate_missing(facts: CycleFacts) -> list[TaskState]:
    """What keeps the cycle from moving on from its current step: its open required tasks."""
    if facts.authorization.step == STEP_ORDER[-1]:
        return []
    return [
        state
        for state in tasks_of_step(facts, facts.authorization.step)
        if state.spec.required and not state.done
    ]
