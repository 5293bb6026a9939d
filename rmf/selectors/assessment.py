"""Reads of Step 4, Assess: access to assessments and what hangs from them, assessors, the scope
and its SP 800-53A objectives, the worklist of determinations, findings and the POA&M.

Every list takes a fixed number of queries whatever the number of controls (370 for HIGH) and
objectives (1,463).
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from guardian.shortcuts import get_users_with_perms

from assets.roles import ASSESS, VIEW
from assets.selectors import SYSTEM_PERMISSION_FOR, user_can
from rmf.models import (
    Assessment,
    AssessorAssignment,
    Authorization,
    ControlFamily,
    ControlImplementation,
    ControlPart,
    Determination,
    DeterminationResult,
    Evidence,
    Finding,
    PoamItem,
    PoamMilestone,
    RemediationAction,
    SelectedControl,
)
from rmf.selectors.assessment_facts import (
    ACTIVE,
    OBJECTIVE,
    AssessmentSummary,
    implementation_authors,
    is_leaf_objective,
    sod_problems_for,
)
from rmf.selectors.control_filters import control_filter_q
from rmf.selectors.workflow import authorization_list_for_user
from workbench.access import get_or_404

__all__ = [
    "AssessmentProgress",
    "AssessmentRow",
    "AssessmentSummary",
    "AssessorCandidate",
    "FamilyAssessmentProgress",
    "RESULTS",
    "assessment_get_for_user",
    "assessment_list_for_user",
    "assessment_progress",
    "assessment_row",
    "assessment_worklist",
    "assessor_assignments",
    "assessor_candidates",
    "controls_in_scope",
    "derived_result",
    "determination_evidence_choices",
    "determination_get_for_user",
    "finding_get_for_user",
    "finding_list",
    "initial_assessment",
    "is_assigned_assessor",
    "leaf_objectives",
    "poam_item_get_for_user",
    "poam_item_list",
    "poam_milestone_get_for_user",
]

# A control's result, derived from the determinations of its objectives (worklist filter).
NOT_ASSESSED = "not_assessed"
IN_PROGRESS = "in_progress"
RESULTS = {
    NOT_ASSESSED: "Not assessed",
    IN_PROGRESS: "In progress",
    DeterminationResult.SATISFIED.value: "Satisfied",
    DeterminationResult.OTHER_THAN_SATISFIED.value: "Other than satisfied",
    DeterminationResult.NOT_APPLICABLE.value: "Not applicable",
}


# --- access ---------------------------------------------------------------------------------


def assessment_list_for_user(user, *, perm: str = VIEW) -> QuerySet[Assessment]:
    return Assessment.objects.filter(
        authorization__in=authorization_list_for_user(user, perm=perm)
    ).select_related("authorization__system__organization", "plan_approved_by", "created_by")


def assessment_get_for_user(user, pk, *, perm: str = VIEW) -> Assessment:
    """The access function for assessments: through the cycle's system, the same 404 for
    missing and not permitted."""
    return get_or_404(assessment_list_for_user(user, perm=perm), pk=pk)


def determination_get_for_user(user, pk, *, perm: str = VIEW) -> Determination:
    return get_or_404(
        Determination.objects.filter(
            assessment__authorization__in=authorization_list_for_user(user, perm=perm)
        ).select_related(
            "assessment__authorization__system__organization",
            "selected_control__control",
            "objective",
            "updated_by",
        ),
        pk=pk,
    )


def finding_get_for_user(user, pk, *, perm: str = VIEW) -> Finding:
    return get_or_404(
        _findings()
        .filter(assessment__authorization__in=authorization_list_for_user(user, perm=perm))
        .select_related("assessment__authorization__system__organization"),
        pk=pk,
    )


def poam_item_get_for_user(user, pk, *, perm: str = VIEW) -> PoamItem:
    return get_or_404(
        _poam_items()
        .filter(authorization__in=authorization_list_for_user(user, perm=perm))
        .select_related("authorization__system__organization"),
        pk=pk,
    )


def poam_milestone_get_for_user(user, pk, *, perm: str = VIEW) -> PoamMilestone:
    return get_or_404(
        PoamMilestone.objects.filter(
            item__authorization__in=authorization_list_for_user(user, perm=perm)
        ).select_related("item__authorization__system__organization"),
        pk=pk,
    )


# --- assessors ------------------------------------------------------------------------------


def initial_assessment(authorization: Authorization) -> Assessment | None:
    return (
        Assessment.objects.filter(authorization=authorization, kind=Assessment.Kind.INITIAL)
        .select_related("plan_approved_by", "created_by")
        .first()
    )


def assessor_assignments(authorization: Authorization) -> list[AssessorAssignment]:
    return list(
        AssessorAssignment.objects.filter(authorization=authorization).select_related(
            "assessor", "assigned_by"
        )
    )


def is_assigned_assessor(user, authorization: Authorization) -> bool:
    """Whether `user` assesses this cycle: assigned by the authorizing official (A-1) and
    still holding ASSESS on the system."""
    if user is None or not user.is_authenticated:
        return False
    return AssessorAssignment.objects.filter(
        authorization=authorization, assessor=user
    ).exists() and user_can(user, ASSESS, authorization.system)


@dataclass
class AssessorCandidate:
    user: object
    problems: list[str]  # separation of duties: why this person may not assess the system
    assigned: bool

    @property
    def eligible(self) -> bool:
        return not self.problems


def assessor_candidates(authorization: Authorization) -> list[AssessorCandidate]:
    """The people who hold ASSESS on the cycle's system (an assessor of its organization, or
    one granted this system alone), each with what keeps them from assessing it. Fixed
    queries."""
    system = authorization.system
    users = {
        user.pk: user
        for source, codename in (
            (system.organization, ASSESS),
            (system, SYSTEM_PERMISSION_FOR[ASSESS]),
        )
        for user in get_users_with_perms(
            source, only_with_perms_in=[codename], with_group_users=True
        )
        if user.is_active
    }
    authored = implementation_authors([system.pk], users)
    assigned = set(
        AssessorAssignment.objects.filter(authorization=authorization).values_list(
            "assessor", flat=True
        )
    )
    return sorted(
        (
            AssessorCandidate(
                user=user,
                problems=sod_problems_for(system, user, authored=(system.pk, pk) in authored),
                assigned=pk in assigned,
            )
            for pk, user in users.items()
        ),
        key=lambda candidate: candidate.user.get_username(),
    )


# --- scope and objectives -------------------------------------------------------------------


def controls_in_scope(assessment: Assessment) -> QuerySet[SelectedControl]:
    """The active controls the assessment covers: all of the cycle's, or those of its plan."""
    controls = SelectedControl.objects.filter(
        authorization=assessment.authorization_id, tailoring__in=ACTIVE
    )
    if not assessment.scope_all:
        controls = controls.filter(assessment_scopes=assessment)
    return controls


