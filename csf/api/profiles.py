"""An organization's CSF profiles and action items over the REST API. One view per operation;
the organization (or the item) is reached through its access function with the permission the
operation needs (reading: view_organization; writing: edit_rmf), so a caller without it gets
the same 404 as for a missing one. Scores are on the 1 to 7 maturity scale, rounded to two
decimals where they are averages (csf.scoring.RULE)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from assets.api.inventory_serializers import NamedChoiceField, UsernameField
from assets.roles import VIEW
from assets.selectors import organization_get_for_user
from csf.maturity import MAX_LEVEL, MIN_LEVEL, RECOMMENDED_TARGET
from csf.models import CsfActionItem, CsfElement, CsfVersion
from csf.selectors.access import FILL, csf_action_item_get_for_user, csf_assessment_list_for_user
from csf.selectors.profiles import (
    DEFAULT_VERSION,
    STATUS_FILTERS,
    ActionItemFilters,
    Profile,
    action_item_detail,
    action_item_list,
    person_name,
    profile_get,
)
from csf.selectors.reference import version_check
from csf.services.profiles import (
    CsfActionItemConflict,
    TargetInput,
    csf_action_item_close,
    csf_action_item_create,
    csf_action_item_update,
    csf_action_items_from_gaps,
    csf_targets_save,
)
from rmf.api.assessment._base import conflict_response
from workbench.api import StandardPagination, raise_validation_error
from workbench.views_access import ScopedApiView

VERSION_PARAMETER = OpenApiParameter(
    "version",
    OpenApiTypes.STR,
    enum=CsfVersion.values,
    description=f"CSF version; {DEFAULT_VERSION} when not given.",
)


def _version(request) -> str:
    return version_check(request.query_params.get("version") or DEFAULT_VERSION)


class ScoreField(serializers.FloatField):
    """A score or an average of scores, rounded to two decimals; null when nothing is scored."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value):
        return None if value is None else round(float(value), 2)


# ----------------------------------------------------------------------------- profile


class ProfileFigureSerializer(serializers.Serializer):
    identifier = serializers.CharField()
    title = serializers.CharField()
    current = ScoreField(help_text="From the latest approved assessment.")
    target = ScoreField()
    gap = ScoreField(help_text="Target minus current (an unscored subcategory: its target).")


class ProfileFunctionSerializer(ProfileFigureSerializer):
    categories = ProfileFigureSerializer(many=True)


class ProfileSubcategorySerializer(serializers.Serializer):
    subcategory = serializers.CharField()
    category = serializers.CharField()
    function = serializers.CharField()
    current = ScoreField()
    target = ScoreField()
    gap = ScoreField()
    own_target = serializers.BooleanField(
        help_text=f"False: the recommended minimum ({RECOMMENDED_TARGET})."
    )


class PrioritizedGapSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    subcategory = serializers.CharField()
    text = serializers.CharField()
    category = serializers.CharField()
    function = serializers.CharField(source="gap.function")
    function_score = ScoreField(help_text="Current score of the function (lowest first).")
    current = ScoreField(source="gap.current")
    target = ScoreField(source="gap.target")
    gap = ScoreField(source="gap.gap")
    open_action_items = serializers.ListField(
        child=serializers.IntegerField(),
        source="open_items",
        help_text="Ids of its action items open or in progress.",
    )


class ProfileAssessmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    year = serializers.IntegerField()
    reviewed_at = serializers.DateTimeField(allow_null=True)
    reviewed_by = serializers.SerializerMethodField()

    def get_reviewed_by(self, assessment) -> str:
        return person_name(assessment.reviewed_by)


class ProfileSerializer(serializers.Serializer):
    organization = serializers.IntegerField(source="organization.pk")
    version = serializers.CharField()
    rule = serializers.CharField(help_text="How the scores and gaps roll up.")
    assessment = ProfileAssessmentSerializer(
        allow_null=True, help_text="The approved assessment of the current profile; null if none."
    )
    overall = ProfileFigureSerializer()
    functions = ProfileFunctionSerializer(many=True)
    subcategories = ProfileSubcategorySerializer(many=True, source="subcategory_lines")
    prioritized_gaps = PrioritizedGapSerializer(
        many=True,
        source="prioritized",
        help_text="Subcategories below their target: functions with the lowest current score "
        "first, then the largest gaps, then the core's order.",
    )
    unanswered = serializers.ListField(
        child=serializers.CharField(),
        help_text="Subcategories the approved assessment left without a score.",
    )


class ProfileApi(ScopedApiView):
    """The organization's current profile (its latest approved assessment in the version) and
    target profile, their gaps per subcategory, category and function, and the prioritized gap
    list."""

    access_function = organization_get_for_user
    permission = VIEW

    @extend_schema(
        operation_id="csf_profile_retrieve",
        parameters=[VERSION_PARAMETER],
        responses=ProfileSerializer,
    )
    def get(self, request, pk):
        return Response(ProfileSerializer(profile_get(self.scoped_object, _version(request))).data)


