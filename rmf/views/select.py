"""Step 2, Select: the control set from the baseline(s), tailoring, allocation to providers and
monitoring frequencies (the ISSO's work), and the control list with its filters."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path

from assets.models import System
from assets.roles import EDIT_RMF, TAILOR, VIEW
from rmf.forms import (
    AllocateForm,
    ControlAddForm,
    ControlRemoveForm,
    FrequencyForm,
    RationaleForm,
    SelectedControlFilterForm,
    normalized_control_id,
    parameter_form,
)
from rmf.models import STEP_ORDER, SelectedControl, Step
from rmf.selectors.pages import (
    ControlFilters,
    baseline_sizes,
    control_parameter,
    control_parameters,
    missing_parameter_counts,
    organization_path_ids,
    parameter_defaults_for,
    selected_control_list,
    tailoring_deviations,
)
from rmf.selectors.workflow import cycle_facts, provider_choices, selected_control_get_for_user
from rmf.services.selection import (
    control_allocate,
    control_set_select,
    control_tailor_add,
    control_tailor_remove,
    control_tailoring_rationale_set,
    monitoring_frequency_set,
    parameter_value_set,
    parameter_values_effective,
)
from rmf.views.workflow import CycleView, RmfView, permissions_on, show_error

PAGE_SIZE = 100


class SelectView(CycleView):
    """The Select page; the action views below re-render it with their form's errors."""

    def get(self, request, pk):
        return self.render_page()

    def providers(self):
        # Common control providers are offered across the government (the city's IT general
        # support system serves every agency), including systems the user cannot open.
        return provider_choices(self.scoped_object)

    def render_page(self, status: int = 200, **forms):
        authorization = self.scoped_object
        facts = cycle_facts(authorization)
        context = {
            "authorization": authorization,
            "system": authorization.system,
            "facts": facts,
            "selection": facts.selection,
            "in_select_step": facts.is_open
            and STEP_ORDER.index(authorization.step) >= STEP_ORDER.index(Step.SELECT),
            "reselect": facts.selection.baselines
            and sorted(facts.selection.baselines) != sorted(facts.matching_baselines),
            "frozen": "S-6" in facts.signoffs,
            **permissions_on(self.request.user, authorization.system),
        }
        if not facts.selection.baselines:
            context["matching"] = facts.matching_baselines
            context["sizes"] = baseline_sizes()
            return render(self.request, "rmf/workflow/select.html", context, status=status)
        filter_form = SelectedControlFilterForm(self.request.GET)
        filters = ControlFilters(**filter_form.filters())
        missing = missing_parameter_counts(authorization)
        controls = selected_control_list(authorization, filters, missing)
        page = Paginator(controls, PAGE_SIZE).get_page(self.request.GET.get("page"))
        for selected in page.object_list:
            selected.missing_parameters = missing.get(selected.pk, 0)
        query = urlencode(
            [(key, value) for key, value in self.request.GET.items() if key != "page"]
        )
        allocate = forms.get("allocate") or AllocateForm(providers=self.providers())
        frequency = forms.get("frequency") or FrequencyForm()
        checked = set()
        for bound in (allocate, frequency):
            if bound.is_bound and bound.is_valid() is not None:  # cleaned_data even if invalid
                checked |= set(bound.cleaned_data.get("controls") or [])
        context.update(
            {
                "filter_form": filter_form,
                "filtered": any(value for key, value in self.request.GET.items() if key != "page"),
                "page_obj": page,
                "query": query,
                "deviations": tailoring_deviations(authorization),
                "add_form": forms.get("add") or ControlAddForm(),
                "remove_form": forms.get("remove") or ControlRemoveForm(),
                "allocate_form": allocate,
                "frequency_form": frequency,
                "checked": checked,
            }
        )
        return render(self.request, "rmf/workflow/select.html", context, status=status)


class SelectActionView(SelectView):
    http_method_names = ["post"]


