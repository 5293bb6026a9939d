"""The benchmark report of an organization over the REST API, read-only: the same tables as
the web page (csf.benchmarks.tables), numbers as numbers and a missing value as null, and the
same report as a PDF or Excel file. `?from=&to=` limit the years, `?framework=` picks the
framework version, `?peer_group=` one of the peer groups the organization's place offers,
`?detail=subcategories` adds the subcategories; all optional, a bad value is a 400 naming the
parameter. The minimum peer group size is not a parameter (see csf.benchmarks.data)."""

from django.http import Http404
from django.urls import path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from assets.roles import VIEW
from csf.benchmarks.data import (
    FRAMEWORKS,
    benchmark_organization_get_for_user,
    peer_scopes,
)
from csf.benchmarks.exports import REPORT_FORMATS
from csf.benchmarks.frames import LEVELS
from csf.benchmarks.options import SUBCATEGORIES, ReportOptions, year_range
from csf.benchmarks.tables import benchmark_tables
from workbench.exports import download
from workbench.views_access import ScopedApiView


class BenchmarkQuerySerializer(serializers.Serializer):
    year_from = serializers.IntegerField(required=False)
    year_to = serializers.IntegerField(required=False)
    framework = serializers.ChoiceField(choices=list(FRAMEWORKS), required=False)
    peer_group = serializers.CharField(required=False)
    detail = serializers.ChoiceField(choices=[SUBCATEGORIES], required=False)

    def validate_peer_group(self, value):
        scopes = peer_scopes(self.context["organization"])
        if value not in scopes:
            offered = ", ".join(scopes) or "none (a state has no peer group)"
            raise serializers.ValidationError(f"Not a peer group of this organization: {offered}.")
        return value

    def validate(self, attrs):
        try:
            attrs["years"] = year_range(
                attrs.get("year_from"), attrs.get("year_to"), today=timezone.localdate()
            )
        except ValueError as error:
            raise serializers.ValidationError({"to": [str(error)]}) from error
        return attrs


# ----------------------------------------------------------------------------- serializers
# The rows of csf.benchmarks.tables; a number without a value (nothing scored, a suppressed
# peer figure, a ratio with nothing to divide by) is null.


class ElementFields(serializers.Serializer):
    # A CharField, not a ChoiceField: a "level" enum of another app already has that name.
    level = serializers.CharField(help_text=f"One of: {', '.join(LEVELS)}.")
    identifier = serializers.CharField(help_text='"overall", a function, category or subcategory.')
    title = serializers.CharField()


class ChangeRowSerializer(ElementFields):
    year = serializers.IntegerField()
    carried = serializers.BooleanField(help_text="A CSF 1.1 year carried into CSF 2.0 terms.")
    function = serializers.CharField()
    score = serializers.FloatField(allow_null=True)
    previous_year = serializers.IntegerField(allow_null=True)
    change = serializers.FloatField(allow_null=True, help_text="From the previous year.")
    first_year = serializers.IntegerField(allow_null=True)
    change_from_first = serializers.FloatField(allow_null=True)


class RankRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField(help_text="Ties share the lower rank.")
    year = serializers.IntegerField()
    identifier = serializers.CharField()
    title = serializers.CharField()
    score = serializers.FloatField(allow_null=True)
    previous_year = serializers.IntegerField(allow_null=True)
    previous_score = serializers.FloatField(allow_null=True)
    change = serializers.FloatField(allow_null=True)


class TargetRowSerializer(ElementFields):
    score = serializers.FloatField(allow_null=True)
    target = serializers.FloatField(allow_null=True)
    gap = serializers.FloatField(allow_null=True, help_text="Target minus score.")
    meets_target = serializers.BooleanField()


class PeerRowSerializer(ElementFields):
    year = serializers.IntegerField()
    carried = serializers.BooleanField()
    score = serializers.FloatField(allow_null=True)
    peer_count = serializers.IntegerField(help_text="Peers with a score.")
    suppressed = serializers.BooleanField(
        help_text="Fewer peers than the minimum: only the count is given."
    )
    mean = serializers.FloatField(allow_null=True)
    median = serializers.FloatField(allow_null=True)
    q1 = serializers.FloatField(allow_null=True)
    q3 = serializers.FloatField(allow_null=True)
    percentile = serializers.FloatField(allow_null=True)


class NamedPeerRowSerializer(ElementFields):
    name = serializers.CharField()
    year = serializers.IntegerField()
    carried = serializers.BooleanField()
    score = serializers.FloatField(allow_null=True)


class MetricYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    values = serializers.DictField(
        child=serializers.FloatField(allow_null=True),
        help_text="By metric name (csf.benchmarks.rmf_metrics.METRICS).",
    )


class BenchmarkOrganizationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PeerGroupChoiceSerializer(serializers.Serializer):
    scope = serializers.CharField(help_text="The value of `peer_group` that picks it.")
    description = serializers.CharField()


class PeerGroupSerializer(serializers.Serializer):
    scope = serializers.CharField()
    description = serializers.CharField(help_text="Empty for a state: it has no peer group.")
    size = serializers.IntegerField(help_text="Peers in the group, assessed or not.")
    named = serializers.BooleanField(help_text="Whether the caller may see each peer.")
    choices = PeerGroupChoiceSerializer(many=True, help_text="The peer groups on offer.")


class FilterSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    value = serializers.CharField()


class FrameworkSerializer(serializers.Serializer):
    key = serializers.ChoiceField(choices=list(FRAMEWORKS))
    label = serializers.CharField()


class BenchmarkSerializer(serializers.Serializer):
    organization = BenchmarkOrganizationSerializer()
    filters = FilterSerializer(many=True, help_text="What the report was made of, in words.")
    framework = FrameworkSerializer()
    targets_available = serializers.BooleanField(
        help_text="False in CSF 1.1 terms: targets are set in CSF 2.0 terms."
    )
    years = serializers.ListField(child=serializers.IntegerField())
    carried_years = serializers.ListField(child=serializers.IntegerField())
    latest_year = serializers.IntegerField(allow_null=True)
    summary = serializers.ListField(child=serializers.CharField())
    changes = ChangeRowSerializer(many=True)
    improved = RankRowSerializer(many=True)
    declined = RankRowSerializer(many=True)
    targets = TargetRowSerializer(many=True, help_text="The latest year.")
    peer_group = PeerGroupSerializer()
    peers = PeerRowSerializer(many=True, help_text="Aggregates only.")
    peers_year = serializers.IntegerField(
        allow_null=True,
        help_text="The latest year with a peer figure shown (the latest year when none).",
    )
    named_peers = NamedPeerRowSerializer(
        many=True, allow_null=True, help_text="null unless the caller may see every peer."
    )
    rmf_years = serializers.ListField(child=serializers.IntegerField())
    rmf = MetricYearSerializer(many=True, help_text="Rolled up over the organization's subtree.")
    rmf_own = MetricYearSerializer(many=True, help_text="The organization's own systems.")


QUERY_NAMES = {
    "from": "year_from",
    "to": "year_to",
    "framework": "framework",
    "peer_group": "peer_group",
    "detail": "detail",
}
QUERY_PARAMETERS = [
    OpenApiParameter("from", int, OpenApiParameter.QUERY, required=False),
    OpenApiParameter("to", int, OpenApiParameter.QUERY, required=False),
    OpenApiParameter(
        "framework",
        str,
        OpenApiParameter.QUERY,
        required=False,
        enum=list(FRAMEWORKS),
        description="; ".join(f"{key}: {label}" for key, label in FRAMEWORKS.items()),
    ),
    OpenApiParameter(
        "peer_group",
        str,
        OpenApiParameter.QUERY,
        required=False,
        enum=["siblings", "state"],
        description="One of the report's peer_group.choices; siblings by default.",
    ),
    OpenApiParameter("detail", str, OpenApiParameter.QUERY, required=False, enum=[SUBCATEGORIES]),
]


def report_options(request, organization) -> ReportOptions:
    """The report's options from the query string, or a 400 naming the bad parameter."""
    params = {
        QUERY_NAMES[key]: value
        for key, value in request.query_params.items()
        if key in QUERY_NAMES and value != ""
    }
    query = BenchmarkQuerySerializer(data=params, context={"organization": organization})
    if not query.is_valid():
        back = {value: key for key, value in QUERY_NAMES.items()}
        raise serializers.ValidationError(
            {back.get(key, key): errors for key, errors in query.errors.items()}
        )
    return ReportOptions.from_choices(query.validated_data)


class OrganizationBenchmarkApi(ScopedApiView):
    """One organization's CSF benchmark: scores by year with the changes, the categories most
    improved and declined, the gaps to target, the peer comparison (aggregates only; named
    peers only for a caller who may see each of them), and the RMF programme metrics."""

    access_function = benchmark_organization_get_for_user
    permission = VIEW

    @extend_schema(
        operation_id="csf_benchmark_organization_retrieve",
        parameters=QUERY_PARAMETERS,
        responses=BenchmarkSerializer,
    )
    def get(self, request, pk):
        options = report_options(request, self.scoped_object)
        report = options.report(request.user, self.scoped_object)
        tables = benchmark_tables(report, subcategories=options.subcategories)
        return Response(BenchmarkSerializer(tables).data)


class OrganizationBenchmarkReportApi(ScopedApiView):
    """The same report as a file: `report.pdf` (WeasyPrint) or `report.xlsx` (Excel, with
    native charts), with the same query parameters."""

    access_function = benchmark_organization_get_for_user
    permission = VIEW

    @extend_schema(
        operation_id="csf_benchmark_organization_report",
        parameters=QUERY_PARAMETERS,
        responses={
            (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY),
            400: OpenApiResponse(description="A bad parameter (named, with why)."),
            404: OpenApiResponse(description="No such organization or format, or not yours."),
        },
    )
    def get(self, request, pk, file_format):
        if file_format not in REPORT_FORMATS:
            raise Http404
        options = report_options(request, self.scoped_object)
        report = options.report(request.user, self.scoped_object)
        return download(
            REPORT_FORMATS[file_format].render(report, subcategories=options.subcategories)
        )


urlpatterns = [
    path(
        "csf/organizations/<int:pk>/benchmark/",
        OrganizationBenchmarkApi.as_view(),
        name="api-csf-benchmark-organization",
    ),
    path(
        "csf/organizations/<int:pk>/benchmark/report.<str:file_format>",
        OrganizationBenchmarkReportApi.as_view(),
        name="api-csf-benchmark-organization-report",
    ),
]
