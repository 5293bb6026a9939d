"""Step 4, Assess (A-3): the assessment worklist of the controls in scope, and one control's
page where its assigned assessor records a determination for each SP 800-53A objective."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import path

from assets.roles import ASSESS, VIEW
from rmf.models import Step
from rmf.selectors.assessment import (
    assessment_get_for_user,
    assessment_progress,
    assessment_worklist,
    is_assigned_assessor,
)
from rmf.selectors.assessment_pages import (
    control_assessment,
    control_in_scope_get,
    cycle_open,
)
from rmf.services.assessment import DeterminationConflict, control_determinations_save
from rmf.views.assess.forms import (
    DeterminationForm,
    WorklistFilterForm,
    determination_values,
    fingerprint,
)
from rmf.views.assess.plan import reached
from rmf.views.workflow import RmfView, show_error


class AssessmentView(RmfView):
    access_function = assessment_get_for_user
    permission = VIEW

    def can_determine(self) -> tuple[bool, str]:
        """Whether this user records determinations now, and if not, why (for the notice)."""
        assessment = self.scoped_object
        authorization = assessment.authorization
        if not is_assigned_assessor(self.request.user, authorization):
            return False, ""
        if not cycle_open(authorization):
            return False, "This cycle is kept read-only."
        if not reached(authorization, Step.ASSESS):
            return False, "Determinations are recorded from the Assess step on."
        if not assessment.plan_approved:
            return False, (
                "The authorizing official approves the assessment plan before determinations "
                "are recorded."
            )
        return True, ""


class AssessmentControlsView(AssessmentView):
    """The worklist: every control in scope with its progress and derived result."""

    def get(self, request, pk):
        assessment = self.scoped_object
        authorization = assessment.authorization
        filter_form = WorklistFilterForm(request.GET)
        filters = filter_form.filters()
        rows = assessment_worklist(assessment, **filters)
        context = {
            "assessment": assessment,
            "authorization": authorization,
            "system": authorization.system,
            "filter_form": filter_form,
            "filtered": any(filters.values()),
            "rows": rows,
            # Unfiltered, the rows are the whole scope: progress needs no second read.
            "progress": assessment_progress(assessment, None if any(filters.values()) else rows),
        }
        return render(request, "rmf/assess/controls.html", context)


class ControlAssessmentView(AssessmentView):
    """One control: its statement and the system's narratives to read, the SP 800-53A methods
    and objects, and a row per leaf objective saved all at once."""

    write_permission = ASSESS

    def get(self, request, pk, selected_pk):
        selected = control_in_scope_get(self.scoped_object, selected_pk)
        return self._render(control_assessment(self.scoped_object, selected))

    def post(self, request, pk, selected_pk):
        assessment = self.scoped_object
        selected = control_in_scope_get(assessment, selected_pk)
        page = control_assessment(assessment, selected)
        forms = [
            DeterminationForm(request.POST, objective=row.part, determination=row.determination)
            for row in page.objectives
        ]
        if not all(form.is_valid() for form in forms):
            messages.error(request, "Some rows have values that are not offered: check them.")
            return self._render(page, forms=forms, status=400)
        entries = [form.entry() for form in forms if form.changed()]
        go_next = "next" in request.POST and page.next_control is not None
        if entries:
            try:
                control_determinations_save(
                    actor=request.user,
                    assessment=assessment,
                    selected_control=selected,
                    entries=entries,
                )
            except DeterminationConflict as conflict:
                fresh = control_assessment(assessment, selected)
                return self._render(
                    fresh,
                    forms=self._after_conflict(fresh, forms),
                    conflicts={item.objective_id: item for item in conflict.conflicts},
                    message=str(conflict),
                    status=409,
                )
            except ValidationError as error:
                self._place_errors(forms, error)
                return self._render(page, forms=forms, status=400)
            messages.success(
                request, f"{len(entries)} determination(s) of {selected.control.label} saved."
            )
        elif not go_next:
            messages.info(request, "Nothing changed: no determination was saved.")
        if go_next:
            return redirect("rmf:control_assessment", pk=pk, selected_pk=page.next_control.pk)
        return redirect("rmf:control_assessment", pk=pk, selected_pk=selected.pk)

    def _place_errors(self, forms: list[DeterminationForm], error: ValidationError) -> None:
        """The service's refusals next to the objectives they name; the others as messages."""
        by_objective = {form.objective.pk: form for form in forms}
        unplaced = error
        if hasattr(error, "error_dict"):
            rest = {}
            for key, problems in error.message_dict.items():
                if key in by_objective:
                    by_objective[key].add_error(None, problems)
                else:
                    rest[key] = problems
            unplaced = ValidationError(rest) if rest else None
            messages.error(self.request, "Nothing was saved: correct the objectives marked below.")
        if unplaced is not None:
            show_error(self.request, None, unplaced)

    @staticmethod
    def _after_conflict(fresh, posted: list[DeterminationForm]) -> list[DeterminationForm]:
        """The rows again after a conflict: those the assessor changed keep their values and now
        stand on the saved version (saving again replaces it deliberately); the others show
        the saved values."""
        by_objective = {form.objective.pk: form for form in posted}
        forms = []
        for row in fresh.objectives:
            form = by_objective.get(row.part.pk)
            if form is None or not form.changed():
                forms.append(
                    DeterminationForm(
                        objective=row.part,
                        determination=row.determination,
                        default_methods=fresh.assessment.methods,
                    )
                )
                continue
            data = QueryDict(mutable=True)
            for name, value in (
                ("result", form.cleaned_data["result"]),
                ("evidence_examined", form.cleaned_data["evidence_examined"]),
                ("note", form.cleaned_data["note"]),
                ("expected_version", row.determination.version if row.determination else 0),
                ("shown", fingerprint(determination_values(row.determination))),
            ):
                data[form.add_prefix(name)] = value
            data.setlist(form.add_prefix("methods"), form.cleaned_data["methods"])
            bound = DeterminationForm(data, objective=row.part, determination=row.determination)
            bound.is_valid()
            forms.append(bound)
        return forms

    def _render(self, page, forms=None, conflicts=None, message="", status=200):
        assessment = self.scoped_object
        authorization = assessment.authorization
        editable, why_not = self.can_determine()
        if editable and forms is None:
            forms = [
                DeterminationForm(
                    objective=row.part,
                    determination=row.determination,
                    default_methods=assessment.methods,
                )
                for row in page.objectives
            ]
        rows = [
            (row, forms[index] if editable else None, (conflicts or {}).get(row.part.pk))
            for index, row in enumerate(page.objectives)
        ]
        context = {
            "assessment": assessment,
            "authorization": authorization,
            "system": authorization.system,
            "page": page,
            "control": page.control,
            "selected": page.selected_control,
            "rows": rows,
            "editable": editable,
            "why_not": why_not,
            "conflict_message": message,
        }
        return render(self.request, "rmf/assess/control.html", context, status=status)


urlpatterns = [
    path(
        "assessments/<int:pk>/controls/",
        AssessmentControlsView.as_view(),
        name="assessment_controls",
    ),
    path(
        "assessments/<int:pk>/controls/<int:selected_pk>/",
        ControlAssessmentView.as_view(),
        name="control_assessment",
    ),
]