def leaf_objectives(control_ids: Iterable[str]) -> dict[str, list[ControlPart]]:
    """Per control, its SP 800-53A objectives that take a determination: those with no
    objective below them, in document order. One query."""
    objectives: dict[str, list[ControlPart]] = defaultdict(list)
    for part in (
        ControlPart.objects.filter(control__in=list(control_ids), name=OBJECTIVE)
        .filter(is_leaf_objective())
        .order_by("sort_order")
    ):
        objectives[part.control_id].append(part)
    return objectives


def determination_evidence_choices(authorization: Authorization) -> QuerySet[Evidence]:
    """The evidence an assessor may cite for this cycle's determinations: evidence owned by
    the system's organization or one above it (a city's policy), and evidence attached to the
    system's controls."""
    path = authorization.system.organization.path
    parts = [part for part in path.strip("/").split("/") if part]
    ancestor_paths = ["/" + "/".join(parts[: index + 1]) + "/" for index in range(len(parts))]
    attached = Evidence.controls.through.objects.filter(
        evidence=OuterRef("pk"), selectedcontrol__authorization__system=authorization.system_id
    )
    return Evidence.objects.filter(
        Q(organization__path__in=ancestor_paths) | Exists(attached)
    ).select_related("organization")


# --- worklist -------------------------------------------------------------------------------


