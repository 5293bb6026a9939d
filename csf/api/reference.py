"""The CSF 1.1 and 2.0 cores over the REST API, read-only. One view per operation."""

from django.urls import path
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from csf.models import ControlMapping, CrosswalkLink, CsfElement, CsfVersion, ImplementationExample
from csf.selectors.reference import (
    element_detail_get,
    function_list,
    subcategories_filter,
    subcategory_list,
)

# ----------------------------------------------------------------------------- serializers


class CategorySummarySerializer(serializers.ModelSerializer):
    subcategory_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = CsfElement
        fields = ["identifier", "title", "text", "withdrawn", "subcategory_count"]


class FunctionSerializer(serializers.ModelSerializer):
    category_count = serializers.IntegerField(read_only=True)
    subcategory_count = serializers.IntegerField(read_only=True)
    categories = CategorySummarySerializer(many=True, read_only=True)

    class Meta:
        model = CsfElement
        fields = [
            "version",
            "identifier",
            "title",
            "text",
            "category_count",
            "subcategory_count",
            "categories",
        ]


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class MappedControlsField(serializers.Field):
    """The distinct SP 800-53 control ids of prefetched mappings, in catalog order."""

    def to_representation(self, mappings: list[ControlMapping]) -> list[str]:
        return list(dict.fromkeys(mapping.control_id for mapping in mappings))


class SubcategorySerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="parent.identifier", read_only=True)
    function = serializers.CharField(source="parent.parent.identifier", read_only=True)
    controls = MappedControlsField(
        source="mapped", read_only=True, help_text="SP 800-53 Rev 5 controls mapped, any source."
    )

    class Meta:
        model = CsfElement
        fields = [
            "version",
            "identifier",
            "text",
            "category",
            "function",
            "withdrawn",
            "controls",
        ]


class ExampleSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImplementationExample
        fields = ["identifier", "text"]


class MappingSerializer(serializers.ModelSerializer):
    control_label = serializers.CharField(source="control.label")
    control_title = serializers.CharField(source="control.title")

    class Meta:
        model = ControlMapping
        fields = ["control", "control_label", "control_title", "source", "relationship"]


class CrosswalkTargetSerializer(serializers.ModelSerializer):
    version = serializers.CharField(source="target.version")
    identifier = serializers.CharField(source="target.identifier")

    class Meta:
        model = CrosswalkLink
        fields = ["version", "identifier", "relationship"]


class CrosswalkSourceSerializer(serializers.ModelSerializer):
    version = serializers.CharField(source="source.version")
    identifier = serializers.CharField(source="source.identifier")

    class Meta:
        model = CrosswalkLink
        fields = ["version", "identifier", "relationship"]


class SubcategoryDetailSerializer(serializers.Serializer):
    version = serializers.CharField(source="element.version")
    identifier = serializers.CharField(source="element.identifier")
    text = serializers.CharField(source="element.text")
    category = serializers.CharField(source="element.parent.identifier")
    category_title = serializers.CharField(source="element.parent.title")
    function = serializers.CharField(source="element.parent.parent.identifier")
    function_title = serializers.CharField(source="element.parent.parent.title")
    withdrawn = serializers.BooleanField(source="element.withdrawn")
    withdrawn_reason = serializers.CharField(source="element.withdrawn_reason")
    implementation_examples = ExampleSerializer(many=True, source="examples")
    mappings = MappingSerializer(many=True)
    crosswalk_to = CrosswalkTargetSerializer(
        many=True, help_text="CSF 1.1 only: where this subcategory went in CSF 2.0."
    )
    crosswalk_from = CrosswalkSourceSerializer(
        many=True, help_text="CSF 2.0 only: the CSF 1.1 elements it carries."
    )


# ----------------------------------------------------------------------------- filters


class FunctionFilter(filters.FilterSet):
    version = filters.ChoiceFilter(choices=CsfVersion.choices)

    class Meta:
        model = CsfElement
        fields = ["version"]


class SubcategoryFilter(filters.FilterSet):
    version = filters.ChoiceFilter(choices=CsfVersion.choices)
    function = filters.CharFilter(method="filter_function", label='Function, e.g. "PR".')
    category = filters.CharFilter(method="filter_category", label='Category, e.g. "PR.AA".')

    class Meta:
        model = CsfElement
        fields = ["version", "function", "category", "withdrawn"]

    def filter_function(self, queryset, name, value):
        return subcategories_filter(queryset, function=value)

    def filter_category(self, queryset, name, value):
        return subcategories_filter(queryset, category=value)


# ----------------------------------------------------------------------------- views


class FunctionListApi(generics.ListAPIView):
    """CSF functions with their categories and counts."""

    serializer_class = FunctionSerializer
    filterset_class = FunctionFilter

    def get_queryset(self):
        return function_list()


class SubcategoryListApi(generics.ListAPIView):
    """CSF subcategories with the SP 800-53 controls mapped to them."""

    serializer_class = SubcategorySerializer
    filterset_class = SubcategoryFilter

    def get_queryset(self):
        return subcategory_list()


class SubcategoryDetailApi(APIView):
    """One subcategory: text, implementation examples, mappings and crosswalk."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "version", OpenApiTypes.STR, OpenApiParameter.PATH, enum=CsfVersion.values
            ),
            OpenApiParameter(
                "identifier",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description='"PR.AC-1" (1.1), "PR.AA-01" (2.0).',
            ),
        ],
        responses=SubcategoryDetailSerializer,
    )
    def get(self, request: Request, version: str, identifier: str) -> Response:
        detail = element_detail_get(version, identifier, kind=CsfElement.Kind.SUBCATEGORY)
        return Response(SubcategoryDetailSerializer(detail).data)


urlpatterns = [
    path("csf/functions/", FunctionListApi.as_view(), name="api-csf-function-list"),
    path("csf/subcategories/", SubcategoryListApi.as_view(), name="api-csf-subcategory-list"),
    path(
        "csf/subcategories/<str:version>/<str:identifier>/",
        SubcategoryDetailApi.as_view(),
        name="api-csf-subcategory-detail",
    ),
]
