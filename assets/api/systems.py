"""Systems over the REST API: the inventory list with the UI's filters, the system record, and
who may assess it. One view per operation; components, interconnections and information types
have their own modules, included here."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.urls import path
from drf_spectacular.utils import extend_schema
from guardian.shortcuts import get_user_perms
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from assets.api import components, interconnections, system_information_types
from assets.api.inventory_serializers import (
    NamedChoiceField,
    SystemConflictSerializer,
    SystemDetailSerializer,
    SystemFieldsInput,
    SystemListItemSerializer,
    SystemSerializer,
    UsernameField,
)
from assets.models import System
from assets.roles import EDIT_INVENTORY, MANAGE, VIEW
from assets.selectors import (
    SystemFilters,
    organization_get_for_user,
    system_detail_for_user,
    system_get_for_user,
    system_search,
)
from assets.services import (
    ConcurrentEditError,
    system_assessor_grant,
    system_assessor_revoke,
    system_create,
    system_update,
)
from workbench.api import raise_validation_error
from workbench.views_access import ScopedApiView


class SystemListQuerySerializer(serializers.Serializer):
    """The inventory filters (`SystemFilters`), the same as on the systems page."""

    q = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Words of the name, acronym, description or location.",
    )
    organization = serializers.IntegerField(
        required=False, help_text="An organization's id; its agencies' systems are included."
    )
    kind = NamedChoiceField(System.Kind, required=False)
    status = NamedChoiceField(System.Status, required=False)
    system_type = NamedChoiceField(System.SystemType, required=False)
    public_facing = serializers.BooleanField(required=False)
    processes_pii = serializers.BooleanField(required=False)
    vendor = serializers.IntegerField(
        required=False, help_text="A vendor's id: systems with a component from it."
    )


@extend_schema(parameters=[SystemListQuerySerializer])
class SystemListApi(generics.ListAPIView):
    """The systems the caller may see, filtered: exactly what the systems page lists."""

    serializer_class = SystemListItemSerializer
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[System]:
        # An empty value means "any", as on the systems page. And a plain dict: from a QueryDict,
        # DRF would read a missing boolean as False.
        params = {key: value for key, value in self.request.query_params.items() if value != ""}
        query = SystemListQuerySerializer(data=params)
        query.is_valid(raise_exception=True)
        return system_search(self.request.user, SystemFilters(**query.validated_data))


class SystemCreateApi(ScopedApiView):
    """Add a system to the inventory of the organization `pk`."""

    access_function = organization_get_for_user
    permission = EDIT_INVENTORY

    class SystemCreateInputSerializer(SystemFieldsInput):
        pass

    @extend_schema(request=SystemCreateInputSerializer, responses={201: SystemSerializer})
    def post(self, request, pk):
        data = self.SystemCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            system = system_create(
                actor=request.user, organization=self.scoped_object, **data.validated_data
            )
        except DjangoValidationError as error:
            raise_validation_error(error)
        return Response(SystemSerializer(system).data, status=status.HTTP_201_CREATED)


class SystemDetailApi(ScopedApiView):
    """A system with its components, interconnections and information types."""

    access_function = system_get_for_user
    permission = VIEW

    @extend_schema(responses=SystemDetailSerializer)
    def get(self, request, pk):
        system = system_detail_for_user(request.user, self.scoped_object.pk)
        return Response(SystemDetailSerializer(system).data)


class SystemUpdateApi(ScopedApiView):
    """Change some fields of a system. With `version` (as last read), the change is refused
    with 409 if someone saved the system in between."""

    access_function = system_get_for_user
    permission = EDIT_INVENTORY

    class SystemUpdateInputSerializer(SystemFieldsInput):
        version = serializers.IntegerField(
            required=False, min_value=1, help_text="The version the change is based on."
        )

    @extend_schema(
        request=SystemUpdateInputSerializer,
        responses={200: SystemSerializer, 409: SystemConflictSerializer},
    )
    def patch(self, request, pk):
        data = self.SystemUpdateInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        expected_version = fields.pop("version", None)
        try:
            system = system_update(
                actor=request.user,
                system=self.scoped_object,
                expected_version=expected_version,
                **fields,
            )
        except ConcurrentEditError as conflict:
            body = {
                "detail": str(conflict),
                "current": conflict.current,
                "current_version": conflict.current_version,
            }
            return Response(body, status=status.HTTP_409_CONFLICT)
        except DjangoValidationError as error:
            raise_validation_error(error)
        return Response(SystemSerializer(system).data)


class SystemAssessorGrantApi(ScopedApiView):
    """Let an outside assessor see and assess this one system, and nothing else."""

    access_function = system_get_for_user
    permission = MANAGE

    class SystemAssessorGrantInputSerializer(serializers.Serializer):
        username = UsernameField()

    @extend_schema(request=SystemAssessorGrantInputSerializer, responses={204: None})
    def post(self, request, pk):
        data = self.SystemAssessorGrantInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            system_assessor_grant(
                actor=request.user, system=self.scoped_object, user=data.validated_data["username"]
            )
        except DjangoValidationError as error:  # about the person, given here as `username`
            raise ValidationError({"username": error.messages}) from error
        return Response(status=status.HTTP_204_NO_CONTENT)


class SystemAssessorRevokeApi(ScopedApiView):
    access_function = system_get_for_user
    permission = MANAGE

    class SystemAssessorRevokeInputSerializer(serializers.Serializer):
        username = UsernameField()
        reason = serializers.CharField(required=False, default="", allow_blank=True)

    @extend_schema(request=SystemAssessorRevokeInputSerializer, responses={204: None})
    def post(self, request, pk):
        data = self.SystemAssessorRevokeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        system = self.scoped_object
        user = data.validated_data["username"]
        # Only the direct grant: a role held in the organization is revoked as a membership.
        if "assess_system" not in get_user_perms(user, system):
            raise ValidationError({"username": ["This person is not an assessor of this system."]})
        system_assessor_revoke(
            actor=request.user, system=system, user=user, reason=data.validated_data["reason"]
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("systems/", SystemListApi.as_view(), name="api-system-list"),
    path(
        "organizations/<int:pk>/systems/create/",
        SystemCreateApi.as_view(),
        name="api-system-create",
    ),
    path("systems/<int:pk>/", SystemDetailApi.as_view(), name="api-system"),
    path("systems/<int:pk>/update/", SystemUpdateApi.as_view(), name="api-system-update"),
    path(
        "systems/<int:pk>/assessors/grant/",
        SystemAssessorGrantApi.as_view(),
        name="api-system-assessor-grant",
    ),
    path(
        "systems/<int:pk>/assessors/revoke/",
        SystemAssessorRevokeApi.as_view(),
        name="api-system-assessor-revoke",
    ),
    *components.urlpatterns,
    *interconnections.urlpatterns,
    *system_information_types.urlpatterns,
]
