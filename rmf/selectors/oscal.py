"""Reads for the OSCAL documents of a cycle: its controls with their implementation,
parameter values (the system's own, else the nearest organization default), narratives, the
providing systems of common and hybrid controls with their narratives and authorizations.
Everything is read in bulk: the number of queries does not grow with the number of controls.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Max

from assets.models import Component, Interconnection, System
from rmf.models import (
    Assessment,
    AssessorAssignment,
    Authorization,
    AuthorizationDecision,
    ControlParameter,
    ControlSelection,
    Designation,
    Determination,
    Finding,
    ImplementationNarrative,
    ParameterValue,
    PoamItem,
    SelectedControl,
)
from rmf.selectors.pages import organization_path_ids, parameter_defaults_for
from rmf.selectors.workflow import ACTIVE, CategorizationResult, categorizations_bulk


@dataclass
class ParameterSetting:
    parameter_id: str
    value: str
    default_from: str = ""  # the organization whose default it is; empty for the system's own


@dataclass
class ControlRecord:
    selected: SelectedControl  # with control, provider and implementation loaded
    status: str = ""
    responsible_roles: str = ""
    parameters: list[ParameterSetting] = field(default_factory=list)
    narratives: list[tuple[str, str]] = field(default_factory=list)  # (part id, text)
    provider_narratives: dict[str, str] = field(default_factory=dict)  # part id -> text


@dataclass
class SspSource:
    authorization: Authorization
    system: System
    categorization: CategorizationResult
    baselines: list[str]
    components: list[Component]
    interconnections: list[Interconnection]
    controls: list[ControlRecord]
    removed: list[SelectedControl]
    providers: dict[int, System]
    provider_decisions: dict[int, AuthorizationDecision]  # provider system id -> in force
    changed_at: datetime | None


def _provider_narratives(controls: list[SelectedControl]) -> dict[tuple[int, str], dict]:
    """{(provider system id, control id): {part id: text}} from the providers' current cycles."""
    pairs = {
        (selected.provider_id, selected.control_id)
        for selected in controls
        if selected.designation != Designation.SYSTEM_SPECIFIC and selected.provider_id
    }
    if not pairs:
        return {}
    found: dict[tuple[int, str], dict] = defaultdict(dict)
    for system_id, control_id, part_id, text in (
        ImplementationNarrative.objects.filter(
            implementation__selected_control__authorization__system__in={p for p, _ in pairs},
            implementation__selected_control__authorization__is_current=True,
            implementation__selected_control__control__in={c for _, c in pairs},
        )
        .values_list(
            "implementation__selected_control__authorization__system",
            "implementation__selected_control__control",
            "part",
            "text",
        )
        .order_by("part__sort_order")
    ):
        if (system_id, control_id) in pairs:
            found[(system_id, control_id)][part_id] = text
    return found


def ssp_source(authorization: Authorization) -> SspSource:
    system = System.objects.select_related(
        "organization", "system_owner", "isso", "authorizing_official"
    ).get(pk=authorization.system_id)
    selection = ControlSelection.objects.filter(authorization=authorization).first()
    selected = list(
        SelectedControl.objects.filter(authorization=authorization)
        .select_related("control", "provider__organization", "implementation")
        .order_by("control__sort_key")
    )
    active = [item for item in selected if item.tailoring in ACTIVE]
    records = {item.pk: ControlRecord(selected=item) for item in active}
    for record in records.values():
        implementation = getattr(record.selected, "implementation", None)
        if implementation is not None:
            record.status = implementation.status
            record.responsible_roles = implementation.responsible_roles
    for selected_id, part_id, text in (
        ImplementationNarrative.objects.filter(implementation__selected_control__in=list(records))
        .values_list("implementation__selected_control", "part", "text")
        .order_by("part__sort_order")
    ):
        records[selected_id].narratives.append((part_id, text))
    own_values = {
        (selected_id, parameter_id): value
        for selected_id, parameter_id, value in ParameterValue.objects.filter(
            selected_control__in=list(records)
        ).values_list("selected_control", "parameter", "value")
    }
    parameters = list(
        ControlParameter.objects.filter(
            control__in=[record.selected.control_id for record in records.values()], aggregates=[]
        )
        .values_list("pk", "control")
        .order_by("sort_order")
    )
    defaults = parameter_defaults_for(
        organization_path_ids(system.organization), [pk for pk, _ in parameters]
    )
    by_control = defaultdict(list)
    for parameter_id, control_id in parameters:
        by_control[control_id].append(parameter_id)
    for record in records.values():
        for parameter_id in by_control[record.selected.control_id]:
            if (record.selected.pk, parameter_id) in own_values:
                value = own_values[(record.selected.pk, parameter_id)]
                record.parameters.append(ParameterSetting(parameter_id, value))
            elif parameter_id in defaults:
                value, organization = defaults[parameter_id]
                record.parameters.append(ParameterSetting(parameter_id, value, organization))
    provided = _provider_narratives(active)
    for record in records.values():
        key = (record.selected.provider_id, record.selected.control_id)
        record.provider_narratives = provided.get(key, {})
    providers = {item.provider_id: item.provider for item in active if item.provider_id}
    decisions = {
        decision.authorization.system_id: decision
        for decision in AuthorizationDecision.objects.filter(
            authorization__system__in=list(providers), ended_on__isnull=True
        )
        .exclude(kind=AuthorizationDecision.Kind.DENIAL)
        .select_related("authorization")
        .order_by("signed_at")
    }
    changed = ImplementationNarrative.objects.filter(
        implementation__selected_control__authorization=authorization
    ).aggregate(narratives=Max("updated_at"))["narratives"]
    implementations = SelectedControl.objects.filter(authorization=authorization).aggregate(
        at=Max("implementation__updated_at")
    )["at"]
    return SspSource(
        authorization=authorization,
        system=system,
        categorization=categorizations_bulk([authorization])[authorization.pk],
        baselines=list(selection.baselines) if selection else [],
        components=list(
            Component.objects.filter(system=system).select_related("vendor").order_by("name")
        ),
        interconnections=list(
            Interconnection.objects.filter(system=system).select_related("remote_system")
        ),
        controls=list(records.values()),
        removed=[item for item in selected if item.tailoring not in ACTIVE],
        providers=providers,
        provider_decisions=decisions,
        changed_at=max(
            (
                value
                for value in (
                    changed,
                    implementations,
                    system.updated_at,
                    selection.selected_at if selection else None,
                    authorization.started_at,
                )
                if value is not None
            ),
            default=None,
        ),
    )