# ----------------------------------------------------------------------------- targets


class TargetSerializer(serializers.Serializer):
    subcategory = serializers.CharField()
    category = serializers.CharField()
    function = serializers.CharField()
    score = serializers.IntegerField()
    own_target = serializers.BooleanField(
        help_text=f"False: no target of its own, the recommended minimum ({RECOMMENDED_TARGET})."
    )
    rationale = serializers.CharField()
    current = ScoreField(help_text="Score in the latest approved assessment.")
    updated_by = serializers.CharField(allow_null=True)
    updated_at = serializers.DateTimeField(allow_null=True)


class TargetProfileSerializer(serializers.Serializer):
    organization = serializers.IntegerField()
    version = serializers.CharField()
    recommended_target = serializers.IntegerField()
    targets = TargetSerializer(many=True)
    changed = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="PUT: the targets it changed."
    )


def target_profile_body(profile: Profile, changed: list[str] | None = None) -> dict:
    lines = []
    for line in profile.subcategory_lines():
        own = profile.own_targets.get(line["subcategory"])
        lines.append(
            {
                **line,
                "score": line["target"],
                "rationale": own.rationale if own else "",
                "updated_by": own.updated_by.get_username() if own and own.updated_by else None,
                "updated_at": own.updated_at if own else None,
            }
        )
    body = {
        "organization": profile.organization.pk,
        "version": profile.version,
        "recommended_target": RECOMMENDED_TARGET,
        "targets": lines,
    }
    if changed is not None:
        body["changed"] = changed
    return TargetProfileSerializer(body).data


class TargetInputSerializer(serializers.Serializer):
    subcategory = serializers.CharField(max_length=16, help_text='"PR.AA-01" (2.0), "PR.AC-1".')
    score = serializers.IntegerField(
        allow_null=True,
        help_text=f"{MIN_LEVEL} to {MAX_LEVEL}; null: back to the recommended minimum "
        f"({RECOMMENDED_TARGET}). Below it, a rationale is required.",
    )
    rationale = serializers.CharField(required=False, default="", allow_blank=True)


class TargetsInputSerializer(serializers.Serializer):
    targets = TargetInputSerializer(many=True, allow_empty=False)


class TargetsApi(ScopedApiView):
    """GET: every active subcategory's target in the version (its own, or the recommended
    minimum). PUT: set the targets listed, the others left as they are; all or nothing, the
    refusals keyed by subcategory."""

    access_function = organization_get_for_user
    permission = VIEW
    write_permission = FILL

    @extend_schema(
        operation_id="csf_targets_retrieve",
        parameters=[VERSION_PARAMETER],
        responses=TargetProfileSerializer,
    )
    def get(self, request, pk):
        return Response(target_profile_body(profile_get(self.scoped_object, _version(request))))

    @extend_schema(
        operation_id="csf_targets_update",
        parameters=[VERSION_PARAMETER],
        request=TargetsInputSerializer,
        responses=TargetProfileSerializer,
    )
    def put(self, request, pk):
        version = _version(request)
        data = TargetsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            saved = csf_targets_save(
                actor=request.user,
                organization=self.scoped_object,
                framework=version,
                targets=[TargetInput(**row) for row in data.validated_data["targets"]],
            )
        except DjangoValidationError as error:
            raise_validation_error(error)
        profile = profile_get(self.scoped_object, version)
        return Response(target_profile_body(profile, saved.changed))


# ----------------------------------------------------------------------------- action items


class ActionItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    organization = serializers.IntegerField(source="organization_id")
    framework = serializers.CharField(source="subcategory.version", help_text="CSF version.")
    subcategory = serializers.CharField(source="subcategory.identifier")
    subcategory_text = serializers.CharField(source="subcategory.text")
    category = serializers.CharField(source="subcategory.parent.identifier")
    function = serializers.CharField(source="subcategory.parent.parent.identifier")
    assessment = serializers.IntegerField(source="assessment_id", allow_null=True)
    title = serializers.CharField()
    description = serializers.CharField()
    owner = serializers.CharField(source="owner.username", default=None, allow_null=True)
    owner_name = serializers.SerializerMethodField()
    due_date = serializers.DateField(allow_null=True)
    status = NamedChoiceField(CsfActionItem.Status)
    overdue = serializers.BooleanField(source="is_overdue")
    current_score = serializers.IntegerField(
        allow_null=True, help_text="When created, from the approved assessment."
    )
    target_score = serializers.IntegerField(allow_null=True, help_text="When created.")
    closed_at = serializers.DateTimeField(allow_null=True)
    closure_note = serializers.CharField()
    created_by = serializers.CharField(source="created_by.username", default=None, allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    version = serializers.IntegerField(help_text="Send it as `expected_version` when saving.")

    def get_owner_name(self, item) -> str:
        return person_name(item.owner)


def item_body(pk: int) -> dict:
    return ActionItemSerializer(action_item_detail(pk, timezone.localdate())).data


class ActionItemQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=list(STATUS_FILTERS.items()),
        required=False,
        help_text='"open" is every item still to be worked on (open or in progress).',
    )
    version = NamedChoiceField(CsfVersion, required=False, help_text="CSF version.")
    function = serializers.RegexField(
        r"^[A-Za-z]{2}$", required=False, help_text='A function, e.g. "PR".'
    )
    overdue = serializers.BooleanField(
        required=False, default=False, help_text="Only items still open past their due date."
    )

    def filters(self) -> ActionItemFilters:
        data = self.validated_data
        return ActionItemFilters(
            status=data.get("status", ""),
            version=data.get("version", ""),
            function=data.get("function", ""),
            overdue=data.get("overdue", False),
        )


