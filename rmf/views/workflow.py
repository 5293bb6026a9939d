"""A system's RMF cycles and one cycle's page: the steps and their tasks, the gate, moving on
and back, the authorizing official's sign-offs, the history."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path

from assets.roles import AUTHORIZE, EDIT_RMF, TAILOR, VIEW
from assets.selectors import system_get_for_user, user_can
from rmf.forms import SignoffForm, StepBackForm, WithdrawForm
from rmf.models import STEP_ORDER, Authorization, Step
from rmf.selectors.pages import (
    cycle_history,
    earlier_steps,
    next_step,
    responsible_people,
    step_boxes,
    system_cycles,
)
from rmf.selectors.workflow import authorization_get_for_user, cycle_facts, gate_missing
from rmf.services.workflow import (
    authorization_advance,
    authorization_start,
    authorization_step_back,
    task_signoff,
    task_signoff_withdraw,
)
from rmf.tasks import TASKS, TASKS_BY_CODE, signoff_permission
from workbench.views_access import ScopedView

SIGNOFF_TASKS = [spec for spec in TASKS if spec.signoff_perm]


class RmfView(ScopedView):
    """The RMF pages' base: readers open the page with `permission`, and only
    `write_permission` holders post to it (the same 404 for everybody else)."""


class CycleView(RmfView):
    access_function = authorization_get_for_user
    permission = VIEW


def show_error(request, form, error: ValidationError) -> bool:
    """A service's refusal: next to the form's visible fields when it names one, as a message
    otherwise. True when the form now has something to show."""
    visible = {field.name for field in form.visible_fields()} if form is not None else set()
    placed = False
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            if name in visible:
                form.add_error(name, errors)
                placed = True
            else:
                for message in errors:
                    messages.error(request, message)
    else:
        for message in error.messages:
            messages.error(request, message)
    return placed


def permissions_on(user, system) -> dict[str, bool]:
    """Once per page, never per row."""
    return {
        "can_edit": user_can(user, EDIT_RMF, system),
        "can_tailor": user_can(user, TAILOR, system),
        "can_authorize": user_can(user, AUTHORIZE, system),
    }


# --- a system's cycles ----------------------------------------------------------------------


class SystemRmfView(ScopedView):
    access_function = system_get_for_user
    permission = VIEW

    def get(self, request, pk):
        system = self.scoped_object
        cycles = system_cycles(system)
        context = {
            "system": system,
            "current": next((cycle for cycle in cycles if cycle.is_current), None),
            "earlier": [cycle for cycle in cycles if not cycle.is_current],
            "can_edit": user_can(request.user, EDIT_RMF, system),
        }
        return render(request, "rmf/workflow/system_rmf.html", context)


class AuthorizationStartView(ScopedView):
    access_function = system_get_for_user
    permission = EDIT_RMF

    def post(self, request, pk):
        try:
            authorization = authorization_start(
                actor=request.user,
                system=self.scoped_object,
                reason=request.POST.get("reason", "")[:2000],
            )
        except ValidationError as error:
            show_error(request, None, error)
            return redirect("rmf:system_rmf", pk=pk)
        messages.success(request, f"Cycle {authorization.cycle} of the RMF has started.")
        return redirect("rmf:authorization_detail", pk=authorization.pk)


# --- one cycle ------------------------------------------------------------------------------


def render_cycle(request, authorization: Authorization, status: int = 200, **forms):
    facts = cycle_facts(authorization)
    system = authorization.system
    boxes = step_boxes(facts)
    states = {task.code: task for box in boxes for task in box.tasks}
    earlier = earlier_steps(authorization)
    reached = STEP_ORDER[: STEP_ORDER.index(authorization.step) + 1]
    # A sign-off is given in its step or later, and again when what it approved has changed.
    permissions = permissions_on(request.user, system)
    holds = {AUTHORIZE: permissions["can_authorize"], EDIT_RMF: permissions["can_edit"]}
    signoff_forms = {
        spec.code: SignoffForm(initial={"task": spec.code})
        for spec in SIGNOFF_TASKS
        if spec.step in reached and not states[spec.code].done and holds[spec.signoff_perm]
    }
    withdraw_forms = {
        code: forms.get(f"withdraw_{code}") or WithdrawForm(initial={"task": code})
        for code in facts.signoffs
        if code in TASKS_BY_CODE and holds[TASKS_BY_CODE[code].signoff_perm]
    }
    for box in boxes:
        for task in box.tasks:
            task.people = responsible_people(task.spec, system)
            task.signoff_form = signoff_forms.get(task.code)
            task.withdraw_form = withdraw_forms.get(task.code)
    context = {
        "authorization": authorization,
        "system": system,
        "facts": facts,
        "steps": boxes,
        "current_box": next(box for box in boxes if box.state == "current"),
        "gate": gate_missing(facts),
        "next_step": next_step(authorization),
        "step_back_form": forms.get("step_back")
        or (StepBackForm(earlier=earlier) if earlier else None),
        "history": cycle_history(authorization),
        "is_open": facts.is_open,
        "can_sign": permissions["can_authorize"] or permissions["can_edit"],
        **permissions,
    }
    return render(request, "rmf/workflow/authorization_detail.html", context, status=status)


class AuthorizationDetailView(CycleView):
    def get(self, request, pk):
        return render_cycle(request, self.scoped_object)


class AuthorizationAdvanceView(CycleView):
    permission = EDIT_RMF

    def post(self, request, pk):
        try:
            authorization = authorization_advance(
                actor=request.user, authorization=self.scoped_object
            )
        except ValidationError as error:
            show_error(request, None, error)
        else:
            messages.success(request, f"The cycle moved on to {Step(authorization.step).label}.")
        return redirect("rmf:authorization_detail", pk=pk)


class AuthorizationStepBackView(CycleView):
    permission = EDIT_RMF

    def post(self, request, pk):
        authorization = self.scoped_object
        form = StepBackForm(request.POST, earlier=earlier_steps(authorization))
        if form.is_valid():
            try:
                moved = authorization_step_back(
                    actor=request.user, authorization=authorization, **form.cleaned_data
                )
            except ValidationError as error:
                if show_error(request, form, error):
                    return render_cycle(request, authorization, 400, step_back=form)
            else:
                messages.success(request, f"The cycle went back to {Step(moved.step).label}.")
            return redirect("rmf:authorization_detail", pk=pk)
        return render_cycle(request, authorization, 400, step_back=form)


class SignoffPermissionMixin:
    """Sign-off views: posting needs the permission of the task posted (R-1 is the system
    team's, C-3 and S-6 the authorizing official's)."""

    def required_permission(self, request) -> str:
        if request.method == "POST":
            return signoff_permission(request.POST.get("task"))
        return super().required_permission(request)


class TaskSignoffView(SignoffPermissionMixin, CycleView):
    def post(self, request, pk):
        form = SignoffForm(request.POST)
        if form.is_valid():
            task = form.cleaned_data["task"]
            try:
                task_signoff(
                    actor=request.user,
                    authorization=self.scoped_object,
                    task=task,
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                show_error(request, None, error)
            else:
                messages.success(request, f"{task} is signed off.")
        else:
            messages.error(request, "Choose a task to sign off.")
        return redirect("rmf:authorization_detail", pk=pk)


class TaskSignoffWithdrawView(SignoffPermissionMixin, CycleView):
    def post(self, request, pk):
        form = WithdrawForm(request.POST)
        if form.is_valid():
            task = form.cleaned_data["task"]
            try:
                task_signoff_withdraw(
                    actor=request.user,
                    authorization=self.scoped_object,
                    task=task,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                if show_error(request, form, error):
                    forms = {f"withdraw_{task}": form}
                    return render_cycle(request, self.scoped_object, 400, **forms)
            else:
                messages.success(request, f"The sign-off of {task} was withdrawn.")
        else:
            messages.error(request, "Choose a sign-off to withdraw.")
        return redirect("rmf:authorization_detail", pk=pk)


urlpatterns = [
    path("systems/<int:pk>/rmf/", SystemRmfView.as_view(), name="system_rmf"),
    path(
        "systems/<int:pk>/rmf/start/", AuthorizationStartView.as_view(), name="authorization_start"
    ),
    path(
        "authorizations/<int:pk>/",
        AuthorizationDetailView.as_view(),
        name="authorization_detail",
    ),
    path(
        "authorizations/<int:pk>/advance/",
        AuthorizationAdvanceView.as_view(),
        name="authorization_advance",
    ),
    path(
        "authorizations/<int:pk>/step-back/",
        AuthorizationStepBackView.as_view(),
        name="authorization_step_back",
    ),
    path("authorizations/<int:pk>/sign-off/", TaskSignoffView.as_view(), name="task_signoff"),
    path(
        "authorizations/<int:pk>/sign-off/withdraw/",
        TaskSignoffWithdrawView.as_view(),
        name="task_signoff_withdraw",
    ),
]
