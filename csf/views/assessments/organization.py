"""An organization's CSF assessments (the list, starting one) and its maturity scale."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone

from assets.roles import VIEW, qualified
from assets.selectors import organization_get_for_user
from csf.selectors.access import FILL, REVIEW
from csf.selectors.assessments import (
    customized_levels,
    earlier_assessments,
    maturity_scale,
    organization_assessments,
)
from csf.services.assessments import CARRY_RULE, csf_assessment_start, csf_maturity_labels_save
from csf.views.assessments.forms import MaturityScaleForm, StartForm
from workbench.forms import apply_validation_error
from workbench.views_access import ScopedView

# The service's field names -> the start form's.
START_FIELDS = {"copy_from": "source"}


def _free_year(rows) -> int:
    """This year, or the first later one the organization has no assessment for."""
    taken = {row.assessment.year for row in rows}
    year = timezone.localdate().year
    while year in taken:
        year += 1
    return year


class OrganizationAssessmentsView(ScopedView):
    """Everyone who sees the organization sees its approved assessments; its planners and
    reviewers see the drafts too; planners start new ones."""

    access_function = organization_get_for_user
    permission = VIEW
    write_permission = FILL

    def get(self, request, pk):
        return self._render()

    def post(self, request, pk):
        organization = self.scoped_object
        form = StartForm(request.POST, earlier=earlier_assessments(organization))
        if form.is_valid():
            try:
                assessment = csf_assessment_start(
                    actor=request.user,
                    organization=organization,
                    year=form.cleaned_data["year"],
                    framework=form.cleaned_data["framework"],
                    copy_from=form.cleaned_data["copy_from"],
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    error = ValidationError(
                        {START_FIELDS.get(k, k): v for k, v in error.error_dict.items()}
                    )
                apply_validation_error(form, error)
            else:
                messages.success(request, _started_message(assessment))
                return redirect("csf:assessment", pk=assessment.pk)
        return self._render(form, status=400)

    def _render(self, form=None, status: int = 200):
        organization = self.scoped_object
        user = self.request.user
        rows = organization_assessments(user, organization)
        can_fill = user.has_perm(qualified(FILL), organization)
        if can_fill and form is None:
            earlier = earlier_assessments(organization)
            initial = {"year": _free_year(rows), "source": earlier[0].pk if earlier else None}
            form = StartForm(initial=initial, earlier=earlier)
        context = {
            "organization": organization,
            "rows": rows,
            "can_fill": can_fill,
            "can_review": user.has_perm(qualified(REVIEW), organization),
            "form": form if can_fill else None,
            "carry_rule": CARRY_RULE,
        }
        return render(self.request, "csf/assessments/list.html", context, status=status)


def _started_message(assessment) -> str:
    if assessment.origin == assessment.Origin.COPIED:
        return (
            f"The {assessment.year} assessment starts from the answers of "
            f"{assessment.copied_from.year}. Each copied answer is marked to review: check it "
            "and save its category."
        )
    if assessment.origin == assessment.Origin.CROSSWALK:
        return (
            f"The {assessment.year} assessment carries the answers of the "
            f"{assessment.copied_from.year} CSF 1.1 assessment into CSF 2.0. Review each "
            "carried answer and answer the subcategories marked new."
        )
    return f"The {assessment.year} assessment is started. Answer it one category at a time."


class MaturityScaleView(ScopedView):
    """The scale everyone assessing sees; the organization's administrators reword it."""

    access_function = organization_get_for_user
    permission = VIEW
    write_permission = REVIEW

    def get(self, request, pk):
        return self._render()

    def post(self, request, pk):
        organization = self.scoped_object
        form = MaturityScaleForm(request.POST, levels=maturity_scale(organization))
        if form.is_valid():
            try:
                csf_maturity_labels_save(
                    actor=request.user, organization=organization, labels=form.labels()
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, "The maturity scale is saved.")
                return redirect("csf:maturity_scale", pk=pk)
        return self._render(form, status=400)

    def _render(self, form=None, status: int = 200):
        organization = self.scoped_object
        levels = maturity_scale(organization)
        can_review = self.request.user.has_perm(qualified(REVIEW), organization)
        if can_review and form is None:
            form = MaturityScaleForm(levels=levels)
        context = {
            "organization": organization,
            "levels": levels,
            "customized": customized_levels(organization),
            "form": form if can_review else None,
        }
        return render(self.request, "csf/assessments/maturity_scale.html", context, status=status)
