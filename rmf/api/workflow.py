"""RMF cycles ("authorizations") over the REST API: the caller's cycles, starting one, a cycle with
its tasks and gate, sign-offs, moving between steps, and the portfolio of systems. One view per
operation; every cycle is reached through `authorization_get_for_user` with the permission the
operation needs, so a caller without it gets the same 404 as for a missing cycle."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import QuerySet
from django.urls import path
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from assets.api.inventory_serializers import NamedChoiceField
from assets.models import ImpactLevel, System
from assets.roles import EDIT_RMF, VIEW
from assets.selectors import in_organization_subtree, system_get_for_user
from rmf.api.serializers_reporting import DecisionStatusSerializer
from rmf.api.serializers_workflow import (
    CYCLE_RELATED,
    AuthorizationListItemSerializer,
    CycleDetail,
    CycleDetailSerializer,
    RmfSystemPeopleSerializer,
    RmfSystemSerializer,
    ServiceCheckedChoiceField,
    TaskStateSerializer,
)
from rmf.models import Authorization, Step
from rmf.selectors.portfolio import portfolio_rows, portfolio_systems
from rmf.selectors.workflow import (
    authorization_get_for_user,
    authorization_list_for_user,
    cycle_facts,
)
from rmf.services.workflow import (
    authorization_advance,
    authorization_start,
    authorization_step_back,
    task_signoff,
    task_signoff_withdraw,
)
from rmf.tasks import signoff_permission
from workbench.api import raise_validation_error
from workbench.views_access import ScopedApiView


def cycle_detail_response(pk: int, *, status_code: int = status.HTTP_200_OK) -> Response:
    """The cycle `pk` (already reached through its access function) as `CycleDetailSerializer`,
    in a fixed number of queries."""
    authorization = Authorization.objects.select_related(*CYCLE_RELATED).get(pk=pk)
    detail = CycleDetail(
        authorization=authorization,
        facts=cycle_facts(authorization),
        transitions=list(authorization.transitions.select_related("actor")),
    )
    data = CycleDetailSerializer(detail, context={"system": authorization.system}).data
    return Response(data, status=status_code)


# ----------------------------------------------------------------------------- cycles


class AuthorizationFilter(filters.FilterSet):
    system = filters.NumberFilter(field_name="system", label="A system's id.")
    step = filters.ChoiceFilter(choices=Step.choices)
    current = filters.BooleanFilter(
        field_name="is_current", label="true: only current cycles; false: only closed ones."
    )
    organization = filters.NumberFilter(
        method="filter_organization",
        label="An organization's id; its agencies' systems are included.",
    )

    class Meta:
        model = Authorization
        fields = ["system", "step", "current", "organization"]

    def filter_organization(self, queryset, name, value: int):
        return queryset.filter(in_organization_subtree(value, field="system__organization"))


class AuthorizationListApi(generics.ListAPIView):
    """The RMF cycles of the systems the caller may see, current and closed."""

    serializer_class = AuthorizationListItemSerializer
    filterset_class = AuthorizationFilter

    def get_queryset(self) -> QuerySet[Authorization]:
        return (
            authorization_list_for_user(self.request.user)
            .select_related("system__organization", "started_by")
            .order_by("system__organization__path", "system__acronym", "-cycle", "pk")
        )


class AuthorizationStartApi(ScopedApiView):
    """Start the first RMF cycle of the system `pk`, or a new one (re-authorization) that
    carries the previous cycle's work forward for review; sign-offs are not carried."""

    access_function = system_get_for_user
    permission = EDIT_RMF

    class AuthorizationStartInputSerializer(serializers.Serializer):
        reason = serializers.CharField(
            required=False,
            default="",
            allow_blank=True,
            help_text="Why a new cycle starts (e.g. a significant change); recorded in the audit.",
        )

    @extend_schema(
        request=AuthorizationStartInputSerializer, responses={201: CycleDetailSerializer}
    )
    def post(self, request, pk):
        data = self.AuthorizationStartInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            authorization = authorization_start(
                actor=request.user, system=self.scoped_object, **data.validated_data
            )
        except DjangoValidationError as error:
            raise_validation_error(error)
        return cycle_detail_response(authorization.pk, status_code=status.HTTP_201_CREATED)


