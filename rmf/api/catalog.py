"""The SP 800-53 catalog over the REST API, read-only. One view per operation."""

from django.urls import path
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rmf.api.control_filters import control_filter_parameters, control_filter_query
from rmf.models import Baseline, Control, ControlFamily, ControlParameter
from rmf.selectors.catalog import control_detail_get, control_list, control_search, family_list

# ----------------------------------------------------------------------------- serializers


class FamilySerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)
    control_count = serializers.IntegerField(read_only=True)
    enhancement_count = serializers.IntegerField(read_only=True)
    withdrawn_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = ControlFamily
        fields = ["id", "label", "title", "control_count", "enhancement_count", "withdrawn_count"]


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class ParagraphsField(serializers.Field):
    """Blank-line separated text as a list of paragraphs."""

    def to_representation(self, value: str) -> list[str]:
        return [line.strip() for line in str(value or "").split("\n\n") if line.strip()]


@extend_schema_field({"type": "array", "items": {"type": "string", "enum": Baseline.Name.values}})
class BaselinesField(serializers.Field):
    """The ids of a control's (prefetched) baselines."""

    def to_representation(self, value) -> list[str]:
        baselines = value.all() if hasattr(value, "all") else value
        return [baseline.pk for baseline in baselines]


def _baselines_field() -> BaselinesField:
    return BaselinesField(
        read_only=True,
        help_text="SP 800-53B baselines that select this control.",
    )


class ControlSummarySerializer(serializers.ModelSerializer):
    baselines = _baselines_field()
    withdrawn_to = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="Where a withdrawn control went: control or statement part ids.",
    )

    class Meta:
        model = Control
        fields = [
            "id",
            "label",
            "title",
            "family",
            "parent",
            "withdrawn",
            "withdrawn_to",
            "baselines",
        ]


class PartSerializer(serializers.Serializer):
    """A node of a statement or assessment-objective tree, with its children."""

    id = serializers.CharField(source="part.pk")
    name = serializers.CharField(source="part.name")
    label = serializers.CharField(source="part.label")
    prose = serializers.CharField(
        source="part.prose",
        help_text="May hold `{{ insert: param, <parameter id> }}` placeholders.",
    )
    assessment_for = serializers.CharField(
        source="part.assessment_for", help_text="Statement part an objective assesses."
    )

    def get_fields(self):
        fields = super().get_fields()
        fields["children"] = PartSerializer(many=True)
        return fields


class MethodSerializer(serializers.Serializer):
    id = serializers.CharField(source="pk")
    label = serializers.CharField()
    method = serializers.CharField(help_text="EXAMINE, INTERVIEW or TEST.")
    objects = ParagraphsField(source="assessment_objects", help_text="What the method covers.")


class ParameterSerializer(serializers.ModelSerializer):
    class Meta:
        model = ControlParameter
        fields = [
            "id",
            "alt_identifier",
            "odp_label",
            "label",
            "alt_label",
            "aggregates",
            "guidelines",
            "how_many",
            "choices",
            "depends_on",
        ]


class ControlRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Control
        fields = ["id", "label", "title", "withdrawn"]


class CsfMappingSerializer(serializers.Serializer):
    version = serializers.CharField(source="element.version")
    identifier = serializers.CharField(source="element.identifier")
    kind = serializers.CharField(source="element.kind")
    text = serializers.CharField(source="element.text")
    function = serializers.CharField(source="function.identifier")
    function_title = serializers.CharField(source="function.title")
    sources = serializers.ListField(child=serializers.CharField())
    relationships = serializers.ListField(child=serializers.CharField())


class ControlDetailSerializer(serializers.Serializer):
    id = serializers.CharField(source="control.pk")
    label = serializers.CharField(source="control.label")
    title = serializers.CharField(source="control.title")
    family = serializers.CharField(source="control.family_id")
    family_title = serializers.CharField(source="control.family.title")
    parent = serializers.CharField(source="control.parent_id", allow_null=True)
    withdrawn = serializers.BooleanField(source="control.withdrawn")
    withdrawn_to = serializers.ListField(
        child=serializers.CharField(), source="control.withdrawn_to"
    )
    implementation_levels = serializers.ListField(
        child=serializers.CharField(), source="control.implementation_levels"
    )
    statement = PartSerializer(many=True)
    parameters = ParameterSerializer(many=True)
    guidance = serializers.CharField()
    objectives = PartSerializer(many=True)
    methods = MethodSerializer(many=True)
    baselines = _baselines_field()
    enhancements = ControlRefSerializer(many=True)
    related = ControlRefSerializer(many=True)
    csf_mappings = CsfMappingSerializer(many=True, source="csf_rows")


# ----------------------------------------------------------------------------- filters


class ControlFilter(filters.FilterSet):
    q = filters.CharFilter(
        method="filter_q",
        label='A control ("ac-2", "AC-2(1)", "AC 2") or words of its title and statement.',
    )
    baseline = filters.ChoiceFilter(choices=Baseline.Name.choices, method="filter_baseline")
    family = filters.CharFilter(method="filter_family", label='Family id, e.g. "ac".')
    withdrawn = filters.BooleanFilter(
        field_name="withdrawn", label="true: only withdrawn; false: only active; absent: both."
    )

    class Meta:
        model = Control
        fields = ["q", "baseline", "family", "withdrawn"]

    def filter_q(self, queryset, name, value):
        return control_search(queryset=queryset, q=value, withdrawn=None)

    def filter_baseline(self, queryset, name, value):
        return control_search(queryset=queryset, baseline=value, withdrawn=None)

    def filter_family(self, queryset, name, value):
        return control_search(queryset=queryset, family=value, withdrawn=None)


# ----------------------------------------------------------------------------- views


class FamilyListApi(generics.ListAPIView):
    """The 20 SP 800-53 families with their counts."""

    serializer_class = FamilySerializer
    filter_backends: list = []

    def get_queryset(self):
        return family_list()


class ControlListApi(generics.ListAPIView):
    """SP 800-53 controls and enhancements, in catalog order."""

    serializer_class = ControlSummarySerializer
    filterset_class = ControlFilter

    @extend_schema(parameters=control_filter_parameters())
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        registered = control_filter_query(self.request.query_params)
        return control_search(queryset=control_list(), control_filters=registered, withdrawn=None)


class ControlDetailApi(APIView):
    """One control: statement tree, parameters, guidance, 800-53A objectives and methods,
    baselines, enhancements, related controls and CSF mappings."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "id",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description='OSCAL id: "ac-2", "ac-2.1".',
            )
        ],
        responses=ControlDetailSerializer,
    )
    def get(self, request: Request, id: str) -> Response:  # noqa: A002 - the path's name
        return Response(ControlDetailSerializer(control_detail_get(id)).data)


urlpatterns = [
    path("catalog/families/", FamilyListApi.as_view(), name="api-family-list"),
    path("catalog/controls/", ControlListApi.as_view(), name="api-control-list"),
    path("catalog/controls/<str:id>/", ControlDetailApi.as_view(), name="api-control-detail"),
]
