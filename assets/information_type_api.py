"""SP 800-60 information types over the REST API, read-only. One view per operation."""

from django_filters import rest_framework as filters
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import generics, serializers

from assets.catalog_selectors import (
    information_type_get,
    information_type_list,
    information_type_search,
)
from assets.models import InformationType, ProvisionalImpact


class ImpactLevelField(serializers.ChoiceField):
    """NA, LOW, MODERATE or HIGH: one enum in the schema for all four fields."""

    def __init__(self, **kwargs):
        super().__init__(choices=ProvisionalImpact.choices, read_only=True, **kwargs)


class ImpactLevelFieldExtension(OpenApiSerializerFieldExtension):
    target_class = ImpactLevelField

    def map_serializer_field(self, auto_schema, direction):
        component = ResolvedComponent(
            name="ProvisionalImpactEnum",
            type=ResolvedComponent.SCHEMA,
            object="ProvisionalImpactEnum",
            schema={"type": "string", "enum": list(ProvisionalImpact.values)},
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


class InformationTypeSerializer(serializers.ModelSerializer):
    confidentiality = ImpactLevelField()
    integrity = ImpactLevelField()
    availability = ImpactLevelField()
    impact = ImpactLevelField(
        help_text="High-water mark of confidentiality, integrity and availability."
    )

    class Meta:
        model = InformationType
        fields = [
            "id",
            "title",
            "category",
            "description",
            "confidentiality",
            "integrity",
            "availability",
            "impact",
            "confidentiality_note",
            "integrity_note",
            "availability_note",
        ]


class InformationTypeFilter(filters.FilterSet):
    q = filters.CharFilter(method="filter_q", label="Words of the id, title or description.")
    category = filters.CharFilter(field_name="category", label='e.g. "Controls and Oversight".')
    impact = filters.ChoiceFilter(
        choices=ProvisionalImpact.choices,
        method="filter_impact",
        label="High-water mark of confidentiality, integrity and availability.",
    )

    class Meta:
        model = InformationType
        fields = ["q", "category", "impact", "confidentiality", "integrity", "availability"]

    def filter_q(self, queryset, name, value):
        return information_type_search(queryset=queryset, q=value)

    def filter_impact(self, queryset, name, value):
        return information_type_search(queryset=queryset, impact=value)


class InformationTypeListApi(generics.ListAPIView):
    """SP 800-60 Vol 2 Rev 1 information types with their provisional impact levels."""

    serializer_class = InformationTypeSerializer
    filterset_class = InformationTypeFilter

    def get_queryset(self):
        return information_type_list()


class InformationTypeDetailApi(generics.RetrieveAPIView):
    """One information type."""

    serializer_class = InformationTypeSerializer
    queryset = InformationType.objects.none()  # for the schema; reads go through the selector

    def get_object(self) -> InformationType:
        return information_type_get(self.kwargs["pk"])
