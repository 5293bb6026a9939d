"""Serializers of the Assess API: assessors, the plan with its progress, the worklist, a control's
objectives with their determinations, findings, the POA&M, the risk table, and the 409 bodies
of conflicts (both versions)."""

from datetime import date

from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assets.api.inventory_serializers import NamedChoiceField
from rmf.api.serializers_workflow import BlankAsNullChoiceField, ServiceCheckedChoiceField
from rmf.models import (
    AssessmentMethod,
    Designation,
    DeterminationResult,
    Finding,
    ImplementationStatus,
    PoamItem,
    RiskScale,
)
from rmf.selectors.assessment import RESULTS


class ControlResult(models.TextChoices):
    """A control's result, derived from its objectives' determinations."""

    NOT_ASSESSED = "not_assessed", RESULTS["not_assessed"]
    IN_PROGRESS = "in_progress", RESULTS["in_progress"]
    SATISFIED = DeterminationResult.SATISFIED.value, RESULTS["satisfied"]
    OTHER_THAN_SATISFIED = (
        DeterminationResult.OTHER_THAN_SATISFIED.value,
        RESULTS["other_than_satisfied"],
    )
    NOT_APPLICABLE = DeterminationResult.NOT_APPLICABLE.value, RESULTS["not_applicable"]


class ReassessmentResult(models.TextChoices):
    SATISFIED = DeterminationResult.SATISFIED.value, "Satisfied: the finding closes"
    OTHER_THAN_SATISFIED = (
        DeterminationResult.OTHER_THAN_SATISFIED.value,
        "Other than satisfied: the finding is open again",
    )


class PoamEditableStatus(models.TextChoices):
    """The statuses the Assess step sets; risk acceptance and completion are the Monitor
    step's."""

    OPEN = PoamItem.Status.OPEN.value, PoamItem.Status.OPEN.label
    ONGOING = PoamItem.Status.ONGOING.value, PoamItem.Status.ONGOING.label


def _username(source: str) -> serializers.CharField:
    return serializers.CharField(
        source=f"{source}.username", allow_null=True, default=None, help_text="Username."
    )


# ----------------------------------------------------------------------------- assessors


class AssessorAssignmentSerializer(serializers.Serializer):
    user_id = serializers.IntegerField(source="assessor.pk")
    username = serializers.CharField(source="assessor.username")
    name = serializers.SerializerMethodField()
    is_lead = serializers.BooleanField()
    assigned_by = _username("assigned_by")
    assigned_at = serializers.DateTimeField()

    def get_name(self, assignment) -> str:
        return assignment.assessor.get_full_name() or assignment.assessor.username


# ----------------------------------------------------------------------------- the plan


class ScopedControlSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The selected control.")
    control = serializers.CharField(source="control_id")
    label = serializers.CharField(source="control.label")


class AssessmentSerializer(serializers.Serializer):
    """An assessment with its plan."""

    id = serializers.IntegerField()
    authorization = serializers.IntegerField(source="authorization_id")
    kind = serializers.CharField(help_text="`initial` (Assess step) or `ongoing` (Monitor).")
    title = serializers.CharField()
    scope_all = serializers.BooleanField(help_text="Every active control of the cycle.")
    scoped_controls = serializers.SerializerMethodField()
    starts_on = serializers.DateField(allow_null=True)
    ends_on = serializers.DateField(allow_null=True)
    methods = serializers.ListField(child=NamedChoiceField(AssessmentMethod))
    assessment_objects = serializers.CharField()
    rules_of_engagement = serializers.CharField()
    plan_version = serializers.IntegerField(
        help_text="Send it as `expected_version` when changing the plan."
    )
    plan_approved = serializers.BooleanField()
    plan_approved_at = serializers.DateTimeField(allow_null=True)
    plan_approved_by = _username("plan_approved_by")
    created_by = _username("created_by")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    @staticmethod
    def _scoped(assessment) -> list:
        if assessment.scope_all:
            return []
        return sorted(assessment.scoped_controls.all(), key=lambda s: s.control.sort_key)

    @extend_schema_field(ScopedControlSerializer(many=True))
    def get_scoped_controls(self, assessment) -> list[dict]:
        """The controls in scope when `scope_all` is false."""
        return ScopedControlSerializer(self._scoped(assessment), many=True).data


class AssessmentFamilyProgressSerializer(serializers.Serializer):
    family = serializers.CharField(
        source="family.pk", allow_null=True, default=None, help_text="Null for the totals."
    )
    family_title = serializers.CharField(source="family.title", allow_null=True, default=None)
    controls = serializers.IntegerField()
    objectives = serializers.IntegerField()
    determined = serializers.IntegerField()
    satisfied = serializers.IntegerField()
    other_than_satisfied = serializers.IntegerField()
    not_applicable = serializers.IntegerField()
    percent = serializers.IntegerField()
    controls_by_result = serializers.DictField(
        source="by_result", child=serializers.IntegerField(), help_text="Keys: control results."
    )


