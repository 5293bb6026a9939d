"""Step 6, Monitor, over the REST API: a cycle's change records, recording one, correcting it, its
security impact analysis (M-1); the controls due for assessment and starting an ongoing
assessment (M-2); the disposal of a system (M-7). One view per operation; every object is
reached through its access function with the permission the operation needs, so a caller
without it gets the same 404 as for a missing object. The ongoing assessment's plan approval,
determinations and findings are the Assess API's (`/assessments/<id>/...`)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from assets.api.inventory_serializers import NamedChoiceField
from assets.models import System
from assets.roles import ASSESS, EDIT_RMF, VIEW
from assets.selectors import system_get_for_user
from rmf.api.assessment._base import conflict_response
from rmf.api.assessment.plan import assessment_body
from rmf.api.assessment.serializers import AssessmentSerializer
from rmf.api.serializers_workflow import BlankAsNullChoiceField, ServiceCheckedChoiceField
from rmf.models import AssessmentMethod, ChangeRecord
from rmf.selectors.monitor import (
    ALL,
    DUE_FILTERS,
    DUE_GROUPS,
    change_record_detail,
    change_record_get_for_user,
    change_records,
    disposal_record,
    due_list,
)
from rmf.selectors.workflow import authorization_get_for_user
from rmf.services.monitor import (
    ChangeRecordConflict,
    change_record_analyse,
    change_record_create,
    change_record_update,
    ongoing_assessment_start,
    system_dispose,
)
from workbench.api import raise_validation_error
from workbench.views_access import ScopedApiView


class DueGroupField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=list(DUE_GROUPS.items()), **kwargs)


# ----------------------------------------------------------------------------- serializers


class AffectedControlSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The selected control.")
    control = serializers.CharField(source="control_id")
    label = serializers.CharField(source="control.label")


class ChangeRecordSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    authorization = serializers.IntegerField(source="authorization_id")
    code = serializers.CharField(help_text="CHG-001, numbered within the cycle.")
    title = serializers.CharField()
    kind = NamedChoiceField(ChangeRecord.Kind)
    description = serializers.CharField()
    changed_on = serializers.DateField()
    analysed = serializers.BooleanField()
    impact = BlankAsNullChoiceField(ChangeRecord.Impact, help_text="Null until analysed.")
    analysis = serializers.CharField()
    affected_controls = AffectedControlSerializer(many=True, source="affected_controls.all")
    return_to = BlankAsNullChoiceField(
        ChangeRecord.ReturnTo, help_text="For a significant change: where the new cycle starts."
    )
    new_cycle = serializers.IntegerField(
        source="new_cycle_id", allow_null=True, help_text="The cycle a significant change started."
    )
    version = serializers.IntegerField(help_text="Send it as `expected_version` when saving.")
    recorded_by = serializers.CharField(source="recorded_by.username", default=None)
    recorded_at = serializers.DateTimeField()
    analysed_by = serializers.CharField(source="analysed_by.username", default=None)
    analysed_at = serializers.DateTimeField(allow_null=True)


class ChangeRecordInputSerializer(serializers.Serializer):
    title = serializers.CharField(allow_blank=True, max_length=300)
    kind = ServiceCheckedChoiceField(ChangeRecord.Kind)
    description = serializers.CharField(allow_blank=True)
    changed_on = serializers.DateField(
        allow_null=True, help_text="When the change was made, or is planned."
    )


class ChangeRecordUpdateInputSerializer(ChangeRecordInputSerializer):
    expected_version = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="The version read."
    )


class ChangeAnalysisInputSerializer(serializers.Serializer):
    impact = ServiceCheckedChoiceField(ChangeRecord.Impact)
    analysis = serializers.CharField(allow_blank=True)
    affected_control_ids = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        default=list,
        help_text="Selected control ids of the cycle's active controls (required for a minor "
        "change).",
    )
    return_to = ServiceCheckedChoiceField(
        ChangeRecord.ReturnTo,
        required=False,
        allow_null=True,
        default=None,
        help_text="Required for a significant change: a new cycle starts in this step.",
    )
    expected_version = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="The version read."
    )


class ChangeConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    current = serializers.DictField(help_text="The saved values.")
    current_version = serializers.IntegerField()


class DueControlSerializer(serializers.Serializer):
    selected_control = serializers.IntegerField(source="selected_control_id")
    control = serializers.CharField(source="control_id")
    label = serializers.CharField()
    title = serializers.CharField()
    monitoring_frequency = serializers.CharField(
        source="frequency", help_text="Blank: annual, the default."
    )
    last_assessed = serializers.DateField(
        allow_null=True, help_text="Day of its latest determination in this cycle."
    )
    next_due = serializers.DateField()
    due = DueGroupField(source="group")
    ongoing_assessments = serializers.ListField(
        child=serializers.CharField(),
        source="in_assessments",
        help_text="Titles of the ongoing assessments that have it in scope, not yet determined.",
    )


def change_body(pk: int) -> dict:
    return ChangeRecordSerializer(change_record_detail(pk)).data


# ----------------------------------------------------------------------------- change records


class ChangeRecordListApi(ScopedApiView, generics.ListAPIView):
    """The cycle's change records (M-1), newest first, with their analysis."""

    access_function = authorization_get_for_user
    permission = VIEW
    serializer_class = ChangeRecordSerializer
    filter_backends: list = []

    def get_queryset(self) -> list[ChangeRecord]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no cycle
            return ChangeRecord.objects.none()
        return change_records(self.scoped_object)