def derived_result(results: list[str], total: int) -> str:
    """A control's result from its objectives' determinations: not assessed (none yet), other
    than satisfied (any), in progress (some missing), not applicable (all), else satisfied."""
    if not results:
        return NOT_ASSESSED
    if DeterminationResult.OTHER_THAN_SATISFIED in results:
        return DeterminationResult.OTHER_THAN_SATISFIED.value
    if len(results) < total:
        return IN_PROGRESS
    if all(result == DeterminationResult.NOT_APPLICABLE for result in results):
        return DeterminationResult.NOT_APPLICABLE.value
    return DeterminationResult.SATISFIED.value


@dataclass
class AssessmentRow:
    selected_control: SelectedControl
    implementation: ControlImplementation | None
    objectives: list[tuple[ControlPart, Determination | None]]
    finding: Finding | None = None

    @property
    def control(self):
        return self.selected_control.control

    @property
    def total(self) -> int:
        return len(self.objectives)

    @property
    def determined(self) -> int:
        return sum(1 for _, determination in self.objectives if determination is not None)

    @property
    def result(self) -> str:
        return derived_result(
            [d.result for _, d in self.objectives if d is not None], len(self.objectives)
        )

    @property
    def result_label(self) -> str:
        return RESULTS[self.result]

    def count(self, result: str) -> int:
        return sum(1 for _, d in self.objectives if d is not None and d.result == result)


def _rows(
    assessment: Assessment, controls: list[SelectedControl], determinations: QuerySet
) -> list[AssessmentRow]:
    objectives = leaf_objectives({selected.control_id for selected in controls})
    by_objective = {
        determination.objective_id: determination
        for determination in determinations.filter(
            assessment=assessment, selected_control__in=[c.pk for c in controls]
        )
    }
    findings = {
        finding.selected_control_id: finding
        for finding in Finding.objects.filter(
            assessment=assessment, selected_control__in=[c.pk for c in controls]
        )
    }
    rows = []
    for selected in controls:
        try:
            implementation = selected.implementation
        except ControlImplementation.DoesNotExist:
            implementation = None
        rows.append(
            AssessmentRow(
                selected_control=selected,
                implementation=implementation,
                objectives=[
                    (objective, by_objective.get(objective.pk))
                    for objective in objectives.get(selected.control_id, [])
                ],
                finding=findings.get(selected.pk),
            )
        )
    return rows


def assessment_worklist(
    assessment: Assessment,
    *,
    family: str | None = None,
    result: str | None = None,
    **registered: str,
) -> list[AssessmentRow]:
    """One row per control in scope, in catalog order, with its objectives and their
    determinations and its derived result; `result` keeps the controls with that derived
    result (a key of RESULTS); `registered`: values of the registered control filters
    (`control_filters`). Four queries."""
    controls = controls_in_scope(assessment).select_related(
        "control__family", "implementation", "provider"
    )
    if family:
        controls = controls.filter(control__family=family.lower())
    if registered:
        controls = controls.filter(control_filter_q(registered))
    rows = _rows(
        assessment,
        list(controls.order_by("control__sort_key")),
        Determination.objects.select_related("updated_by"),
    )
    if result:
        rows = [row for row in rows if row.result == result]
    return rows


