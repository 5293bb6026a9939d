"""Control assessments (A-3) over the REST API: the worklist of the controls in scope, one
control's objectives with their determinations, and recording determinations (an assigned
assessor, once the plan is approved): a control's at once, or one objective's. Versions are
compared: a determination saved by someone else since it was read is a 409 listing both."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from assets.api.inventory_serializers import NamedChoiceField
from assets.roles import ASSESS, VIEW
from rmf.api.assessment.serializers import (
    AssessmentWorklistRowSerializer,
    ControlAssessmentSerializer,
    ControlResult,
    DeterminationConflictSerializer,
    DeterminationEntryInput,
    DeterminationInput,
    DeterminationSerializer,
)
from rmf.api.control_filters import control_filter_parameters, control_filter_query
from rmf.models import Assessment, Determination
from rmf.selectors.assessment import (
    assessment_get_for_user,
    assessment_row,
    assessment_worklist,
)
from rmf.selectors.assessment_pages import control_in_scope_get
from rmf.services.assessment import (
    DeterminationConflict,
    control_determinations_save,
    determination_save,
)
from workbench.api import raise_validation_error
from workbench.views_access import ScopedApiView


def conflicts_response(conflict: DeterminationConflict) -> Response:
    body = {"detail": str(conflict), "conflicts": conflict.conflicts}
    return Response(DeterminationConflictSerializer(body).data, status=409)


class WorklistQuerySerializer(serializers.Serializer):
    family = serializers.CharField(required=False, help_text='A family id, e.g. "ac".')
    result = NamedChoiceField(ControlResult, required=False)


@extend_schema(parameters=[WorklistQuerySerializer, *control_filter_parameters()])
class AssessmentControlsApi(ScopedApiView, generics.ListAPIView):
    """The controls in scope in catalog order, each with its objectives determined and its
    result so far; filtered by family and by result."""

    access_function = assessment_get_for_user
    permission = VIEW
    serializer_class = AssessmentWorklistRowSerializer
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no assessment
            return Assessment.objects.none()
        params = {key: value for key, value in self.request.query_params.items() if value != ""}
        query = WorklistQuerySerializer(data=params)
        query.is_valid(raise_exception=True)
        registered = control_filter_query(params)
        return assessment_worklist(self.scoped_object, **query.validated_data, **registered)


class ControlAssessmentApi(ScopedApiView):
    """One control in scope with its SP 800-53A objectives (those that take a determination)
    and their determinations."""

    access_function = assessment_get_for_user
    permission = VIEW

    @extend_schema(responses=ControlAssessmentSerializer)
    def get(self, request, pk, selected_control_id):
        selected = control_in_scope_get(self.scoped_object, selected_control_id)
        return Response(
            ControlAssessmentSerializer(assessment_row(self.scoped_object, selected)).data
        )


class ControlDeterminationsSaveApi(ScopedApiView):
    """Record determinations of several objectives of one control at once (an assigned
    assessor). All or nothing: invalid entries are answered by objective (400), and
    determinations saved by someone else since `expected_version` by a 409 listing both
    versions of each."""

    access_function = assessment_get_for_user
    permission = ASSESS

    class ControlDeterminationsInputSerializer(serializers.Serializer):
        entries = DeterminationEntryInput(many=True, allow_empty=False)

    @extend_schema(
        request=ControlDeterminationsInputSerializer,
        responses={200: ControlAssessmentSerializer, 409: DeterminationConflictSerializer},
    )
    def put(self, request, pk, selected_control_id):
        assessment = self.scoped_object
        selected = control_in_scope_get(assessment, selected_control_id)
        data = self.ControlDeterminationsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            control_determinations_save(
                actor=request.user,
                assessment=assessment,
                selected_control=selected,
                entries=[dict(entry) for entry in data.validated_data["entries"]],
            )
        except DeterminationConflict as conflict:
            return conflicts_response(conflict)
        except DjangoValidationError as error:
            raise_validation_error(error)
        return Response(ControlAssessmentSerializer(assessment_row(assessment, selected)).data)


class DeterminationSaveApi(ScopedApiView):
    """Record the determination of one objective (an assigned assessor); 409 when someone
    saved it since `expected_version`."""

    access_function = assessment_get_for_user
    permission = ASSESS

    @extend_schema(
        request=DeterminationInput,
        responses={200: DeterminationSerializer, 409: DeterminationConflictSerializer},
    )
    def put(self, request, pk, objective_id):
        data = DeterminationInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)  # evidence_ids absent: the evidence cited stays
        try:
            determination = determination_save(
                actor=request.user,
                assessment=self.scoped_object,
                objective_id=objective_id,
                **values,
            )
        except DeterminationConflict as conflict:
            return conflicts_response(conflict)
        except DjangoValidationError as error:
            raise_validation_error(error)
        determination = (
            Determination.objects.select_related("updated_by")
            .prefetch_related("evidence")
            .get(pk=determination.pk)
        )
        return Response(DeterminationSerializer(determination).data)


urlpatterns = [
    path(
        "assessments/<int:pk>/controls/",
        AssessmentControlsApi.as_view(),
        name="api-assessment-controls",
    ),
    path(
        "assessments/<int:pk>/controls/<int:selected_control_id>/",
        ControlAssessmentApi.as_view(),
        name="api-assessment-control",
    ),
    path(
        "assessments/<int:pk>/controls/<int:selected_control_id>/determinations/",
        ControlDeterminationsSaveApi.as_view(),
        name="api-assessment-control-determinations",
    ),
    path(
        "assessments/<int:pk>/determinations/<str:objective_id>/",
        DeterminationSaveApi.as_view(),
        name="api-assessment-determination",
    ),
]
