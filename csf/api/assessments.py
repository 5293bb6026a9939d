"""CSF maturity self-assessments over the REST API. One view per operation; every assessment is
reached through `csf_assessment_get_for_user` with the permission the operation needs (VIEW to
read, FILL to start, answer and submit, REVIEW to approve or return), so a caller without it
gets the same 404 as for a missing assessment. Drafts are invisible to those who only view the
organization (state-level viewers, authorizing officials): they read approved assessments.

Refusals are 400s with plain-language messages (per subcategory for answers, per function for
tiers); nothing of a refused request is written. State changes take `expected_version`: a
change by someone else since is a 409 with the current state."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from assets.api.inventory_serializers import NamedChoiceField
from assets.roles import VIEW
from assets.selectors import organization_get_for_user
from csf.models import CsfAnswer, CsfAssessment, CsfVersion
from csf.selectors.access import FILL, REVIEW, csf_assessment_get_for_user
from csf.selectors.assessments import (
    assessment_answers,
    assessment_detail,
    assessments_for_api,
    maturity_scale,
)
from csf.services.assessments import (
    AnswerInput,
    CsfAssessmentConflict,
    LabelInput,
    TierInput,
    csf_answers_save,
    csf_assessment_approve,
    csf_assessment_return,
    csf_assessment_start,
    csf_assessment_submit,
    csf_maturity_labels_save,
    csf_tiers_save,
)
from rmf.api.assessment._base import conflict_response
from workbench.api import StandardPagination, raise_validation_error
from workbench.views_access import ScopedApiView

# ----------------------------------------------------------------------------- serializers


class CsfAssessmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    organization = serializers.IntegerField(source="organization_id")
    organization_name = serializers.CharField(source="organization.name")
    year = serializers.IntegerField()
    framework = NamedChoiceField(CsfVersion, help_text="The CSF version assessed against.")
    status = NamedChoiceField(CsfAssessment.Status)
    origin = NamedChoiceField(CsfAssessment.Origin)
    copied_from = serializers.IntegerField(source="copied_from_id", allow_null=True)
    version = serializers.IntegerField(
        help_text="Send it as `expected_version` when submitting, approving or returning."
    )
    created_by = serializers.CharField(source="created_by.username", default=None)
    created_at = serializers.DateTimeField()
    submitted_by = serializers.CharField(source="submitted_by.username", default=None)
    submitted_at = serializers.DateTimeField(allow_null=True)
    reviewed_by = serializers.CharField(source="reviewed_by.username", default=None)
    reviewed_at = serializers.DateTimeField(allow_null=True)
    review_note = serializers.CharField()


class CsfProgressSerializer(serializers.Serializer):
    answered = serializers.IntegerField(help_text="Active subcategories with a score.")
    total = serializers.IntegerField(help_text="Active subcategories of the version.")
    to_review = serializers.IntegerField(
        help_text="Scored answers copied or carried and not confirmed yet."
    )


class CsfCategoryLineSerializer(serializers.Serializer):
    identifier = serializers.CharField()
    title = serializers.CharField()
    progress = CsfProgressSerializer()
    score = serializers.FloatField(allow_null=True, help_text="Mean of its answered subcategories.")


class CsfFunctionLineSerializer(serializers.Serializer):
    identifier = serializers.CharField()
    title = serializers.CharField()
    progress = CsfProgressSerializer()
    score = serializers.FloatField(allow_null=True, help_text="Mean of its scored categories.")
    tier = serializers.IntegerField(
        source="tier.tier", default=None, help_text="CSF 2.0 implementation tier (1 to 4)."
    )
    tier_rationale = serializers.CharField(source="tier.rationale", default=None)
    categories = CsfCategoryLineSerializer(many=True)


class CsfAnswerSerializer(serializers.Serializer):
    subcategory = serializers.CharField(source="subcategory.identifier")
    score = serializers.IntegerField(allow_null=True)
    comment = serializers.CharField()
    evidence = serializers.CharField()
    needs_review = serializers.BooleanField(
        help_text="Copied or carried and not confirmed yet: saving the answer confirms it."
    )
    carried_from = serializers.CharField(
        help_text="The CSF 1.1 subcategories a carried answer came from."
    )
    updated_by = serializers.CharField(source="updated_by.username", default=None)
    updated_at = serializers.DateTimeField()


class CsfCompletenessSerializer(serializers.Serializer):
    complete = serializers.BooleanField()
    unscored = serializers.ListField(child=serializers.CharField())
    to_review = serializers.ListField(child=serializers.CharField())
    without_tier = serializers.ListField(child=serializers.CharField())
    messages = serializers.ListField(child=serializers.CharField(), source="messages()")


class CsfAssessmentDetailSerializer(CsfAssessmentSerializer):
    progress = CsfProgressSerializer()
    overall_score = serializers.FloatField(allow_null=True)
    rule = serializers.CharField(help_text="How the scores roll up, as the pages state it.")
    functions = CsfFunctionLineSerializer(many=True)
    completeness = CsfCompletenessSerializer(
        help_text="What keeps it from being submitted or approved."
    )
    answers = CsfAnswerSerializer(many=True)


def detail_body(assessment: CsfAssessment) -> dict:
    detail = assessment_detail(assessment)
    assessment = detail.assessment
    body = CsfAssessmentSerializer(assessment).data
    body.update(
        {
            "progress": CsfProgressSerializer(detail.progress).data,
            "overall_score": detail.scores.overall,
            "rule": detail.rule,
            "functions": CsfFunctionLineSerializer(detail.functions, many=True).data,
            "completeness": {
                "complete": detail.completeness.complete,
                "unscored": detail.completeness.unscored,
                "to_review": detail.completeness.to_review,
                "without_tier": detail.completeness.without_tier,
                "messages": detail.completeness.messages(),
            },
            "answers": CsfAnswerSerializer(assessment_answers(assessment), many=True).data,
        }
    )
    return body


class CsfAssessmentStartSerializer(serializers.Serializer):
    organization = serializers.IntegerField(help_text="The organization assessed.")
    year = serializers.IntegerField()
    framework = NamedChoiceField(CsfVersion)
    copy_from = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="An earlier assessment of the same organization: its answers are copied "
        "(same version) or carried from CSF 1.1 into 2.0 through NIST's crosswalk, as drafts "
        "to review.",
    )


class CsfAnswerInputSerializer(serializers.Serializer):
    score = serializers.IntegerField(
        allow_null=True, help_text="A maturity level from 1 to 7, or null for not scored yet."
    )
    comment = serializers.CharField(required=False, default="", allow_blank=True)
    evidence = serializers.CharField(required=False, default="", allow_blank=True)


class CsfAnswerRowSerializer(CsfAnswerInputSerializer):
    subcategory = serializers.CharField(help_text='"PR.AA-01"')


class CsfCategoryAnswersSerializer(serializers.Serializer):
    answers = CsfAnswerRowSerializer(many=True, allow_empty=False)


class CsfTierRowSerializer(serializers.Serializer):
    function = serializers.CharField(help_text='"GV"')
    tier = serializers.IntegerField(allow_null=True, help_text="1 to 4; null removes it.")
    rationale = serializers.CharField(required=False, default="", allow_blank=True)


class CsfTiersSerializer(serializers.Serializer):
    tiers = CsfTierRowSerializer(many=True, allow_empty=False)


class CsfStateChangeSerializer(serializers.Serializer):
    expected_version = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="The version read."
    )


class CsfApproveSerializer(CsfStateChangeSerializer):
    note = serializers.CharField(required=False, default="", allow_blank=True)


class CsfReturnSerializer(CsfStateChangeSerializer):
    note = serializers.CharField(allow_blank=True, help_text="What the planners should change.")


class CsfConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    current = serializers.DictField(help_text="The assessment's current state.")
    current_version = serializers.IntegerField()


class CsfMaturityLevelSerializer(serializers.Serializer):
    level = serializers.IntegerField()
    label = serializers.CharField()
    description = serializers.CharField()


class CsfMaturityScaleSerializer(serializers.Serializer):
    organization = serializers.IntegerField()
    levels = CsfMaturityLevelSerializer(many=True)


class CsfMaturityLevelInputSerializer(serializers.Serializer):
    # Blank passes through: the service says what is missing, level by level.
    level = serializers.IntegerField()
    label = serializers.CharField(allow_blank=True)
    description = serializers.CharField(allow_blank=True)


class CsfMaturityScaleInputSerializer(serializers.Serializer):
    levels = CsfMaturityLevelInputSerializer(
        many=True,
        allow_empty=False,
        help_text="The levels to reword; one given with the default wording goes back to it.",
    )


# ----------------------------------------------------------------------------- assessments


class CsfAssessmentFilterSerializer(serializers.Serializer):
    organization = serializers.IntegerField(
        required=False, help_text="Only this organization's assessments."
    )
    year = serializers.IntegerField(required=False)
    status = NamedChoiceField(CsfAssessment.Status, required=False)


class AssessmentCollectionApi(APIView):
    """GET: the assessments the caller may see (drafts only for the organization's planners
    and reviewers). POST: start one (the organization's planners)."""

    @extend_schema(
        operation_id="csf_assessments_list",
        parameters=[CsfAssessmentFilterSerializer],
        responses=CsfAssessmentSerializer(many=True),
    )
    def get(self, request):
        query = CsfAssessmentFilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = query.validated_data
        assessments = assessments_for_api(request.user)
        if "organization" in filters:
            assessments = assessments.filter(organization_id=filters["organization"])
        if "year" in filters:
            assessments = assessments.filter(year=filters["year"])
        if "status" in filters:
            assessments = assessments.filter(status=filters["status"])
        paginator = StandardPagination()
        page = paginator.paginate_queryset(assessments, request, view=self)
        return paginator.get_paginated_response(CsfAssessmentSerializer(page, many=True).data)

    @extend_schema(
        operation_id="csf_assessments_start",
        request=CsfAssessmentStartSerializer,
        responses={201: CsfAssessmentDetailSerializer},
    )
    def post(self, request):
        data = CsfAssessmentStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        organization = organization_get_for_user(request.user, values["organization"], perm=FILL)
        copy_from = None
        if values["copy_from"] is not None:
            copy_from = csf_assessment_get_for_user(request.user, values["copy_from"], perm=FILL)
        try:
            assessment = csf_assessment_start(
                actor=request.user,
                organization=organization,
                year=values["year"],
                framework=values["framework"],
                copy_from=copy_from,
            )
        except DjangoValidationError as error:
            raise_validation_error(error)
        return Response(detail_body(assessment), status=status.HTTP_201_CREATED)


class AssessmentDetailApi(ScopedApiView):
    """One assessment with its progress, scores rolled up (RULE), tiers and answers."""

    access_function = csf_assessment_get_for_user
    permission = VIEW

    @extend_schema(operation_id="csf_assessment_detail", responses=CsfAssessmentDetailSerializer)
    def get(self, request, pk):
        return Response(detail_body(self.scoped_object))


class AnswerSaveApi(ScopedApiView):
    """Save one subcategory's answer (score, comment, evidence); saving confirms a copied or
    carried answer."""

    access_function = csf_assessment_get_for_user
    permission = FILL

    @extend_schema(
        operation_id="csf_assessment_answer_save",
        request=CsfAnswerInputSerializer,
        responses=CsfAnswerSerializer,
    )
    def put(self, request, pk, subcategory):
        data = CsfAnswerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = AnswerInput(subcategory, **data.validated_data)
        try:
            csf_answers_save(actor=request.user, assessment=self.scoped_object, answers=[row])
        except DjangoValidationError as error:
            raise_validation_error(error)
        answer = (
            CsfAnswer.objects.filter(
                assessment=self.scoped_object, subcategory__identifier=subcategory.strip().upper()
            )
            .select_related("subcategory", "updated_by")
            .first()
        )
        if answer is None:  # nothing typed, nothing saved
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(CsfAnswerSerializer(answer).data)


class CategoryAnswersSaveApi(ScopedApiView):
    """Save answers of one category, all or nothing: a 400 names each wrong subcategory and
    nothing is written. Subcategories not sent are left as they are."""

    access_function = csf_assessment_get_for_user
    permission = FILL

    @extend_schema(
        operation_id="csf_assessment_category_answers_save",
        request=CsfCategoryAnswersSerializer,
        responses=CsfAnswerSerializer(many=True),
    )
    def post(self, request, pk, category):
        data = CsfCategoryAnswersSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rows = [
            AnswerInput(row["subcategory"], row["score"], row["comment"], row["evidence"])
            for row in data.validated_data["answers"]
        ]
        try:
            saved = csf_answers_save(
                actor=request.user, assessment=self.scoped_object, answers=rows, category=category
            )
        except DjangoValidationError as error:
            raise_validation_error(error)
        answers = CsfAnswer.objects.filter(pk__in=[a.pk for a in saved]).select_related(
            "subcategory", "updated_by"
        )
        return Response(
            CsfAnswerSerializer(answers.order_by("subcategory__sort_order"), many=True).data
        )


class TiersSaveApi(ScopedApiView):
    """The CSF 2.0 implementation tiers of the functions given (a judgement, not computed)."""

    access_function = csf_assessment_get_for_user
    permission = FILL

    @extend_schema(
        operation_id="csf_assessment_tiers_save",
        request=CsfTiersSerializer,
        responses=CsfAssessmentDetailSerializer,
    )
    def put(self, request, pk):
        data = CsfTiersSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rows = [
            TierInput(row["function"], row["tier"], row["rationale"])
            for row in data.validated_data["tiers"]
        ]
        try:
            csf_tiers_save(actor=request.user, assessment=self.scoped_object, tiers=rows)
        except DjangoValidationError as error:
            raise_validation_error(error)
        return Response(detail_body(self.scoped_object))


class _StateChangeApi(ScopedApiView):
    access_function = csf_assessment_get_for_user
    input_class: type = CsfStateChangeSerializer

    def change(self, request, **values) -> CsfAssessment:
        raise NotImplementedError

    def post(self, request, pk):
        data = self.input_class(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            self.change(request, **data.validated_data)
        except CsfAssessmentConflict as conflict:
            return conflict_response(conflict)
        except DjangoValidationError as error:
            raise_validation_error(error)
        return Response(detail_body(self.scoped_object))


STATE_RESPONSES = {200: CsfAssessmentDetailSerializer, 409: CsfConflictSerializer}


class SubmitApi(_StateChangeApi):
    """Submit for review: refused (400, listing them) while a subcategory is unscored or an
    answer still to confirm, or (CSF 2.0) a function has no tier."""

    permission = FILL

    @extend_schema(
        operation_id="csf_assessment_submit",
        request=CsfStateChangeSerializer,
        responses=STATE_RESPONSES,
    )
    def post(self, request, pk):
        return super().post(request, pk)

    def change(self, request, **values):
        return csf_assessment_submit(actor=request.user, assessment=self.scoped_object, **values)


class ApproveApi(_StateChangeApi):
    """Approve a complete submitted assessment (the organization's reviewers; not the person
    who submitted it)."""

    permission = REVIEW
    input_class = CsfApproveSerializer

    @extend_schema(
        operation_id="csf_assessment_approve",
        request=CsfApproveSerializer,
        responses=STATE_RESPONSES,
    )
    def post(self, request, pk):
        return super().post(request, pk)

    def change(self, request, **values):
        return csf_assessment_approve(actor=request.user, assessment=self.scoped_object, **values)


class ReturnApi(_StateChangeApi):
    """Return a submitted assessment to its planners, with a note saying what to change."""

    permission = REVIEW
    input_class = CsfReturnSerializer

    @extend_schema(
        operation_id="csf_assessment_return", request=CsfReturnSerializer, responses=STATE_RESPONSES
    )
    def post(self, request, pk):
        return super().post(request, pk)

    def change(self, request, **values):
        return csf_assessment_return(actor=request.user, assessment=self.scoped_object, **values)


# ----------------------------------------------------------------------------- maturity scale


class MaturityScaleApi(ScopedApiView):
    """GET: the organization's maturity scale (its wording where it has some). PUT: reword
    levels (the organization's administrators)."""

    access_function = organization_get_for_user
    permission = VIEW
    write_permission = REVIEW

    def _body(self) -> dict:
        organization = self.scoped_object
        levels = [
            {"level": level.level, "label": level.label, "description": level.description}
            for level in maturity_scale(organization)
        ]
        return {"organization": organization.pk, "levels": levels}

    @extend_schema(operation_id="csf_maturity_scale", responses=CsfMaturityScaleSerializer)
    def get(self, request, pk):
        return Response(self._body())

    @extend_schema(
        operation_id="csf_maturity_scale_save",
        request=CsfMaturityScaleInputSerializer,
        responses=CsfMaturityScaleSerializer,
    )
    def put(self, request, pk):
        data = CsfMaturityScaleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rows = [
            LabelInput(row["level"], row["label"], row["description"])
            for row in data.validated_data["levels"]
        ]
        try:
            csf_maturity_labels_save(
                actor=request.user, organization=self.scoped_object, labels=rows
            )
        except DjangoValidationError as error:
            raise_validation_error(error)
        return Response(self._body())


urlpatterns = [
    path("csf/assessments/", AssessmentCollectionApi.as_view(), name="api-csf-assessments"),
    path(
        "csf/assessments/<int:pk>/",
        AssessmentDetailApi.as_view(),
        name="api-csf-assessment-detail",
    ),
    path(
        "csf/assessments/<int:pk>/answers/<str:subcategory>/",
        AnswerSaveApi.as_view(),
        name="api-csf-assessment-answer",
    ),
    path(
        "csf/assessments/<int:pk>/categories/<str:category>/answers/",
        CategoryAnswersSaveApi.as_view(),
        name="api-csf-assessment-category-answers",
    ),
    path(
        "csf/assessments/<int:pk>/tiers/", TiersSaveApi.as_view(), name="api-csf-assessment-tiers"
    ),
    path("csf/assessments/<int:pk>/submit/", SubmitApi.as_view(), name="api-csf-assessment-submit"),
    path(
        "csf/assessments/<int:pk>/approve/",
        ApproveApi.as_view(),
        name="api-csf-assessment-approve",
    ),
    path("csf/assessments/<int:pk>/return/", ReturnApi.as_view(), name="api-csf-assessment-return"),
    path(
        "csf/organizations/<int:pk>/maturity-scale/",
        MaturityScaleApi.as_view(),
        name="api-csf-maturity-scale",
    ),
]
