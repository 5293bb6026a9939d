"""Assessors (A-1) and the assessment plan (A-2) over the REST API: the cycle's assessors, assigning
and unassigning them (the authorizing official), the cycle's assessments, saving the plan (an
assigned assessor; 409 on a conflict), approving it, and one assessment with its progress."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, QuerySet
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from assets.roles import ASSESS, AUTHORIZE, VIEW
from rmf.api.assessment._base import conflict_response
from rmf.api.assessment.serializers import (
    AssessmentDetailSerializer,
    AssessmentSerializer,
    AssessorAssignmentSerializer,
    PlanConflictSerializer,
)
from rmf.api.serializers_workflow import ServiceCheckedChoiceField
from rmf.models import Assessment, AssessmentMethod, AssessorAssignment, SelectedControl
from rmf.selectors.assessment import (
    assessment_get_for_user,
    assessment_progress,
    assessor_assignments,
)
from rmf.selectors.workflow import authorization_get_for_user
from rmf.services.assessment import (
    PlanConflict,
    assessment_plan_approve,
    assessment_plan_save,
    assessor_assign,
    assessor_unassign,
)
from workbench.api import raise_validation_error
from workbench.views_access import ScopedApiView

User = get_user_model()


def assessments_with_plan() -> QuerySet[Assessment]:
    return Assessment.objects.select_related(
        "plan_approved_by", "created_by", "authorization"
    ).prefetch_related(
        Prefetch("scoped_controls", queryset=SelectedControl.objects.select_related("control"))
    )


def assessment_body(pk: int, *, detail: bool = False) -> dict:
    assessment = assessments_with_plan().get(pk=pk)
    if detail:
        context = {"progress": assessment_progress(assessment)}
        return AssessmentDetailSerializer(assessment, context=context).data
    return AssessmentSerializer(assessment).data


# ----------------------------------------------------------------------------- assessors


class AssessorsApi(ScopedApiView):
    """The cycle's assessors (GET, for every reader); assigning one (POST, the authorizing
    official): they must hold the assessor role for the system and be independent of it (not
    its owner, not its ISSO, no author of its implementation)."""

    access_function = authorization_get_for_user
    permission = VIEW
    write_permission = AUTHORIZE

    class AssessorAssignInputSerializer(serializers.Serializer):
        user_id = serializers.IntegerField(help_text="The assessor's user id.")
        is_lead = serializers.BooleanField(required=False, default=False)

    @extend_schema(responses=AssessorAssignmentSerializer(many=True))
    def get(self, request, pk):
        assignments = assessor_assignments(self.scoped_object)
        return Response(AssessorAssignmentSerializer(assignments, many=True).data)

    @extend_schema(
        request=AssessorAssignInputSerializer, responses={201: AssessorAssignmentSerializer}
    )
    def post(self, request, pk):
        data = self.AssessorAssignInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assessor = User.objects.filter(pk=data.validated_data["user_id"], is_active=True).first()
        if assessor is None:
            raise serializers.ValidationError({"user_id": ["No active user has this id."]})
        try:
            assignment = assessor_assign(
                actor=request.user,
                authorization=self.scoped_object,
                assessor=assessor,
                is_lead=data.validated_data["is_lead"],
            )
        except DjangoValidationError as error:
            raise_validation_error(error)
        assignment = AssessorAssignment.objects.select_related("assessor", "assigned_by").get(
            pk=assignment.pk
        )
        return Response(
            AssessorAssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED
        )


class AssessorUnassignApi(ScopedApiView):
    """Unassign an assessor from the cycle, with the reason (kept in the audit trail). Their
    determinations stay."""

    access_function = authorization_get_for_user
    permission = AUTHORIZE

    class AssessorUnassignInputSerializer(serializers.Serializer):
        reason = serializers.CharField(required=False, default="", allow_blank=True)

    @extend_schema(request=AssessorUnassignInputSerializer, responses={204: None})
    def post(self, request, pk, user_id):
        data = self.AssessorUnassignInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assignment = (
            AssessorAssignment.objects.filter(authorization=self.scoped_object, assessor=user_id)
            .select_related("assessor")
            .first()
        )
        if assignment is None:
            raise serializers.ValidationError(
                {"user_id": ["This user is not assigned to the cycle."]}
            )
        try:
            assessor_unassign(
                actor=request.user,
                authorization=self.scoped_object,
                assessor=assignment.assessor,
                reason=data.validated_data["reason"],
            )
        except DjangoValidationError as error:
            raise_validation_error(error)
        return Response(status=status.HTTP_204_NO_CONTENT)


# ----------------------------------------------------------------------------- assessments


class AssessmentListApi(ScopedApiView, generics.ListAPIView):
    """The cycle's assessments with their plans: the initial one (Assess step), and ongoing
    ones later."""

    access_function = authorization_get_for_user
    permission = VIEW
    serializer_class = AssessmentSerializer
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[Assessment]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no cycle
            return Assessment.objects.none()
        return assessments_with_plan().filter(authorization=self.scoped_object)


class AssessmentPlanSaveApi(ScopedApiView):
    """Create the cycle's initial assessment with its plan, or change the plan (an assigned
    assessor). A change to an approved plan withdraws the approval. With `expected_version`,
    a save by someone else since is a 409 with the saved plan, and nothing is written."""

    access_function = authorization_get_for_user
    permission = ASSESS

    class AssessmentPlanInputSerializer(serializers.Serializer):
        title = serializers.CharField(allow_blank=True, max_length=300)
        scope_all = serializers.BooleanField(
            required=False, default=True, help_text="Every active control of the cycle."
        )
        scoped_control_ids = serializers.ListField(
            child=serializers.IntegerField(),
            required=False,
            default=list,
            help_text="Selected control ids, when `scope_all` is false.",
        )
        starts_on = serializers.DateField(required=False, allow_null=True, default=None)
        ends_on = serializers.DateField(required=False, allow_null=True, default=None)
        methods = serializers.ListField(
            child=ServiceCheckedChoiceField(AssessmentMethod), required=False, default=list
        )
        assessment_objects = serializers.CharField(required=False, default="", allow_blank=True)
        rules_of_engagement = serializers.CharField(required=False, default="", allow_blank=True)
        expected_version = serializers.IntegerField(
            required=False,
            allow_null=True,
            default=None,
            help_text="The plan version read; omit when creating the plan.",
        )

    @extend_schema(
        request=AssessmentPlanInputSerializer,
        responses={200: AssessmentSerializer, 409: PlanConflictSerializer},
    )
    def put(self, request, pk):
        data = self.AssessmentPlanInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            assessment = assessment_plan_save(
                actor=request.user, authorization=self.scoped_object, **data.validated_data
            )
        except PlanConflict as conflict:
            return conflict_response(conflict)
        except DjangoValidationError as error:
            raise_validation_error(error)
        return Response(assessment_body(assessment.pk))


class AssessmentPlanApproveApi(ScopedApiView):
    """The authorizing official approves the plan as it stands; refused while no assessor is
    assigned or the plan lacks dates, methods or scope."""

    access_function = assessment_get_for_user
    permission = AUTHORIZE

    class PlanApproveInputSerializer(serializers.Serializer):
        note = serializers.CharField(required=False, default="", allow_blank=True)

    @extend_schema(request=PlanApproveInputSerializer, responses=AssessmentSerializer)
    def post(self, request, pk):
        data = self.PlanApproveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            assessment_plan_approve(
                actor=request.user, assessment=self.scoped_object, **data.validated_data
            )
        except DjangoValidationError as error:
            raise_validation_error(error)
        return Response(assessment_body(self.scoped_object.pk))


class AssessmentDetailApi(ScopedApiView):
    """An assessment: its plan, and its progress overall and per family."""

    access_function = assessment_get_for_user
    permission = VIEW

    @extend_schema(responses=AssessmentDetailSerializer)
    def get(self, request, pk):
        return Response(assessment_body(self.scoped_object.pk, detail=True))


urlpatterns = [
    path("authorizations/<int:pk>/assessors/", AssessorsApi.as_view(), name="api-cycle-assessors"),
    path(
        "authorizations/<int:pk>/assessors/<int:user_id>/unassign/",
        AssessorUnassignApi.as_view(),
        name="api-cycle-assessor-unassign",
    ),
    path(
        "authorizations/<int:pk>/assessments/",
        AssessmentListApi.as_view(),
        name="api-cycle-assessments",
    ),
    path(
        "authorizations/<int:pk>/assessment-plan/",
        AssessmentPlanSaveApi.as_view(),
        name="api-assessment-plan-save",
    ),
    path(
        "assessments/<int:pk>/approve-plan/",
        AssessmentPlanApproveApi.as_view(),
        name="api-assessment-plan-approve",
    ),
    path("assessments/<int:pk>/", AssessmentDetailApi.as_view(), name="api-assessment"),
]
