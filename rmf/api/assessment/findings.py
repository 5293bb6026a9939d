"""Findings (A-4, A-5) over the REST API: an assessment's findings, one finding, its weakness,
likelihood, impact and recommendation (an assigned assessor; the level of risk follows from the
organization's risk table; 409 on a conflict), remediation recorded by the system team, and the
assessor's re-assessment."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from assets.roles import ASSESS, EDIT_RMF, VIEW
from rmf.api.assessment._base import conflict_response
from rmf.api.assessment.serializers import (
    FindingConflictSerializer,
    FindingSerializer,
    ReassessmentResult,
)
from rmf.api.serializers_workflow import ServiceCheckedChoiceField
from rmf.models import Finding, RiskScale
from rmf.selectors.assessment import assessment_get_for_user, finding_get_for_user, finding_list
from rmf.services.assessment import (
    FindingConflict,
    finding_reassess,
    finding_update,
    remediation_record,
)
from workbench.api import raise_validation_error
from workbench.views_access import ScopedApiView


def finding_body(user, pk: int) -> dict:
    return FindingSerializer(finding_get_for_user(user, pk)).data


class AssessmentFindingsApi(ScopedApiView, generics.ListAPIView):
    """The findings of an assessment, with their objectives, risk, remediations and POA&M
    item."""

    access_function = assessment_get_for_user
    permission = VIEW
    serializer_class = FindingSerializer
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no assessment
            return Finding.objects.none()
        return finding_list(self.scoped_object)


class FindingApi(ScopedApiView):
    """A finding (GET); the assessor's description and rating of it (PATCH: the fields not
    sent stay). With `expected_version`, a change by someone else since is a 409."""

    access_function = finding_get_for_user
    permission = VIEW
    write_permission = ASSESS

    class FindingUpdateInputSerializer(serializers.Serializer):
        weakness = serializers.CharField(required=False, allow_blank=True)
        likelihood = ServiceCheckedChoiceField(RiskScale, required=False, allow_blank=True)
        impact = ServiceCheckedChoiceField(RiskScale, required=False, allow_blank=True)
        recommendation = serializers.CharField(required=False, allow_blank=True)
        expected_version = serializers.IntegerField(required=False, allow_null=True, default=None)

    @extend_schema(responses=FindingSerializer)
    def get(self, request, pk):
        return Response(FindingSerializer(self.scoped_object).data)

    @extend_schema(
        request=FindingUpdateInputSerializer,
        responses={200: FindingSerializer, 409: FindingConflictSerializer},
    )
    def patch(self, request, pk):
        finding = self.scoped_object
        data = self.FindingUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = {
            "weakness": finding.weakness,
            "likelihood": finding.likelihood,
            "impact": finding.impact,
            "recommendation": finding.recommendation,
            **data.validated_data,
        }
        try:
            finding_update(actor=request.user, finding=finding, **values)
        except FindingConflict as conflict:
            return conflict_response(conflict)
        except DjangoValidationError as error:
            raise_validation_error(error)
        return Response(finding_body(request.user, pk))


class RemediationRecordApi(ScopedApiView):
    """The system team records what it did about an open finding; the assessor then
    re-assesses it."""

    access_function = finding_get_for_user
    permission = EDIT_RMF

    class RemediationInputSerializer(serializers.Serializer):
        description = serializers.CharField()
        completed_on = serializers.DateField(help_text="Today or earlier.")

    @extend_schema(request=RemediationInputSerializer, responses={201: FindingSerializer})
    def post(self, request, pk):
        data = self.RemediationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            remediation_record(
                actor=request.user, finding=self.scoped_object, **data.validated_data
            )
        except DjangoValidationError as error:
            raise_validation_error(error)
        return Response(finding_body(request.user, pk), status=status.HTTP_201_CREATED)


class FindingReassessApi(ScopedApiView):
    """The assessor re-assesses a remediated finding: satisfied closes it (its objectives
    become satisfied and its POA&M item completed); other than satisfied opens it again."""

    access_function = finding_get_for_user
    permission = ASSESS

    class ReassessInputSerializer(serializers.Serializer):
        result = ServiceCheckedChoiceField(ReassessmentResult)
        note = serializers.CharField(required=False, default="", allow_blank=True)

    @extend_schema(request=ReassessInputSerializer, responses=FindingSerializer)
    def post(self, request, pk):
        data = self.ReassessInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            finding_reassess(actor=request.user, finding=self.scoped_object, **data.validated_data)
        except DjangoValidationError as error:
            raise_validation_error(error)
        return Response(finding_body(request.user, pk))


urlpatterns = [
    path(
        "assessments/<int:pk>/findings/",
        AssessmentFindingsApi.as_view(),
        name="api-assessment-findings",
    ),
    path("findings/<int:pk>/", FindingApi.as_view(), name="api-finding"),
    path(
        "findings/<int:pk>/remediations/",
        RemediationRecordApi.as_view(),
        name="api-finding-remediation",
    ),
    path("findings/<int:pk>/reassess/", FindingReassessApi.as_view(), name="api-finding-reassess"),
]
