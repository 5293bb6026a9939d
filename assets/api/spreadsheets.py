"""Spreadsheet import and export of the inventory over the REST API."""

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from assets.models import System
from assets.roles import EDIT_INVENTORY
from assets.selectors import organization_list_for_user
from assets.spreadsheets.columns import COMPONENTS, SYSTEMS
from assets.spreadsheets.export import filters_from_query
from assets.spreadsheets.export import render as render_export
from assets.spreadsheets.importer import COUNT_KEYS, ImportReport, import_file
from assets.spreadsheets.parse import Problem
from assets.spreadsheets.uploads import (
    SizeLimitUploadHandler,
    file_too_large,
    request_too_large,
    too_large_message,
)
from workbench.exports import CSV_TYPE, XLSX_TYPE, download


class ImportProblemSerializer(serializers.Serializer):
    sheet = serializers.CharField(help_text="“Systems” or “Components”; empty for the file.")
    row = serializers.IntegerField(allow_null=True, help_text="The row number; 1 is the header.")
    column = serializers.CharField(help_text="The column header; empty for the whole row.")
    message = serializers.CharField()


class ImportCountsSerializer(serializers.Serializer):
    systems_created = serializers.IntegerField()
    systems_updated = serializers.IntegerField()
    systems_unchanged = serializers.IntegerField()
    components_created = serializers.IntegerField()
    components_updated = serializers.IntegerField()
    components_unchanged = serializers.IntegerField()


class ImportReportSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    errors = ImportProblemSerializer(many=True)
    counts = ImportCountsSerializer()


class SystemImportApi(APIView):
    """Import systems and components from an XLSX workbook or a CSV file (see the template at
    /systems/import/template.xlsx). All or nothing: with any error, nothing is written and the
    answer is 400 with every problem by sheet, row and column."""

    parser_classes = [MultiPartParser]

    class SystemImportInputSerializer(serializers.Serializer):
        file = serializers.FileField(
            allow_empty_file=True,  # answered by the import's own "The file is empty."
            help_text="An .xlsx workbook or a .csv file, 20 MB at most.",
        )
        dry_run = serializers.BooleanField(
            default=False, help_text="Only check the file and count the changes."
        )

    def initial(self, request, *args, **kwargs):
        # Installed before authentication, which may read the body for its CSRF check.
        self.size_limit = SizeLimitUploadHandler()
        request.upload_handlers.insert(0, self.size_limit)
        super().initial(request, *args, **kwargs)

    @extend_schema(
        operation_id="systems_import",
        request={"multipart/form-data": SystemImportInputSerializer},
        responses={200: ImportReportSerializer, 400: ImportReportSerializer},
    )
    def post(self, request):
        if not organization_list_for_user(request.user, perm=EDIT_INVENTORY).exists():
            raise PermissionDenied("You may not edit the inventory of any organization.")
        dry_run = str(request.query_params.get("dry_run", "")).lower() in ("true", "1", "yes")
        if request_too_large(request) or self.size_limit.exceeded:
            return _refused(too_large_message(), dry_run)
        data = self.SystemImportInputSerializer(data=request.data)
        if not data.is_valid():
            if self.size_limit.exceeded:
                return _refused(too_large_message(), dry_run)
            messages = [f"{name}: {' '.join(errors)}" for name, errors in data.errors.items()]
            return _refused(" ".join(messages), dry_run)
        upload = data.validated_data["file"]
        dry_run = data.validated_data["dry_run"]
        if file_too_large(upload):
            return _refused(too_large_message(), dry_run)
        report = import_file(request.user, upload, upload.name or "", dry_run=dry_run)
        return _answer(report, dry_run)


def _answer(report: ImportReport, dry_run: bool) -> Response:
    return Response(
        {"dry_run": dry_run, **report.as_dict()},
        status=status.HTTP_200_OK if report.ok else status.HTTP_400_BAD_REQUEST,
    )


def _refused(message: str, dry_run: bool) -> Response:
    return _answer(
        ImportReport([Problem("", None, "", message)], dict.fromkeys(COUNT_KEYS, 0)), dry_run
    )


FILTER_PARAMETERS = [
    OpenApiParameter("q", str, description="Words in the name, acronym, description or location."),
    OpenApiParameter("organization", int, description="An organization and its agencies."),
    OpenApiParameter("kind", str, enum=System.Kind.values),
    OpenApiParameter("status", str, enum=System.Status.values),
    OpenApiParameter("system_type", str, enum=System.SystemType.values),
    OpenApiParameter("public_facing", str, enum=["yes", "no"]),
    OpenApiParameter("processes_pii", str, enum=["yes", "no"]),
    OpenApiParameter("vendor", int, description="Systems with a component from this vendor."),
]


class _FileExportApi(APIView):
    def perform_content_negotiation(self, request, force=False):
        # The answer is a file whatever the Accept header asks; only errors are JSON.
        return super().perform_content_negotiation(request, force=True)


class SystemExportXlsxApi(_FileExportApi):
    """The systems you may see, filtered like the list, as a workbook with a Systems and a
    Components sheet: the import template's columns."""

    @extend_schema(
        operation_id="systems_export_xlsx",
        parameters=FILTER_PARAMETERS,
        responses={(200, XLSX_TYPE): OpenApiTypes.BINARY},
    )
    def get(self, request):
        filters = filters_from_query(request.user, request.query_params)
        return download(render_export(request.user, filters, file_format="xlsx"))


class SystemExportCsvApi(_FileExportApi):
    """The systems you may see, filtered like the list, as a CSV file of the systems or of
    their components (`sheet`)."""

    @extend_schema(
        operation_id="systems_export_csv",
        parameters=[
            *FILTER_PARAMETERS,
            OpenApiParameter("sheet", str, enum=["systems", "components"], default="systems"),
        ],
        responses={(200, CSV_TYPE.split(";")[0]): OpenApiTypes.BINARY},
    )
    def get(self, request):
        filters = filters_from_query(request.user, request.query_params)
        wanted = request.query_params.get("sheet", "").lower()
        sheet = COMPONENTS if wanted == "components" else SYSTEMS
        return download(render_export(request.user, filters, file_format="csv", sheet=sheet))


urlpatterns = [
    path("systems/import/", SystemImportApi.as_view(), name="api-system-import"),
    path("systems/export.xlsx", SystemExportXlsxApi.as_view(), name="api-system-export-xlsx"),
    path("systems/export.csv", SystemExportCsvApi.as_view(), name="api-system-export-csv"),
]
