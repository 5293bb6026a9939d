"""CSF coverage derived from RMF work over the REST API, read-only, one view per operation:
a system's (VIEW on the system) and an organization's over the systems the caller may see
(VIEW on the organization). `?version=2.0` (the default) or `1.1`; another value is a 400."""

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from assets.roles import VIEW
from assets.selectors import organization_get_for_user, system_get_for_user
from csf.models import CsfVersion
from csf.selectors.coverage import (
    CONTROL_STATES,
    DEFAULT_VERSION,
    LEVELS,
    organization_csf_coverage,
    system_csf_coverage,
)
from rmf.selectors.reporting import organization_systems
from workbench.views_access import ScopedApiView

VERSION_PARAMETER = OpenApiParameter(
    "version",
    str,
    OpenApiParameter.QUERY,
    required=False,
    enum=list(CsfVersion.values),
    description=f"CSF version; {DEFAULT_VERSION} when not given.",
)


class CoverageQuerySerializer(serializers.Serializer):
    version = serializers.ChoiceField(
        choices=CsfVersion.values,
        default=DEFAULT_VERSION,
        error_messages={"invalid_choice": 'Choose CSF version "1.1" or "2.0".'},
    )


def _version(request) -> str:
    params = {key: value for key, value in request.query_params.items() if value != ""}
    query = CoverageQuerySerializer(data=params)
    query.is_valid(raise_exception=True)
    return query.validated_data["version"]


# ----------------------------------------------------------------------------- serializers


class CoverageCountsSerializer(serializers.Serializer):
    by_level = serializers.DictField(
        child=serializers.IntegerField(),
        help_text=f"Count per level: {', '.join(LEVELS)}.",
    )
    total = serializers.IntegerField()
    covered = serializers.IntegerField(help_text="At level satisfied or implemented.")
    covered_percent = serializers.IntegerField(allow_null=True)


class CoverageMappedControlSerializer(serializers.Serializer):
    control_id = serializers.CharField()
    label = serializers.CharField()
    title = serializers.CharField()
    state = serializers.ChoiceField(choices=CONTROL_STATES)
    selected_control_id = serializers.IntegerField(allow_null=True)


class SystemSubcategoryCoverageSerializer(serializers.Serializer):
    identifier = serializers.CharField()
    text = serializers.CharField()
    level = serializers.ChoiceField(choices=LEVELS)
    controls = CoverageMappedControlSerializer(many=True)


class SystemCategoryCoverageSerializer(serializers.Serializer):
    identifier = serializers.CharField()
    title = serializers.CharField()
    counts = CoverageCountsSerializer()
    subcategories = SystemSubcategoryCoverageSerializer(many=True)


class SystemFunctionCoverageSerializer(serializers.Serializer):
    identifier = serializers.CharField()
    title = serializers.CharField()
    counts = CoverageCountsSerializer()
    categories = SystemCategoryCoverageSerializer(many=True)


class CoverageCycleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    cycle = serializers.IntegerField()
    step = serializers.CharField()


class SystemCoverageSerializer(serializers.Serializer):
    system = serializers.IntegerField(source="system.pk")
    version = serializers.CharField()
    authorization = CoverageCycleSerializer(
        allow_null=True, help_text="The current RMF cycle; null when the RMF has not started."
    )
    rule = serializers.CharField()
    counts = CoverageCountsSerializer()
    not_addressed = serializers.SerializerMethodField()
    functions = SystemFunctionCoverageSerializer(many=True)

    def get_not_addressed(self, coverage) -> list[str]:
        return [subcategory.identifier for subcategory in coverage.not_addressed()]


class CoverageControlSpreadSerializer(serializers.Serializer):
    control_id = serializers.CharField()
    label = serializers.CharField()
    title = serializers.CharField()
    states = serializers.DictField(
        child=serializers.IntegerField(),
        help_text=f"Systems per state: {', '.join(CONTROL_STATES)}.",
    )


class OrganizationSubcategoryCoverageSerializer(serializers.Serializer):
    identifier = serializers.CharField()
    text = serializers.CharField()
    counts = CoverageCountsSerializer(help_text="Systems at each level.")
    addressed_nowhere = serializers.BooleanField()
    controls = CoverageControlSpreadSerializer(many=True)


class OrganizationCategoryCoverageSerializer(serializers.Serializer):
    identifier = serializers.CharField()
    title = serializers.CharField()
    counts = CoverageCountsSerializer(help_text="(subcategory, system) pairs at each level.")
    subcategories = OrganizationSubcategoryCoverageSerializer(many=True)


class OrganizationFunctionCoverageSerializer(serializers.Serializer):
    identifier = serializers.CharField()
    title = serializers.CharField()
    counts = CoverageCountsSerializer(help_text="(subcategory, system) pairs at each level.")
    categories = OrganizationCategoryCoverageSerializer(many=True)


class OrganizationCoverageSerializer(serializers.Serializer):
    organization = serializers.IntegerField(source="organization.pk")
    version = serializers.CharField()
    systems = serializers.IntegerField(
        help_text="Systems (visible to the caller) with a current RMF cycle: the denominator."
    )
    systems_not_started = serializers.IntegerField(
        help_text="Systems not disposed that have not started the RMF: not counted."
    )
    rule = serializers.CharField()
    counts = CoverageCountsSerializer()
    addressed_nowhere = serializers.SerializerMethodField()
    functions = OrganizationFunctionCoverageSerializer(many=True)

    def get_addressed_nowhere(self, coverage) -> list[str]:
        return [subcategory.identifier for subcategory in coverage.addressed_nowhere()]


# ----------------------------------------------------------------------------- views


class SystemCsfCoverageApi(ScopedApiView):
    """How the system's current RMF cycle covers each CSF subcategory (the weakest state of
    its selected mapped controls), rolled up to categories and functions."""

    access_function = system_get_for_user
    permission = VIEW

    @extend_schema(
        operation_id="csf_coverage_system_retrieve",
        parameters=[VERSION_PARAMETER],
        responses=SystemCoverageSerializer,
    )
    def get(self, request, pk):
        coverage = system_csf_coverage(self.scoped_object, _version(request))
        return Response(SystemCoverageSerializer(coverage).data)


class OrganizationCsfCoverageApi(ScopedApiView):
    """For the organization and its descendants, over the systems the caller may see: per
    subcategory, the systems at each level and, per mapped control, the systems in each state;
    rolled up to categories and functions."""

    access_function = organization_get_for_user
    permission = VIEW

    @extend_schema(
        operation_id="csf_coverage_organization_retrieve",
        parameters=[VERSION_PARAMETER],
        responses=OrganizationCoverageSerializer,
    )
    def get(self, request, pk):
        organization = self.scoped_object
        coverage = organization_csf_coverage(
            organization, _version(request), organization_systems(request.user, organization)
        )
        return Response(OrganizationCoverageSerializer(coverage).data)


urlpatterns = [
    path(
        "csf/coverage/systems/<int:pk>/",
        SystemCsfCoverageApi.as_view(),
        name="api-csf-coverage-system",
    ),
    path(
        "csf/coverage/organizations/<int:pk>/",
        OrganizationCsfCoverageApi.as_view(),
        name="api-csf-coverage-organization",
    ),
]
