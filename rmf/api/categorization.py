"""Step 1, Categorize, over the REST API: the computed security categorization of a cycle and
raising or lowering an information type's impact with a justification. One view per operation."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response

from assets.api.inventory_serializers import NamedChoiceField
from assets.models import ImpactLevel, SystemInformationType
from assets.roles import EDIT_RMF, VIEW
from rmf.api.serializers_workflow import (
    CategorizationSummarySerializer,
    CategorizationView,
    ProvisionalImpactsSerializer,
    ServiceCheckedChoiceField,
)
from rmf.models import Authorization, Objective, Step
from rmf.selectors.workflow import TypeImpact, authorization_get_for_user, cycle_facts
from rmf.services.categorization import impact_adjust
from workbench.api import raise_validation_error
from workbench.views_access import ScopedApiView

NOT_THIS_SYSTEMS = "That information type is not one of this system's."


class ImpactAdjustmentSerializer(serializers.Serializer):
    objective = NamedChoiceField(Objective, read_only=True)
    level = NamedChoiceField(ImpactLevel, read_only=True)
    justification = serializers.CharField()
    adjusted_by = serializers.SerializerMethodField()
    adjusted_at = serializers.DateTimeField()

    def get_adjusted_by(self, adjustment) -> str | None:
        return self.context.get("usernames", {}).get(adjustment.adjusted_by_id)


class ImpactNotesSerializer(serializers.Serializer):
    confidentiality = serializers.CharField()
    integrity = serializers.CharField()
    availability = serializers.CharField()


class InformationTypeImpactSerializer(serializers.Serializer):
    """One information type the system processes: SP 800-60's provisional impact, the
    adjustments with their justification, and the effective impact."""

    system_information_type = serializers.IntegerField(source="link.pk")
    identifier = serializers.SerializerMethodField(help_text='e.g. "C.2.8.12" or "DOT.1".')
    title = serializers.CharField(source="link.information_type.title")
    source = serializers.SerializerMethodField(
        help_text='"catalog" (SP 800-60) or "organization" (defined by the organization).'
    )
    provisional = ProvisionalImpactsSerializer()
    effective = ProvisionalImpactsSerializer()
    notes = ImpactNotesSerializer(help_text="SP 800-60's special factors per objective.")
    adjustments = serializers.SerializerMethodField()

    def get_identifier(self, item: TypeImpact) -> str:
        return item.identifier

    def get_source(self, item: TypeImpact) -> str:
        return "catalog" if item.link.catalog_type_id else "organization"

    @extend_schema_field(ImpactAdjustmentSerializer(many=True))
    def get_adjustments(self, item: TypeImpact) -> list:
        adjustments = sorted(item.adjustments.values(), key=lambda a: a.objective)
        return ImpactAdjustmentSerializer(adjustments, many=True, context=self.context).data


class CategorizationSerializer(CategorizationSummarySerializer):
    """The system's security categorization, computed from its information types and the
    adjustments recorded in this cycle."""

    authorization = serializers.IntegerField(source="authorization.pk")
    step = NamedChoiceField(Step, source="authorization.step", read_only=True)
    information_types = serializers.SerializerMethodField()
    approved_snapshot = serializers.DictField(
        source="result.approved_snapshot", help_text="What was approved; empty when not approved."
    )

    @extend_schema_field(InformationTypeImpactSerializer(many=True))
    def get_information_types(self, view: CategorizationView) -> list:
        context = {**self.context, "usernames": view.usernames}
        return InformationTypeImpactSerializer(view.result.types, many=True, context=context).data


def categorization_response(authorization: Authorization) -> Response:
    """The cycle's categorization in a fixed number of queries (the cycle's facts, and the
    people who made the adjustments)."""
    facts = cycle_facts(authorization)
    adjuster_ids = {
        adjustment.adjusted_by_id
        for item in facts.categorization.types
        for adjustment in item.adjustments.values()
        if adjustment.adjusted_by_id is not None
    }
    usernames = dict(
        get_user_model().objects.filter(pk__in=adjuster_ids).values_list("pk", "username")
        if adjuster_ids
        else []
    )
    view = CategorizationView(
        authorization=authorization,
        result=facts.categorization,
        approval=facts.signoffs.get("C-3"),
        usernames=usernames,
    )
    return Response(CategorizationSerializer(view).data)


class CategorizationDetailApi(ScopedApiView):
    """Per information type: SP 800-60's provisional impact, the adjustments with their
    justification and the effective impact; per objective and overall the high-water mark, the
    FIPS 199 notation, and whether it is approved (C-3) and changed since."""

    access_function = authorization_get_for_user
    permission = VIEW

    @extend_schema(responses=CategorizationSerializer)
    def get(self, request, pk):
        return categorization_response(self.scoped_object)


class ThisSystemsInformationTypeField(serializers.PrimaryKeyRelatedField):
    """An information type of the cycle's system, by the id of its link to the system."""

    default_error_messages = {
        **serializers.PrimaryKeyRelatedField.default_error_messages,
        "does_not_exist": NOT_THIS_SYSTEMS,
        "incorrect_type": NOT_THIS_SYSTEMS,
    }

    def __init__(self, **kwargs):
        super().__init__(queryset=SystemInformationType.objects.all(), **kwargs)

    def get_queryset(self):
        return SystemInformationType.objects.filter(
            system_id=self.context["authorization"].system_id
        ).select_related("catalog_type", "organization_type")


class ImpactAdjustApi(ScopedApiView):
    """Set an information type's impact on one objective; `level` null returns to SP 800-60's
    provisional level. A level other than the provisional one needs a justification. Only in
    the Categorize step, before the categorization is approved."""

    access_function = authorization_get_for_user
    permission = EDIT_RMF

    class ImpactAdjustInputSerializer(serializers.Serializer):
        system_information_type = ThisSystemsInformationTypeField(
            help_text="The id of the system's information type (as listed in the categorization)."
        )
        objective = ServiceCheckedChoiceField(Objective)
        level = ServiceCheckedChoiceField(
            ImpactLevel, allow_null=True, help_text="null: back to the provisional level."
        )
        justification = serializers.CharField(
            required=False,
            default="",
            allow_blank=True,
            help_text="Why the impact differs from SP 800-60's (the special factors).",
        )

    @extend_schema(request=ImpactAdjustInputSerializer, responses=CategorizationSerializer)
    def post(self, request, pk):
        authorization = self.scoped_object
        data = self.ImpactAdjustInputSerializer(
            data=request.data, context={"authorization": authorization}
        )
        data.is_valid(raise_exception=True)
        try:
            impact_adjust(actor=request.user, authorization=authorization, **data.validated_data)
        except DjangoValidationError as error:
            raise_validation_error(error)
        return categorization_response(authorization)


urlpatterns = [
    path(
        "authorizations/<int:pk>/categorization/",
        CategorizationDetailApi.as_view(),
        name="api-categorization",
    ),
    path(
        "authorizations/<int:pk>/categorization/adjust/",
        ImpactAdjustApi.as_view(),
        name="api-categorization-adjust",
    ),
]
