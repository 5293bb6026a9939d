"""Step 3, Implement, over the REST API: a cycle's worklist with its filters and progress, bulk
status changes, a control's implementation (status, responsible roles, narratives per statement
part, compared by version: 409 with both versions on a conflict), and evidence: the caller's
list, one piece, its download, adding to an organization's library, attaching and detaching.

Reads need VIEW on the system (or, for evidence, on its organization or a system it documents);
changes EDIT_RMF (planners, system owners, ISSOs). Assessors and authorizing officials read.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, renderers, serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from assets.roles import EDIT_RMF, VIEW
from assets.selectors import organization_get_for_user
from rmf.api.control_filters import control_filter_parameters, control_filter_query
from rmf.api.serializers_implementation import (
    ControlImplementationDetailSerializer,
    EvidenceDetailSerializer,
    EvidenceSerializer,
    ImplementationConflictSerializer,
    ImplementationSerializer,
    NarrativeConflictSerializer,
    NarrativeSerializer,
    WorklistSerializer,
)
from rmf.api.serializers_workflow import ControlsUpdatedSerializer, ServiceCheckedChoiceField
from rmf.models import Evidence, ImplementationStatus, SelectedControl
from rmf.selectors.implementation import (
    NOT_DOCUMENTED,
    evidence_get_for_user,
    evidence_list_for_user,
    evidence_search,
    evidence_uses,
    implementation_progress,
    implementation_worklist,
)
from rmf.selectors.implementation_page import control_implementation_page
from rmf.selectors.workflow import authorization_get_for_user, selected_control_get_for_user
from rmf.services.implementation import (
    ImplementationConflict,
    NarrativeConflict,
    evidence_attach,
    evidence_detach,
    evidence_link_create,
    evidence_upload,
    implementation_status_bulk_set,
    implementation_update,
    narrative_save,
)
from rmf.views.evidence import evidence_file_response
from workbench.api import raise_validation_error
from workbench.views_access import ScopedApiView

# ----------------------------------------------------------------------------- the worklist


class WorklistQuerySerializer(serializers.Serializer):
    family = serializers.RegexField(r"^[a-zA-Z]{2}$", required=False, help_text='e.g. "ac".')
    status = serializers.ChoiceField(
        choices=[*ImplementationStatus.values, NOT_DOCUMENTED],
        required=False,
        help_text='An implementation status, or "none": controls without one yet.',
    )
    responsible = serializers.CharField(
        required=False, max_length=100, help_text="Part of the responsible roles."
    )
    missing_narrative = serializers.BooleanField(
        required=False,
        help_text="true: the controls I-2 still waits for (in place, a narrative missing).",
    )


class ImplementationWorklistApi(ScopedApiView):
    """The cycle's active controls in catalog order with their implementation and narrative
    counts, filtered, and the progress of the whole cycle: all rows at once, in a fixed number
    of queries."""

    access_function = authorization_get_for_user
    permission = VIEW

    @extend_schema(
        parameters=[WorklistQuerySerializer, *control_filter_parameters()],
        responses=WorklistSerializer,
    )
    def get(self, request, pk):
        # A plain dict: from a QueryDict, DRF would read a missing boolean as False.
        params = {key: value for key, value in request.query_params.items() if value != ""}
        query = WorklistQuerySerializer(data=params)
        query.is_valid(raise_exception=True)
        registered = control_filter_query(params)
        rows = implementation_worklist(self.scoped_object, **query.validated_data, **registered)
        body = {
            "progress": implementation_progress(self.scoped_object),
            "count": len(rows),
            "results": rows,
        }
        return Response(WorklistSerializer(body).data)


class ImplementationBulkStatusApi(ScopedApiView):
    """Give many controls of the cycle the same status (I-1); ids of other cycles and removed
    controls are ignored."""

    access_function = authorization_get_for_user
    permission = EDIT_RMF

    class BulkStatusInputSerializer(serializers.Serializer):
        selected_ids = serializers.ListField(
            child=serializers.IntegerField(), help_text="Ids of the cycle's selected controls."
        )
        status = ServiceCheckedChoiceField(ImplementationStatus)

    @extend_schema(request=BulkStatusInputSerializer, responses=ControlsUpdatedSerializer)
    def post(self, request, pk):
        data = self.BulkStatusInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            updated = implementation_status_bulk_set(
                actor=request.user, authorization=self.scoped_object, **data.validated_data
            )
        except DjangoValidationError as error:
            raise_validation_error(error)
        return Response(ControlsUpdatedSerializer({"updated": updated}).data)


# ----------------------------------------------------------------------------- one control


class ControlImplementationApi(ScopedApiView):
    """A control's implementation: GET reads it with its statement parts (parameter values in
    place), narratives with their versions, the provider's narratives and the evidence; PATCH
    changes the status and/or responsible roles, refused with 409 if someone saved them since
    `expected_version`."""

    access_function = selected_control_get_for_user
    permission = VIEW
    write_permission = EDIT_RMF

    class ImplementationUpdateInputSerializer(serializers.Serializer):
        status = ServiceCheckedChoiceField(
            ImplementationStatus, required=False, help_text='"" clears it.'
        )
        responsible_roles = serializers.CharField(
            required=False, allow_blank=True, max_length=300, help_text='e.g. "Network team; ISSO"'
        )
        expected_version = serializers.IntegerField(
            required=False, min_value=1, help_text="The `version` the change is based on."
        )

    @extend_schema(responses=ControlImplementationDetailSerializer)
    def get(self, request, pk):
        page = control_implementation_page(self.scoped_object)
        return Response(ControlImplementationDetailSerializer(page).data)

    @extend_schema(
        request=ImplementationUpdateInputSerializer,
        responses={200: ImplementationSerializer, 409: ImplementationConflictSerializer},
    )
    def patch(self, request, pk):
        data = self.ImplementationUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            implementation = implementation_update(
                actor=request.user, selected_control=self.scoped_object, **data.validated_data
            )
        except ImplementationConflict as conflict:
            body = {
                "detail": str(conflict),
                "current": conflict.current,
                "current_version": conflict.current_version,
            }
            return Response(
                ImplementationConflictSerializer(body).data, status=status.HTTP_409_CONFLICT
            )
        except DjangoValidationError as error:
            raise_validation_error(error)
        return Response(ImplementationSerializer(implementation).data)


class NarrativeSaveApi(ScopedApiView):
    """The system's narrative for one part of the control's statement (I-2). Send the `version`
    you read as `expected_version` (0 when there was none): if someone saved the part since,
    the answer is 409 with their text and yours, and theirs is kept."""

    access_function = selected_control_get_for_user
    permission = EDIT_RMF

    class NarrativeInputSerializer(serializers.Serializer):
        text = serializers.CharField(allow_blank=True, trim_whitespace=False)
        expected_version = serializers.IntegerField(
            required=False, allow_null=True, min_value=0, default=None
        )

    @extend_schema(
        request=NarrativeInputSerializer,
        responses={200: NarrativeSerializer, 409: NarrativeConflictSerializer},
    )
    def put(self, request, pk, part_id):
        data = self.NarrativeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            narrative = narrative_save(
                actor=request.user,
                selected_control=self.scoped_object,
                part_id=part_id,
                **data.validated_data,
            )
        except NarrativeConflict as conflict:
            body = {
                "detail": str(conflict),
                "current_text": conflict.current_text,
                "current_version": conflict.current_version,
                "current_author": (
                    conflict.current_author.get_username() if conflict.current_author else None
                ),
                "your_text": conflict.your_text,
            }
            return Response(NarrativeConflictSerializer(body).data, status=status.HTTP_409_CONFLICT)
        except DjangoValidationError as error:
            raise_validation_error(error)
        return Response(NarrativeSerializer(narrative).data)


# ----------------------------------------------------------------------------- evidence


class EvidenceListQuerySerializer(serializers.Serializer):
    organization = serializers.IntegerField(
        required=False, help_text="An organization's id; its agencies' evidence is included."
    )
    q = serializers.CharField(
        required=False,
        max_length=200,
        help_text="Words of the title, description, file name or link, or a SHA-256.",
    )


@extend_schema(parameters=[EvidenceListQuerySerializer])
class EvidenceListApi(generics.ListAPIView):
    """The evidence the caller may see: of the organizations they see, and attached to the
    controls of the systems they see. Newest first."""

    serializer_class = EvidenceSerializer
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[Evidence]:
        params = {key: value for key, value in self.request.query_params.items() if value != ""}
        params.pop("page", None)
        params.pop("page_size", None)
        query = EvidenceListQuerySerializer(data=params)
        query.is_valid(raise_exception=True)
        return evidence_search(self.request.user, **query.validated_data)


class EvidenceDetailApi(ScopedApiView):
    """One piece of evidence, with the controls it documents in the systems the caller sees."""

    access_function = evidence_get_for_user
    permission = VIEW

    @extend_schema(responses=EvidenceDetailSerializer)
    def get(self, request, pk):
        evidence = self.scoped_object
        evidence.uses = evidence_uses(request.user, evidence)
        return Response(EvidenceDetailSerializer(evidence).data)


class AnyMediaRenderer(renderers.JSONRenderer):
    """Lets a download be asked for with any Accept header; a refusal is still JSON."""

    media_type = "*/*"
    format = "download"


class EvidenceDownloadApi(ScopedApiView):
    """The evidence's file, as an attachment (`X-Content-Type-Options: nosniff`); 404 for a
    link."""

    access_function = evidence_get_for_user
    permission = VIEW
    renderer_classes = [renderers.JSONRenderer, AnyMediaRenderer]

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file, with its content type."
            )
        }
    )
    def get(self, request, pk):
        return evidence_file_response(self.scoped_object)


class EvidenceUploadInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, allow_blank=True, help_text="Required.")
    description = serializers.CharField(required=False, allow_blank=True, default="")
    file = serializers.FileField(
        help_text="PDF, PNG, JPEG, text, CSV, JSON, XML, .docx or .xlsx, within the size limit."
    )


class EvidenceLinkInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, allow_blank=True, help_text="Required.")
    url = serializers.CharField(max_length=500, help_text="Starting with https:// or http://.")
    description = serializers.CharField(required=False, allow_blank=True, default="")


class EvidenceCreateApi(ScopedApiView):
    """Add evidence to the organization's library: a file (multipart: `file`, `title`,
    `description`) or a link (JSON: `title`, `url`, `description`). Files are checked by type
    and content and stored outside the web root with their SHA-256."""

    access_function = organization_get_for_user
    permission = EDIT_RMF
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        request={
            "multipart/form-data": EvidenceUploadInputSerializer,
            "application/json": EvidenceLinkInputSerializer,
        },
        responses={201: EvidenceSerializer},
    )
    def post(self, request, pk):
        organization = self.scoped_object
        is_file = "file" in request.FILES
        data = (EvidenceUploadInputSerializer if is_file else EvidenceLinkInputSerializer)(
            data=request.data
        )
        data.is_valid(raise_exception=True)
        arguments = dict(data.validated_data)
        try:
            if is_file:
                arguments["uploaded_file"] = arguments.pop("file")
                evidence = evidence_upload(
                    actor=request.user, organization=organization, **arguments
                )
            else:
                evidence = evidence_link_create(
                    actor=request.user, organization=organization, **arguments
                )
        except DjangoValidationError as error:
            raise_validation_error(error)
        evidence = Evidence.objects.select_related("organization", "uploaded_by").get(
            pk=evidence.pk
        )
        return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)


class EvidenceField(serializers.PrimaryKeyRelatedField):
    """Evidence the caller may see (attach), or attached to the control (detach); any other id
    is "unknown"."""

    default_error_messages = {
        **serializers.PrimaryKeyRelatedField.default_error_messages,
        "does_not_exist": "Unknown evidence.",
    }

    def __init__(self, **kwargs):
        super().__init__(queryset=Evidence.objects.all(), **kwargs)

    def get_queryset(self) -> QuerySet[Evidence]:
        return self.context["evidence"]


class ControlEvidenceSerializer(serializers.Serializer):
    selected_control = serializers.IntegerField()
    evidence = EvidenceSerializer(many=True, help_text="All the evidence now attached.")


class EvidenceChoiceInputSerializer(serializers.Serializer):
    evidence_id = EvidenceField()


def _control_evidence(selected: SelectedControl) -> Response:
    evidence = selected.evidence.select_related("organization", "uploaded_by").order_by("title")
    body = {"selected_control": selected.pk, "evidence": list(evidence)}
    return Response(ControlEvidenceSerializer(body).data)


class ControlEvidenceAttachApi(ScopedApiView):
    """Attach evidence of the system's organization (or of an organization above it) to the
    control."""

    access_function = selected_control_get_for_user
    permission = EDIT_RMF

    @extend_schema(request=EvidenceChoiceInputSerializer, responses=ControlEvidenceSerializer)
    def post(self, request, pk):
        selected = self.scoped_object
        data = EvidenceChoiceInputSerializer(
            data=request.data, context={"evidence": evidence_list_for_user(request.user)}
        )
        data.is_valid(raise_exception=True)
        try:
            evidence_attach(
                actor=request.user,
                evidence=data.validated_data["evidence_id"],
                selected_control=selected,
            )
        except DjangoValidationError as error:
            raise_validation_error(error)
        return _control_evidence(selected)


class ControlEvidenceDetachApi(ScopedApiView):
    """Detach evidence from the control; it stays in its library."""

    access_function = selected_control_get_for_user
    permission = EDIT_RMF

    @extend_schema(request=EvidenceChoiceInputSerializer, responses=ControlEvidenceSerializer)
    def post(self, request, pk):
        selected = self.scoped_object
        data = EvidenceChoiceInputSerializer(
            data=request.data, context={"evidence": selected.evidence.all()}
        )
        data.is_valid(raise_exception=True)
        try:
            evidence_detach(
                actor=request.user,
                evidence=data.validated_data["evidence_id"],
                selected_control=selected,
            )
        except DjangoValidationError as error:
            raise_validation_error(error)
        return _control_evidence(selected)


urlpatterns = [
    path(
        "authorizations/<int:pk>/implementation/",
        ImplementationWorklistApi.as_view(),
        name="api-implementation-worklist",
    ),
    path(
        "authorizations/<int:pk>/implementation/bulk-status/",
        ImplementationBulkStatusApi.as_view(),
        name="api-implementation-bulk-status",
    ),
    path(
        "selected-controls/<int:pk>/implementation/",
        ControlImplementationApi.as_view(),
        name="api-control-implementation",
    ),
    path(
        "selected-controls/<int:pk>/narratives/<str:part_id>/",
        NarrativeSaveApi.as_view(),
        name="api-narrative-save",
    ),
    path(
        "selected-controls/<int:pk>/evidence/attach/",
        ControlEvidenceAttachApi.as_view(),
        name="api-control-evidence-attach",
    ),
    path(
        "selected-controls/<int:pk>/evidence/detach/",
        ControlEvidenceDetachApi.as_view(),
        name="api-control-evidence-detach",
    ),
    path("evidence/", EvidenceListApi.as_view(), name="api-evidence-list"),
    path("evidence/<int:pk>/", EvidenceDetailApi.as_view(), name="api-evidence"),
    path(
        "evidence/<int:pk>/download/", EvidenceDownloadApi.as_view(), name="api-evidence-download"
    ),
    path(
        "organizations/<int:pk>/evidence/",
        EvidenceCreateApi.as_view(),
        name="api-evidence-create",
    ),
]
