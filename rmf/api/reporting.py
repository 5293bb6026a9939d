"""Reporting over the REST API (R-5, M-5, M-6): a system's authorization status, an
organization's authorizations with their expiry, the security status reports and the
organization's dashboard. Read-only; one view per report, each reaching its system or
organization through the access function (the same 404 for missing and not permitted) and
counting only the systems the caller may see."""

from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from assets.api.inventory_serializers import NamedChoiceField
from assets.models import System
from assets.roles import VIEW
from assets.selectors import organization_get_for_user, system_get_for_user
from rmf.api.serializers_reporting import (
    AuthorizationState,
    DashboardSerializer,
    DecisionStatusSerializer,
    StatusReportSerializer,
    SystemAuthorizationSerializer,
    SystemStatusReportSerializer,
)
from rmf.selectors.decisions import EXPIRY_WINDOWS, decision_status, decision_status_bulk
from rmf.selectors.reporting import (
    authorization_list,
    organization_dashboard,
    organization_status_report,
    system_status_report,
)
from workbench.views_access import ScopedApiView


class SystemAuthorizationStatusApi(ScopedApiView):
    """The system's authorization: its effective decision (the latest signed, of any cycle),
    its state, days left, and the parts of the package changed since signing."""

    access_function = system_get_for_user
    permission = VIEW

    @extend_schema(responses=DecisionStatusSerializer)
    def get(self, request, pk):
        status = decision_status(self.scoped_object, timezone.localdate(), with_changes=True)
        return Response(DecisionStatusSerializer(status).data)


class AuthorizationQuerySerializer(serializers.Serializer):
    state = NamedChoiceField(AuthorizationState, required=False)
    expiring = serializers.ChoiceField(
        choices=EXPIRY_WINDOWS,
        required=False,
        help_text="Active authorizations ending within this many days (today included).",
    )


@extend_schema(parameters=[AuthorizationQuerySerializer])
class OrganizationAuthorizationListApi(ScopedApiView, generics.ListAPIView):
    """Every system of the organization and its agencies the caller may see, with its
    effective decision and expiry, soonest termination first (R-5, M-6)."""

    access_function = organization_get_for_user
    permission = VIEW
    serializer_class = SystemAuthorizationSerializer
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no organization
            return System.objects.none()
        params = {key: value for key, value in self.request.query_params.items() if value != ""}
        query = AuthorizationQuerySerializer(data=params)
        query.is_valid(raise_exception=True)
        return authorization_list(
            self.request.user, self.scoped_object, timezone.localdate(), **query.validated_data
        )

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        statuses = decision_status_bulk(page, timezone.localdate(), with_changes=True)
        rows = [statuses[system.pk] for system in page]  # the page's rows only, in bulk
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)


class SystemStatusReportApi(ScopedApiView):
    """The system's security status (M-5) over its current cycle: controls by implementation
    status, findings not closed by level of risk, POA&M aging and overdue items, assessment
    coverage. Empty for a disposed system or one without a cycle."""

    access_function = system_get_for_user
    permission = VIEW

    @extend_schema(responses=SystemStatusReportSerializer)
    def get(self, request, pk):
        report = system_status_report(self.scoped_object, timezone.localdate())
        return Response(SystemStatusReportSerializer(report).data)


class OrganizationStatusReportApi(ScopedApiView):
    """The security status (M-5) of the organization's systems the caller may see: their
    current cycles, disposed systems left out."""

    access_function = organization_get_for_user
    permission = VIEW

    @extend_schema(responses=StatusReportSerializer)
    def get(self, request, pk):
        report = organization_status_report(request.user, self.scoped_object, timezone.localdate())
        return Response(StatusReportSerializer(report).data)


class OrganizationDashboardApi(ScopedApiView):
    """The organization's dashboard: systems by step and by authorization state, expiring and
    expired authorizations, overdue and aging POA&M items, the ten highest risks."""

    access_function = organization_get_for_user
    permission = VIEW

    @extend_schema(responses=DashboardSerializer)
    def get(self, request, pk):
        dashboard = organization_dashboard(request.user, self.scoped_object, timezone.localdate())
        return Response(DashboardSerializer(dashboard).data)


urlpatterns = [
    path(
        "systems/<int:pk>/authorization-status/",
        SystemAuthorizationStatusApi.as_view(),
        name="api-system-authorization-status",
    ),
    path(
        "systems/<int:pk>/status-report/",
        SystemStatusReportApi.as_view(),
        name="api-system-status-report",
    ),
    path(
        "organizations/<int:pk>/authorizations/",
        OrganizationAuthorizationListApi.as_view(),
        name="api-organization-authorizations",
    ),
    path(
        "organizations/<int:pk>/status-report/",
        OrganizationStatusReportApi.as_view(),
        name="api-organization-status-report",
    ),
    path(
        "organizations/<int:pk>/dashboard/",
        OrganizationDashboardApi.as_view(),
        name="api-organization-dashboard",
    ),
]
