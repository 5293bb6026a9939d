"""Step 4, Assess: the overview of a cycle's assessment (assessors, plan, progress, tasks A-1 to
A-6, findings and POA&M summaries), assigning assessors (A-1), the plan (A-2) and its
approval."""

from collections import Counter
from datetime import date

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path

from assets.roles import ASSESS, AUTHORIZE
from rmf.models import STEP_ORDER, AssessmentMethod, AssessorAssignment, RiskScale, Step
from rmf.selectors.assessment import (
    assessment_get_for_user,
    assessment_progress,
    assessor_candidates,
    finding_list,
    initial_assessment,
    is_assigned_assessor,
    poam_item_list,
)
from rmf.selectors.assessment_pages import (
    active_controls,
    assessment_objects_hint,
    cycle_open,
)
from rmf.selectors.workflow import cycle_facts, tasks_of_step
from rmf.services.assessment import (
    PlanConflict,
    assessment_plan_approve,
    assessment_plan_save,
    assessor_assign,
    assessor_unassign,
)
from rmf.views.assess.forms import (
    PLAN_FIELD_NAMES,
    AssessmentPlanForm,
    AssessorAssignForm,
    AssessorUnassignForm,
    PlanApproveForm,
    rename_error_fields,
)
from rmf.views.workflow import CycleView, RmfView, permissions_on, show_error

User = get_user_model()


def reached(authorization, step: str) -> bool:
    return STEP_ORDER.index(authorization.step) >= STEP_ORDER.index(step)


def _candidate_form(candidates, data=None) -> AssessorAssignForm:
    """The people who may be picked: not yet assigned; those separation of duties excludes are
    listed with the reason, and the service refuses them with its message."""
    open_candidates = [candidate for candidate in candidates if not candidate.assigned]
    return AssessorAssignForm(
        data,
        candidates=User.objects.filter(pk__in=[c.user.pk for c in open_candidates]).order_by(
            "username"
        ),
        marks={
            candidate.user.pk: "not eligible: " + "; ".join(candidate.problems)
            for candidate in open_candidates
            if candidate.problems
        },
    )


def render_assess(request, authorization, status: int = 200, **forms):
    facts = cycle_facts(authorization)
    system = authorization.system
    summary = facts.assessment
    assessment = summary.assessment
    permissions = permissions_on(request.user, system)
    candidates = assessor_candidates(authorization) if permissions["can_authorize"] else []
    findings = finding_list(assessment) if assessment else []
    poam_items = poam_item_list(authorization)
    by_risk = Counter(finding.risk_level for finding in findings)
    today = date.today()
    context = {
        "authorization": authorization,
        "system": system,
        "facts": facts,
        "summary": summary,
        "assessment": assessment,
        "tasks": tasks_of_step(facts, Step.ASSESS),
        "progress": assessment_progress(assessment) if assessment else None,
        "findings": findings,
        "findings_by_status": Counter(finding.status for finding in findings),
        "findings_by_risk": [
            (label.lower(), by_risk[level])
            for level, label in reversed(RiskScale.choices)
            if by_risk[level]
        ],
        "findings_unrated": by_risk[""],
        "poam_items": poam_items,
        "overdue_milestones": sum(
            1
            for item in poam_items
            for milestone in item.milestones.all()
            if milestone.completed_on is None and milestone.due_on < today
        ),
        "is_open": facts.is_open,
        "from_implement": reached(authorization, Step.IMPLEMENT),
        "is_assessor": is_assigned_assessor(request.user, authorization),
        "assign_form": forms.get("assign") or _candidate_form(candidates),
        "unassign_form": forms.get("unassign") or AssessorUnassignForm(),
        "unassign_for": forms.get("unassign_for"),
        "approve_form": forms.get("approve") or PlanApproveForm(),
        "methods": dict(AssessmentMethod.choices),
        **permissions,
    }
    return render(request, "rmf/assess/overview.html", context, status=status)


class AssessView(CycleView):
    def get(self, request, pk):
        return render_assess(request, self.scoped_object)


# --- assessors (A-1) ------------------------------------------------------------------------


class AssessorAssignView(CycleView):
    permission = AUTHORIZE
    http_method_names = ["post"]

    def post(self, request, pk):
        authorization = self.scoped_object
        form = _candidate_form(assessor_candidates(authorization), request.POST)
        if form.is_valid():
            assessor = form.cleaned_data["assessor"]
            try:
                assessor_assign(
                    actor=request.user,
                    authorization=authorization,
                    assessor=assessor,
                    is_lead=form.cleaned_data["is_lead"],
                )
            except ValidationError as error:
                if not show_error(request, form, error):
                    return redirect("rmf:assess", pk=pk)
            else:
                name = assessor.get_full_name() or assessor.username
                messages.success(request, f"{name} is assigned to assess {authorization.system}.")
                return redirect("rmf:assess", pk=pk)
        return render_assess(request, authorization, 400, assign=form)