class ChangeRecordCreateApi(ScopedApiView):
    """Record a change to the system or its environment (the system team; cycle in Monitor).
    Its security impact analysis follows."""

    access_function = authorization_get_for_user
    permission = EDIT_RMF

    @extend_schema(request=ChangeRecordInputSerializer, responses={201: ChangeRecordSerializer})
    def post(self, request, pk):
        data = ChangeRecordInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            change = change_record_create(
                actor=request.user, authorization=self.scoped_object, **data.validated_data
            )
        except DjangoValidationError as error:
            raise_validation_error(error)
        return Response(change_body(change.pk), status=status.HTTP_201_CREATED)


class ChangeRecordDetailApi(ScopedApiView):
    access_function = change_record_get_for_user
    permission = VIEW

    @extend_schema(responses=ChangeRecordSerializer)
    def get(self, request, pk):
        return Response(change_body(self.scoped_object.pk))


class ChangeRecordUpdateApi(ScopedApiView):
    """Correct a change record before its analysis. With `expected_version`, a save by
    someone else since is a 409 with the saved values, and nothing is written."""

    access_function = change_record_get_for_user
    permission = EDIT_RMF

    @extend_schema(
        request=ChangeRecordUpdateInputSerializer,
        responses={200: ChangeRecordSerializer, 409: ChangeConflictSerializer},
    )
    def put(self, request, pk):
        data = ChangeRecordUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            change_record_update(
                actor=request.user, change=self.scoped_object, **data.validated_data
            )
        except ChangeRecordConflict as conflict:
            return conflict_response(conflict)
        except DjangoValidationError as error:
            raise_validation_error(error)
        return Response(change_body(self.scoped_object.pk))


class ChangeRecordAnalyseApi(ScopedApiView):
    """The security impact analysis, given once. A significant change starts a new cycle in
    Categorize, or in Select with the categorization's approval carried (`new_cycle`); the
    current authorization stays in force until the new cycle's decision."""

    access_function = change_record_get_for_user
    permission = EDIT_RMF

    @extend_schema(
        request=ChangeAnalysisInputSerializer,
        responses={200: ChangeRecordSerializer, 409: ChangeConflictSerializer},
    )
    def post(self, request, pk):
        data = ChangeAnalysisInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            change_record_analyse(
                actor=request.user, change=self.scoped_object, **data.validated_data
            )
        except ChangeRecordConflict as conflict:
            return conflict_response(conflict)
        except DjangoValidationError as error:
            raise_validation_error(error)
        return Response(change_body(self.scoped_object.pk))


# ----------------------------------------------------------------------------- assessments


class AssessmentScheduleApi(ScopedApiView, generics.ListAPIView):
    """Every active control of the cycle with its last assessment and next due date (one
    monitoring period after its latest determination; never assessed: due today), soonest
    first. `?due=` keeps some: `overdue`, `soon` (within 30 days), `later`, or `due` (overdue
    or soon); all by default."""

    access_function = authorization_get_for_user
    permission = VIEW
    serializer_class = DueControlSerializer
    filter_backends: list = []

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "due",
                OpenApiTypes.STR,
                enum=list(DUE_FILTERS),
                description="; ".join(f"{key}: {label}" for key, label in DUE_FILTERS.items()),
            )
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> list:
        if getattr(self, "swagger_fake_view", False):
            return []
        group = self.request.query_params.get("due", "") or ALL
        if group not in DUE_FILTERS:
            raise serializers.ValidationError({"due": [f"Choose one of {', '.join(DUE_FILTERS)}."]})
        return due_list(self.scoped_object, timezone.localdate(), group).rows


