"""Reads the RMF pages need besides `rmf.selectors.workflow`: the step bar, the history of a
cycle, the filtered control list of the Select step, parameters and their sources, the
portfolio's page of rows. Each costs a fixed number of queries whatever the number of rows."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, QuerySet

from assets.models import AuditEvent, Organization, System
from rmf.models import (
    STEP_ORDER,
    Authorization,
    Baseline,
    Control,
    ControlParameter,
    OrganizationParameterDefault,
    ParameterValue,
    SelectedControl,
    Step,
)
from rmf.selectors.catalog import control_id_parse
from rmf.selectors.control_filters import control_filter_q
from rmf.selectors.workflow import (
    ACTIVE,
    CycleFacts,
    TaskState,
    task_states,
)
from rmf.tasks import TaskSpec

Tailoring = SelectedControl.Tailoring

# --- people ---------------------------------------------------------------------------------

ROLE_FIELDS = {
    "System owner": "system_owner",
    "ISSO": "isso",
    "Authorizing official": "authorizing_official",
}


def person_name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def responsible_people(spec: TaskSpec, system: System) -> list[tuple[str, str]]:
    """(role, the named person or "") for each role a task names; assessors are not named on
    the system."""
    people = []
    for role in (part.strip() for part in spec.responsible.split(",")):
        attribute = ROLE_FIELDS.get(role)
        people.append((role, person_name(getattr(system, attribute)) if attribute else ""))
    return people


# --- the cycle page -------------------------------------------------------------------------


@dataclass
class StepBox:
    value: str
    label: str
    state: str  # "done", "current", "upcoming"
    tasks: list[TaskState] = field(default_factory=list)


def step_boxes(facts: CycleFacts) -> list[StepBox]:
    """The six steps in order, each with its tasks, the current one marked."""
    current = STEP_ORDER.index(facts.authorization.step)
    states = task_states(facts)
    boxes = []
    for index, value in enumerate(STEP_ORDER):
        state = "done" if index < current else "current" if index == current else "upcoming"
        tasks = [task for task in states if task.spec.step == value]
        boxes.append(StepBox(value, Step(value).label, state, tasks))
    return boxes


def next_step(authorization: Authorization) -> Step | None:
    index = STEP_ORDER.index(authorization.step)
    return Step(STEP_ORDER[index + 1]) if index + 1 < len(STEP_ORDER) else None


def earlier_steps(authorization: Authorization) -> list[Step]:
    return [Step(value) for value in STEP_ORDER[: STEP_ORDER.index(authorization.step)]]


@dataclass
class HistoryEntry:
    when: datetime
    who: str
    what: str
    detail: str = ""


def cycle_history(authorization: Authorization) -> list[HistoryEntry]:
    """Step changes, and every sign-off given, replaced or withdrawn (the audit trail keeps
    those a later decision removed), oldest first."""
    entries = [
        HistoryEntry(
            transition.created_at,
            person_name(transition.actor),
            f"Moved from {transition.get_from_step_display()} to "
            f"{transition.get_to_step_display()}",
            transition.reason,
        )
        for transition in authorization.transitions.select_related("actor")
    ]
    events = AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Authorization),
        object_id=str(authorization.pk),
        action__in=("task_signoff", "task_signoff_withdraw"),
    ).select_related("actor")
    for event in events:
        who = person_name(event.actor) or event.actor_name
        if event.action == "task_signoff":
            task = event.changes.get("task", [None, ""])[1]
            replaces = event.changes.get("replaces", [""])[0]
            what = f"Signed {task}" + (f" (replacing {replaces})" if replaces else "")
        else:
            task, signer = (event.changes.get(key, [None])[0] for key in ("task", "signed_by"))
            what = f"Withdrew the sign-off of {task}" + (f" given by {signer}" if signer else "")
        entries.append(HistoryEntry(event.created_at, who, what, event.reason))
    return sorted(entries, key=lambda entry: entry.when)


def system_cycles(system: System) -> list[Authorization]:
    return list(system.authorizations.select_related("started_by").order_by("-cycle"))


# --- the Select step ------------------------------------------------------------------------


def baseline_sizes() -> dict[str, int]:
    return dict(
        Baseline.objects.annotate(n=Count("controls")).values_list("id", "n").order_by("id")
    )


@dataclass(frozen=True)
class ControlFilters:
    family: str = ""
    tailoring: str = ""  # a Tailoring value, or "active" / "removed"
    designation: str = ""
    no_frequency: bool = False
    parameters_missing: bool = False
    registered: dict[str, str] = field(default_factory=dict)  # control_filters' key -> value


def missing_parameter_counts(authorization: Authorization) -> dict[int, int]:
    """{selected control id: its parameters with neither a system value nor an organization
    default up the tree}, for the active controls that have any; aggregating Rev 5.0
    parameters are filled through their parts and are not counted (as in the S-4 check)."""
    rows = ControlParameter.objects.filter(
        control__selections__authorization=authorization,
        control__selections__tailoring__in=ACTIVE,
        aggregates=[],
    ).values_list("control__selections", "pk")
    valued = set(
        ParameterValue.objects.filter(selected_control__authorization=authorization).values_list(
            "selected_control", "parameter"
        )
    )
    defaulted = set(
        OrganizationParameterDefault.objects.filter(
            organization__in=organization_path_ids(authorization.system.organization)
        ).values_list("parameter", flat=True)
    )
    counts: dict[int, int] = defaultdict(int)
    for selected_id, parameter_id in rows:
        if parameter_id not in defaulted and (selected_id, parameter_id) not in valued:
            counts[selected_id] += 1
    return dict(counts)


def selected_control_list(
    authorization: Authorization, filters: ControlFilters, missing: dict[int, int]
) -> QuerySet[SelectedControl]:
    controls = SelectedControl.objects.filter(authorization=authorization).select_related(
        "control__family", "provider"
    )
    if filters.family:
        controls = controls.filter(control__family=filters.family)
    if filters.tailoring == "active":
        controls = controls.filter(tailoring__in=ACTIVE)
    elif filters.tailoring == "removed":
        controls = controls.exclude(tailoring__in=ACTIVE)
    elif filters.tailoring:
        controls = controls.filter(tailoring=filters.tailoring)
    if filters.designation:
        controls = controls.filter(designation=filters.designation)
    if filters.no_frequency:
        controls = controls.filter(tailoring__in=ACTIVE, monitoring_frequency="")
    if filters.parameters_missing:
        controls = controls.filter(pk__in=list(missing))
    if filters.registered:
        controls = controls.filter(control_filter_q(filters.registered))
    return controls.order_by("control__sort_key")


def tailoring_deviations(authorization: Authorization) -> QuerySet[SelectedControl]:
    """Every departure from the baseline, with its rationale."""
    return (
        SelectedControl.objects.filter(authorization=authorization)
        .exclude(tailoring=Tailoring.BASELINE)
        .select_related("control")
        .order_by("control__sort_key")
    )


def control_parameters(control_id: str) -> list[ControlParameter]:
    """The parameters that take values (the Rev 5.0 aggregating ones are filled through
    their parts)."""
    return list(
        ControlParameter.objects.filter(control_id=control_id, aggregates=[]).order_by("sort_order")
    )


def control_parameter(control_id: str, parameter_id: str) -> ControlParameter | None:
    return next((item for item in control_parameters(control_id) if item.pk == parameter_id), None)


def organization_defaults(organization: Organization) -> list[OrganizationParameterDefault]:
    return list(
        OrganizationParameterDefault.objects.filter(organization=organization)
        .select_related("parameter__control")
        .order_by("parameter__control__sort_key", "parameter__sort_order")
    )


def parameter_defaults_for(
    organization_ids: list[int], parameter_ids
) -> dict[str, tuple[str, str]]:
    """{parameter id: (value, organization name)} of the defaults set by these organizations
    (a path from the root down), the nearest one winning."""
    defaults = OrganizationParameterDefault.objects.filter(
        organization__in=organization_ids, parameter__in=list(parameter_ids)
    ).select_related("organization")
    found: dict[str, tuple[str, str]] = {}
    for default in sorted(defaults, key=lambda item: item.organization.depth):
        found[default.parameter_id] = (default.value, default.organization.name)
    return found


def organization_path_ids(organization: Organization) -> list[int]:
    return [*organization.ancestor_ids, organization.pk]


def control_for_parameters(text: str) -> Control | None:
    """The (not withdrawn) control written "AC-2", "ac-2.1" or "AC-2(1)"."""
    control_id = control_id_parse(text) or text.strip().lower()
    return Control.objects.filter(pk=control_id, withdrawn=False).select_related("family").first()