class AssessorUnassignView(CycleView):
    permission = AUTHORIZE
    http_method_names = ["post"]

    def post(self, request, pk, user_pk):
        authorization = self.scoped_object
        assignment = (
            AssessorAssignment.objects.filter(authorization=authorization, assessor=user_pk)
            .select_related("assessor")
            .first()
        )
        if assignment is None:
            raise Http404("No such assessor on this cycle.")
        assessor = assignment.assessor
        form = AssessorUnassignForm(request.POST)
        if form.is_valid():
            try:
                assessor_unassign(
                    actor=request.user,
                    authorization=authorization,
                    assessor=assessor,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                if show_error(request, form, error):
                    return render_assess(
                        request, authorization, 400, unassign=form, unassign_for=assessor.pk
                    )
            else:
                name = assessor.get_full_name() or assessor.username
                messages.success(request, f"{name} no longer assesses {authorization.system}.")
        return redirect("rmf:assess", pk=pk)


# --- the plan (A-2) -------------------------------------------------------------------------


PLAN_FIELDS = [
    ("title", "Title"),
    ("scope", "Controls in scope"),
    ("starts_on", "Starts on"),
    ("ends_on", "Ends on"),
    ("methods", "Methods"),
    ("assessment_objects", "Assessment objects"),
    ("rules_of_engagement", "Rules of engagement"),
]


class AssessmentPlanView(CycleView):
    """The plan: its form for the cycle's assigned assessors, read-only for everybody else."""

    write_permission = ASSESS

    def get(self, request, pk):
        return self._render(self._form())

    def post(self, request, pk):
        form = self._form(request.POST)
        if form.is_valid():
            try:
                assessment = assessment_plan_save(
                    actor=request.user,
                    authorization=self.scoped_object,
                    **form.service_arguments(),
                )
            except PlanConflict as conflict:
                return self._conflict(form, conflict)
            except ValidationError as error:
                if not show_error(request, form, rename_error_fields(error, PLAN_FIELD_NAMES)):
                    return self._render(form, status=400)
            else:
                note = ""
                if assessment.plan_approved_at is None and assessment.plan_version > 1:
                    note = " It needs the authorizing official's approval again."
                messages.success(request, f"The assessment plan is saved.{note}")
                return redirect("rmf:assess", pk=pk)
        return self._render(form, status=400)

    def _form(self, data=None):
        authorization = self.scoped_object
        self.assessment = initial_assessment(authorization)
        self.active = active_controls(authorization)
        initial = None
        if data is None:
            scoped = []
            if self.assessment is not None and not self.assessment.scope_all:
                scoped = list(self.assessment.scoped_controls.values_list("pk", flat=True))
            hint = ""
            if self.assessment is None or not self.assessment.assessment_objects:
                hint = assessment_objects_hint([selected.control_id for selected in self.active])
            initial = AssessmentPlanForm.initial_for(self.assessment, scoped, hint)
        return AssessmentPlanForm(data, initial=initial, active=self.active)

    def _conflict(self, form, conflict: PlanConflict):
        current = conflict.current
        yours = form.service_arguments()
        labels = {selected.pk: selected.control.label for selected in self.active}
        yours["scope"] = (
            "all active controls"
            if yours["scope_all"]
            else [labels[pk] for pk in yours["scoped_control_ids"] if pk in labels]
        )
        rows = [
            (label, _plan_value(current.get(name)), _plan_value(yours.get(name)))
            for name, label in PLAN_FIELDS
            if _plan_value(current.get(name)) != _plan_value(yours.get(name))
        ]
        data = self.request.POST.copy()
        data["expected_version"] = str(conflict.current_version)
        form = AssessmentPlanForm(data, active=self.active)
        form.is_valid()
        return self._render(form, status=409, conflict={"message": str(conflict), "rows": rows})

    def _render(self, form, status: int = 200, conflict=None):
        authorization = self.scoped_object
        editable = (
            cycle_open(authorization)
            and reached(authorization, Step.IMPLEMENT)
            and is_assigned_assessor(self.request.user, authorization)
        )
        context = {
            "authorization": authorization,
            "system": authorization.system,
            "assessment": self.assessment,
            "form": form,
            "editable": editable,
            "conflict": conflict,
            "methods": dict(AssessmentMethod.choices),
            "scoped": (
                list(self.assessment.scoped_controls.select_related("control"))
                if self.assessment is not None and not self.assessment.scope_all
                else []
            ),
        }
        return render(self.request, "rmf/assess/plan.html", context, status=status)


def _plan_value(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        labels = dict(AssessmentMethod.choices)
        return ", ".join(labels.get(item, str(item)) for item in value) or "—"
    return str(value)


class AssessmentPlanApproveView(RmfView):
    """The authorizing official approves a plan: the initial assessment's, back to the Assess
    page, or an ongoing assessment's (Monitor, M-2), back to the Monitor page."""

    access_function = assessment_get_for_user
    permission = AUTHORIZE
    http_method_names = ["post"]

    def post(self, request, pk):
        assessment = self.scoped_object
        form = PlanApproveForm(request.POST)
        form.is_valid()
        try:
            assessment_plan_approve(
                actor=request.user, assessment=assessment, note=form.cleaned_data.get("note", "")
            )
        except ValidationError as error:
            show_error(request, None, error)
        else:
            messages.success(request, f"The plan of “{assessment.title}” is approved.")
        back = "rmf:monitor" if assessment.kind == assessment.Kind.ONGOING else "rmf:assess"
        return redirect(back, pk=assessment.authorization_id)


urlpatterns = [
    path("authorizations/<int:pk>/assess/", AssessView.as_view(), name="assess"),
    path(
        "authorizations/<int:pk>/assess/assessors/",
        AssessorAssignView.as_view(),
        name="assessor_assign",
    ),
    path(
        "authorizations/<int:pk>/assess/assessors/<int:user_pk>/unassign/",
        AssessorUnassignView.as_view(),
        name="assessor_unassign",
    ),
    path(
        "authorizations/<int:pk>/assess/plan/",
        AssessmentPlanView.as_view(),
        name="assessment_plan",
    ),
    path(
        "assessments/<int:pk>/approve-plan/",
        AssessmentPlanApproveView.as_view(),
        name="assessment_plan_approve",
    ),
]
