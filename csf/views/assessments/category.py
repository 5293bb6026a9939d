"""The form of one category of a CSF assessment, made for planners: each subcategory's outcome,
its implementation examples (CSF 2.0), the controls NIST maps to it and how the organization's
RMF work covers them, the maturity scale in plain words, a comment and evidence.

Saving keeps everything typed: a refused save shows the page again with every answer as it was
typed and the error next to its subcategory, and nothing is written (the service saves all or
nothing). Answers of the other categories are never touched."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from assets.roles import VIEW, qualified
from assets.selectors import system_list_for_user
from csf.selectors.access import FILL, csf_assessment_get_for_user
from csf.selectors.assessments import category_page, maturity_scale
from csf.selectors.coverage import organization_subcategory_hints
from csf.services.assessments import csf_answers_save
from csf.views.assessments.forms import AnswerForm
from workbench.views_access import ScopedView

SAVE_AND_NEXT = "next"


def _initial(answer) -> dict:
    if answer is None:
        return {}
    return {"score": answer.score, "comment": answer.comment, "evidence": answer.evidence}


def _radios(form: AnswerForm, scale) -> list[dict]:
    """The scale's levels as radio buttons with their descriptions, the typed or saved one
    checked."""
    value = form["score"].value()
    chosen = "" if value in (None, "") else str(value)
    prefix = form["score"].auto_id
    radios = [
        {
            "id": f"{prefix}_{level.level}",
            "value": str(level.level),
            "label": level.label,
            "description": level.description,
            "checked": chosen == str(level.level),
        }
        for level in scale
    ]
    radios.append(
        {
            "id": f"{prefix}_none",
            "value": "",
            "label": "Not scored yet",
            "description": "Keep the comment and evidence, and score it later.",
            "checked": chosen == "",
        }
    )
    return radios


class CategoryView(ScopedView):
    access_function = csf_assessment_get_for_user
    permission = VIEW
    write_permission = FILL

    def get(self, request, pk, identifier):
        return self._render(identifier)

    def post(self, request, pk, identifier):
        assessment = self.scoped_object
        page = category_page(assessment, identifier)
        forms = {
            line.identifier: AnswerForm(request.POST, subcategory=line.identifier)
            for line in page.subcategories
        }
        page_errors: list[str] = []
        valid = [form.is_valid() for form in forms.values()]  # every form, for its errors
        if all(valid):
            try:
                saved = csf_answers_save(
                    actor=request.user,
                    assessment=assessment,
                    answers=[form.answer() for form in forms.values()],
                    category=page.category.identifier,
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for key, errors in error.message_dict.items():
                        if key in forms:
                            forms[key].add_error(None, errors)
                        else:
                            page_errors.extend(errors)
                else:
                    page_errors.extend(error.messages)
            else:
                scored = sum(1 for answer in saved if answer.score is not None)
                messages.success(
                    request,
                    f"{page.category.identifier} is saved: {scored} of "
                    f"{len(page.subcategories)} subcategories scored.",
                )
                if request.POST.get("then") == SAVE_AND_NEXT:
                    if page.next:
                        return redirect("csf:assessment_category", pk=pk, identifier=page.next)
                    return redirect("csf:assessment", pk=pk)
                return redirect("csf:assessment_category", pk=pk, identifier=identifier)
        return self._render(identifier, forms=forms, page_errors=page_errors, status=400)

    def _render(self, identifier, *, forms=None, page_errors=(), status: int = 200):
        assessment = self.scoped_object
        organization = assessment.organization
        user = self.request.user
        hints = organization_subcategory_hints(
            organization, assessment.framework, systems_queryset=system_list_for_user(user)
        )
        page = category_page(assessment, identifier, hints=hints)
        scale = maturity_scale(organization)
        can_fill = assessment.editable and user.has_perm(qualified(FILL), organization)
        for line in page.subcategories:
            if can_fill:
                line.form = (forms or {}).get(line.identifier) or AnswerForm(
                    initial=_initial(line.answer), subcategory=line.identifier
                )
                line.radios = _radios(line.form, scale)
        context = {
            "assessment": assessment,
            "organization": organization,
            "page": page,
            "scale": scale,
            "can_fill": can_fill,
            "page_errors": list(page_errors),
            "has_errors": bool(page_errors)
            or any(line.form.errors for line in page.subcategories if can_fill),
        }
        return render(self.request, "csf/assessments/category.html", context, status=status)