class SubcategoryField(serializers.CharField):
    """A subcategory of the version given beside it, by identifier."""

    def __init__(self, **kwargs):
        super().__init__(max_length=16, help_text='"PR.AA-01" (2.0), "PR.AC-1" (1.1).', **kwargs)


class ActionItemCreateInputSerializer(serializers.Serializer):
    framework = NamedChoiceField(CsfVersion, default=DEFAULT_VERSION, help_text="CSF version.")
    subcategory = SubcategoryField()
    title = serializers.CharField(allow_blank=True, max_length=200)
    description = serializers.CharField(required=False, default="", allow_blank=True)
    owner = UsernameField(help_text="Username of someone with a role in the organization.")
    due_date = serializers.DateField(allow_null=True)
    assessment = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="An approved assessment; by default the latest approved one of the version.",
    )

    def validate(self, data):
        subcategory = CsfElement.objects.filter(
            version=data["framework"],
            kind=CsfElement.Kind.SUBCATEGORY,
            identifier=data["subcategory"].strip().upper(),
        ).first()
        if subcategory is None:
            raise serializers.ValidationError(
                {"subcategory": f"Not a subcategory of CSF {data['framework']}."}
            )
        data["subcategory"] = subcategory
        if data["assessment"] is not None:
            assessment = (
                csf_assessment_list_for_user(self.context["request"].user)
                .filter(pk=data["assessment"])
                .first()
            )
            if assessment is None:
                raise serializers.ValidationError({"assessment": "Unknown assessment."})
            data["assessment"] = assessment
        data.pop("framework")
        return data