class AuthorizationDetailApi(ScopedApiView):
    access_function = authorization_get_for_user
    permission = VIEW

    @extend_schema(responses=CycleDetailSerializer)
    def get(self, request, pk):
        return cycle_detail_response(self.scoped_object.pk)


class AuthorizationAdvanceApi(ScopedApiView):
    """Move the cycle to its next step; refused with what is still needed while the current
    step's required tasks are open."""

    access_function = authorization_get_for_user
    permission = EDIT_RMF

    class AuthorizationAdvanceInputSerializer(serializers.Serializer):
        reason = serializers.CharField(required=False, default="", allow_blank=True)

    @extend_schema(request=AuthorizationAdvanceInputSerializer, responses=CycleDetailSerializer)
    def post(self, request, pk):
        data = self.AuthorizationAdvanceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            authorization_advance(
                actor=request.user,
                authorization=self.scoped_object,
                reason=data.validated_data["reason"],
            )
        except DjangoValidationError as error:
            raise_validation_error(error)
        return cycle_detail_response(self.scoped_object.pk)


class AuthorizationStepBackApi(ScopedApiView):
    """Go back to an earlier step (e.g. to re-categorize after a significant change)."""

    access_function = authorization_get_for_user
    permission = EDIT_RMF

    class AuthorizationStepBackInputSerializer(serializers.Serializer):
        to_step = ServiceCheckedChoiceField(Step, help_text="A step before the current one.")
        reason = serializers.CharField(
            required=False,
            default="",
            allow_blank=True,
            help_text="Required: recorded in the audit trail.",
        )

    @extend_schema(request=AuthorizationStepBackInputSerializer, responses=CycleDetailSerializer)
    def post(self, request, pk):
        data = self.AuthorizationStepBackInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            authorization_step_back(
                actor=request.user, authorization=self.scoped_object, **data.validated_data
            )
        except DjangoValidationError as error:
            raise_validation_error(error)
        return cycle_detail_response(self.scoped_object.pk)


class SignoffPermissionMixin:
    """Posting a sign-off needs the permission of the task posted (from the task table)."""

    def required_permission(self, request) -> str:
        task = request.data.get("task") if hasattr(request.data, "get") else None
        return signoff_permission(task)


class TaskSignoffApi(SignoffPermissionMixin, ScopedApiView):
    """A responsible role signs a task off: the authorizing official approves the
    categorization (C-3, which freezes it for the cycle) and the plan (S-6); the system team
    submits the package (R-1). Refused while what it reviews is incomplete, or when it is
    already signed."""

    access_function = authorization_get_for_user
    permission = VIEW

    class TaskSignoffInputSerializer(serializers.Serializer):
        task = serializers.CharField(max_length=8, help_text='An SP 800-37 task, e.g. "C-3".')
        note = serializers.CharField(required=False, default="", allow_blank=True)

    @extend_schema(request=TaskSignoffInputSerializer, responses={201: CycleDetailSerializer})
    def post(self, request, pk):
        data = self.TaskSignoffInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            task_signoff(
                actor=request.user, authorization=self.scoped_object, **data.validated_data
            )
        except DjangoValidationError as error:
            raise_validation_error(error)
        return cycle_detail_response(self.scoped_object.pk, status_code=status.HTTP_201_CREATED)


class TaskSignoffWithdrawApi(SignoffPermissionMixin, ScopedApiView):
    """Withdraw a sign-off (e.g. so that the categorization may change), with the reason."""

    access_function = authorization_get_for_user
    permission = VIEW

    class TaskSignoffWithdrawInputSerializer(serializers.Serializer):
        task = serializers.CharField(max_length=8, help_text='An SP 800-37 task, e.g. "C-3".')
        reason = serializers.CharField(
            required=False, default="", allow_blank=True, help_text="Required."
        )

    @extend_schema(request=TaskSignoffWithdrawInputSerializer, responses=CycleDetailSerializer)
    def post(self, request, pk):
        data = self.TaskSignoffWithdrawInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            task_signoff_withdraw(
                actor=request.user, authorization=self.scoped_object, **data.validated_data
            )
        except DjangoValidationError as error:
            raise_validation_error(error)
        return cycle_detail_response(self.scoped_object.pk)


