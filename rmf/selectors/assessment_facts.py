"""What the Assess tasks (A-1 to A-6) look at, for many cycles in a fixed number of queries, and
the separation-of-duties rule of assessors.

Kept apart from `rmf.selectors.assessment` so that the cycle facts (`rmf.selectors.workflow`)
can load it without importing the pages' selectors, which import the workflow selectors.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    When,
)
from django.db.models.functions import Cast

from assets.models import AuditEvent, System
from rmf.models import (
    Assessment,
    AssessorAssignment,
    ControlImplementation,
    ControlPart,
    Determination,
    DeterminationResult,
    Finding,
    ImplementationNarrative,
    PoamMilestone,
    SelectedControl,
)

ACTIVE = (SelectedControl.Tailoring.BASELINE, SelectedControl.Tailoring.ADDED)
OBJECTIVE = ControlPart.Name.OBJECTIVE
# The audit actions of the services that write a system's implementation.
IMPLEMENTATION_ACTIONS = ("implementation_update", "narrative_save")
INCOMPLETE_FINDING = Q(weakness="") | Q(likelihood="") | Q(impact="") | Q(recommendation="")


def is_leaf_objective() -> Exists:
    """For a queryset of ControlPart: the objective has no objective below it (SP 800-53A
    determinations are made on these: "AC-02a.[01]", or a whole control without parts)."""
    return ~Exists(ControlPart.objects.filter(parent=OuterRef("pk"), name=OBJECTIVE))


def implementation_authors(
    system_ids: Iterable[int], user_ids: Iterable[int]
) -> set[tuple[int, int]]:
    """(system id, user id) for each of `user_ids` who wrote part of the implementation of one
    of `system_ids`, in any of its cycles: the last author of an implementation record or a
    narrative, or anyone the audit trail shows changing one. Three queries."""
    system_ids = list(system_ids)
    user_ids = list(user_ids)
    pairs: set[tuple[int, int]] = set()
    pairs.update(
        ControlImplementation.objects.filter(
            selected_control__authorization__system__in=system_ids, updated_by__in=user_ids
        )
        .values_list("selected_control__authorization__system", "updated_by")
        .distinct()
    )
    pairs.update(
        ImplementationNarrative.objects.filter(
            implementation__selected_control__authorization__system__in=system_ids,
            updated_by__in=user_ids,
        )
        .values_list("implementation__selected_control__authorization__system", "updated_by")
        .distinct()
    )
    # Earlier edits are overwritten in `updated_by` but stay in the audit trail.
    object_pk = Cast(OuterRef("object_id"), BigIntegerField())
    implementation_system = ControlImplementation.objects.filter(pk=object_pk).values(
        "selected_control__authorization__system"
    )[:1]
    narrative_system = ImplementationNarrative.objects.filter(pk=object_pk).values(
        "implementation__selected_control__authorization__system"
    )[:1]
    pairs.update(
        AuditEvent.objects.filter(actor__in=user_ids, action__in=IMPLEMENTATION_ACTIONS)
        .annotate(
            system=Case(
                When(action="implementation_update", then=Subquery(implementation_system)),
                When(action="narrative_save", then=Subquery(narrative_system)),
                output_field=BigIntegerField(),
            )
        )
        .filter(system__in=system_ids)
        .values_list("system", "actor")
        .distinct()
        .order_by()
    )
    return pairs


def sod_problems_for(system: System, user, *, authored: bool) -> list[str]:
    """Why `user` may not assess `system` (separation of duties, SP 800-37 A-1): the people
    who answer for the system or wrote its implementation do not assess it."""
    name = user.get_full_name() or user.get_username()
    problems = []
    if system.system_owner_id == user.pk:
        problems.append(f"{name} is the system owner of {system.acronym}")
    if system.isso_id == user.pk:
        problems.append(f"{name} is the ISSO of {system.acronym}")
    if authored:
        problems.append(f"{name} wrote part of the implementation of {system.acronym}")
    return problems


@dataclass
class AssessmentSummary:
    """A cycle's initial assessment as the Assess tasks see it."""

    assessment: Assessment | None = None
    assessors: list[AssessorAssignment] = field(default_factory=list)
    # Assigned assessors who may not assess the system (owner, ISSO, implementation author).
    sod_problems: list[str] = field(default_factory=list)
    controls_in_scope: int = 0
    objectives_in_scope: int = 0
    determined: int = 0
    other_than_satisfied: int = 0
    findings: int = 0
    findings_not_closed: int = 0
    findings_incomplete: int = 0  # missing weakness, likelihood, impact or recommendation
    awaiting_reassessment: int = 0  # remediation recorded, not re-assessed yet
    open_findings_without_poam: int = 0
    poam_items_incomplete: int = 0  # no point of contact, scheduled completion or milestone

    @property
    def sod_ok(self) -> bool:
        return not self.sod_problems

    @property
    def plan_exists(self) -> bool:
        return self.assessment is not None

    @property
    def plan_approved(self) -> bool:
        return self.assessment is not None and self.assessment.plan_approved

    @property
    def plan_missing(self) -> list[str]:
        """What the plan still lacks before it can be approved (empty without a plan)."""
        assessment = self.assessment
        if assessment is None:
            return []
        missing = []
        if assessment.starts_on is None or assessment.ends_on is None:
            missing.append("the assessment's start and end dates")
        if not assessment.methods:
            missing.append("the assessment methods (examine, interview, test)")
        if not self.controls_in_scope:
            missing.append("the controls in scope")
        return missing

    @property
    def undetermined(self) -> int:
        return max(self.objectives_in_scope - self.determined, 0)


