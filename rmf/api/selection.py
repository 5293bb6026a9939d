"""Step 2, Select, over the REST API: the cycle's control set from the SP 800-53B baseline(s),
tailoring with rationale, allocation to common control providers, the monitoring strategy and
organization-defined parameter values, with the organizations' defaults. One view per operation.

Permissions follow the task's responsible role (rmf/tasks.py): the baseline (S-1) and the
parameter values (S-4) are the system owner's (EDIT_RMF); tailoring (S-2), allocation (S-3) and
the monitoring strategy (S-5) the ISSO's (TAILOR); organization defaults need MANAGE.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.urls import path
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from assets.api.inventory_serializers import NamedChoiceField
from assets.models import System
from assets.roles import EDIT_RMF, MANAGE, TAILOR, VIEW
from assets.selectors import organization_get_for_user
from rmf.api.control_filters import control_filter_parameters, control_filter_query
from rmf.api.serializers_workflow import (
    ControlsUpdatedSerializer,
    EffectiveParameter,
    EffectiveParameterSerializer,
    OrganizationParameterDefaultSerializer,
    RemovalKind,
    SelectedControlDetailSerializer,
    SelectedControlSerializer,
    ServiceCheckedChoiceField,
)
from rmf.models import (
    Baseline,
    ControlParameter,
    Designation,
    MonitoringFrequency,
    OrganizationParameterDefault,
    SelectedControl,
)
from rmf.selectors.control_filters import control_filter_q
from rmf.selectors.workflow import (
    ACTIVE,
    authorization_get_for_user,
    provider_choices,
    selected_control_get_for_user,
)
from rmf.services.selection import (
    control_allocate,
    control_set_select,
    control_tailor_add,
    control_tailor_remove,
    monitoring_frequency_set,
    organization_parameter_default_set,
    parameter_value_set,
    parameter_values_effective,
)
from workbench.api import raise_validation_error
from workbench.views_access import ScopedApiView

Tailoring = SelectedControl.Tailoring


def _controls(**lookup) -> QuerySet[SelectedControl]:
    return SelectedControl.objects.filter(**lookup).select_related("control", "provider")


# ----------------------------------------------------------------------------- the control set


class SelectedControlFilter(filters.FilterSet):
    family = filters.CharFilter(method="filter_family", label='Family id, e.g. "ac".')
    tailoring = filters.ChoiceFilter(choices=Tailoring.choices)
    designation = filters.ChoiceFilter(choices=Designation.choices)
    active = filters.BooleanFilter(
        method="filter_active", label="true: in the set (baseline or added); false: removed."
    )
    missing_frequency = filters.BooleanFilter(
        method="filter_missing_frequency",
        label="true: controls of the set without a monitoring frequency; false: the others.",
    )

    class Meta:
        model = SelectedControl
        fields = ["family", "tailoring", "designation", "active", "missing_frequency"]

    def filter_family(self, queryset, name, value):
        return queryset.filter(control__family=value.strip().lower())

    def filter_active(self, queryset, name, value):
        return (
            queryset.filter(tailoring__in=ACTIVE)
            if value
            else queryset.exclude(tailoring__in=ACTIVE)
        )

    def filter_missing_frequency(self, queryset, name, value):
        missing = {"tailoring__in": ACTIVE, "monitoring_frequency": ""}
        return queryset.filter(**missing) if value else queryset.exclude(**missing)


@extend_schema(parameters=control_filter_parameters())
class SelectedControlListApi(ScopedApiView, generics.ListAPIView):
    """The cycle's control set in catalog order, removed controls included (see `active`)."""

    access_function = authorization_get_for_user
    permission = VIEW
    serializer_class = SelectedControlSerializer
    filterset_class = SelectedControlFilter

    def get_queryset(self) -> QuerySet[SelectedControl]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no cycle
            return SelectedControl.objects.none()
        registered = control_filter_query(self.request.query_params)
        return (
            _controls(authorization=self.scoped_object)
            .filter(control_filter_q(registered))
            .order_by("control__sort_key")
        )


