"""Reads of RMF cycles: access, the computed categorization, task states, gates, the portfolio.

Everything a page needs for many cycles is loaded in bulk (`cycle_facts_bulk`): a fixed number
of queries whatever the number of systems, information types or controls.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from assets.models import (
    Component,
    Organization,
    System,
    SystemInformationType,
)
from assets.roles import VIEW
from assets.selectors import system_list_for_user
from rmf.impact import OBJECTIVES, high_water_mark, sc_notation
from rmf.models import (
    STEP_ORDER,
    Authorization,
    Categorization,
    ControlParameter,
    ImpactAdjustment,
    OrganizationParameterDefault,
    ParameterValue,
    SelectedControl,
    TaskSignoff,
)
from rmf.tasks import TASKS, TaskSpec
from workbench.access import get_or_404

ACTIVE = (SelectedControl.Tailoring.BASELINE, SelectedControl.Tailoring.ADDED)


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


# --- categorization -------------------------------------------------------------------------


@dataclass
class TypeImpact:
    link: SystemInformationType
    provisional: dict[str, str]
    effective: dict[str, str]
    adjustments: dict[str, ImpactAdjustment]
    notes: dict[str, str]

    @property
    def title(self) -> str:
        source = self.link.information_type
        return f"{getattr(source, 'id', None) or source.identifier} {source.title}"


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
        return {
            **self.levels,
            "overall": self.overall,
            "information_types": sorted(
                [
                    {"type": item.title, **{obj: item.effective[obj] for obj in OBJECTIVES}}
                    for item in self.types
                ],
                key=lambda row: row["type"],
            ),
        }


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
    result.changed_since_approval = approved and result.snapshot() != result.approved_snapshot
    return result


def categorization_compute(authorization: Authorization) -> CategorizationResult:
    return cycle_facts(authorization).categorization


# --- facts for task states ------------------------------------------------------------------


@dataclass
class SelectionSummary:
    baselines: list[str] = field(default_factory=list)
    active: int = 0
    removed: int = 0
    added: int = 0
    without_rationale: int = 0
    without_provider: int = 0
    without_frequency: int = 0
    parameters: int = 0
    parameters_without_value: int = 0


@dataclass
class CycleFacts:
    authorization: Authorization
    system: System
    component_count: int
    categorization: CategorizationResult
    selection: SelectionSummary
    signoffs: dict[str, TaskSignoff]


def _parameter_counts(authorizations: list[Authorization]) -> dict[int, tuple[int, int]]:
    """Per cycle: (parameters of its active controls, those with neither a system value nor an
    organization default up the tree). Aggregating "prm" parameters are filled through their
    parts and are not counted."""
    ids = [authorization.pk for authorization in authorizations]
    rows = list(
        ControlParameter.objects.filter(
            control__selections__authorization__in=ids,
            control__selections__tailoring__in=ACTIVE,
            aggregates=[],
        ).values_list("control__selections__authorization", "pk")
    )
    valued = set(
        ParameterValue.objects.filter(selected_control__authorization__in=ids).values_list(
            "selected_control__authorization", "parameter"
        )
    )
    ancestor_ids = {
        a.pk: [int(part) for part in a.system.organization.path.strip("/").split("/")]
        for a in authorizations
    }
    all_orgs = {org for orgs in ancestor_ids.values() for org in orgs}
    defaults: dict[int, set[str]] = defaultdict(set)
    for organization_id, parameter_id in OrganizationParameterDefault.objects.filter(
        organization__in=all_orgs
    ).values_list("organization", "parameter"):
        defaults[organization_id].add(parameter_id)
    counts: dict[int, list[int]] = {pk: [0, 0] for pk in ids}
    for authorization_id, parameter_id in rows:
        counts[authorization_id][0] += 1
        has_default = any(parameter_id in defaults[org] for org in ancestor_ids[authorization_id])
        if not has_default and (authorization_id, parameter_id) not in valued:
            counts[authorization_id][1] += 1
    return {pk: (total, missing) for pk, (total, missing) in counts.items()}


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
    selections = {
        row["authorization"]: row
        for row in SelectedControl.objects.filter(authorization__in=ids)
        .values("authorization")
        .annotate(
            active=Count("pk", filter=Q(tailoring__in=ACTIVE)),
            removed=Count("pk", filter=~Q(tailoring__in=ACTIVE)),
            added=Count("pk", filter=Q(tailoring=SelectedControl.Tailoring.ADDED)),
            without_rationale=Count(
                "pk",
                filter=~Q(tailoring=SelectedControl.Tailoring.BASELINE) & Q(tailoring_rationale=""),
            ),
            without_provider=Count(
                "pk",
                filter=Q(tailoring__in=ACTIVE, provider__isnull=True)
                & ~Q(designation="system_specific"),
            ),
            without_frequency=Count("pk", filter=Q(tailoring__in=ACTIVE, monitoring_frequency="")),
        )
    }
    baselines = {
        authorization_id: list(chosen)
        for authorization_id, chosen in Authorization.objects.filter(
            pk__in=ids, control_selection__isnull=False
        ).values_list("pk", "control_selection__baselines")
    }
    parameter_counts = _parameter_counts(authorizations)
    signoffs: dict[int, dict[str, TaskSignoff]] = defaultdict(dict)
    for signoff in TaskSignoff.objects.filter(authorization__in=ids).select_related("signed_by"):
        signoffs[signoff.authorization_id][signoff.task] = signoff
    facts = {}
    for authorization in authorizations:
        categorization = categorizations.get(authorization.pk)
        selection_row = selections.get(authorization.pk, {})
        total_parameters, missing_parameters = parameter_counts[authorization.pk]
        facts[authorization.pk] = CycleFacts(
            authorization=authorization,
            system=authorization.system,
            component_count=component_counts.get(authorization.system_id, 0),
            categorization=_categorize(
                links[authorization.system_id],
                adjustments[categorization.pk] if categorization else [],
                categorization,
            ),
            selection=SelectionSummary(
                baselines=baselines.get(authorization.pk, []),
                active=selection_row.get("active", 0),
                removed=selection_row.get("removed", 0),
                added=selection_row.get("added", 0),
                without_rationale=selection_row.get("without_rationale", 0),
                without_provider=selection_row.get("without_provider", 0),
                without_frequency=selection_row.get("without_frequency", 0),
                parameters=total_parameters,
                parameters_without_value=missing_parameters,
            ),
            signoffs=signoffs[authorization.pk],
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


# --- portfolio ------------------------------------------------------------------------------


@dataclass
class PortfolioRow:
    system: System
    authorization: Authorization | None
    open_tasks: list[TaskState]


def portfolio_systems(
    user, *, step: str = "", organization: int | None = None, kind: str = ""
) -> QuerySet[System]:
    systems = system_list_for_user(user).select_related("organization", "system_owner")
    if organization is not None:
        target = Organization.objects.filter(pk=organization).first()
        systems = systems.filter(organization__path__startswith=target.path if target else "/x/")
    if kind:
        systems = systems.filter(kind=kind)
    if step == "not_started":
        systems = systems.exclude(authorizations__is_current=True)
    elif step:
        systems = systems.filter(authorizations__is_current=True, authorizations__step=step)
    return systems.order_by("organization__path", "acronym", "pk")


def portfolio_rows(systems: list[System]) -> list[PortfolioRow]:
    """Rows for one page of systems: their current cycle and open tasks, in bulk."""
    current = {
        authorization.system_id: authorization
        for authorization in Authorization.objects.filter(
            system__in=systems, is_current=True
        ).select_related("system__organization")
    }
    facts = cycle_facts_bulk(list(current.values()))
    rows = []
    for system in systems:
        authorization = current.get(system.pk)
        open_tasks = []
        if authorization is not None:
            open_tasks = [
                state
                for state in tasks_of_step(facts[authorization.pk], authorization.step)
                if not state.done
            ]
        rows.append(PortfolioRow(system=system, authorization=authorization, open_tasks=open_tasks))
    return rows