def _in_scope(assessment_field: str, selected_field: str) -> Q:
    """Rows whose selected control is in the scope of their assessment: every active control
    when the scope is all, the listed ones (still active) otherwise."""
    listed = Assessment.scoped_controls.through.objects.filter(
        assessment=OuterRef(assessment_field), selectedcontrol=OuterRef(selected_field)
    )
    return Q(**{f"{selected_field}__tailoring__in": ACTIVE}) & (
        Q(**{f"{assessment_field}__scope_all": True}) | Exists(listed)
    )


def assessment_summaries_bulk(authorizations: list) -> dict[int, AssessmentSummary]:
    """The summary of each cycle's initial assessment, in at most eight queries whatever the
    number of cycles, controls or objectives (fewer when none has assessors or an assessment).
    `authorizations` come with their system selected."""
    ids = [authorization.pk for authorization in authorizations]
    summaries = {pk: AssessmentSummary() for pk in ids}
    assessments = {
        assessment.authorization_id: assessment
        for assessment in Assessment.objects.filter(
            authorization__in=ids, kind=Assessment.Kind.INITIAL
        ).select_related("plan_approved_by", "created_by")
    }
    for authorization_id, assessment in assessments.items():
        summaries[authorization_id].assessment = assessment
    assignments = list(
        AssessorAssignment.objects.filter(authorization__in=ids).select_related(
            "assessor", "assigned_by"
        )
    )
    for assignment in assignments:
        summaries[assignment.authorization_id].assessors.append(assignment)
    systems = {authorization.pk: authorization.system for authorization in authorizations}
    authored = implementation_authors(
        {system.pk for system in systems.values()}, {a.assessor_id for a in assignments}
    )
    for assignment in assignments:
        system = systems[assignment.authorization_id]
        summaries[assignment.authorization_id].sod_problems.extend(
            sod_problems_for(
                system,
                assignment.assessor,
                authored=(system.pk, assignment.assessor_id) in authored,
            )
        )
    if not assessments:
        return summaries
    # Leaf objectives of the controls in scope, counted by the database.
    initial = Assessment.objects.filter(
        authorization=OuterRef("authorization"), kind=Assessment.Kind.INITIAL
    )
    scoped = Exists(initial.filter(scope_all=True)) | Exists(
        initial.filter(scoped_controls=OuterRef("pk"))
    )
    for authorization_id, controls, objectives in (
        SelectedControl.objects.filter(
            authorization__in=ids, tailoring__in=ACTIVE, control__parts__name=OBJECTIVE
        )
        .annotate(part=F("control__parts"))
        .filter(scoped)
        .exclude(Exists(ControlPart.objects.filter(parent=OuterRef("part"), name=OBJECTIVE)))
        .values("authorization")
        .annotate(controls=Count("pk", distinct=True), objectives=Count("part"))
        .values_list("authorization", "controls", "objectives")
        .order_by()
    ):
        summaries[authorization_id].controls_in_scope = controls
        summaries[authorization_id].objectives_in_scope = objectives
    for authorization_id, determined, other in (
        Determination.objects.filter(
            assessment__authorization__in=ids, assessment__kind=Assessment.Kind.INITIAL
        )
        .filter(_in_scope("assessment", "selected_control"))
        .values("assessment__authorization")
        .annotate(
            determined=Count("pk"),
            other=Count("pk", filter=Q(result=DeterminationResult.OTHER_THAN_SATISFIED)),
        )
        .values_list("assessment__authorization", "determined", "other")
        .order_by()
    ):
        summaries[authorization_id].determined = determined
        summaries[authorization_id].other_than_satisfied = other
    not_closed = ~Q(status=Finding.Status.CLOSED)
    has_milestone = Exists(PoamMilestone.objects.filter(item__finding=OuterRef("pk")))
    for row in (
        Finding.objects.filter(
            assessment__authorization__in=ids, assessment__kind=Assessment.Kind.INITIAL
        )
        .annotate(has_milestone=has_milestone)
        .values("assessment__authorization")
        .annotate(
            total=Count("pk"),
            not_closed=Count("pk", filter=not_closed),
            incomplete=Count("pk", filter=INCOMPLETE_FINDING),
            submitted=Count("pk", filter=Q(status=Finding.Status.REMEDIATION_SUBMITTED)),
            without_poam=Count("pk", filter=not_closed & Q(poam_item__isnull=True)),
            poam_incomplete=Count(
                "pk",
                filter=not_closed
                & Q(poam_item__isnull=False)
                & (
                    Q(poam_item__point_of_contact="")
                    | Q(poam_item__scheduled_completion__isnull=True)
                    | Q(has_milestone=False)
                ),
            ),
        )
        .order_by()
    ):
        summary = summaries[row["assessment__authorization"]]
        summary.findings = row["total"]
        summary.findings_not_closed = row["not_closed"]
        summary.findings_incomplete = row["incomplete"]
        summary.awaiting_reassessment = row["submitted"]
        summary.open_findings_without_poam = row["without_poam"]
        summary.poam_items_incomplete = row["poam_incomplete"]
    return summaries