class ControlSetSelectView(SelectActionView):
    permission = EDIT_RMF

    def post(self, request, pk):
        try:
            selection = control_set_select(actor=request.user, authorization=self.scoped_object)
        except ValidationError as error:
            show_error(request, None, error)
        else:
            messages.success(
                request, f"The control set was created from {' + '.join(selection.baselines)}."
            )
        return redirect("rmf:select", pk=pk)


class ControlAddView(SelectActionView):
    permission = TAILOR

    def post(self, request, pk):
        form = ControlAddForm(request.POST)
        if form.is_valid():
            try:
                selected = control_tailor_add(
                    actor=request.user,
                    authorization=self.scoped_object,
                    control_id=normalized_control_id(form.cleaned_data["control"]),
                    rationale=form.cleaned_data["rationale"],
                )
            except ValidationError as error:
                if not show_error(request, form, error):
                    return redirect("rmf:select", pk=pk)
            else:
                messages.success(request, f"{selected.control.label} is in the control set.")
                return redirect("rmf:select", pk=pk)
        return self.render_page(400, add=form)


class ControlRemoveView(SelectActionView):
    permission = TAILOR

    def post(self, request, pk):
        form = ControlRemoveForm(request.POST)
        if form.is_valid():
            text = form.cleaned_data["control"]
            selected = (
                SelectedControl.objects.filter(
                    authorization=self.scoped_object, control_id=normalized_control_id(text)
                )
                .select_related("authorization", "control")
                .first()
            )
            if selected is None:
                form.add_error("control", f"“{text}” is not in this system's control set.")
            else:
                try:
                    control_tailor_remove(
                        actor=request.user,
                        selected_control=selected,
                        kind=form.cleaned_data["kind"],
                        rationale=form.cleaned_data["rationale"],
                    )
                except ValidationError as error:
                    if not show_error(request, form, error):
                        return redirect("rmf:select", pk=pk)
                else:
                    messages.success(request, f"{selected.control.label} left the control set.")
                    return redirect("rmf:select", pk=pk)
        return self.render_page(400, remove=form)


class ControlAllocateView(SelectActionView):
    permission = TAILOR

    def post(self, request, pk):
        form = AllocateForm(request.POST, providers=self.providers())
        if form.is_valid():
            try:
                count = control_allocate(
                    actor=request.user,
                    authorization=self.scoped_object,
                    selected_ids=form.cleaned_data["controls"],
                    designation=form.cleaned_data["designation"],
                    provider=form.cleaned_data["provider"],
                )
            except ValidationError as error:
                if not show_error(request, form, error):
                    return redirect("rmf:select", pk=pk)
            else:
                messages.success(request, f"{count} control(s) were allocated.")
                return redirect("rmf:select", pk=pk)
        return self.render_page(400, allocate=form)


class MonitoringFrequencyView(SelectActionView):
    permission = TAILOR

    def post(self, request, pk):
        form = FrequencyForm(request.POST)
        if form.is_valid():
            try:
                count = monitoring_frequency_set(
                    actor=request.user,
                    authorization=self.scoped_object,
                    **form.service_arguments(),
                )
            except ValidationError as error:
                if not show_error(request, form, error):
                    return redirect("rmf:select", pk=pk)
            else:
                messages.success(request, f"The monitoring frequency of {count} control(s) is set.")
                return redirect("rmf:select", pk=pk)
        return self.render_page(400, frequency=form)


# --- one control's parameters, and the organization's defaults ------------------------------


