"""Background document jobs over the REST API: a job's state (`GET /api/v1/document-jobs/<id>/`)
and its file once done (`GET /api/v1/document-jobs/<id>/download/`). A job is asked for with
`POST /api/v1/authorizations/<id>/documents/<kind>.<format>` (rmf/api/documents.py). Jobs are
reached through `document_job_get_for_user`: the same 404 for missing and not yours."""

from django.urls import path, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from assets.roles import VIEW
from rmf.models import DocumentJob
from rmf.selectors.document_jobs import (
    document_job_data_changed,
    document_job_get_for_user,
    document_job_title,
)
from rmf.views.document_jobs import job_file_response
from workbench.views_access import ScopedApiView


class DocumentJobSerializer(serializers.ModelSerializer):
    title = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    requested_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    data_changed = serializers.SerializerMethodField(
        help_text="For a finished file: whether the cycle's data changed since it was built."
    )
    lost = serializers.BooleanField(
        source="is_lost",
        read_only=True,
        help_text="Still waiting or being built an hour after it was asked for: the process "
        "building it stopped. Ask for the document again.",
    )
    url = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = DocumentJob
        fields = [
            "id",
            "authorization",
            "kind",
            "format",
            "title",
            "status",
            "status_label",
            "progress",
            "note",
            "error",
            "content_hash",
            "requested_by",
            "requested_at",
            "started_at",
            "finished_at",
            "filename",
            "content_type",
            "size",
            "sha256",
            "data_changed",
            "lost",
            "url",
            "download_url",
        ]
        read_only_fields = fields

    def get_title(self, job) -> str:
        return document_job_title(job)

    def get_data_changed(self, job) -> bool | None:
        if job.status != DocumentJob.Status.DONE:
            return None
        return document_job_data_changed(job)

    def _absolute(self, url: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url

    def get_url(self, job) -> str:
        return self._absolute(reverse("api-document-job", args=[job.pk]))

    def get_download_url(self, job) -> str | None:
        if job.status != DocumentJob.Status.DONE:
            return None
        return self._absolute(reverse("api-document-job-download", args=[job.pk]))


class DocumentJobApi(ScopedApiView):
    access_function = document_job_get_for_user
    permission = VIEW

    @extend_schema(
        operation_id="document_job",
        summary="A background document job: its state, progress and file",
        responses={200: DocumentJobSerializer, 404: OpenApiResponse(description="Not found.")},
    )
    def get(self, request, pk):
        serializer = DocumentJobSerializer(self.scoped_object, context={"request": request})
        return Response(serializer.data)


class DocumentJobDownloadApi(ScopedApiView):
    access_function = document_job_get_for_user
    permission = VIEW

    @extend_schema(
        operation_id="document_job_download",
        summary="The file a finished document job built",
        responses={
            (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY),
            404: OpenApiResponse(description="No such job, not yours, or no file (yet)."),
        },
    )
    def get(self, request, pk):
        return job_file_response(self.scoped_object)


urlpatterns = [
    path("document-jobs/<int:pk>/", DocumentJobApi.as_view(), name="api-document-job"),
    path(
        "document-jobs/<int:pk>/download/",
        DocumentJobDownloadApi.as_view(),
        name="api-document-job-download",
    ),
]
