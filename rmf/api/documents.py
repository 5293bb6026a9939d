"""The cycle's documents over the REST API: `GET /api/v1/authorizations/<id>/documents/
<kind>.<format>` (ssp.json, poam.xlsx, ...), for callers who may see the system; the same
404 for a missing cycle, one not theirs and a document that does not exist. `POST` to the same
address asks for the document as a background job (202 with the job; required for the long
documents, which GET answers with 409)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from assets.roles import VIEW
from rmf.api.document_jobs import DocumentJobSerializer
from rmf.documents import document_render, document_spec
from rmf.selectors.workflow import authorization_get_for_user
from rmf.services.documents import document_job_request
from workbench.api import raise_validation_error
from workbench.exports import download
from workbench.views_access import ScopedApiView


class DocumentDownloadApi(ScopedApiView):
    access_function = authorization_get_for_user
    permission = VIEW

    @extend_schema(
        operation_id="authorization_document",
        summary="Download one of the cycle's documents",
        description="kind: ssp, sar, poam, inventory, ...; format: pdf, xlsx or json (OSCAL).",
        responses={
            (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY),
            400: OpenApiResponse(description="The document cannot be built yet (why, in detail)."),
            404: OpenApiResponse(description="No such cycle or document, or not yours."),
            409: OpenApiResponse(
                description="The document is built by a background job: POST to this address."
            ),
        },
    )
    def get(self, request, pk, kind, document_format):
        spec = document_spec(kind, document_format)
        if spec is None:
            raise NotFound(f"There is no {kind}.{document_format} document.")
        if spec.background:
            return Response(
                {
                    "detail": f"{spec.title} is built by a background job, not in this request: "
                    "POST to this address to ask for it."
                },
                status=status.HTTP_409_CONFLICT,
            )
        try:
            rendered = document_render(self.scoped_object, kind, document_format)
        except DjangoValidationError as error:
            raise_validation_error(error)
        return download(rendered)

    @extend_schema(
        operation_id="authorization_document_request",
        summary="Ask for one of the cycle's documents as a background job",
        description="The job is reused when a file of the same data exists or is being built. "
        "Follow `url` until `status` is done, then get `download_url`.",
        request=None,
        responses={
            202: DocumentJobSerializer,
            404: OpenApiResponse(description="No such cycle or document, or not yours."),
        },
    )
    def post(self, request, pk, kind, document_format):
        if document_spec(kind, document_format) is None:
            raise NotFound(f"There is no {kind}.{document_format} document.")
        try:
            job = document_job_request(
                actor=request.user,
                authorization=self.scoped_object,
                kind=kind,
                format=document_format,
            )
        except DjangoValidationError as error:
            raise_validation_error(error)
        serializer = DocumentJobSerializer(job, context={"request": request})
        return Response(
            serializer.data,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": serializer.data["url"]},
        )


urlpatterns = [
    path(
        "authorizations/<int:pk>/documents/<slug:kind>.<slug:document_format>",
        DocumentDownloadApi.as_view(),
        name="api-authorization-document",
    ),
]