class SelectedControlView(RmfView):
    access_function = selected_control_get_for_user
    permission = VIEW
    write_permission = EDIT_RMF

    def get(self, request, pk):
        return self._render()

    def post(self, request, pk):
        selected = self.scoped_object
        parameter = control_parameter(selected.control_id, request.POST.get("parameter", ""))
        if parameter is None:
            messages.error(request, f"{selected.control.label} has no such parameter.")
            return redirect("rmf:selected_control", pk=pk)
        form = parameter_form(parameter, data=request.POST)
        if form.is_valid():
            try:
                parameter_value_set(
                    actor=request.user,
                    selected_control=selected,
                    parameter_id=parameter.pk,
                    value=form.cleaned_data["value"],
                )
            except ValidationError as error:
                if not show_error(request, form, error):
                    return redirect("rmf:selected_control", pk=pk)
            else:
                messages.success(request, f"{parameter.odp_label or parameter.pk} is saved.")
                return redirect("rmf:selected_control", pk=pk)
        return self._render(bound=form, status=400)

    def _render(self, bound=None, status=200, rationale_form=None):
        selected = self.scoped_object
        authorization = selected.authorization
        parameters = control_parameters(selected.control_id)
        effective = parameter_values_effective(authorization, parameters)
        defaults = parameter_defaults_for(
            organization_path_ids(authorization.system.organization),
            [parameter.pk for parameter in parameters],
        )
        permissions = permissions_on(self.request.user, authorization.system)
        changeable = (
            authorization.is_current
            and authorization.system.status != System.Status.DISPOSED
            and STEP_ORDER.index(authorization.step) >= STEP_ORDER.index(Step.SELECT)
            and not authorization.signoffs.filter(task="S-6").exists()
        )
        editable = changeable and permissions["can_edit"] and selected.is_active
        rows = []
        for parameter in parameters:
            form = None
            if editable:
                form = bound if bound and bound.prefix == parameter.pk else None
                if form is None:
                    form = parameter_form(parameter, defaults.get(parameter.pk))
                    value, source = effective.get(parameter.pk, ("", ""))
                    form.initial = {"value": value if source == "system" else ""}
            rows.append(
                {
                    "parameter": parameter,
                    "effective": effective.get(parameter.pk),
                    "default": defaults.get(parameter.pk),
                    "form": form,
                }
            )
        context = {
            "selected": selected,
            "control": selected.control,
            "authorization": authorization,
            "system": authorization.system,
            "rows": rows,
            "editable": editable,
            "tailorable": changeable and permissions["can_tailor"],
            "rationale_form": rationale_form
            or RationaleForm(initial={"rationale": selected.tailoring_rationale}),
            **permissions,
        }
        return render(self.request, "rmf/workflow/selected_control.html", context, status=status)


class TailoringRationaleView(SelectedControlView):
    permission = TAILOR
    write_permission = None
    http_method_names = ["post"]

    def post(self, request, pk):
        form = RationaleForm(request.POST)
        if form.is_valid():
            try:
                control_tailoring_rationale_set(
                    actor=request.user,
                    selected_control=self.scoped_object,
                    rationale=form.cleaned_data["rationale"],
                )
            except ValidationError as error:
                if not show_error(request, form, error):
                    return redirect("rmf:selected_control", pk=pk)
            else:
                messages.success(request, "The rationale is saved.")
                return redirect("rmf:selected_control", pk=pk)
        return self._render(status=400, rationale_form=form)


urlpatterns = [
    path("authorizations/<int:pk>/select/", SelectView.as_view(), name="select"),
    path(
        "authorizations/<int:pk>/select/control-set/",
        ControlSetSelectView.as_view(),
        name="control_set_select",
    ),
    path("authorizations/<int:pk>/select/add/", ControlAddView.as_view(), name="control_add"),
    path(
        "authorizations/<int:pk>/select/remove/",
        ControlRemoveView.as_view(),
        name="control_remove",
    ),
    path(
        "authorizations/<int:pk>/select/allocate/",
        ControlAllocateView.as_view(),
        name="control_allocate",
    ),
    path(
        "authorizations/<int:pk>/select/frequency/",
        MonitoringFrequencyView.as_view(),
        name="monitoring_frequency",
    ),
    path(
        "selected-controls/<int:pk>/",
        SelectedControlView.as_view(),
        name="selected_control",
    ),
    path(
        "selected-controls/<int:pk>/rationale/",
        TailoringRationaleView.as_view(),
        name="tailoring_rationale",
    ),
]
