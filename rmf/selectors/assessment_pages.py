"""Reads the Assess pages and API need besides `rmf.selectors.assessment`: the plan form's
choices and hint, and one control as its assessor reads it (statement, the system's narratives
and parameter values, SP 800-53A methods, objectives with their determinations, the controls
before and after it). Each costs a fixed number of queries whatever the size of the cycle."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from assets.models import System
from rmf.models import (
    Assessment,
    Authorization,
    ControlImplementation,
    ControlParameter,
    ControlPart,
    Determination,
    ImplementationNarrative,
    SelectedControl,
)
from rmf.selectors.assessment import assessment_row, controls_in_scope
from rmf.selectors.catalog import PartNode, parameters_referenced, part_trees
from rmf.selectors.implementation import provider_narratives
from rmf.selectors.workflow import ACTIVE, STATEMENT_PART_NAMES
from rmf.services.selection import parameter_values_effective
from workbench.access import get_or_404


def cycle_open(authorization: Authorization) -> bool:
    """`CycleFacts.is_open` without loading the facts (the system selected): the system's
    current cycle, and the system not disposed."""
    return authorization.is_current and authorization.system.status != System.Status.DISPOSED


# --- the plan -------------------------------------------------------------------------------


def active_controls(authorization: Authorization) -> list[SelectedControl]:
    """The cycle's active controls in catalog order, with their family: the plan's scope
    choices. One query."""
    return list(
        SelectedControl.objects.filter(authorization=authorization, tailoring__in=ACTIVE)
        .select_related("control__family")
        .order_by("control__sort_key")
    )


HINT_OBJECTS_PER_METHOD = 8


def assessment_objects_hint(control_ids: list[str]) -> str:
    """What SP 800-53A says to examine, interview and test for these controls: per method, the
    assessment objects named most often, as a starting point for the plan. One query."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for method, objects in ControlPart.objects.filter(
        control__in=control_ids, name=ControlPart.Name.METHOD
    ).values_list("method", "assessment_objects"):
        for item in objects.split("\n\n"):
            item = " ".join(item.split()).rstrip(";.")
            if item:
                counts[method.upper()][item[:1].upper() + item[1:]] += 1
    lines = []
    for method in ("EXAMINE", "INTERVIEW", "TEST"):
        common = [item for item, _ in counts[method].most_common(HINT_OBJECTS_PER_METHOD)]
        if common:
            lines.append(f"{method.title()}: {'; '.join(common)}.")
    return "\n\n".join(lines)


# --- one control, as its assessor reads it --------------------------------------------------


@dataclass
class ObjectiveRow:
    part: ControlPart
    determination: Determination | None
    parents: list[ControlPart] = field(default_factory=list)  # "AC-02a." above "AC-02a.[01]"
    # On the first objective of each statement part: that part and the system's narrative of
    # it, so that the assessor reads how the system meets it where they determine it.
    statement_part: ControlPart | None = None
    narrative: ImplementationNarrative | None = None


@dataclass
class ControlAssessment:
    assessment: Assessment
    selected_control: SelectedControl
    implementation: ControlImplementation | None
    statement: list[PartNode]
    narratives: dict[str, ImplementationNarrative]  # by statement part id
    inherited_narratives: list[ImplementationNarrative]  # the provider's, for common controls
    params: dict[str, ControlParameter]  # by every reference a placeholder may use
    values: dict[str, str]  # parameter id -> the value in effect for the system
    methods: list[ControlPart]
    objectives: list[ObjectiveRow]
    finding: object | None
    result: str
    next_control: SelectedControl | None
    previous_control: SelectedControl | None

    @property
    def control(self):
        return self.selected_control.control

    @property
    def determined(self) -> int:
        return sum(row.determination is not None for row in self.objectives)


def control_in_scope_get(assessment: Assessment, selected_pk) -> SelectedControl:
    """A control of the assessment's scope (the same 404 for any other id)."""
    return get_or_404(
        controls_in_scope(assessment).select_related(
            "control__family", "provider", "authorization__system__organization"
        ),
        pk=selected_pk,
    )


def _neighbours(
    assessment: Assessment, selected: SelectedControl
) -> tuple[SelectedControl | None, SelectedControl | None]:
    scope = controls_in_scope(assessment).select_related("control")
    sort_key = selected.control.sort_key
    return (
        scope.filter(control__sort_key__lt=sort_key).order_by("-control__sort_key").first(),
        scope.filter(control__sort_key__gt=sort_key).order_by("control__sort_key").first(),
    )


def control_assessment(assessment: Assessment, selected: SelectedControl) -> ControlAssessment:
    """Everything the control assessment page shows, in a fixed number of queries, with the
    parameter values in effect (the system's own or its organizations' defaults)."""
    control = selected.control
    parts = list(
        ControlPart.objects.filter(
            control=control,
            name__in=(*STATEMENT_PART_NAMES, ControlPart.Name.OBJECTIVE, ControlPart.Name.METHOD),
        ).order_by("sort_order")
    )
    statement = [part for part in parts if part.name in STATEMENT_PART_NAMES]
    objectives = {part.pk: part for part in parts if part.name == ControlPart.Name.OBJECTIVE}
    parameters = list(ControlParameter.objects.filter(control=control).order_by("sort_order"))
    # As the catalog page finds them: an enhancement may insert its base control's parameter.
    params = parameters_referenced(parts, parameters)
    effective = parameter_values_effective(
        selected.authorization, {parameter.pk: parameter for parameter in params.values()}.values()
    )
    row = assessment_row(assessment, selected)
    narratives = {}
    if row.implementation is not None:
        narratives = {
            narrative.part_id: narrative
            for narrative in ImplementationNarrative.objects.filter(
                implementation=row.implementation
            ).select_related("updated_by")
        }
    statement_parts = {part.pk: part for part in statement}
    rows, introduced = [], set()
    for part, determination in row.objectives:
        parents = []
        parent = objectives.get(part.parent_id)
        while parent is not None and parent.parent_id is not None:
            parents.insert(0, parent)
            parent = objectives.get(parent.parent_id)
        objective_row = ObjectiveRow(part, determination, parents)
        if part.assessment_for not in introduced and part.assessment_for in statement_parts:
            introduced.add(part.assessment_for)
            objective_row.statement_part = statement_parts[part.assessment_for]
            objective_row.narrative = narratives.get(part.assessment_for)
        rows.append(objective_row)
    previous_control, next_control = _neighbours(assessment, selected)
    return ControlAssessment(
        assessment=assessment,
        selected_control=selected,
        implementation=row.implementation,
        statement=part_trees(statement).get(ControlPart.Name.STATEMENT, []),
        narratives=narratives,
        inherited_narratives=provider_narratives(selected),
        params=params,
        values={parameter_id: value for parameter_id, (value, _) in effective.items()},
        methods=[part for part in parts if part.name == ControlPart.Name.METHOD],
        objectives=rows,
        finding=row.finding,
        result=row.result,
        next_control=next_control,
        previous_control=previous_control,
    )
