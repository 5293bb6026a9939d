"""One CSF assessment's overview: progress per function, the scores with their rule, the CSF
2.0 tiers, submitting it and reviewing it, its status history."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from assets.roles import VIEW, qualified
from csf.models import CsfAssessment, CsfVersion
from csf.selectors.access import FILL, REVIEW, csf_assessment_get_for_user
from csf.selectors.assessments import assessment_detail, first_category
from csf.selectors.reference import core_tree
from csf.services.assessments import (
    CARRY_RULE,
    CsfAssessmentConflict,
    csf_assessment_approve,
    csf_assessment_return,
    csf_assessment_submit,
    csf_tiers_save,
)
from csf.views.assessments.forms import ApproveForm, ReturnForm, StateChangeForm, TiersForm
from workbench.forms import apply_validation_error
from workbench.views_access import ScopedView

Status = CsfAssessment.Status


def render_overview(request, assessment: CsfAssessment, status: int = 200, **forms):
    detail = assessment_detail(assessment)
    assessment = detail.assessment
    organization = assessment.organization
    user = request.user
    can_fill = assessment.editable and user.has_perm(qualified(FILL), organization)
    can_review = assessment.status == Status.SUBMITTED and user.has_perm(
        qualified(REVIEW), organization
    )
    version = {"expected_version": assessment.version}
    tiers_form = None
    if assessment.framework == CsfVersion.V2_0 and can_fill:
        tiers_form = forms.get("tiers_form") or TiersForm(
            initial={
                key: value
                for function in detail.functions
                if function.tier is not None
                for key, value in (
                    (f"tier_{function.identifier}", function.tier.tier),
                    (f"rationale_{function.identifier}", function.tier.rationale),
                )
            },
            functions=[(function.identifier, function.title) for function in detail.functions],
        )
    context = {
        "assessment": assessment,
        "organization": organization,
        "detail": detail,
        "can_fill": can_fill,
        "can_review": can_review,
        "is_submitter": assessment.submitted_by_id == user.pk,
        "tiers_form": tiers_form,
        "submit_form": StateChangeForm(initial=version) if can_fill else None,
        "submit_errors": forms.get("submit_errors"),
        "approve_form": forms.get("approve_form") or ApproveForm(initial=version),
        "return_form": forms.get("return_form") or ReturnForm(initial=version),
        "resume": first_category(assessment, unanswered=True) if can_fill else None,
        "first": first_category(assessment),
        "carry_rule": CARRY_RULE if assessment.origin == assessment.Origin.CROSSWALK else "",
    }
    return render(request, "csf/assessments/overview.html", context, status=status)


class AssessmentView(ScopedView):
    access_function = csf_assessment_get_for_user
    permission = VIEW

    def get(self, request, pk):
        return render_overview(request, self.scoped_object)


class TiersSaveView(ScopedView):
    access_function = csf_assessment_get_for_user
    permission = FILL
    http_method_names = ["post"]

    def post(self, request, pk):
        assessment = self.scoped_object
        tree = core_tree(assessment.framework)
        form = TiersForm(
            request.POST, functions=[(f, tree.titles.get(f, "")) for f in tree.functions]
        )
        if form.is_valid():
            try:
                csf_tiers_save(actor=request.user, assessment=assessment, tiers=form.tiers())
            except ValidationError as error:
                if not hasattr(error, "error_dict"):  # not editable, or not CSF 2.0
                    for message in error.messages:
                        messages.error(request, message)
                    return redirect("csf:assessment", pk=pk)
                form.add_service_errors(error.message_dict)
            else:
                messages.success(request, "The implementation tiers are saved.")
                return redirect(f"{reverse('csf:assessment', args=[pk])}#tiers")
        return render_overview(request, assessment, 400, tiers_form=form)


class SubmitView(ScopedView):
    access_function = csf_assessment_get_for_user
    permission = FILL
    http_method_names = ["post"]

    def post(self, request, pk):
        form = StateChangeForm(request.POST)
        form.is_valid()
        try:
            csf_assessment_submit(
                actor=request.user,
                assessment=self.scoped_object,
                expected_version=form.cleaned_data.get("expected_version"),
            )
        except CsfAssessmentConflict as conflict:
            messages.error(request, str(conflict))
            return redirect("csf:assessment", pk=pk)
        except ValidationError as error:
            return render_overview(request, self.scoped_object, 400, submit_errors=error.messages)
        messages.success(
            request, "The assessment is submitted. The organization's reviewers are next."
        )
        return redirect("csf:assessment", pk=pk)


class _ReviewView(ScopedView):
    access_function = csf_assessment_get_for_user
    permission = REVIEW
    http_method_names = ["post"]
    form_class: type = ApproveForm
    form_name = ""
    success = ""

    def service(self, **kwargs):
        raise NotImplementedError

    def post(self, request, pk):
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                self.service(
                    actor=request.user,
                    assessment=self.scoped_object,
                    note=form.cleaned_data["note"],
                    expected_version=form.cleaned_data["expected_version"],
                )
            except CsfAssessmentConflict as conflict:
                messages.error(request, str(conflict))
                return redirect("csf:assessment", pk=pk)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, self.success)
                return redirect("csf:assessment", pk=pk)
        return render_overview(request, self.scoped_object, 400, **{self.form_name: form})


class ApproveView(_ReviewView):
    form_class = ApproveForm
    form_name = "approve_form"
    success = (
        "The assessment is approved and read-only. The latest approved assessment is the "
        "organization's current CSF profile."
    )

    def service(self, **kwargs):
        return csf_assessment_approve(**kwargs)


class ReturnView(_ReviewView):
    form_class = ReturnForm
    form_name = "return_form"
    success = "The assessment is returned to its planners with your note."

    def service(self, **kwargs):
        return csf_assessment_return(**kwargs)
