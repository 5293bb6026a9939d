"""The plan of action and milestones (A-6, then Monitor) over the REST API: the cycle's items
(filtered like the pages), generating them from the findings, adding one by hand, an item's
point of contact, resources, schedule and status (the system team; 409 on a conflict), its
milestones, its history, and the three ways it is settled: risk accepted (the authorizing
official), completed with evidence (the system team), re-checked (an assigned assessor)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from assets.roles import ASSESS, AUTHORIZE, EDIT_RMF, VIEW
from rmf.api.assessment._base import conflict_response
from rmf.api.assessment.serializers import (
    MilestoneSerializer,
    PoamEditableStatus,
    PoamItemConflictSerializer,
    PoamItemSerializer,
    ReassessmentResult,
)
from rmf.api.poam_lists import PoamFilterQuerySerializer, query_filters
from rmf.api.serializers_workflow import ServiceCheckedChoiceField
from rmf.models import PoamItem, PoamMilestone, RiskScale, SelectedControl
from rmf.selectors.assessment import poam_item_get_for_user, poam_milestone_get_for_user
from rmf.selectors.implementation import evidence_library
from rmf.selectors.poam_lists import cycle_poam_items, poam_item_detail, poam_item_history
from rmf.selectors.workflow import authorization_get_for_user
from rmf.services.assessment import (
    PoamItemConflict,
    poam_item_update,
    poam_items_generate,
    poam_milestone_add,
    poam_milestone_complete,
    poam_milestone_remove,
)
from rmf.services.poam_management import (
    ACTIVE,
    poam_item_accept_risk,
    poam_item_add,
    poam_item_complete_with_evidence,
    poam_item_recheck,
)
from workbench.api import raise_validation_error
from workbench.views_access import ScopedApiView


class EvidenceRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class PoamItemDetailSerializer(PoamItemSerializer):
    """An item with what settled it: who completed it (with which evidence), who re-checked it,
    who accepted its risk and why."""

    overdue = serializers.BooleanField(
        source="is_overdue",
        help_text="Open or ongoing, past its scheduled completion or a milestone's due date.",
    )
    closed_at = serializers.DateTimeField(allow_null=True)
    closed_by = serializers.CharField(source="closed_by.username", allow_null=True, default=None)
    closure_note = serializers.CharField()
    closure_evidence = EvidenceRefSerializer(many=True, source="closure_evidence.all")
    rechecked_at = serializers.DateTimeField(allow_null=True)
    rechecked_by = serializers.CharField(
        source="rechecked_by.username", allow_null=True, default=None
    )
    risk_accepted_at = serializers.DateTimeField(allow_null=True)
    risk_accepted_by = serializers.CharField(
        source="risk_accepted_by.username", allow_null=True, default=None
    )
    risk_acceptance_rationale = serializers.CharField()


def item_response(item: PoamItem, code: int = status.HTTP_200_OK) -> Response:
    detail = poam_item_detail(item, timezone.localdate())
    return Response(PoamItemDetailSerializer(detail).data, status=code)


class PoamListApi(ScopedApiView, generics.ListAPIView):
    """The cycle's POA&M items in number order, with their milestones (overdue ones
    flagged), filtered like the organization's list."""

    access_function = authorization_get_for_user
    permission = VIEW
    serializer_class = PoamItemDetailSerializer
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no cycle
            return PoamItem.objects.none()
        return cycle_poam_items(
            self.scoped_object, query_filters(self.request), timezone.localdate()
        )

    @extend_schema(parameters=[PoamFilterQuerySerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class PoamItemAddApi(ScopedApiView):
    """Add a weakness the assessment did not report (the system team)."""

    access_function = authorization_get_for_user
    permission = EDIT_RMF

    class PoamItemAddInputSerializer(serializers.Serializer):
        weakness = serializers.CharField(allow_blank=True)
        source = serializers.CharField(allow_blank=True, help_text="Where it was found.")
        risk_level = ServiceCheckedChoiceField(RiskScale)
        point_of_contact = serializers.CharField(allow_blank=True)
        scheduled_completion = serializers.DateField(allow_null=True)
        resources = serializers.CharField(required=False, allow_blank=True, default="")
        selected_control = serializers.IntegerField(
            required=False, allow_null=True, default=None, help_text="A control of the cycle."
        )
        milestone_description = serializers.CharField(required=False, allow_blank=True, default="")
        milestone_due_on = serializers.DateField(required=False, allow_null=True, default=None)

    @extend_schema(request=PoamItemAddInputSerializer, responses={201: PoamItemDetailSerializer})
    def post(self, request, pk):
        authorization = self.scoped_object
        data = self.PoamItemAddInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        control_id = values.pop("selected_control")
        selected = None
        if control_id is not None:
            selected = (
                SelectedControl.objects.filter(
                    authorization=authorization, tailoring__in=ACTIVE, pk=control_id
                )
                .select_related("control")
                .first()
            )
            if selected is None:
                raise_validation_error(
                    DjangoValidationError(
                        {"selected_control": "Choose one of the controls selected for this cycle."}
                    )
                )
        try:
            item = poam_item_add(
                actor=request.user, authorization=authorization, selected_control=selected, **values
            )
        except DjangoValidationError as error:
            raise_validation_error(error)
        return item_response(item, status.HTTP_201_CREATED)


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

    @extend_schema(responses=PoamItemDetailSerializer)
    def get(self, request, pk):
        return item_response(self.scoped_object)

    @extend_schema(
        request=PoamItemUpdateInputSerializer,
        responses={200: PoamItemDetailSerializer, 409: PoamItemConflictSerializer},
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
        return item_response(item)


class PoamItemAcceptRiskApi(ScopedApiView):
    """The authorizing official accepts the risk of an open item, with the rationale."""

    access_function = poam_item_get_for_user
    permission = AUTHORIZE

    class AcceptRiskInputSerializer(serializers.Serializer):
        rationale = serializers.CharField(allow_blank=True)
        expected_version = serializers.IntegerField(required=False, allow_null=True, default=None)

    @extend_schema(
        request=AcceptRiskInputSerializer,
        responses={200: PoamItemDetailSerializer, 409: PoamItemConflictSerializer},
    )
    def post(self, request, pk):
        data = self.AcceptRiskInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            item = poam_item_accept_risk(
                actor=request.user, item=self.scoped_object, **data.validated_data
            )
        except PoamItemConflict as conflict:
            return conflict_response(conflict)
        except DjangoValidationError as error:
            raise_validation_error(error)
        return item_response(item)


class PoamItemCompleteApi(ScopedApiView):
    """The system team completes an item with evidence from the library of the system's
    organization and a note of what was done."""

    access_function = poam_item_get_for_user
    permission = EDIT_RMF

    class CompleteInputSerializer(serializers.Serializer):
        evidence = serializers.ListField(
            child=serializers.IntegerField(),
            allow_empty=True,
            help_text="Ids of evidence in the library (`/organizations/{id}/evidence/`).",
        )
        note = serializers.CharField(allow_blank=True, help_text="What was done.")
        milestones_explained = serializers.BooleanField(
            required=False,
            default=False,
            help_text="Needed when milestones are not completed: the note says why.",
        )
        expected_version = serializers.IntegerField(required=False, allow_null=True, default=None)

    @extend_schema(
        request=CompleteInputSerializer,
        responses={200: PoamItemDetailSerializer, 409: PoamItemConflictSerializer},
    )
    def post(self, request, pk):
        item = self.scoped_object
        data = self.CompleteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        ids = set(values.pop("evidence"))
        library = evidence_library(request.user, item.authorization.system.organization)
        evidence = list(library.filter(pk__in=ids))
        if len(evidence) != len(ids):
            unknown = sorted(ids - {piece.pk for piece in evidence})
            raise_validation_error(
                DjangoValidationError(
                    {
                        "evidence": f"No evidence {', '.join(map(str, unknown))} in the library "
                        f"of {item.authorization.system.organization}."
                    }
                )
            )
        try:
            item = poam_item_complete_with_evidence(
                actor=request.user, item=item, evidence=evidence, **values
            )
        except PoamItemConflict as conflict:
            return conflict_response(conflict)
        except DjangoValidationError as error:
            raise_validation_error(error)
        return item_response(item)


class PoamItemRecheckApi(ScopedApiView):
    """An assessor assigned to the cycle re-checks an item: satisfied completes it; other than
    satisfied keeps it open, with the note."""

    access_function = poam_item_get_for_user
    permission = ASSESS

    class RecheckInputSerializer(serializers.Serializer):
        result = ServiceCheckedChoiceField(ReassessmentResult)
        note = serializers.CharField(required=False, allow_blank=True, default="")
        expected_version = serializers.IntegerField(required=False, allow_null=True, default=None)

    @extend_schema(
        request=RecheckInputSerializer,
        responses={200: PoamItemDetailSerializer, 409: PoamItemConflictSerializer},
    )
    def post(self, request, pk):
        data = self.RecheckInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            item = poam_item_recheck(
                actor=request.user, item=self.scoped_object, **data.validated_data
            )
        except PoamItemConflict as conflict:
            return conflict_response(conflict)
        except DjangoValidationError as error:
            raise_validation_error(error)
        return item_response(item)


class HistoryChangeSerializer(serializers.Serializer):
    label = serializers.CharField()
    before = serializers.CharField()
    after = serializers.CharField()


class HistoryEntrySerializer(serializers.Serializer):
    when = serializers.DateTimeField()
    who = serializers.CharField()
    what = serializers.CharField()
    changes = HistoryChangeSerializer(many=True)
    reason = serializers.CharField()


class PoamItemHistoryApi(ScopedApiView):
    """Every audited change of the item and its milestones, newest first."""

    access_function = poam_item_get_for_user
    permission = VIEW

    @extend_schema(responses=HistoryEntrySerializer(many=True))
    def get(self, request, pk):
        history = poam_item_history(self.scoped_object)
        return Response(HistoryEntrySerializer(history, many=True).data)


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
    path("authorizations/<int:pk>/poam/add/", PoamItemAddApi.as_view(), name="api-cycle-poam-add"),
    path("poam-items/<int:pk>/", PoamItemApi.as_view(), name="api-poam-item"),
    path(
        "poam-items/<int:pk>/accept-risk/",
        PoamItemAcceptRiskApi.as_view(),
        name="api-poam-item-accept-risk",
    ),
    path(
        "poam-items/<int:pk>/complete/",
        PoamItemCompleteApi.as_view(),
        name="api-poam-item-complete",
    ),
    path(
        "poam-items/<int:pk>/recheck/", PoamItemRecheckApi.as_view(), name="api-poam-item-recheck"
    ),
    path(
        "poam-items/<int:pk>/history/", PoamItemHistoryApi.as_view(), name="api-poam-item-history"
    ),
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
