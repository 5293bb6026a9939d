"""The plan of action and milestones (A-6) over the REST API: the cycle's items, generating them
from the findings, an item's point of contact, resources, schedule and status (the system team;
409 on a conflict), and its milestones."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from assets.roles import EDIT_RMF, VIEW
from rmf.api.assessment._base import conflict_response
from rmf.api.assessment.serializers import (
    MilestoneSerializer,
    PoamEditableStatus,
    PoamItemConflictSerializer,
    PoamItemSerializer,
)
from rmf.api.serializers_workflow import ServiceCheckedChoiceField
from rmf.models import PoamItem, PoamMilestone
from rmf.selectors.assessment import (
    poam_item_get_for_user,
    poam_item_list,
    poam_milestone_get_for_user,
)
from rmf.selectors.workflow import authorization_get_for_user
from rmf.services.assessment import (
    PoamItemConflict,
    poam_item_update,
    poam_items_generate,
    poam_milestone_add,
    poam_milestone_complete,
    poam_milestone_remove,
)
from workbench.api import raise_validation_error
from workbench.views_access import ScopedApiView


class PoamListApi(ScopedApiView, generics.ListAPIView):
    """The cycle's POA&M items in number order, with their milestones (overdue ones
    flagged)."""

    access_function = authorization_get_for_user
    permission = VIEW
    serializer_class = PoamItemSerializer
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no cycle
            return PoamItem.objects.none()
        return poam_item_list(self.scoped_object)


class PoamGenerateApi(ScopedApiView):
    """Create a POA&M item for each finding not closed that has none (once the assessment
    report is complete, A-4)."""

    access_function = authorization_get_for_user
    permission = EDIT_RMF

    class PoamGeneratedSerializer(serializers.Serializer):
        created = serializers.IntegerField(help_text="How many items were created.")

    @extend_schema(request=None, responses={201: PoamGeneratedSerializer})
    def post(self, request, pk):
        try:
            created = poam_items_generate(actor=request.user, authorization=self.scoped_object)
        except DjangoValidationError as error:
            raise_validation_error(error)
        return Response({"created": created}, status=status.HTTP_201_CREATED)


class PoamItemApi(ScopedApiView):
    """A POA&M item (GET); its point of contact, resources, scheduled completion and status
    (PATCH, the system team: the fields not sent stay). Risk acceptance and completion are the
    Monitor step's."""

    access_function = poam_item_get_for_user
    permission = VIEW
    write_permission = EDIT_RMF

    class PoamItemUpdateInputSerializer(serializers.Serializer):
        point_of_contact = serializers.CharField(required=False, allow_blank=True)
        resources = serializers.CharField(required=False, allow_blank=True)
        scheduled_completion = serializers.DateField(required=False, allow_null=True)
        status = ServiceCheckedChoiceField(PoamEditableStatus, required=False)
        expected_version = serializers.IntegerField(required=False, allow_null=True, default=None)

    @extend_schema(responses=PoamItemSerializer)
    def get(self, request, pk):
        return Response(PoamItemSerializer(self.scoped_object).data)

    @extend_schema(
        request=PoamItemUpdateInputSerializer,
        responses={200: PoamItemSerializer, 409: PoamItemConflictSerializer},
    )
    def patch(self, request, pk):
        item = self.scoped_object
        data = self.PoamItemUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = {
            "point_of_contact": item.point_of_contact,
            "resources": item.resources,
            "scheduled_completion": item.scheduled_completion,
            "status": item.status,
            **data.validated_data,
        }
        try:
            poam_item_update(actor=request.user, item=item, **values)
        except PoamItemConflict as conflict:
            return conflict_response(conflict)
        except DjangoValidationError as error:
            raise_validation_error(error)
        return Response(PoamItemSerializer(poam_item_get_for_user(request.user, pk)).data)


class PoamMilestoneAddApi(ScopedApiView):
    access_function = poam_item_get_for_user
    permission = EDIT_RMF

    class MilestoneInputSerializer(serializers.Serializer):
        description = serializers.CharField(max_length=500)
        due_on = serializers.DateField()

    @extend_schema(request=MilestoneInputSerializer, responses={201: MilestoneSerializer})
    def post(self, request, pk):
        data = self.MilestoneInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            milestone = poam_milestone_add(
                actor=request.user, item=self.scoped_object, **data.validated_data
            )
        except DjangoValidationError as error:
            raise_validation_error(error)
        return Response(MilestoneSerializer(milestone).data, status=status.HTTP_201_CREATED)


class PoamMilestoneCompleteApi(ScopedApiView):
    access_function = poam_milestone_get_for_user
    permission = EDIT_RMF

    class MilestoneCompleteInputSerializer(serializers.Serializer):
        completed_on = serializers.DateField(help_text="Today or earlier.")

    @extend_schema(request=MilestoneCompleteInputSerializer, responses=MilestoneSerializer)
    def post(self, request, pk):
        data = self.MilestoneCompleteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            milestone = poam_milestone_complete(
                actor=request.user, milestone=self.scoped_object, **data.validated_data
            )
        except DjangoValidationError as error:
            raise_validation_error(error)
        return Response(MilestoneSerializer(PoamMilestone.objects.get(pk=milestone.pk)).data)


class PoamMilestoneApi(ScopedApiView):
    """Remove a milestone not completed yet (a completed one is the record of progress)."""

    access_function = poam_milestone_get_for_user
    permission = EDIT_RMF

    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        try:
            poam_milestone_remove(actor=request.user, milestone=self.scoped_object)
        except DjangoValidationError as error:
            raise_validation_error(error)
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("authorizations/<int:pk>/poam/", PoamListApi.as_view(), name="api-cycle-poam"),
    path(
        "authorizations/<int:pk>/poam/generate/",
        PoamGenerateApi.as_view(),
        name="api-cycle-poam-generate",
    ),
    path("poam-items/<int:pk>/", PoamItemApi.as_view(), name="api-poam-item"),
    path(
        "poam-items/<int:pk>/milestones/",
        PoamMilestoneAddApi.as_view(),
        name="api-poam-item-milestone-add",
    ),
    path(
        "poam-milestones/<int:pk>/complete/",
        PoamMilestoneCompleteApi.as_view(),
        name="api-poam-milestone-complete",
    ),
    path("poam-milestones/<int:pk>/", PoamMilestoneApi.as_view(), name="api-poam-milestone"),
]
