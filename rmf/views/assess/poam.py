"""Step 4, Assess (A-6): the cycle's plan of action and milestones. The system team generates
an item for each finding not closed, names who answers for it, what it needs and when it will
be done, and tracks its milestones."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path

from assets.roles import EDIT_RMF, VIEW
from assets.selectors import user_can
from rmf.models import PoamItem
from rmf.selectors.assessment import (
    initial_assessment,
    poam_item_get_for_user,
    poam_item_list,
    poam_milestone_get_for_user,
)
from rmf.selectors.assessment_pages import cycle_open
from rmf.selectors.workflow import cycle_facts
from rmf.services.assessment import (
    PoamItemConflict,
    poam_item_update,
    poam_items_generate,
    poam_milestone_add,
    poam_milestone_complete,
    poam_milestone_remove,
)
from rmf.views.assess.forms import MilestoneCompleteForm, MilestoneForm, PoamItemForm
from rmf.views.workflow import CycleView, RmfView, permissions_on, show_error

POAM_FIELDS = [
    ("point_of_contact", "Point of contact"),
    ("resources", "Resources required"),
    ("scheduled_completion", "Scheduled completion"),
    ("status", "Status"),
]


def overdue(milestone, today: date) -> bool:
    return milestone.completed_on is None and milestone.due_on < today


class PoamView(CycleView):
    def get(self, request, pk):
        authorization = self.scoped_object
        facts = cycle_facts(authorization)
        today = date.today()
        items = poam_item_list(authorization)
        for item in items:
            item.overdue = [m for m in item.milestones.all() if overdue(m, today)]
        summary = facts.assessment
        context = {
            "authorization": authorization,
            "system": authorization.system,
            "assessment": initial_assessment(authorization),
            "summary": summary,
            "items": items,
            "today": today,
            "is_open": facts.is_open,
            **permissions_on(request.user, authorization.system),
        }
        return render(request, "rmf/assess/poam.html", context)


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
        item = self.scoped_object
        authorization = item.authorization
        can_edit = user_can(self.request.user, EDIT_RMF, authorization.system)
        today = date.today()
        milestones = list(item.milestones.all())
        for milestone in milestones:
            milestone.overdue = overdue(milestone, today)
        editable = (
            can_edit
            and cycle_open(authorization)
            and item.status in (PoamItem.Status.OPEN, PoamItem.Status.ONGOING)
        )
        context = {
            "item": item,
            "authorization": authorization,
            "system": authorization.system,
            "milestones": milestones,
            "editable": editable,
            "item_form": forms.get("item_form")
            or PoamItemForm(initial=PoamItemForm.initial_for(item)),
            "milestone_form": forms.get("milestone_form") or MilestoneForm(),
            "complete_form": MilestoneCompleteForm(),
            "conflict": conflict,
            "today": today,
        }
        return render(self.request, "rmf/assess/poam_item.html", context, status=status)


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
    path(
        "authorizations/<int:pk>/poam/generate/", PoamGenerateView.as_view(), name="poam_generate"
    ),
    path("poam-items/<int:pk>/", PoamItemView.as_view(), name="poam_item"),
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
