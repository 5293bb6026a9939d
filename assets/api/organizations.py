"""Organizations, memberships and the audit trail over the REST API. One view per operation."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from assets.models import AuditEvent, Membership, Organization, Role
from assets.roles import MANAGE, VIEW
from assets.selectors import (
    audit_event_list_for_user,
    membership_get_for_user,
    membership_list_for_organization,
    organization_get_for_user,
    organization_list_for_user,
)
from assets.services import (
    membership_grant,
    membership_revoke,
    organization_create,
    organization_update,
)
from workbench.api import raise_validation_error
from workbench.views_access import ScopedApiView


class OrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "short_name", "kind", "parent", "depth", "description"]


class OrganizationFilter(filters.FilterSet):
    class Meta:
        model = Organization
        fields = ["kind", "parent"]


class OrganizationListApi(generics.ListAPIView):
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilter

    def get_queryset(self):
        return organization_list_for_user(self.request.user)


class OrganizationDetailApi(ScopedApiView):
    access_function = organization_get_for_user
    permission = VIEW

    @extend_schema(responses=OrganizationSerializer)
    def get(self, request, pk):
        return Response(OrganizationSerializer(self.scoped_object).data)


class OrganizationChildCreateApi(ScopedApiView):
    """Create an agency or department inside the organization `pk`."""

    access_function = organization_get_for_user
    permission = MANAGE

    class OrganizationChildCreateInputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=200)
        short_name = serializers.CharField(
            max_length=32, required=False, default="", allow_blank=True
        )
        kind = serializers.ChoiceField(choices=Organization.Kind.choices)
        description = serializers.CharField(required=False, default="", allow_blank=True)

    @extend_schema(
        request=OrganizationChildCreateInputSerializer, responses={201: OrganizationSerializer}
    )
    def post(self, request, pk):
        data = self.OrganizationChildCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            child = organization_create(
                actor=request.user, parent=self.scoped_object, **data.validated_data
            )
        except DjangoValidationError as error:
            raise_validation_error(error)
        return Response(OrganizationSerializer(child).data, status=status.HTTP_201_CREATED)


class OrganizationUpdateApi(ScopedApiView):
    access_function = organization_get_for_user
    permission = MANAGE

    class OrganizationUpdateInputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=200, required=False)
        short_name = serializers.CharField(max_length=32, required=False, allow_blank=True)
        description = serializers.CharField(required=False, allow_blank=True)

    @extend_schema(request=OrganizationUpdateInputSerializer, responses=OrganizationSerializer)
    def patch(self, request, pk):
        organization = self.scoped_object
        data = self.OrganizationUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = {
            "name": organization.name,
            "short_name": organization.short_name,
            "description": organization.description,
            **data.validated_data,
        }
        try:
            organization = organization_update(
                actor=request.user, organization=organization, **values
            )
        except DjangoValidationError as error:
            raise_validation_error(error)
        return Response(OrganizationSerializer(organization).data)


class MembershipSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username")
    role_display = serializers.CharField(source="get_role_display")

    class Meta:
        model = Membership
        fields = ["id", "organization", "username", "role", "role_display", "granted_at"]


class MembershipListApi(ScopedApiView, generics.ListAPIView):
    access_function = organization_get_for_user
    permission = VIEW
    serializer_class = MembershipSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no organization
            return Membership.objects.none()
        return membership_list_for_organization(self.scoped_object)


class MembershipGrantApi(ScopedApiView):
    access_function = organization_get_for_user
    permission = MANAGE

    class MembershipGrantInputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        role = serializers.ChoiceField(choices=Role.choices)

    @extend_schema(request=MembershipGrantInputSerializer, responses={201: MembershipSerializer})
    def post(self, request, pk):
        data = self.MembershipGrantInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = (
            get_user_model()
            .objects.filter(username__iexact=data.validated_data["username"])
            .first()
        )
        if user is None:
            raise ValidationError({"username": ["No account has this name."]})
        try:
            membership = membership_grant(
                actor=request.user,
                organization=self.scoped_object,
                user=user,
                role=data.validated_data["role"],
            )
        except DjangoValidationError as error:
            raise_validation_error(error)
        return Response(MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)


class MembershipRevokeApi(ScopedApiView):
    access_function = membership_get_for_user
    permission = MANAGE

    class MembershipRevokeInputSerializer(serializers.Serializer):
        reason = serializers.CharField(required=False, default="", allow_blank=True)

    @extend_schema(request=MembershipRevokeInputSerializer, responses={204: None})
    def post(self, request, pk):
        data = self.MembershipRevokeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = self.scoped_object
        if membership.user_id == request.user.pk and membership.role == Role.ORG_ADMIN:
            raise ValidationError({"detail": ["You cannot remove your own administrator role."]})
        membership_revoke(
            actor=request.user, membership=membership, reason=data.validated_data["reason"]
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class AuditEventSerializer(serializers.ModelSerializer):
    object_type = serializers.CharField(source="content_type.model")

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "created_at",
            "actor_name",
            "action",
            "organization",
            "object_type",
            "object_id",
            "object_repr",
            "changes",
            "reason",
        ]


class AuditEventFilter(filters.FilterSet):
    actor = filters.CharFilter(field_name="actor_name", lookup_expr="iexact")
    since = filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")

    class Meta:
        model = AuditEvent
        fields = ["organization", "action", "actor", "object_id", "since"]


class AuditEventListApi(generics.ListAPIView):
    """The audit trail of the organizations where the caller may read it."""

    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilter

    def get_queryset(self):
        return audit_event_list_for_user(self.request.user)


urlpatterns = [
    path("organizations/", OrganizationListApi.as_view(), name="api-organization-list"),
    path("organizations/<int:pk>/", OrganizationDetailApi.as_view(), name="api-organization"),
    path(
        "organizations/<int:pk>/update/",
        OrganizationUpdateApi.as_view(),
        name="api-organization-update",
    ),
    path(
        "organizations/<int:pk>/children/create/",
        OrganizationChildCreateApi.as_view(),
        name="api-organization-child-create",
    ),
    path(
        "organizations/<int:pk>/members/",
        MembershipListApi.as_view(),
        name="api-membership-list",
    ),
    path(
        "organizations/<int:pk>/members/grant/",
        MembershipGrantApi.as_view(),
        name="api-membership-grant",
    ),
    path(
        "memberships/<int:pk>/revoke/",
        MembershipRevokeApi.as_view(),
        name="api-membership-revoke",
    ),
    path("audit-events/", AuditEventListApi.as_view(), name="api-audit-event-list"),
]
