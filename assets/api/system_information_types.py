"""The information types a system processes, and the types organizations define themselves, over
the REST API. A system's information type is reached through its system
(`system_information_type_get_for_user`). One view per operation."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from assets.api.inventory_serializers import (
    NamedChoiceField,
    OrganizationInformationTypeSerializer,
    SystemInformationTypeSerializer,
)
from assets.inventory_access import (
    organization_information_types_for,
    system_information_type_get_for_user,
)
from assets.models import (
    InformationType,
    OrganizationInformationType,
    ProvisionalImpact,
    SystemInformationType,
)
from assets.roles import EDIT_INVENTORY, VIEW
from assets.selectors import organization_get_for_user, system_get_for_user
from assets.services import (
    organization_information_type_create,
    system_information_type_add,
    system_information_type_remove,
)
from workbench.api import raise_validation_error
from workbench.views_access import ScopedApiView

UNKNOWN_TYPE = "Unknown information type."


class UsableOrganizationTypeField(serializers.PrimaryKeyRelatedField):
    """A type defined by the system's organization or one above it; any other id is "unknown",
    whether or not it exists elsewhere."""

    default_error_messages = {
        **serializers.PrimaryKeyRelatedField.default_error_messages,
        "does_not_exist": UNKNOWN_TYPE,
    }

    def __init__(self, **kwargs: Any):
        super().__init__(queryset=OrganizationInformationType.objects.all(), **kwargs)

    def get_queryset(self) -> QuerySet[OrganizationInformationType]:
        return organization_information_types_for(self.context["system"].organization)


class SystemInformationTypeListApi(ScopedApiView, generics.ListAPIView):
    """The information types the system `pk` processes."""

    access_function = system_get_for_user
    permission = VIEW
    serializer_class = SystemInformationTypeSerializer
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[SystemInformationType]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no system
            return SystemInformationType.objects.none()
        return SystemInformationType.objects.filter(system=self.scoped_object).select_related(
            "catalog_type", "organization_type"
        )


class SystemInformationTypeAddApi(ScopedApiView):
    """Add an information type to the system `pk`: one from SP 800-60 (`catalog_type`) or one
    its organization defined (`organization_type`)."""

    access_function = system_get_for_user
    permission = EDIT_INVENTORY

    class SystemInformationTypeAddInputSerializer(serializers.Serializer):
        catalog_type = serializers.PrimaryKeyRelatedField(
            queryset=InformationType.objects.all(),
            required=False,
            allow_null=True,
            error_messages={"does_not_exist": UNKNOWN_TYPE},
            help_text='An SP 800-60 id, e.g. "C.2.8.12".',
        )
        organization_type = UsableOrganizationTypeField(required=False, allow_null=True)
        note = serializers.CharField(
            required=False,
            default="",
            allow_blank=True,
            help_text="Why the system processes it, in the planner's words.",
        )

    @extend_schema(
        request=SystemInformationTypeAddInputSerializer,
        responses={201: SystemInformationTypeSerializer},
    )
    def post(self, request, pk):
        system = self.scoped_object
        data = self.SystemInformationTypeAddInputSerializer(
            data=request.data, context={"system": system}
        )
        data.is_valid(raise_exception=True)
        try:
            link = system_information_type_add(
                actor=request.user, system=system, **data.validated_data
            )
        except DjangoValidationError as error:
            raise_validation_error(error)
        return Response(SystemInformationTypeSerializer(link).data, status=status.HTTP_201_CREATED)


class SystemInformationTypeRemoveApi(ScopedApiView):
    access_function = system_information_type_get_for_user
    permission = EDIT_INVENTORY

    class SystemInformationTypeRemoveInputSerializer(serializers.Serializer):
        reason = serializers.CharField(required=False, default="", allow_blank=True)

    @extend_schema(request=SystemInformationTypeRemoveInputSerializer, responses={204: None})
    def post(self, request, pk):
        data = self.SystemInformationTypeRemoveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        system_information_type_remove(
            actor=request.user, link=self.scoped_object, reason=data.validated_data["reason"]
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class OrganizationInformationTypeListApi(ScopedApiView, generics.ListAPIView):
    """The information types the systems of organization `pk` may use besides SP 800-60: those
    it defined and those the organizations above it defined."""

    access_function = organization_get_for_user
    permission = VIEW
    serializer_class = OrganizationInformationTypeSerializer
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[OrganizationInformationType]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no organization
            return OrganizationInformationType.objects.none()
        return organization_information_types_for(self.scoped_object)


class OrganizationInformationTypeCreateApi(ScopedApiView):
    """Define an information type for the organization `pk` where SP 800-60 has none that
    fits; its systems and those of its agencies may then use it."""

    access_function = organization_get_for_user
    permission = EDIT_INVENTORY

    class OrganizationInformationTypeCreateInputSerializer(serializers.Serializer):
        identifier = serializers.CharField(max_length=32, help_text='e.g. "ORG.1".')
        title = serializers.CharField(max_length=300)
        description = serializers.CharField(required=False, default="", allow_blank=True)
        confidentiality = NamedChoiceField(ProvisionalImpact)
        integrity = NamedChoiceField(ProvisionalImpact)
        availability = NamedChoiceField(ProvisionalImpact)

    @extend_schema(
        request=OrganizationInformationTypeCreateInputSerializer,
        responses={201: OrganizationInformationTypeSerializer},
    )
    def post(self, request, pk):
        data = self.OrganizationInformationTypeCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            info_type = organization_information_type_create(
                actor=request.user, organization=self.scoped_object, **data.validated_data
            )
        except DjangoValidationError as error:
            raise_validation_error(error)
        return Response(
            OrganizationInformationTypeSerializer(info_type).data, status=status.HTTP_201_CREATED
        )


urlpatterns = [
    path(
        "systems/<int:pk>/information-types/",
        SystemInformationTypeListApi.as_view(),
        name="api-system-information-type-list",
    ),
    path(
        "systems/<int:pk>/information-types/add/",
        SystemInformationTypeAddApi.as_view(),
        name="api-system-information-type-add",
    ),
    path(
        "system-information-types/<int:pk>/remove/",
        SystemInformationTypeRemoveApi.as_view(),
        name="api-system-information-type-remove",
    ),
    path(
        "organizations/<int:pk>/information-types/",
        OrganizationInformationTypeListApi.as_view(),
        name="api-organization-information-type-list",
    ),
    path(
        "organizations/<int:pk>/information-types/create/",
        OrganizationInformationTypeCreateApi.as_view(),
        name="api-organization-information-type-create",
    ),
]
