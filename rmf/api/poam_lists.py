"""An organization's POA&M over the REST API: every item of the current cycle of the systems the
caller may see in the organization and its agencies, filtered with the parameters the dashboard
links with (`status`, `risk`, `overdue`, `aging`, `system`), highest risk first then the
soonest due, paginated. The filters' query serializer is shared with the cycle's list."""

from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers

from assets.api.inventory_serializers import NamedChoiceField
from assets.roles import VIEW
from assets.selectors import organization_get_for_user
from rmf.api.serializers_workflow import BlankAsNullChoiceField
from rmf.models import PoamItem, RiskScale
from rmf.selectors.poam_lists import (
    AGING_FILTERS,
    RISK_FILTERS,
    STATUS_FILTERS,
    PoamFilters,
    age_in_days,
    organization_poam_items,
)
from workbench.api import StandardPagination
from workbench.views_access import ScopedApiView


class PoamFilterQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=list(STATUS_FILTERS.items()),
        required=False,
        help_text='"open" is every item still to be worked on (open or ongoing).',
    )
    risk = serializers.ChoiceField(
        choices=list(RISK_FILTERS.items()),
        required=False,
        help_text='A level of risk, or "unrated".',
    )
    overdue = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Only items open or ongoing past their scheduled completion or a milestone.",
    )
    aging = serializers.ChoiceField(
        choices=list(AGING_FILTERS.items()),
        required=False,
        help_text="Open or ongoing items by days since they were created.",
    )
    system = serializers.IntegerField(required=False, help_text="Only this system's items.")

    def filters(self) -> PoamFilters:
        data = self.validated_data
        return PoamFilters(
            status=data.get("status", ""),
            risk=data.get("risk", ""),
            overdue=data.get("overdue", False),
            aging=data.get("aging", ""),
            system=data.get("system"),
        )


def query_filters(request) -> PoamFilters:
    """The list's filters from the query string; a 400 naming the parameter when one is
    wrong."""
    query = PoamFilterQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.filters()


class OrganizationPoamItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField(help_text='"POAM-001" within the cycle.')
    system = serializers.IntegerField(source="authorization.system_id")
    system_acronym = serializers.CharField(source="authorization.system.acronym")
    system_name = serializers.CharField(source="authorization.system.name")
    organization = serializers.CharField(source="authorization.system.organization.name")
    authorization = serializers.IntegerField(source="authorization_id")
    control = serializers.CharField(
        source="selected_control.control.label", allow_null=True, default=None
    )
    weakness = serializers.CharField()
    source = serializers.CharField()
    risk_level = BlankAsNullChoiceField(RiskScale)
    point_of_contact = serializers.CharField()
    scheduled_completion = serializers.DateField(allow_null=True)
    next_milestone_due = serializers.DateField(
        allow_null=True, help_text="The earliest milestone not completed."
    )
    status = NamedChoiceField(PoamItem.Status)
    overdue = serializers.BooleanField(source="is_overdue")
    age_days = serializers.SerializerMethodField(
        help_text="Days since the item was created (open or ongoing items; null otherwise)."
    )
    created_at = serializers.DateTimeField()

    def get_age_days(self, item) -> int | None:
        if item.status not in (PoamItem.Status.OPEN, PoamItem.Status.ONGOING):
            return None
        return age_in_days(item, self.context["today"])


class OrganizationPoamApi(ScopedApiView, generics.ListAPIView):
    """The organization's POA&M items the caller may see, highest risk first, then the soonest
    scheduled completion."""

    access_function = organization_get_for_user
    permission = VIEW
    serializer_class = OrganizationPoamItemSerializer
    pagination_class = StandardPagination
    filter_backends: list = []

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no organization
            return PoamItem.objects.none()
        return organization_poam_items(
            self.request.user, self.scoped_object, query_filters(self.request), timezone.localdate()
        )

    @extend_schema(parameters=[PoamFilterQuerySerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


urlpatterns = [
    path(
        "organizations/<int:pk>/poam/", OrganizationPoamApi.as_view(), name="api-organization-poam"
    ),
]