class ControlSetSelectApi(ScopedApiView):
    """Create the control set from the baseline(s) the categorization calls for (its overall
    level, plus PRIVACY when the system processes PII), in one step (S-1)."""

    access_function = authorization_get_for_user
    permission = EDIT_RMF

    class ControlSetSelectedSerializer(serializers.Serializer):
        baselines = serializers.ListField(child=NamedChoiceField(Baseline.Name))
        controls = serializers.IntegerField(help_text="How many controls the set starts with.")

    @extend_schema(request=None, responses={201: ControlSetSelectedSerializer})
    def post(self, request, pk):
        authorization = self.scoped_object
        try:
            selection = control_set_select(actor=request.user, authorization=authorization)
        except DjangoValidationError as error:
            raise_validation_error(error)
        count = SelectedControl.objects.filter(authorization=authorization).count()
        body = {"baselines": selection.baselines, "controls": count}
        return Response(self.ControlSetSelectedSerializer(body).data, status.HTTP_201_CREATED)


class ControlAddApi(ScopedApiView):
    """Add a control to the set (tailoring, S-2), with the rationale; a removed baseline
    control comes back."""

    access_function = authorization_get_for_user
    permission = TAILOR

    class ControlAddInputSerializer(serializers.Serializer):
        control = serializers.CharField(
            max_length=24, help_text='An SP 800-53 control id, e.g. "ac-2.5".'
        )
        rationale = serializers.CharField(
            required=False, default="", allow_blank=True, help_text="Required."
        )

    @extend_schema(request=ControlAddInputSerializer, responses={201: SelectedControlSerializer})
    def post(self, request, pk):
        data = self.ControlAddInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            selected = control_tailor_add(
                actor=request.user,
                authorization=self.scoped_object,
                control_id=data.validated_data["control"],
                rationale=data.validated_data["rationale"],
            )
        except DjangoValidationError as error:
            raise_validation_error(error)
        selected = _controls(pk=selected.pk).get()
        return Response(SelectedControlSerializer(selected).data, status=status.HTTP_201_CREATED)


class ControlRemoveApi(ScopedApiView):
    """Remove a control from the set (tailoring, S-2): scoped out, or replaced by a
    compensating control, with the rationale. An added control simply leaves the set."""

    access_function = selected_control_get_for_user
    permission = TAILOR

    class ControlRemoveInputSerializer(serializers.Serializer):
        kind = ServiceCheckedChoiceField(RemovalKind)
        rationale = serializers.CharField(
            required=False, default="", allow_blank=True, help_text="Required."
        )

    class ControlRemovedSerializer(serializers.Serializer):
        control = serializers.CharField()
        selected_control = SelectedControlSerializer(
            allow_null=True,
            help_text="The control as now recorded; null when an added control left the set.",
        )

    @extend_schema(request=ControlRemoveInputSerializer, responses=ControlRemovedSerializer)
    def post(self, request, pk):
        data = self.ControlRemoveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        selected = self.scoped_object
        try:
            control_tailor_remove(
                actor=request.user, selected_control=selected, **data.validated_data
            )
        except DjangoValidationError as error:
            raise_validation_error(error)
        body = {"control": selected.control_id, "selected_control": _controls(pk=pk).first()}
        return Response(self.ControlRemovedSerializer(body).data)


class ProviderField(serializers.PrimaryKeyRelatedField):
    """A system that may provide common or hybrid controls to the cycle's system
    (`provider_choices`: of the same government, in service, not the system itself). It need not
    be visible to the caller; any other id is "unknown"."""

    default_error_messages = {
        **serializers.PrimaryKeyRelatedField.default_error_messages,
        "does_not_exist": "Unknown system, or one that cannot provide controls to this system.",
    }

    def __init__(self, **kwargs):
        super().__init__(queryset=System.objects.all(), **kwargs)

    def get_queryset(self) -> QuerySet[System]:
        return provider_choices(self.context["authorization"])