# --- assessment results and POA&M -----------------------------------------------------------


@dataclass
class AssessmentRecord:
    assessment: Assessment
    controls: list[str]  # the control ids in scope
    determinations: list[dict]  # objective, control, result, methods, note, updated_at
    findings: list[Finding]


@dataclass
class ResultsSource:
    authorization: Authorization
    system: System
    assessors: list[AssessorAssignment]
    assessments: list[AssessmentRecord]


def results_source(authorization: Authorization) -> ResultsSource:
    system = System.objects.select_related("organization").get(pk=authorization.system_id)
    assessments = list(
        Assessment.objects.filter(authorization=authorization)
        .select_related("plan_approved_by", "created_by")
        .prefetch_related("scoped_controls__control")
        .order_by("created_at", "pk")
    )
    active = list(
        SelectedControl.objects.filter(authorization=authorization, tailoring__in=ACTIVE)
        .order_by("control__sort_key")
        .values_list("control", flat=True)
    )
    order = {control_id: index for index, control_id in enumerate(active)}
    determinations = defaultdict(list)
    for row in (
        Determination.objects.filter(assessment__authorization=authorization)
        .values(
            "pk",
            "assessment",
            "objective",
            "objective__label",
            "selected_control__control",
            "result",
            "methods",
            "note",
            "evidence_examined",
            "updated_at",
            "updated_by",
        )
        .order_by("objective__sort_order")
    ):
        determinations[row["assessment"]].append(row)
    findings = defaultdict(list)
    for finding in (
        Finding.objects.filter(assessment__authorization=authorization)
        .select_related("selected_control__control", "risk_response")
        .prefetch_related("objectives")
        .order_by("number")
    ):
        findings[finding.assessment_id].append(finding)
    return ResultsSource(
        authorization=authorization,
        system=system,
        assessors=list(
            AssessorAssignment.objects.filter(authorization=authorization).select_related(
                "assessor"
            )
        ),
        assessments=[
            AssessmentRecord(
                assessment=assessment,
                controls=active
                if assessment.scope_all
                else sorted(
                    (item.control_id for item in assessment.scoped_controls.all()),
                    key=lambda control_id: order.get(control_id, len(order)),
                ),
                determinations=determinations[assessment.pk],
                findings=findings[assessment.pk],
            )
            for assessment in assessments
        ],
    )


@dataclass
class PoamSource:
    authorization: Authorization
    system: System
    items: list[PoamItem]  # with selected_control__control, finding, milestones


def poam_source(authorization: Authorization) -> PoamSource:
    system = System.objects.select_related("organization").get(pk=authorization.system_id)
    items = list(
        PoamItem.objects.filter(authorization=authorization)
        .select_related("selected_control__control", "finding__assessment", "risk_accepted_by")
        .prefetch_related("milestones")
        .order_by("number")
    )
    return PoamSource(authorization=authorization, system=system, items=items)