def assessment_row(assessment: Assessment, selected_control: SelectedControl) -> AssessmentRow:
    """One control of the assessment, for its determination page: its objectives with their
    determinations, who saved them and the evidence cited. A control out of scope gives a row
    without objectives."""
    controls = list(
        controls_in_scope(assessment)
        .filter(pk=selected_control.pk)
        .select_related("control__family", "implementation", "provider")
    )
    if not controls:
        return AssessmentRow(
            selected_control=selected_control, implementation=None, objectives=[], finding=None
        )
    return _rows(
        assessment,
        controls,
        Determination.objects.select_related("updated_by").prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.order_by("title"))
        ),
    )[0]


@dataclass
class FamilyAssessmentProgress:
    family: ControlFamily | None  # None for the overall totals
    controls: int = 0
    objectives: int = 0
    determined: int = 0
    satisfied: int = 0
    other_than_satisfied: int = 0
    not_applicable: int = 0
    # Controls by derived result (keys of RESULTS).
    by_result: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RESULTS, 0))

    @property
    def percent(self) -> int:
        return round(100 * self.determined / self.objectives) if self.objectives else 0

    def add(self, row: AssessmentRow) -> None:
        self.controls += 1
        self.objectives += row.total
        self.determined += row.determined
        self.satisfied += row.count(DeterminationResult.SATISFIED)
        self.other_than_satisfied += row.count(DeterminationResult.OTHER_THAN_SATISFIED)
        self.not_applicable += row.count(DeterminationResult.NOT_APPLICABLE)
        self.by_result[row.result] += 1


@dataclass
class AssessmentProgress:
    families: list[FamilyAssessmentProgress]
    total: FamilyAssessmentProgress

    def __iter__(self) -> Iterator[FamilyAssessmentProgress]:
        return iter(self.families)

    def __len__(self) -> int:
        return len(self.families)


def assessment_progress(
    assessment: Assessment, rows: list[AssessmentRow] | None = None
) -> AssessmentProgress:
    """Per family of the controls in scope, and overall: objectives determined and their
    results, controls by derived result. Iterating it gives the families. Four queries, none
    when given the unfiltered worklist `rows` a page has already read."""
    families: dict[str, FamilyAssessmentProgress] = {}
    total = FamilyAssessmentProgress(family=None)
    for row in assessment_worklist(assessment) if rows is None else rows:
        family = row.control.family
        families.setdefault(family.pk, FamilyAssessmentProgress(family=family)).add(row)
        total.add(row)
    return AssessmentProgress(
        families=sorted(families.values(), key=lambda item: item.family.sort_order), total=total
    )


# --- findings and the POA&M -----------------------------------------------------------------


def _findings() -> QuerySet[Finding]:
    return Finding.objects.select_related(
        "assessment",
        "selected_control__control",
        "created_by",
        "updated_by",
        "reassessed_by",
        "poam_item",
    ).prefetch_related(
        Prefetch("objectives", queryset=ControlPart.objects.order_by("sort_order")),
        Prefetch("remediations", queryset=RemediationAction.objects.select_related("recorded_by")),
    )


def finding_list(assessment_or_authorization: Assessment | Authorization) -> list[Finding]:
    """The findings of one assessment, or of every assessment of a cycle, with their control,
    objectives, remediations and POA&M item. Four queries."""
    if isinstance(assessment_or_authorization, Assessment):
        findings = _findings().filter(assessment=assessment_or_authorization)
    else:
        findings = _findings().filter(assessment__authorization=assessment_or_authorization)
    return list(findings.order_by("assessment__created_at", "assessment_id", "number"))


def _poam_items() -> QuerySet[PoamItem]:
    return PoamItem.objects.select_related(
        "finding__assessment", "selected_control__control", "created_by"
    ).prefetch_related("milestones")


def poam_item_list(authorization: Authorization) -> list[PoamItem]:
    """The cycle's POA&M items in number order, with their finding, control and milestones.
    Two queries."""
    return list(_poam_items().filter(authorization=authorization).order_by("number"))