class ActionItemListApi(ScopedApiView, generics.ListAPIView):
    """GET: the organization's action items, those still to be worked on first, then the
    soonest due; filtered by `status`, `version`, `function`, `overdue`. POST: add one (the
    organization's planners); it records the subcategory's current score and target."""

    access_function = organization_get_for_user
    permission = VIEW
    write_permission = FILL
    serializer_class = ActionItemSerializer
    pagination_class = StandardPagination
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no organization
            return CsfActionItem.objects.none()
        query = ActionItemQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return action_item_list(
            self.request.user, self.scoped_object, query.filters(), timezone.localdate()
        )

    @extend_schema(operation_id="csf_action_items_list", parameters=[ActionItemQuerySerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="csf_action_items_create",
        request=ActionItemCreateInputSerializer,
        responses={201: ActionItemSerializer},
    )
    def post(self, request, pk):
        data = ActionItemCreateInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        try:
            item = csf_action_item_create(
                actor=request.user, organization=self.scoped_object, **data.validated_data
            )
        except DjangoValidationError as error:
            raise_validation_error(error)
        return Response(item_body(item.pk), status=status.HTTP_201_CREATED)


class GapItemsInputSerializer(serializers.Serializer):
    framework = NamedChoiceField(CsfVersion, default=DEFAULT_VERSION, help_text="CSF version.")
    subcategories = serializers.ListField(
        child=serializers.CharField(max_length=16),
        help_text="Subcategories of the prioritized gap list.",
    )
    owner = UsernameField(help_text="Username of someone with a role in the organization.")
    due_date = serializers.DateField(allow_null=True)


class GapItemsSerializer(serializers.Serializer):
    created = ActionItemSerializer(many=True)
    skipped = serializers.ListField(
        child=serializers.CharField(),
        help_text="Left out: each already has an action item open or in progress.",
    )


class ActionItemsFromGapsApi(ScopedApiView):
    """Turn chosen gaps of the prioritized list into action items at once (one owner, one due
    date). Subcategories that already have an open item are skipped and reported; one not on
    the gap list refuses the request."""

    access_function = organization_get_for_user
    permission = FILL

    @extend_schema(
        operation_id="csf_action_items_from_gaps",
        request=GapItemsInputSerializer,
        responses={201: GapItemsSerializer},
    )
    def post(self, request, pk):
        data = GapItemsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            result = csf_action_items_from_gaps(
                actor=request.user,
                organization=self.scoped_object,
                framework=values["framework"],
                subcategories=[sub.strip().upper() for sub in values["subcategories"]],
                owner=values["owner"],
                due_date=values["due_date"],
            )
        except DjangoValidationError as error:
            raise_validation_error(error)
        today = timezone.localdate()
        created = list(
            action_item_list(request.user, self.scoped_object, ActionItemFilters(), today).filter(
                pk__in=[item.pk for item in result.created]
            )
        )
        body = {"created": created, "skipped": result.skipped}
        return Response(GapItemsSerializer(body).data, status=status.HTTP_201_CREATED)


class ActionItemConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    current = serializers.DictField(help_text="The saved values.")
    current_version = serializers.IntegerField()


class ActionItemUpdateInputSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    owner = UsernameField(required=False)
    due_date = serializers.DateField(required=False)
    status = serializers.ChoiceField(
        choices=[
            (CsfActionItem.Status.OPEN.value, CsfActionItem.Status.OPEN.label),
            (CsfActionItem.Status.IN_PROGRESS.value, CsfActionItem.Status.IN_PROGRESS.label),
        ],
        required=False,
        help_text="Closing goes through /close/.",
    )
    expected_version = serializers.IntegerField(
        min_value=1, help_text="The `version` the change is based on."
    )


class ActionItemApi(ScopedApiView):
    """GET: one action item. PATCH: change its title, description, owner, due date or status
    (open, in progress) while it is open; 409 with the saved values if someone changed it
    since `expected_version`."""

    access_function = csf_action_item_get_for_user
    permission = VIEW
    write_permission = FILL

    @extend_schema(operation_id="csf_action_item_retrieve", responses=ActionItemSerializer)
    def get(self, request, pk):
        return Response(item_body(self.scoped_object.pk))

    @extend_schema(
        operation_id="csf_action_item_update",
        request=ActionItemUpdateInputSerializer,
        responses={200: ActionItemSerializer, 409: ActionItemConflictSerializer},
    )
    def patch(self, request, pk):
        data = ActionItemUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            csf_action_item_update(
                actor=request.user, item=self.scoped_object, **data.validated_data
            )
        except CsfActionItemConflict as conflict:
            return conflict_response(conflict)
        except DjangoValidationError as error:
            raise_validation_error(error)
        return Response(item_body(self.scoped_object.pk))


class ActionItemCloseInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=[
            (CsfActionItem.Status.DONE.value, CsfActionItem.Status.DONE.label),
            (CsfActionItem.Status.CANCELLED.value, CsfActionItem.Status.CANCELLED.label),
        ]
    )
    note = serializers.CharField(
        allow_blank=True, help_text="Done: what was done and where the proof is. Cancelled: why."
    )
    expected_version = serializers.IntegerField(
        min_value=1, help_text="The `version` the change is based on."
    )


class ActionItemCloseApi(ScopedApiView):
    """Close an open item: done with a note, or cancelled with the reason. 409 with the saved
    values if someone changed it since `expected_version`."""

    access_function = csf_action_item_get_for_user
    permission = FILL

    @extend_schema(
        operation_id="csf_action_item_close",
        request=ActionItemCloseInputSerializer,
        responses={200: ActionItemSerializer, 409: ActionItemConflictSerializer},
    )
    def post(self, request, pk):
        data = ActionItemCloseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            csf_action_item_close(
                actor=request.user, item=self.scoped_object, **data.validated_data
            )
        except CsfActionItemConflict as conflict:
            return conflict_response(conflict)
        except DjangoValidationError as error:
            raise_validation_error(error)
        return Response(item_body(self.scoped_object.pk))


urlpatterns = [
    path("csf/organizations/<int:pk>/profile/", ProfileApi.as_view(), name="api-csf-profile"),
    path("csf/organizations/<int:pk>/targets/", TargetsApi.as_view(), name="api-csf-targets"),
    path(
        "csf/organizations/<int:pk>/action-items/",
        ActionItemListApi.as_view(),
        name="api-csf-action-items",
    ),
    path(
        "csf/organizations/<int:pk>/action-items/from-gaps/",
        ActionItemsFromGapsApi.as_view(),
        name="api-csf-action-items-from-gaps",
    ),
    path("csf/action-items/<int:pk>/", ActionItemApi.as_view(), name="api-csf-action-item"),
    path(
        "csf/action-items/<int:pk>/close/",
        ActionItemCloseApi.as_view(),
        name="api-csf-action-item-close",
    ),
]
