"""OSCAL over the REST API: `POST /api/v1/authorizations/<id>/oscal/ssp-import/` imports a
system security plan into the cycle (multipart `file`, or the OSCAL JSON document as the body;
`dry_run` as a form field or query parameter). EDIT_RMF on the system; the same 404 otherwise."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from assets.roles import EDIT_RMF
from rmf.selectors.workflow import authorization_get_for_user
from rmf.services.oscal_import import (
    ImportReport,
    SspImportRefused,
    oscal_ssp_parse,
    ssp_import,
    ssp_root,
)
from workbench.api import raise_validation_error
from workbench.views_access import ScopedApiView


class OscalImportReportSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    controls = serializers.IntegerField(help_text="Controls of the file matched to the cycle.")
    statuses = serializers.IntegerField(help_text="Statuses changed (or to change).")
    narratives = serializers.IntegerField()
    parameters = serializers.IntegerField()
    laws = serializers.IntegerField(
        help_text="Laws, regulations and policies added (or to add) to the system's record."
    )
    problems = serializers.ListField(
        child=serializers.CharField(), help_text="What could not be mapped: nothing imported."
    )
    not_in_file = serializers.ListField(child=serializers.CharField())


def _report(report: ImportReport, status_code: int) -> Response:
    return Response(OscalImportReportSerializer(report).data, status=status_code)


class SspImportApi(ScopedApiView):
    access_function = authorization_get_for_user
    permission = EDIT_RMF
    parser_classes = [MultiPartParser, JSONParser]

    @extend_schema(
        operation_id="authorization_oscal_ssp_import",
        summary="Import an OSCAL system security plan into the cycle",
        request={
            "multipart/form-data": OpenApiTypes.OBJECT,
            "application/json": OpenApiTypes.OBJECT,
        },
        parameters=[OpenApiParameter("dry_run", bool, description="Report only, write nothing.")],
        responses={
            200: OscalImportReportSerializer,
            400: OpenApiResponse(
                OscalImportReportSerializer, description="Not imported: the problems are listed."
            ),
        },
    )
    def post(self, request, pk):
        dry_run = str(
            request.query_params.get("dry_run") or request.POST.get("dry_run") or ""
        ).lower() in ("1", "true", "yes", "on")
        try:
            if "file" in request.FILES:
                root = oscal_ssp_parse(request.FILES["file"].read())
            else:
                root = ssp_root(request.data)
            report = ssp_import(
                actor=request.user, authorization=self.scoped_object, root=root, dry_run=dry_run
            )
        except SspImportRefused as refused:
            return _report(refused.report, status.HTTP_400_BAD_REQUEST)
        except DjangoValidationError as error:
            raise_validation_error(error)
        return _report(report, status.HTTP_200_OK)


urlpatterns = [
    path(
        "authorizations/<int:pk>/oscal/ssp-import/",
        SspImportApi.as_view(),
        name="api-authorization-oscal-ssp-import",
    ),
]
