"""Reads of the package's spreadsheets (`rmf.documents.xlsx`): the control implementation matrix,
the assessment results per objective, the POA&M and the system's inventory, as rows of plain
values (labels, not codes; dates as dates) ready to be written.

Each read takes a fixed number of queries whatever the number of controls (370 for HIGH),
statement parts, objectives (1,463) or items: everything is read in bulk and joined in Python.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Prefetch
from django.utils import timezone

from assets.models import Component, Interconnection
from rmf.models import (
    Assessment,
    Authorization,
    ControlImplementation,
    ControlParameter,
    ControlPart,
    Designation,
    Determination,
    DeterminationResult,
    Finding,
    ImplementationNarrative,
    ImplementationStatus,
    PoamItem,
    PoamMilestone,
    RiskScale,
    SelectedControl,
)
from rmf.selectors.assessment import (
    RESULTS,
    controls_in_scope,
    derived_result,
    initial_assessment,
    leaf_objectives,
)
from rmf.selectors.catalog import PARAM_PLACEHOLDER_RE, parameters_by_reference
from rmf.selectors.implementation import statement_parts_needing_narratives
from rmf.selectors.implementation_page import prose_with_values, segments_text
from rmf.selectors.workflow import ACTIVE, STATEMENT_PART_NAMES
from rmf.services.selection import parameter_values_effective

STATUS_LABELS = dict(ImplementationStatus.choices)
DESIGNATION_LABELS = dict(Designation.choices)
TAILORING_LABELS = dict(SelectedControl.Tailoring.choices)
DETERMINATION_LABELS = dict(DeterminationResult.choices)
RISK_LABELS = dict(RiskScale.choices)
METHOD_LABELS = {"examine": "Examine", "interview": "Interview", "test": "Test"}


def person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def local_day(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment is not None else None


# --- the catalog text with the system's values -----------------------------------------------


@dataclass
class ParameterContext:
    """The parameters the controls' prose may insert, under every name it uses, with the
    system's effective values (its own, else its organizations' defaults)."""

    by_reference: dict[str, ControlParameter]
    by_control: dict[str, list[ControlParameter]]
    values: dict[str, tuple[str, str]]

    def text(self, prose: str) -> str:
        return segments_text(prose_with_values(prose, self.by_reference, self.values))

    def listing(self, control_id: str) -> str:
        """One line per parameter that takes a value: "AC-02_ODP[01] (label): value"."""
        lines = []
        for parameter in self.by_control.get(control_id, []):
            value, source = self.values.get(parameter.pk, ("", ""))
            name = parameter.odp_label or parameter.pk
            label = parameter.label or parameter.alt_label
            head = f"{name} ({label})" if label else name
            if not value:
                lines.append(f"{head}: not set")
            elif source == "organization":
                lines.append(f"{head}: {value} [organization default]")
            else:
                lines.append(f"{head}: {value}")
        return "\n".join(lines)


def parameter_context(
    authorization: Authorization, control_ids: Iterable[str], prose: Iterable[str]
) -> ParameterContext:
    """At most four queries: the controls' parameters, those of other controls their prose
    inserts (an enhancement may insert its base control's), and the values."""
    control_ids = list(control_ids)
    parameters = list(ControlParameter.objects.filter(control__in=control_ids))
    found = parameters_by_reference(parameters)
    texts = [text for text in prose if text and "insert" in text]
    texts += [str(choice) for parameter in parameters for choice in parameter.choices or []]
    missing = {
        reference
        for text in texts
        for reference in PARAM_PLACEHOLDER_RE.findall(text)
        if reference not in found
    }
    if missing:
        others = list(
            ControlParameter.objects.filter(pk__in=missing)
            | ControlParameter.objects.filter(alt_identifier__in=missing)
        )
        for reference, parameter in parameters_by_reference(others).items():
            found.setdefault(reference, parameter)
    by_control: dict[str, list[ControlParameter]] = defaultdict(list)
    for parameter in sorted(parameters, key=lambda item: item.sort_order):
        if not parameter.aggregates:
            by_control[parameter.control_id].append(parameter)
    every = {parameter.pk: parameter for parameter in found.values()}
    values = parameter_values_effective(authorization, every.values())
    return ParameterContext(by_reference=found, by_control=by_control, values=values)


# --- latest determinations -------------------------------------------------------------------


@dataclass
class LatestResults:
    """The latest determination of each leaf objective of a cycle's controls, whichever
    assessment (initial or ongoing) made it."""

    objectives: dict[str, list[ControlPart]]  # control id -> leaf objectives
    results: dict[tuple[int, str], str]  # (selected control, objective) -> result
    last: dict[int, datetime]  # selected control -> latest determination

    def control_result(self, selected: SelectedControl) -> str:
        objectives = self.objectives.get(selected.control_id, [])
        found = [
            self.results[(selected.pk, objective.pk)]
            for objective in objectives
            if (selected.pk, objective.pk) in self.results
        ]
        return derived_result(found, len(objectives))

    def part_result(self, selected: SelectedControl, part_id: str) -> str:
        """From the objectives that assess this statement part (or the items below it); empty
        when none does."""
        objectives = [
            objective
            for objective in self.objectives.get(selected.control_id, [])
            if objective.assessment_for == part_id
            or objective.assessment_for.startswith(f"{part_id}.")
        ]
        if not objectives:
            return ""
        found = [
            self.results[(selected.pk, objective.pk)]
            for objective in objectives
            if (selected.pk, objective.pk) in self.results
        ]
        return derived_result(found, len(objectives))


def latest_results(authorization: Authorization, control_ids: Iterable[str]) -> LatestResults:
    """Two queries."""
    results: dict[tuple[int, str], str] = {}
    last: dict[int, datetime] = {}
    for selected_id, objective_id, result, updated_at in (
        Determination.objects.filter(assessment__authorization=authorization)
        .values_list("selected_control", "objective", "result", "updated_at")
        .order_by("updated_at", "pk")
    ):
        results[(selected_id, objective_id)] = result
        last[selected_id] = updated_at
    return LatestResults(objectives=leaf_objectives(control_ids), results=results, last=last)


# --- the control implementation matrix -------------------------------------------------------


@dataclass
class MatrixRow:
    family: str  # "AC"
    control: str  # "AC-2"
    control_id: str  # "ac-2"
    title: str
    part: str  # "d.1.", empty for a control without statement items
    part_id: str  # "ac-2_smt.d.1"
    requirement: str  # the statement part's text with the system's parameter values
    tailoring: str
    tailoring_rationale: str
    status: str
    designation: str
    provider: str
    responsible_roles: str
    parameters: str
    narrative: str
    provider_narrative: str
    part_result: str
    control_result: str
    last_assessed: date | None


def _part_labels(statement: list[ControlPart]) -> dict[str, tuple[str, list[ControlPart]]]:
    """{part id: (its full label "d.1.", the items from the top down to it)}."""
    parts = {part.pk: part for part in statement}
    found = {}
    for part in statement:
        chain = []
        node = part
        while node is not None and node.name == ControlPart.Name.ITEM:
            chain.append(node)
            node = parts.get(node.parent_id)
        chain.reverse()
        found[part.pk] = ("".join(item.label for item in chain), chain)
    return found


def control_matrix_rows(authorization: Authorization) -> list[MatrixRow]:
    """One row per selected control and statement part that takes a narrative, in catalog
    order; a control removed by tailoring, or without statement parts, has one row."""
    controls = list(
        SelectedControl.objects.filter(authorization=authorization)
        .select_related("control__family", "implementation", "provider")
        .order_by("control__sort_key")
    )
    control_ids = [selected.control_id for selected in controls]
    statement = list(
        ControlPart.objects.filter(control__in=control_ids, name__in=STATEMENT_PART_NAMES).order_by(
            "sort_order"
        )
    )
    labels = _part_labels(statement)
    needing = statement_parts_needing_narratives(control_ids)
    context = parameter_context(authorization, control_ids, (part.prose for part in statement))
    narratives = {
        (selected_id, part_id): text
        for selected_id, part_id, text in ImplementationNarrative.objects.filter(
            implementation__selected_control__authorization=authorization
        ).values_list("implementation__selected_control", "part", "text")
    }
    providers = {
        selected.provider_id
        for selected in controls
        if selected.provider_id and selected.designation != Designation.SYSTEM_SPECIFIC
    }
    provided = {
        (system_id, part_id): text
        for system_id, part_id, text in ImplementationNarrative.objects.filter(
            implementation__selected_control__authorization__system__in=providers,
            implementation__selected_control__authorization__is_current=True,
            implementation__selected_control__control__in=control_ids,
        ).values_list("implementation__selected_control__authorization__system", "part", "text")
    }
    latest = latest_results(authorization, control_ids)

    rows = []
    for selected in controls:
        control = selected.control
        try:
            implementation = selected.implementation
        except ControlImplementation.DoesNotExist:
            implementation = None
        active = selected.tailoring in ACTIVE
        base = {
            "family": control.family.label,
            "control": control.label,
            "control_id": control.pk,
            "title": control.title,
            "tailoring": TAILORING_LABELS.get(selected.tailoring, selected.tailoring),
            "tailoring_rationale": selected.tailoring_rationale,
            "status": STATUS_LABELS.get(implementation.status, "") if implementation else "",
            "designation": DESIGNATION_LABELS.get(selected.designation, selected.designation),
            "provider": str(selected.provider) if selected.provider_id else "",
            "responsible_roles": implementation.responsible_roles if implementation else "",
            "parameters": context.listing(control.pk) if active else "",
            "control_result": RESULTS[latest.control_result(selected)] if active else "",
            "last_assessed": local_day(latest.last.get(selected.pk)),
        }
        parts = needing.get(control.pk, []) if active else []
        if not parts:
            rows.append(
                MatrixRow(
                    **base,
                    part="",
                    part_id="",
                    requirement="",
                    narrative="",
                    provider_narrative="",
                    part_result="",
                )
            )
            continue
        for part in parts:
            label, chain = labels.get(part.pk, ("", []))
            prose = " ".join(
                f"{item.label} {context.text(item.prose)}".strip() for item in chain
            ) or context.text(part.prose)
            part_result = latest.part_result(selected, part.pk)
            rows.append(
                MatrixRow(
                    **base,
                    part=label,
                    part_id=part.pk,
                    requirement=prose,
                    narrative=narratives.get((selected.pk, part.pk), ""),
                    provider_narrative=provided.get((selected.provider_id, part.pk), "")
                    if selected.provider_id in providers
                    else "",
                    part_result=RESULTS[part_result] if part_result else "",
                )
            )
    return rows


# --- assessment results per objective ---------------------------------------------------------


@dataclass
class ObjectiveResultRow:
    family: str
    family_title: str
    control: str
    control_id: str
    title: str
    objective: str  # "AC-02a.[01]"
    objective_id: str  # "ac-2_obj.a-1"
    part_id: str  # the statement part it assesses
    text: str
    result: str  # a label, empty while not determined
    result_value: str  # the DeterminationResult value, empty while not determined
    methods: str
    evidence_examined: str
    evidence: str
    note: str
    determined_by: str
    determined_on: date | None
    finding: str  # "F-001"


@dataclass
class FindingRow:
    finding: str
    control: str
    title: str
    objectives: str
    weakness: str
    likelihood: str
    impact: str
    risk_level: str
    recommendation: str
    status: str
    response: str
    response_rationale: str
    identified_on: date | None


@dataclass
class AssessmentResults:
    assessment: Assessment | None
    objectives: list[ObjectiveResultRow] = field(default_factory=list)
    findings: list[FindingRow] = field(default_factory=list)


def assessment_results_rows(authorization: Authorization) -> AssessmentResults:
    """The initial assessment's result for every leaf objective of every control in its scope
    (determined or not), and its findings. Empty without an initial assessment."""
    assessment = initial_assessment(authorization)
    if assessment is None:
        return AssessmentResults(assessment=None)
    controls = list(
        controls_in_scope(assessment)
        .select_related("control__family")
        .order_by("control__sort_key")
    )
    control_ids = [selected.control_id for selected in controls]
    objectives = leaf_objectives(control_ids)
    context = parameter_context(
        authorization,
        control_ids,
        (objective.prose for items in objectives.values() for objective in items),
    )
    determinations = {
        (determination.selected_control_id, determination.objective_id): determination
        for determination in Determination.objects.filter(assessment=assessment)
        .select_related("updated_by")
        .prefetch_related("evidence")
    }
    findings = list(
        Finding.objects.filter(assessment=assessment)
        .select_related("selected_control__control", "risk_response")
        .prefetch_related("objectives")
        .order_by("number")
    )
    finding_of = {finding.selected_control_id: finding.code for finding in findings}
    rows = []
    for selected in controls:
        control = selected.control
        for objective in objectives.get(control.pk, []):
            determination = determinations.get((selected.pk, objective.pk))
            rows.append(
                ObjectiveResultRow(
                    family=control.family.label,
                    family_title=control.family.title,
                    control=control.label,
                    control_id=control.pk,
                    title=control.title,
                    objective=objective.label,
                    objective_id=objective.pk,
                    part_id=objective.assessment_for,
                    text=context.text(objective.prose),
                    result=DETERMINATION_LABELS.get(determination.result, "")
                    if determination
                    else "",
                    result_value=determination.result if determination else "",
                    methods=", ".join(METHOD_LABELS.get(m, m) for m in determination.methods)
                    if determination
                    else "",
                    evidence_examined=determination.evidence_examined if determination else "",
                    evidence="; ".join(item.title for item in determination.evidence.all())
                    if determination
                    else "",
                    note=determination.note if determination else "",
                    determined_by=person(determination.updated_by) if determination else "",
                    determined_on=local_day(determination.updated_at) if determination else None,
                    finding=finding_of.get(selected.pk, ""),
                )
            )
    finding_rows = []
    for finding in findings:
        response = getattr(finding, "risk_response", None)
        finding_rows.append(
            FindingRow(
                finding=finding.code,
                control=finding.selected_control.control.label,
                title=finding.selected_control.control.title,
                objectives=", ".join(
                    part.label or part.pk
                    for part in sorted(finding.objectives.all(), key=lambda p: p.sort_order)
                ),
                weakness=finding.weakness,
                likelihood=RISK_LABELS.get(finding.likelihood, ""),
                impact=RISK_LABELS.get(finding.impact, ""),
                risk_level=RISK_LABELS.get(finding.risk_level, ""),
                recommendation=finding.recommendation,
                status=dict(Finding.Status.choices).get(finding.status, finding.status),
                response=response.get_response_display() if response else "",
                response_rationale=response.rationale if response else "",
                identified_on=local_day(finding.created_at),
            )
        )
    return AssessmentResults(assessment=assessment, objectives=rows, findings=finding_rows)


@dataclass
class FamilySummary:
    family: str
    title: str
    controls: set[str] = field(default_factory=set)
    objectives: int = 0
    satisfied: int = 0
    other_than_satisfied: int = 0
    not_applicable: int = 0
    control_results: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    @property
    def not_determined(self) -> int:
        return self.objectives - self.satisfied - self.other_than_satisfied - self.not_applicable

    @property
    def satisfied_share(self) -> float | None:
        """Of the applicable objectives determined or not: None when none applies."""
        applicable = self.objectives - self.not_applicable
        return self.satisfied / applicable if applicable else None

    def controls_with(self, result: str) -> int:
        return sum(
            1
            for results in self.control_results.values()
            if derived_result([r for r in results if r], len(results)) == result
        )


def family_summaries(rows: list[ObjectiveResultRow]) -> list[FamilySummary]:
    """Per family (in catalog order, as the rows are), then the total as a last summary."""
    families: dict[str, FamilySummary] = {}
    total = FamilySummary(family="Total", title="All families")
    for row in rows:
        summary = families.setdefault(row.family, FamilySummary(row.family, row.family_title))
        for item in (summary, total):
            item.controls.add(row.control_id)
            item.objectives += 1
            result = row.result_value
            item.satisfied += result == DeterminationResult.SATISFIED
            item.other_than_satisfied += result == DeterminationResult.OTHER_THAN_SATISFIED
            item.not_applicable += result == DeterminationResult.NOT_APPLICABLE
            item.control_results[row.control_id].append(row.result_value)
    return [*families.values(), total]


# --- the POA&M --------------------------------------------------------------------------------


def poam_items_for_document(authorization: Authorization) -> list[PoamItem]:
    """The cycle's POA&M items with what the federal template's columns read; five queries."""
    return list(
        PoamItem.objects.filter(authorization=authorization)
        .select_related(
            "selected_control__control",
            "finding__assessment",
            "finding__risk_response",
            "closed_by",
            "risk_accepted_by",
        )
        .prefetch_related(
            Prefetch("milestones", queryset=PoamMilestone.objects.order_by("due_on", "pk")),
            "closure_evidence",
            "finding__objectives",
        )
        .order_by("number")
    )


# --- the inventory ----------------------------------------------------------------------------


def inventory_components(authorization: Authorization) -> list[Component]:
    return list(
        Component.objects.filter(system=authorization.system_id)
        .select_related("vendor")
        .order_by("name", "pk")
    )


def inventory_interconnections(authorization: Authorization) -> list[Interconnection]:
    return list(
        Interconnection.objects.filter(system=authorization.system_id)
        .select_related("remote_system")
        .order_by("pk")
    )