# ----------------------------------------------------------------------------- portfolio


class PortfolioStep(models.TextChoices):
    """A system's place in the RMF: the step of its current cycle, or no cycle yet."""

    NOT_STARTED = "not_started", "Not started"
    CATEGORIZE = Step.CATEGORIZE.value, Step.CATEGORIZE.label
    SELECT = Step.SELECT.value, Step.SELECT.label
    IMPLEMENT = Step.IMPLEMENT.value, Step.IMPLEMENT.label
    ASSESS = Step.ASSESS.value, Step.ASSESS.label
    AUTHORIZE = Step.AUTHORIZE.value, Step.AUTHORIZE.label
    MONITOR = Step.MONITOR.value, Step.MONITOR.label


class PortfolioRowSerializer(serializers.Serializer):
    """A system with its current cycle's step and the open tasks of that step."""

    system = RmfSystemSerializer()
    people = RmfSystemPeopleSerializer(source="system")
    authorization = serializers.IntegerField(source="authorization.pk", allow_null=True)
    cycle = serializers.IntegerField(source="authorization.cycle", allow_null=True)
    step = serializers.SerializerMethodField()
    overall = NamedChoiceField(
        ImpactLevel,
        source="facts.categorization.overall",
        read_only=True,
        allow_null=True,
        help_text="The current cycle's security categorization (overall impact).",
    )
    open_tasks = serializers.SerializerMethodField()
    authorization_status = DecisionStatusSerializer(
        source="decision", help_text="The system's authorization: its effective decision."
    )

    @extend_schema_field(NamedChoiceField(PortfolioStep))
    def get_step(self, row) -> str:
        return row.authorization.step if row.authorization else PortfolioStep.NOT_STARTED

    @extend_schema_field(TaskStateSerializer(many=True))
    def get_open_tasks(self, row) -> list:
        context = {**self.context, "system": row.system}
        return TaskStateSerializer(row.open_tasks, many=True, context=context).data


class PortfolioQuerySerializer(serializers.Serializer):
    step = NamedChoiceField(
        PortfolioStep, required=False, help_text="The current cycle's step, or `not_started`."
    )
    organization = serializers.IntegerField(
        required=False, help_text="An organization's id; its agencies' systems are included."
    )
    kind = NamedChoiceField(System.Kind, required=False)


@extend_schema(parameters=[PortfolioQuerySerializer])
class PortfolioApi(generics.ListAPIView):
    """The systems the caller may see with their place in the RMF: the current cycle's step,
    its open tasks and who answers for them."""

    serializer_class = PortfolioRowSerializer
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[System]:
        params = {key: value for key, value in self.request.query_params.items() if value != ""}
        query = PortfolioQuerySerializer(data=params)
        query.is_valid(raise_exception=True)
        return portfolio_systems(self.request.user, **query.validated_data)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        rows = portfolio_rows(list(page))  # the page's rows only, in bulk
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)


urlpatterns = [
    path("authorizations/", AuthorizationListApi.as_view(), name="api-authorization-list"),
    path(
        "systems/<int:pk>/authorizations/start/",
        AuthorizationStartApi.as_view(),
        name="api-authorization-start",
    ),
    path("authorizations/<int:pk>/", AuthorizationDetailApi.as_view(), name="api-authorization"),
    path(
        "authorizations/<int:pk>/advance/",
        AuthorizationAdvanceApi.as_view(),
        name="api-authorization-advance",
    ),
    path(
        "authorizations/<int:pk>/step-back/",
        AuthorizationStepBackApi.as_view(),
        name="api-authorization-step-back",
    ),
    path(
        "authorizations/<int:pk>/signoffs/",
        TaskSignoffApi.as_view(),
        name="api-authorization-signoff",
    ),
    path(
        "authorizations/<int:pk>/signoffs/withdraw/",
        TaskSignoffWithdrawApi.as_view(),
        name="api-authorization-signoff-withdraw",
    ),
    path("rmf/portfolio/", PortfolioApi.as_view(), name="api-rmf-portfolio"),
]