class ControlAllocateApi(ScopedApiView):
    """Designate controls as system-specific, common or hybrid, with the providing system
    (allocation, S-3)."""

    access_function = authorization_get_for_user
    permission = TAILOR

    class ControlAllocateInputSerializer(serializers.Serializer):
        selected_controls = serializers.ListField(
            child=serializers.IntegerField(), help_text="Ids of the cycle's selected controls."
        )
        designation = ServiceCheckedChoiceField(Designation)
        provider = ProviderField(
            required=False,
            allow_null=True,
            help_text="The providing system's id; for common and hybrid controls.",
        )

    @extend_schema(request=ControlAllocateInputSerializer, responses=ControlsUpdatedSerializer)
    def post(self, request, pk):
        authorization = self.scoped_object
        data = self.ControlAllocateInputSerializer(
            data=request.data, context={"authorization": authorization}
        )
        data.is_valid(raise_exception=True)
        try:
            updated = control_allocate(
                actor=request.user,
                authorization=authorization,
                selected_ids=data.validated_data["selected_controls"],
                designation=data.validated_data["designation"],
                provider=data.validated_data.get("provider"),
            )
        except DjangoValidationError as error:
            raise_validation_error(error)
        return Response(ControlsUpdatedSerializer({"updated": updated}).data)


class MonitoringFrequencySetApi(ScopedApiView):
    """Set how often controls are reassessed (monitoring strategy, S-5): the chosen controls,
    a family, or the whole set when neither is given."""

    access_function = authorization_get_for_user
    permission = TAILOR

    class MonitoringFrequencySetInputSerializer(serializers.Serializer):
        frequency = ServiceCheckedChoiceField(MonitoringFrequency)
        selected_controls = serializers.ListField(
            child=serializers.IntegerField(), required=False, allow_null=True, default=None
        )
        family = serializers.CharField(
            max_length=4, required=False, allow_blank=True, default="", help_text='e.g. "ac".'
        )

    @extend_schema(
        request=MonitoringFrequencySetInputSerializer, responses=ControlsUpdatedSerializer
    )
    def post(self, request, pk):
        data = self.MonitoringFrequencySetInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            updated = monitoring_frequency_set(
                actor=request.user,
                authorization=self.scoped_object,
                frequency=data.validated_data["frequency"],
                selected_ids=data.validated_data["selected_controls"],
                family=data.validated_data["family"] or None,
            )
        except DjangoValidationError as error:
            raise_validation_error(error)
        return Response(ControlsUpdatedSerializer({"updated": updated}).data)


# ----------------------------------------------------------------------------- parameters


def _effective(selected: SelectedControl, parameters: list[ControlParameter]):
    values = parameter_values_effective(selected.authorization, parameters)
    return [
        EffectiveParameter(parameter, *values.get(parameter.pk, (None, None)))
        for parameter in parameters
    ]


class SelectedControlDetailApi(ScopedApiView):
    """A selected control with its organization-defined parameters and the value of each that
    applies: the system's own, else the nearest organization's default."""

    access_function = selected_control_get_for_user
    permission = VIEW

    @extend_schema(responses=SelectedControlDetailSerializer)
    def get(self, request, pk):
        selected = self.scoped_object
        parameters = list(ControlParameter.objects.filter(control=selected.control_id))
        selected.parameters = _effective(selected, parameters)
        return Response(SelectedControlDetailSerializer(selected).data)


class ParameterValueSetApi(ScopedApiView):
    """The system's own value for a parameter of this control (S-4); an empty value returns
    to the organization's default."""

    access_function = selected_control_get_for_user
    permission = EDIT_RMF

    class ParameterValueSetInputSerializer(serializers.Serializer):
        parameter = serializers.CharField(max_length=48, help_text='e.g. "ac-02_odp.01".')
        value = serializers.CharField(required=False, default="", allow_blank=True)

    @extend_schema(request=ParameterValueSetInputSerializer, responses=EffectiveParameterSerializer)
    def post(self, request, pk):
        selected = self.scoped_object
        data = self.ParameterValueSetInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            parameter_value_set(
                actor=request.user,
                selected_control=selected,
                parameter_id=data.validated_data["parameter"],
                value=data.validated_data["value"],
            )
        except DjangoValidationError as error:
            raise_validation_error(error)
        parameter = ControlParameter.objects.get(pk=data.validated_data["parameter"])
        [effective] = _effective(selected, [parameter])
        return Response(EffectiveParameterSerializer(effective).data)