class OngoingAssessmentStartApi(ScopedApiView):
    """An assigned assessor plans an ongoing assessment (cycle in Monitor) of the chosen active
    controls, by default those overdue or due within 30 days. The authorizing official then
    approves its plan (`/assessments/<id>/approve-plan/`); determinations and findings follow
    as in the Assess step."""

    access_function = authorization_get_for_user
    permission = ASSESS

    class OngoingAssessmentInputSerializer(serializers.Serializer):
        title = serializers.CharField(allow_blank=True, max_length=300)
        scoped_control_ids = serializers.ListField(
            child=serializers.IntegerField(),
            required=False,
            default=list,
            help_text="Selected control ids; empty: the controls overdue or due within 30 days.",
        )
        starts_on = serializers.DateField(allow_null=True)
        ends_on = serializers.DateField(allow_null=True)
        methods = serializers.ListField(child=ServiceCheckedChoiceField(AssessmentMethod))
        assessment_objects = serializers.CharField(required=False, default="", allow_blank=True)
        rules_of_engagement = serializers.CharField(required=False, default="", allow_blank=True)

    @extend_schema(request=OngoingAssessmentInputSerializer, responses={201: AssessmentSerializer})
    def post(self, request, pk):
        data = self.OngoingAssessmentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            assessment = ongoing_assessment_start(
                actor=request.user, authorization=self.scoped_object, **data.validated_data
            )
        except DjangoValidationError as error:
            raise_validation_error(error)
        return Response(assessment_body(assessment.pk), status=status.HTTP_201_CREATED)


# ----------------------------------------------------------------------------- disposal


class DisposalSerializer(serializers.Serializer):
    system = serializers.IntegerField(source="system.pk")
    status = NamedChoiceField(System.Status, source="system.status")
    disposed_on = serializers.DateField(source="record.disposed_on")
    reason = serializers.CharField(source="record.reason")
    recorded_by = serializers.CharField(source="record.recorded_by")
    ended_decision = serializers.IntegerField(
        source="record.ended_decision.pk",
        default=None,
        allow_null=True,
        help_text="The authorization decision the disposal ended.",
    )


class SystemDisposeApi(ScopedApiView):
    """Record the disposal of a system (M-7): not in the future, not before it went live, with
    the reason. Its effective authorization ends, its current cycle closes, and every RMF
    record of the system is read-only afterwards."""

    access_function = system_get_for_user
    permission = EDIT_RMF

    class DisposeInputSerializer(serializers.Serializer):
        disposed_on = serializers.DateField(allow_null=True)
        reason = serializers.CharField(allow_blank=True)

    @extend_schema(request=DisposeInputSerializer, responses={200: DisposalSerializer})
    def post(self, request, pk):
        data = self.DisposeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            system = system_dispose(
                actor=request.user, system=self.scoped_object, **data.validated_data
            )
        except DjangoValidationError as error:
            raise_validation_error(error)
        body = {"system": system, "record": disposal_record(system)}
        return Response(DisposalSerializer(body).data)


urlpatterns = [
    path("authorizations/<int:pk>/changes/", ChangeRecordListApi.as_view(), name="api-change-list"),
    path(
        "authorizations/<int:pk>/changes/record/",
        ChangeRecordCreateApi.as_view(),
        name="api-change-create",
    ),
    path("changes/<int:pk>/", ChangeRecordDetailApi.as_view(), name="api-change"),
    path("changes/<int:pk>/update/", ChangeRecordUpdateApi.as_view(), name="api-change-update"),
    path("changes/<int:pk>/analyse/", ChangeRecordAnalyseApi.as_view(), name="api-change-analyse"),
    path(
        "authorizations/<int:pk>/assessment-schedule/",
        AssessmentScheduleApi.as_view(),
        name="api-assessment-schedule",
    ),
    path(
        "authorizations/<int:pk>/ongoing-assessments/start/",
        OngoingAssessmentStartApi.as_view(),
        name="api-ongoing-assessment-start",
    ),
    path("systems/<int:pk>/dispose/", SystemDisposeApi.as_view(), name="api-system-dispose"),
]