class AssessmentProgressSerializer(serializers.Serializer):
    total = AssessmentFamilyProgressSerializer()
    families = AssessmentFamilyProgressSerializer(many=True)


class AssessmentDetailSerializer(AssessmentSerializer):
    progress = serializers.SerializerMethodField()

    @extend_schema_field(AssessmentProgressSerializer)
    def get_progress(self, assessment) -> dict:
        return AssessmentProgressSerializer(self.context["progress"]).data


class PlanConflictSerializer(serializers.Serializer):
    """409: the plan was saved by someone else since `expected_version`; nothing was saved."""

    detail = serializers.CharField()
    current = serializers.DictField(help_text="The plan as saved.")
    current_version = serializers.IntegerField(
        help_text="Send it as `expected_version` to replace the saved plan with yours."
    )


# ----------------------------------------------------------------------------- determinations


class DeterminationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    objective_id = serializers.CharField()
    result = NamedChoiceField(DeterminationResult)
    methods = serializers.ListField(child=NamedChoiceField(AssessmentMethod))
    evidence_examined = serializers.CharField()
    note = serializers.CharField()
    evidence = serializers.SerializerMethodField(help_text="Ids of the evidence cited.")
    version = serializers.IntegerField(
        help_text="Send it as `expected_version` when changing the determination."
    )
    updated_by = _username("updated_by")
    updated_at = serializers.DateTimeField()

    def get_evidence(self, determination) -> list[int]:
        return sorted(evidence.pk for evidence in determination.evidence.all())


class AssessmentWorklistRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="selected_control.pk", help_text="The selected control.")
    control = serializers.CharField(source="selected_control.control_id")
    label = serializers.CharField(source="control.label")
    title = serializers.CharField(source="control.title")
    family = serializers.CharField(source="control.family_id")
    designation = NamedChoiceField(Designation, source="selected_control.designation")
    implementation_status = BlankAsNullChoiceField(
        ImplementationStatus, source="implementation.status", default=None
    )
    objectives = serializers.IntegerField(source="total")
    determined = serializers.IntegerField()
    result = NamedChoiceField(ControlResult)
    finding = serializers.IntegerField(source="finding.pk", allow_null=True, default=None)


class ObjectiveSerializer(serializers.Serializer):
    objective_id = serializers.CharField(source="part.pk")
    label = serializers.CharField(source="part.label")
    prose = serializers.CharField(
        source="part.prose", help_text="May hold {{ insert: param, ... }} placeholders."
    )
    determination = DeterminationSerializer(allow_null=True)


class ControlAssessmentSerializer(serializers.Serializer):
    """One control of the assessment: its objectives (the leaves of SP 800-53A's tree) with
    their determinations."""

    id = serializers.IntegerField(source="selected_control.pk", help_text="The selected control.")
    control = serializers.CharField(source="selected_control.control_id")
    label = serializers.CharField(source="control.label")
    title = serializers.CharField(source="control.title")
    result = NamedChoiceField(ControlResult)
    determined = serializers.IntegerField()
    finding = serializers.IntegerField(source="finding.pk", allow_null=True, default=None)
    objectives = serializers.SerializerMethodField()

    @extend_schema_field(ObjectiveSerializer(many=True))
    def get_objectives(self, row) -> list[dict]:
        items = [{"part": part, "determination": d} for part, d in row.objectives]
        return ObjectiveSerializer(items, many=True).data


class DeterminationConflictItemSerializer(serializers.Serializer):
    objective_id = serializers.CharField()
    objective_label = serializers.CharField()
    current_result = serializers.CharField(help_text="Empty when the determination is gone.")
    current_note = serializers.CharField()
    current_version = serializers.IntegerField(
        help_text="Send it as `expected_version` to replace theirs with yours."
    )
    current_author = serializers.CharField(
        source="current_author.username", allow_null=True, default=None
    )
    current_updated_at = serializers.DateTimeField(allow_null=True)
    your_values = serializers.DictField()


class DeterminationConflictSerializer(serializers.Serializer):
    """409: determinations saved by someone else since `expected_version`: nothing of the
    request was saved."""

    detail = serializers.CharField()
    conflicts = DeterminationConflictItemSerializer(many=True)


class DeterminationInput(serializers.Serializer):
    result = ServiceCheckedChoiceField(DeterminationResult)
    methods = serializers.ListField(
        child=ServiceCheckedChoiceField(AssessmentMethod),
        required=False,
        default=list,
        help_text="The methods used; required for satisfied and other than satisfied.",
    )
    evidence_examined = serializers.CharField(required=False, default="", allow_blank=True)
    note = serializers.CharField(required=False, default="", allow_blank=True)
    evidence_ids = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="The evidence cited (the whole set); absent: the evidence cited stays.",
    )
    expected_version = serializers.IntegerField(
        required=False,
        default=0,
        min_value=0,
        help_text="The determination's version as read; 0 when there was none.",
    )


