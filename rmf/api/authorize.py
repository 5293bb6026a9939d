"""Step 5, Authorize (R-1 to R-5) over the REST API, one view per operation: the package with its
completeness and executive summary, its submission by the system team (R-1), the risk the
authorizing official weighs, the risk determination (R-2), a finding's risk response (R-3),
signing the decision with the password (R-4) and reading it with the sections changed since.
A signed decision is never edited: its resource only answers GET (other methods get 405)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.response import Response

from assets.roles import AUTHORIZE, EDIT_RMF, VIEW
from rmf.api.serializers_authorize import (
    DecisionSignInputSerializer,
    OpenFindingSerializer,
    PackageSerializer,
    PackageSubmitInputSerializer,
    RiskConflictSerializer,
    RiskDeterminationInputSerializer,
    RiskDeterminationSerializer,
    RiskResponseInputSerializer,
    RiskResponseSerializer,
    RiskSerializer,
    SignedDecisionSerializer,
)
from rmf.models import RiskDetermination
from rmf.selectors.assessment import finding_get_for_user
from rmf.selectors.authorize_pages import (
    decision_page,
    finding_with_response,
    package_page,
    risk_page,
)
from rmf.selectors.workflow import authorization_get_for_user
from rmf.services.authorize import (
    RiskDeterminationConflict,
    RiskResponseConflict,
    decision_sign,
    risk_determination_record,
    risk_response_record,
)
from rmf.services.workflow import task_signoff
from workbench.api import raise_validation_error
from workbench.views_access import ScopedApiView


def package_response(authorization, *, status_code: int = status.HTTP_200_OK) -> Response:
    page = package_page(authorization)
    context = {"system": authorization.system}
    return Response(PackageSerializer(page, context=context).data, status=status_code)


def decision_response(authorization, *, status_code: int = status.HTTP_200_OK) -> Response:
    page = decision_page(authorization, with_hash=False)
    if page.decision is None:
        raise Http404("No decision is signed for this cycle yet.")
    context = {"changed_sections": page.changed_sections}
    return Response(
        SignedDecisionSerializer(page.decision, context=context).data, status=status_code
    )


def conflict_response(conflict, current: dict) -> Response:
    """409 with the saved values: nothing of the request was written."""
    body = {
        "detail": str(conflict),
        "current": current,
        "current_version": conflict.current.version,
    }
    return Response(body, status=status.HTTP_409_CONFLICT)


class PackageApi(ScopedApiView):
    """The cycle's authorization package: its parts (SSP, SAR, POA&M) with what is complete and
    what is missing, the tasks R-1 to R-5, and an executive summary written from the data."""

    access_function = authorization_get_for_user
    permission = VIEW

    @extend_schema(responses=PackageSerializer)
    def get(self, request, pk):
        return package_response(self.scoped_object)


class PackageSubmitApi(ScopedApiView):
    """R-1: the system team (system owner, ISSO, planners) submits the package to the
    authorizing official. Refused while a part of the package is incomplete."""

    access_function = authorization_get_for_user
    permission = EDIT_RMF

    @extend_schema(request=PackageSubmitInputSerializer, responses={201: PackageSerializer})
    def post(self, request, pk):
        data = PackageSubmitInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            task_signoff(
                actor=request.user,
                authorization=self.scoped_object,
                task="R-1",
                note=data.validated_data["note"],
            )
        except DjangoValidationError as error:
            raise_validation_error(error)
        return package_response(self.scoped_object, status_code=status.HTTP_201_CREATED)


class RiskApi(ScopedApiView):
    """What the authorizing official weighs (R-2, R-3): the findings not closed with their risk
    and response, the POA&M, and the open findings counted by risk level per control family and
    per CSF 2.0 function (a control supporting several functions counts in each)."""

    access_function = authorization_get_for_user
    permission = VIEW

    @extend_schema(responses=RiskSerializer)
    def get(self, request, pk):
        page = risk_page(self.scoped_object)
        return Response(RiskSerializer(page, context={"system": page.system}).data)


class RiskDeterminationApi(ScopedApiView):
    """The authorizing official's determination of the risk (R-2): GET it (`recorded` false
    and version 0 before it is); PUT records it or a new version. With `expected_version`, a
    change by someone else since is a 409."""

    access_function = authorization_get_for_user
    permission = VIEW
    write_permission = AUTHORIZE

    @extend_schema(responses=RiskDeterminationSerializer)
    def get(self, request, pk):
        authorization = self.scoped_object
        determination = getattr(authorization, "risk_determination", None)
        if determination is None:  # not recorded yet: the same shape, version 0
            determination = RiskDetermination(authorization=authorization, version=0)
        return Response(RiskDeterminationSerializer(determination).data)

    @extend_schema(
        request=RiskDeterminationInputSerializer,
        responses={200: RiskDeterminationSerializer, 409: RiskConflictSerializer},
    )
    def put(self, request, pk):
        data = RiskDeterminationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            determination = risk_determination_record(
                actor=request.user, authorization=self.scoped_object, **data.validated_data
            )
        except RiskDeterminationConflict as conflict:
            return conflict_response(conflict, RiskDeterminationSerializer(conflict.current).data)
        except DjangoValidationError as error:
            raise_validation_error(error)
        return Response(RiskDeterminationSerializer(determination).data)


class RiskResponseApi(ScopedApiView):
    """The authorizing official's response to the risk of a finding not closed (R-3): accept,
    mitigate, avoid, or share or transfer, with the rationale. 409 on a conflict."""

    access_function = finding_get_for_user
    permission = AUTHORIZE

    @extend_schema(
        request=RiskResponseInputSerializer,
        responses={200: OpenFindingSerializer, 409: RiskConflictSerializer},
    )
    def put(self, request, pk):
        data = RiskResponseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        finding = self.scoped_object
        try:
            risk_response_record(actor=request.user, finding=finding, **data.validated_data)
        except RiskResponseConflict as conflict:
            return conflict_response(conflict, RiskResponseSerializer(conflict.current).data)
        except DjangoValidationError as error:
            raise_validation_error(error)
        return Response(OpenFindingSerializer(finding_with_response(finding.pk)).data)


class DecisionSignApi(ScopedApiView):
    """R-4: the system's authorizing official signs the decision, with their password in the
    body. The package is frozen with it (its SHA-256 stored). Refused (400, nothing written)
    for anybody else, a wrong password, open required tasks, a second signature, backdating
    or out-of-bounds dates."""

    access_function = authorization_get_for_user
    permission = AUTHORIZE

    @extend_schema(request=DecisionSignInputSerializer, responses={201: SignedDecisionSerializer})
    def post(self, request, pk):
        data = DecisionSignInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            decision_sign(
                actor=request.user, authorization=self.scoped_object, **data.validated_data
            )
        except DjangoValidationError as error:
            raise_validation_error(error)
        return decision_response(self.scoped_object, status_code=status.HTTP_201_CREATED)


class DecisionApi(ScopedApiView):
    """The cycle's signed decision with whether, and in which sections, the package changed
    since it was signed. 404 before signing. Read-only: a signed decision is never edited."""

    access_function = authorization_get_for_user
    permission = VIEW

    @extend_schema(responses=SignedDecisionSerializer)
    def get(self, request, pk):
        return decision_response(self.scoped_object)

    def http_method_not_allowed(self, request, *args, **kwargs):
        raise exceptions.MethodNotAllowed(
            request.method,
            detail="A signed decision is final: it is never edited or deleted. A new decision "
            "needs a new cycle.",
        )


urlpatterns = [
    path(
        "authorizations/<int:pk>/package/", PackageApi.as_view(), name="api-authorization-package"
    ),
    path(
        "authorizations/<int:pk>/package/submit/",
        PackageSubmitApi.as_view(),
        name="api-authorization-package-submit",
    ),
    path("authorizations/<int:pk>/risk/", RiskApi.as_view(), name="api-authorization-risk"),
    path(
        "authorizations/<int:pk>/risk-determination/",
        RiskDeterminationApi.as_view(),
        name="api-authorization-risk-determination",
    ),
    path(
        "findings/<int:pk>/risk-response/",
        RiskResponseApi.as_view(),
        name="api-finding-risk-response",
    ),
    path(
        "authorizations/<int:pk>/decision/sign/",
        DecisionSignApi.as_view(),
        name="api-authorization-decision-sign",
    ),
    path(
        "authorizations/<int:pk>/decision/",
        DecisionApi.as_view(),
        name="api-authorization-decision",
    ),
]
