"""The cycle's plan of action and milestones, from the Assess step (A-6) through Monitor: the
list with its filters and overdue items flagged, items added by hand, an item's page with its
plan, milestones and history, and the actions that settle it: the authorizing official accepts
the risk, the system team completes it with evidence, an assigned assessor re-checks it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone

from assets.roles import ASSESS, AUTHORIZE, EDIT_RMF, VIEW
from rmf.models import STEP_ORDER, PoamItem, SelectedControl, Step
from rmf.selectors.assessment import (
    is_assigned_assessor,
    poam_item_get_for_user,
    poam_milestone_get_for_user,
)
from rmf.selectors.assessment_facts import assessment_summaries_bulk
from rmf.selectors.assessment_pages import cycle_open
from rmf.selectors.implementation import evidence_library
from rmf.selectors.poam_lists import (
    cycle_poam_counts,
    cycle_poam_items,
    poam_item_detail,
    poam_item_history,
)
from rmf.services.assessment import (
    PoamItemConflict,
    poam_item_update,
    poam_items_generate,
    poam_milestone_add,
    poam_milestone_complete,
    poam_milestone_remove,
)
from rmf.services.assessment.poam import EDITABLE
from rmf.services.poam_management import (
    ACTIVE,
    poam_item_accept_risk,
    poam_item_add,
    poam_item_complete_with_evidence,
    poam_item_recheck,
)
from rmf.views.assess.forms import MilestoneCompleteForm, MilestoneForm, PoamItemForm
from rmf.views.assess.poam_forms import (
    AcceptRiskForm,
    CompleteForm,
    PoamFilterForm,
    PoamItemAddForm,
    RecheckForm,
)
from rmf.views.workflow import CycleView, RmfView, permissions_on, show_error

POAM_FIELDS = [
    ("point_of_contact", "Point of contact"),
    ("resources", "Resources required"),
    ("scheduled_completion", "Scheduled completion"),
    ("status", "Status"),
]


def overdue(milestone, today) -> bool:
    return milestone.completed_on is None and milestone.due_on < today


def nav_step(authorization) -> str:
    return "monitor" if authorization.step == Step.MONITOR else "assess"


def cycle_controls(authorization):
    return (
        SelectedControl.objects.filter(authorization=authorization, tailoring__in=ACTIVE)
        .select_related("control")
        .order_by("control__sort_key")
    )


def render_poam(request, authorization, status: int = 200, add_form=None):
    # The assessment's summary alone, not the cycle's facts: the list needs no package.
    summary = assessment_summaries_bulk([authorization])[authorization.pk]
    is_open = cycle_open(authorization)
    today = timezone.localdate()
    filter_form = PoamFilterForm(request.GET)
    filters = filter_form.filters()
    items = cycle_poam_items(authorization, filters, today)
    for item in items:
        item.overdue = [m for m in item.milestones.all() if overdue(m, today)]
    permissions = permissions_on(request.user, authorization.system)
    can_add = (
        permissions["can_edit"]
        and is_open
        and STEP_ORDER.index(authorization.step) >= STEP_ORDER.index(Step.ASSESS)
    )
    context = {
        "authorization": authorization,
        "system": authorization.system,
        "assessment": summary.assessment,
        "summary": summary,
        "items": items,
        "counts": cycle_poam_counts(authorization, today),
        "filter_form": filter_form,
        "filters": filters,
        "today": today,
        "is_open": is_open,
        "nav_step": nav_step(authorization),
        "add_form": (add_form or PoamItemAddForm(controls=cycle_controls(authorization)))
        if can_add
        else None,
        **permissions,
    }
    return render(request, "rmf/assess/poam.html", context, status=status)


class PoamView(CycleView):
    def get(self, request, pk):
        return render_poam(request, self.scoped_object)


class PoamItemAddView(CycleView):
    permission = EDIT_RMF
    http_method_names = ["post"]

    def post(self, request, pk):
        authorization = self.scoped_object
        form = PoamItemAddForm(request.POST, controls=cycle_controls(authorization))
        if form.is_valid():
            try:
                item = poam_item_add(
                    actor=request.user, authorization=authorization, **form.cleaned_data
                )
            except ValidationError as error:
                if not show_error(request, form, error):
                    return redirect("rmf:poam", pk=pk)
            else:
                messages.success(request, f"{item.code} is added to the POA&M.")
                return redirect("rmf:poam_item", pk=item.pk)
        return render_poam(request, authorization, status=400, add_form=form)


class PoamGenerateView(CycleView):
    permission = EDIT_RMF
    http_method_names = ["post"]

    def post(self, request, pk):
        try:
            count = poam_items_generate(actor=request.user, authorization=self.scoped_object)
        except ValidationError as error:
            show_error(request, None, error)
        else:
            if count:
                messages.success(request, f"{count} POA&M item(s) were created from the findings.")
            else:
                messages.info(request, "Every finding not closed already has its POA&M item.")
        return redirect("rmf:poam", pk=pk)


class PoamItemView(RmfView):
    access_function = poam_item_get_for_user
    permission = VIEW
    write_permission = EDIT_RMF

    def get(self, request, pk):
        return self.render_item()

    def post(self, request, pk):
        item = self.scoped_object
        form = PoamItemForm(request.POST)
        if form.is_valid():
            try:
                poam_item_update(actor=request.user, item=item, **form.cleaned_data)
            except PoamItemConflict as conflict:
                return self._conflict(form, conflict)
            except ValidationError as error:
                if not show_error(request, form, error):
                    return redirect("rmf:poam_item", pk=pk)
            else:
                messages.success(request, f"{item.code} is saved.")
                return redirect("rmf:poam_item", pk=pk)
        return self.render_item(status=400, item_form=form)

    def _conflict(self, form, conflict: PoamItemConflict):
        statuses = dict(PoamItem.Status.choices)

        def shown(name, value):
            if name == "status":
                return statuses.get(value, value or "—")
            return str(value) if value not in (None, "") else "—"

        rows = [
            (label, shown(name, conflict.current.get(name)), shown(name, form.cleaned_data[name]))
            for name, label in POAM_FIELDS
            if shown(name, conflict.current.get(name)) != shown(name, form.cleaned_data[name])
        ]
        data = self.request.POST.copy()
        data["expected_version"] = str(conflict.current_version)
        return self.render_item(
            status=409,
            item_form=PoamItemForm(data),
            conflict={"message": str(conflict), "rows": rows},
        )

    def render_item(self, status: int = 200, conflict=None, **forms):
        user = self.request.user
        today = timezone.localdate()
        item = poam_item_detail(self.scoped_object, today)
        authorization = item.authorization
        system = authorization.system
        milestones = list(item.milestones.all())
        for milestone in milestones:
            milestone.overdue = overdue(milestone, today)
        permissions = permissions_on(user, system)
        assessor = is_assigned_assessor(user, authorization)
        settleable = cycle_open(authorization) and item.status in EDITABLE
        editable = permissions["can_edit"] and settleable
        version = {"expected_version": item.version}
        history = poam_item_history(item)
        context = {
            "item": item,
            "authorization": authorization,
            "system": system,
            "milestones": milestones,
            "editable": editable,
            "item_form": forms.get("item_form")
            or PoamItemForm(initial=PoamItemForm.initial_for(item)),
            "milestone_form": forms.get("milestone_form") or MilestoneForm(),
            "conflict": conflict,
            "today": today,
            "nav_step": nav_step(authorization),
            "history": history,
            "last_recheck": next(
                (entry for entry in history if entry.what.startswith("Re-checked")), None
            ),
            "accept_form": None,
            "complete_form": None,
            "recheck_form": None,
        }
        if settleable and permissions["can_authorize"]:
            context["accept_form"] = forms.get("accept_form") or AcceptRiskForm(initial=version)
            context["accept_too_early"] = STEP_ORDER.index(authorization.step) < STEP_ORDER.index(
                Step.AUTHORIZE
            )
        if editable and not assessor:
            open_milestones = sum(1 for milestone in milestones if not milestone.completed_on)
            context["complete_form"] = forms.get("complete_form") or CompleteForm(
                initial=version,
                evidence=evidence_library(user, system.organization),
                open_milestones=open_milestones,
            )
        if settleable and assessor:
            context["recheck_form"] = forms.get("recheck_form") or RecheckForm(initial=version)
        return render(self.request, "rmf/assess/poam_item.html", context, status=status)


class PoamItemActionView(PoamItemView):
    """A POST that settles the item: its form re-rendered with the service's messages next to
    the fields, or a message when the refusal is not about a field."""

    write_permission = None
    http_method_names = ["post"]
    form_name: str
    done: str

    def make_form(self, data):
        raise NotImplementedError

    def act(self, item, data: dict):
        raise NotImplementedError

    def post(self, request, pk):
        item = self.scoped_object
        form = self.make_form(request.POST)
        if form.is_valid():
            try:
                self.act(item, form.cleaned_data)
            except PoamItemConflict as conflict:
                messages.error(request, str(conflict))
                return redirect("rmf:poam_item", pk=pk)
            except ValidationError as error:
                if not show_error(request, form, error):
                    return redirect("rmf:poam_item", pk=pk)
            else:
                messages.success(request, self.done.format(code=item.code))
                return redirect("rmf:poam_item", pk=pk)
        return self.render_item(status=400, **{self.form_name: form})


class PoamItemAcceptRiskView(PoamItemActionView):
    permission = AUTHORIZE
    form_name = "accept_form"
    done = "The risk of {code} is accepted."

    def make_form(self, data):
        return AcceptRiskForm(data)

    def act(self, item, data):
        poam_item_accept_risk(actor=self.request.user, item=item, **data)


class PoamItemCompleteView(PoamItemActionView):
    permission = EDIT_RMF
    form_name = "complete_form"
    done = "{code} is completed."

    def make_form(self, data):
        item = self.scoped_object
        open_milestones = item.milestones.filter(completed_on__isnull=True).count()
        return CompleteForm(
            data,
            evidence=evidence_library(self.request.user, item.authorization.system.organization),
            open_milestones=open_milestones,
        )

    def act(self, item, data):
        poam_item_complete_with_evidence(
            actor=self.request.user,
            item=item,
            evidence=list(data["evidence"]),
            note=data["note"],
            milestones_explained=data.get("milestones_explained", False),
            expected_version=data["expected_version"],
        )


class PoamItemRecheckView(PoamItemActionView):
    permission = ASSESS
    form_name = "recheck_form"
    done = "Your re-check of {code} is recorded."

    def make_form(self, data):
        return RecheckForm(data)

    def act(self, item, data):
        poam_item_recheck(actor=self.request.user, item=item, **data)


class PoamMilestoneAddView(PoamItemView):
    permission = EDIT_RMF
    write_permission = None
    http_method_names = ["post"]

    def post(self, request, pk):
        item = self.scoped_object
        form = MilestoneForm(request.POST)
        if form.is_valid():
            try:
                poam_milestone_add(actor=request.user, item=item, **form.cleaned_data)
            except ValidationError as error:
                if not show_error(request, form, error):
                    return redirect("rmf:poam_item", pk=pk)
            else:
                messages.success(request, f"The milestone is added to {item.code}.")
                return redirect("rmf:poam_item", pk=pk)
        return self.render_item(status=400, milestone_form=form)


class MilestoneView(RmfView):
    access_function = poam_milestone_get_for_user
    permission = EDIT_RMF
    http_method_names = ["post"]


class PoamMilestoneCompleteView(MilestoneView):
    def post(self, request, pk):
        milestone = self.scoped_object
        form = MilestoneCompleteForm(request.POST)
        if form.is_valid():
            try:
                poam_milestone_complete(
                    actor=request.user,
                    milestone=milestone,
                    completed_on=form.cleaned_data["completed_on"],
                )
            except ValidationError as error:
                show_error(request, None, error)
            else:
                messages.success(request, f"“{milestone.description}” is completed.")
        else:
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
        return redirect("rmf:poam_item", pk=milestone.item_id)


class PoamMilestoneRemoveView(MilestoneView):
    def post(self, request, pk):
        milestone = self.scoped_object
        try:
            poam_milestone_remove(actor=request.user, milestone=milestone)
        except ValidationError as error:
            show_error(request, None, error)
        else:
            messages.success(request, f"“{milestone.description}” is removed.")
        return redirect("rmf:poam_item", pk=milestone.item_id)


urlpatterns = [
    path("authorizations/<int:pk>/poam/", PoamView.as_view(), name="poam"),
    path("authorizations/<int:pk>/poam/add/", PoamItemAddView.as_view(), name="poam_item_add"),
    path(
        "authorizations/<int:pk>/poam/generate/", PoamGenerateView.as_view(), name="poam_generate"
    ),
    path("poam-items/<int:pk>/", PoamItemView.as_view(), name="poam_item"),
    path(
        "poam-items/<int:pk>/accept-risk/",
        PoamItemAcceptRiskView.as_view(),
        name="poam_item_accept_risk",
    ),
    path(
        "poam-items/<int:pk>/complete/", PoamItemCompleteView.as_view(), name="poam_item_complete"
    ),
    path("poam-items/<int:pk>/recheck/", PoamItemRecheckView.as_view(), name="poam_item_recheck"),
    path(
        "poam-items/<int:pk>/milestones/",
        PoamMilestoneAddView.as_view(),
        name="poam_milestone_add",
    ),
    path(
        "poam-milestones/<int:pk>/complete/",
        PoamMilestoneCompleteView.as_view(),
        name="poam_milestone_complete",
    ),
    path(
        "poam-milestones/<int:pk>/remove/",
        PoamMilestoneRemoveView.as_view(),
        name="poam_milestone_remove",
    ),
]