class DeterminationEntryInput(DeterminationInput):
    objective_id = serializers.CharField(
        max_length=64, help_text='A leaf SP 800-53A objective, e.g. "ac-2_obj.a-1".'
    )


# ----------------------------------------------------------------------------- findings


class RemediationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    description = serializers.CharField()
    completed_on = serializers.DateField()
    recorded_by = _username("recorded_by")
    recorded_at = serializers.DateTimeField()


class FindingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField(help_text='"F-001" within its assessment.')
    assessment = serializers.IntegerField(source="assessment_id")
    selected_control = serializers.IntegerField(source="selected_control_id")
    control = serializers.CharField(source="selected_control.control_id")
    label = serializers.CharField(source="selected_control.control.label")
    objectives = serializers.SerializerMethodField(help_text="Objectives other than satisfied.")
    weakness = serializers.CharField()
    likelihood = BlankAsNullChoiceField(RiskScale)
    impact = BlankAsNullChoiceField(RiskScale)
    risk_level = BlankAsNullChoiceField(
        RiskScale, help_text="From likelihood and impact in the organization's risk table."
    )
    recommendation = serializers.CharField()
    status = NamedChoiceField(Finding.Status)
    reassessed_at = serializers.DateTimeField(allow_null=True)
    reassessed_by = _username("reassessed_by")
    reassessment_note = serializers.CharField()
    poam_item = serializers.SerializerMethodField()
    remediations = RemediationSerializer(many=True, source="remediations.all")
    version = serializers.IntegerField(help_text="Send it as `expected_version` when changing.")
    created_at = serializers.DateTimeField()
    updated_by = _username("updated_by")
    updated_at = serializers.DateTimeField()

    def get_objectives(self, finding) -> list[str]:
        return [part.pk for part in finding.objectives.all()]

    def get_poam_item(self, finding) -> int | None:
        item = getattr(finding, "poam_item", None)
        return item.pk if item is not None else None


class FindingConflictSerializer(serializers.Serializer):
    """409: the finding was saved by someone else since `expected_version`."""

    detail = serializers.CharField()
    current = serializers.DictField(help_text="The finding as saved.")
    current_version = serializers.IntegerField()


# ----------------------------------------------------------------------------- POA&M


class MilestoneSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    description = serializers.CharField()
    due_on = serializers.DateField()
    completed_on = serializers.DateField(allow_null=True)
    overdue = serializers.SerializerMethodField(help_text="Not completed and due before today.")

    def get_overdue(self, milestone) -> bool:
        return milestone.completed_on is None and milestone.due_on < date.today()


class PoamItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField(help_text='"POAM-001" within the cycle.')
    authorization = serializers.IntegerField(source="authorization_id")
    finding = serializers.IntegerField(source="finding_id", allow_null=True)
    selected_control = serializers.IntegerField(source="selected_control_id", allow_null=True)
    weakness = serializers.CharField()
    source = serializers.CharField()
    risk_level = BlankAsNullChoiceField(RiskScale)
    point_of_contact = serializers.CharField()
    resources = serializers.CharField()
    scheduled_completion = serializers.DateField(allow_null=True)
    status = NamedChoiceField(PoamItem.Status)
    milestones = MilestoneSerializer(many=True, source="milestones.all")
    version = serializers.IntegerField(help_text="Send it as `expected_version` when changing.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class PoamItemConflictSerializer(serializers.Serializer):
    """409: the item was saved by someone else since `expected_version`."""

    detail = serializers.CharField()
    current = serializers.DictField(help_text="The item as saved.")
    current_version = serializers.IntegerField()


# ----------------------------------------------------------------------------- risk table


class RiskRowSerializer(serializers.Serializer):
    very_low = NamedChoiceField(RiskScale)
    low = NamedChoiceField(RiskScale)
    moderate = NamedChoiceField(RiskScale)
    high = NamedChoiceField(RiskScale)
    very_high = NamedChoiceField(RiskScale)


class RiskCellsSerializer(serializers.Serializer):
    """cells[likelihood][impact]: the level of risk."""

    very_low = RiskRowSerializer()
    low = RiskRowSerializer()
    moderate = RiskRowSerializer()
    high = RiskRowSerializer()
    very_high = RiskRowSerializer()


class RiskTableSerializer(serializers.Serializer):
    organization = serializers.IntegerField()
    source_organization = serializers.IntegerField(
        allow_null=True, help_text="Whose table applies; null: SP 800-30's Table I-2."
    )
    own = serializers.BooleanField(help_text="The organization sets its own table.")
    cells = RiskCellsSerializer()