class OrganizationParameterDefaultListApi(ScopedApiView, generics.ListAPIView):
    """The parameter values the organization `pk` sets for all its systems (and those of its
    agencies, unless an agency or a system sets its own)."""

    access_function = organization_get_for_user
    permission = VIEW
    serializer_class = OrganizationParameterDefaultSerializer
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[OrganizationParameterDefault]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no organization
            return OrganizationParameterDefault.objects.none()
        return (
            OrganizationParameterDefault.objects.filter(organization=self.scoped_object)
            .select_related("parameter__control")
            .order_by("parameter__control__sort_key", "parameter__sort_order", "pk")
        )


class OrganizationParameterDefaultSetApi(ScopedApiView):
    """Set the organization's value for a parameter; an empty value removes it."""

    access_function = organization_get_for_user
    permission = MANAGE

    class OrganizationParameterDefaultSetInputSerializer(serializers.Serializer):
        parameter = serializers.CharField(max_length=48, help_text='e.g. "ac-02_odp.01".')
        value = serializers.CharField(required=False, default="", allow_blank=True)

    @extend_schema(
        request=OrganizationParameterDefaultSetInputSerializer,
        responses=OrganizationParameterDefaultSerializer,
    )
    def post(self, request, pk):
        organization = self.scoped_object
        data = self.OrganizationParameterDefaultSetInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            default = organization_parameter_default_set(
                actor=request.user,
                organization=organization,
                parameter_id=data.validated_data["parameter"],
                value=data.validated_data["value"],
            )
        except DjangoValidationError as error:
            raise_validation_error(error)
        if default is None:  # removed: answer the same shape, without a value
            parameter = ControlParameter.objects.select_related("control").get(
                pk=data.validated_data["parameter"]
            )
            default = OrganizationParameterDefault(
                organization=organization, parameter=parameter, value=None
            )
        return Response(OrganizationParameterDefaultSerializer(default).data)


urlpatterns = [
    path(
        "authorizations/<int:pk>/controls/",
        SelectedControlListApi.as_view(),
        name="api-selected-control-list",
    ),
    path(
        "authorizations/<int:pk>/controls/select-baseline/",
        ControlSetSelectApi.as_view(),
        name="api-control-set-select",
    ),
    path("authorizations/<int:pk>/controls/add/", ControlAddApi.as_view(), name="api-control-add"),
    path(
        "authorizations/<int:pk>/controls/allocate/",
        ControlAllocateApi.as_view(),
        name="api-control-allocate",
    ),
    path(
        "authorizations/<int:pk>/controls/monitoring/",
        MonitoringFrequencySetApi.as_view(),
        name="api-monitoring-frequency-set",
    ),
    path(
        "selected-controls/<int:pk>/",
        SelectedControlDetailApi.as_view(),
        name="api-selected-control",
    ),
    path(
        "selected-controls/<int:pk>/remove/", ControlRemoveApi.as_view(), name="api-control-remove"
    ),
    path(
        "selected-controls/<int:pk>/parameters/",
        ParameterValueSetApi.as_view(),
        name="api-parameter-value-set",
    ),
    path(
        "organizations/<int:pk>/parameter-defaults/",
        OrganizationParameterDefaultListApi.as_view(),
        name="api-organization-parameter-default-list",
    ),
    path(
        "organizations/<int:pk>/parameter-defaults/set/",
        OrganizationParameterDefaultSetApi.as_view(),
        name="api-organization-parameter-default-set",
    ),
]
