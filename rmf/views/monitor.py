"""Step 6, Monitor: the Monitor page of a cycle (its M-* tasks, the change records, the controls
due for assessment, the ongoing assessments), a change record with its security impact
analysis (M-1), planning an ongoing assessment (M-2) and approving its plan, and the disposal
of a system (M-7). Determinations and findings of an ongoing assessment use the Assess pages.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone

from assets.roles import ASSESS, EDIT_RMF, VIEW
from assets.selectors import system_get_for_user, user_can
from rmf.models import AssessmentMethod, ChangeRecord, Step
from rmf.selectors.assessment import is_assigned_assessor
from rmf.selectors.assessment_pages import active_controls, cycle_open
from rmf.selectors.monitor import (
    DUE_FILTERS,
    DUE_NOW,
    change_record_detail,
    change_record_get_for_user,
    default_ongoing_scope,
    disposal_record,
    monitor_page,
)
from rmf.services.monitor import (
    ChangeRecordConflict,
    change_record_analyse,
    change_record_create,
    change_record_update,
    ongoing_assessment_start,
    system_dispose,
)
from rmf.views.assess.forms import ControlPicker, rename_error_fields
from rmf.views.workflow import CycleView, RmfView, permissions_on, show_error
from workbench.views_access import ScopedView

TEXTAREA = forms.Textarea(attrs={"rows": 4})
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# --- forms ----------------------------------------------------------------------------------


class ChangeRecordForm(forms.Form):
    title = forms.CharField(
        label="What changed, in a few words",
        max_length=200,
        help_text="For example “New firewall at the traffic management center”.",
        error_messages={"required": "Name the change in a few words."},
    )
    kind = forms.ChoiceField(
        label="Kind of change",
        choices=[("", "(choose)"), *ChangeRecord.Kind.choices],
        error_messages={"required": "Choose what changed."},
    )
    description = forms.CharField(
        label="Description",
        widget=TEXTAREA,
        help_text="What is added, removed or replaced, where, and by whom.",
        error_messages={"required": "Describe the change."},
    )
    changed_on = forms.DateField(
        label="Date of the change",
        widget=DATE,
        help_text="When it was made, or when it is planned.",
        error_messages={"required": "Give the date of the change.", "invalid": "Enter a date."},
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def service_arguments(self) -> dict:
        fields = ("title", "kind", "description", "changed_on")
        return {name: self.cleaned_data[name] for name in fields}


class ChangeAnalysisForm(ControlPicker):
    impact = forms.ChoiceField(
        label="Security impact",
        choices=ChangeRecord.Impact.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the impact: none, minor or significant."},
    )
    analysis = forms.CharField(
        label="Security impact analysis",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Which controls and risks the change touches, what was checked, and why the "
        "impact is what you chose.",
        error_messages={"required": "Write the security impact analysis."},
    )
    return_to = forms.ChoiceField(
        label="A significant change goes back to",
        required=False,
        choices=[("", "(only for a significant change)"), *ChangeRecord.ReturnTo.choices],
        help_text="Categorize when what the system processes or its impact changed; Select "
        "when the categorization holds but the controls must change. A new RMF cycle starts.",
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    field_order = ["impact", "analysis", "controls", "control_ids", "return_to"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["controls"].label = "Controls the change affects"


class OngoingAssessmentForm(ControlPicker):
    # Not required here: the service reports a missing title with the other missing values.
    title = forms.CharField(label="Title", max_length=200, required=False)
    starts_on = forms.DateField(label="Starts on", required=False, widget=DATE)
    ends_on = forms.DateField(label="Ends on", required=False, widget=DATE)
    methods = forms.MultipleChoiceField(
        label="Assessment methods (SP 800-53A)",
        choices=AssessmentMethod.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    assessment_objects = forms.CharField(
        label="Assessment objects", required=False, widget=TEXTAREA
    )
    rules_of_engagement = forms.CharField(
        label="Rules of engagement", required=False, widget=TEXTAREA
    )

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "scoped_control_ids": self.chosen(),
            "starts_on": data["starts_on"],
            "ends_on": data["ends_on"],
            "methods": data["methods"],
            "assessment_objects": data["assessment_objects"],
            "rules_of_engagement": data["rules_of_engagement"],
        }


class DisposalForm(forms.Form):
    disposed_on = forms.DateField(
        label="Date the system was taken out of service",
        widget=DATE,
        error_messages={"required": "Give the date of the disposal.", "invalid": "Enter a date."},
    )
    reason = forms.CharField(
        label="How and why it was retired",
        widget=TEXTAREA,
        help_text="What replaced it, what happened to its data (archived, transferred, "
        "destroyed) and to its equipment (sanitized, returned).",
        error_messages={"required": "Say how and why the system was retired."},
    )
    confirm = forms.BooleanField(
        label="I understand that the system's RMF records become read-only for good",
        error_messages={"required": "Tick the box to confirm the disposal."},
    )


class DueFilterForm(forms.Form):
    due = forms.ChoiceField(label="Show", required=False, choices=list(DUE_FILTERS.items()))

    def group(self) -> str:
        """The filter chosen; the controls due now when none (or an unknown one) is."""
        return (self.cleaned_data["due"] if self.is_valid() else "") or DUE_NOW


ANALYSIS_FIELD_NAMES = {"affected_control_ids": "controls"}
ONGOING_FIELD_NAMES = {"scoped_control_ids": "controls"}


# --- the Monitor page -----------------------------------------------------------------------


def render_monitor(request, authorization, status: int = 200, change_form=None):
    filter_form = DueFilterForm(request.GET)
    due = filter_form.group()
    filter_form = DueFilterForm(initial={"due": due})
    page = monitor_page(authorization, timezone.localdate(), due)
    permissions = permissions_on(request.user, authorization.system)
    open_in_monitor = page.facts.is_open and page.in_monitor
    context = {
        "authorization": authorization,
        "system": authorization.system,
        "page": page,
        "facts": page.facts,
        "filter_form": filter_form,
        "open_in_monitor": open_in_monitor,
        "is_assessor": is_assigned_assessor(request.user, authorization),
        "change_form": change_form
        or (ChangeRecordForm() if permissions["can_edit"] and open_in_monitor else None),
        "today": timezone.localdate(),
        **permissions,
    }
    return render(request, "rmf/monitor/monitor.html", context, status=status)


class MonitorView(CycleView):
    def get(self, request, pk):
        return render_monitor(request, self.scoped_object)


class ChangeRecordCreateView(CycleView):
    permission = EDIT_RMF
    http_method_names = ["post"]

    def post(self, request, pk):
        authorization = self.scoped_object
        form = ChangeRecordForm(request.POST)
        if form.is_valid():
            try:
                change = change_record_create(
                    actor=request.user, authorization=authorization, **form.service_arguments()
                )
            except ValidationError as error:
                if not show_error(request, form, error):
                    return redirect("rmf:monitor", pk=pk)
            else:
                messages.success(
                    request,
                    f"{change.code} is recorded. Now write its security impact analysis.",
                )
                return redirect("rmf:change_record", pk=change.pk)
        return render_monitor(request, authorization, 400, change_form=form)


# --- one change record ----------------------------------------------------------------------


class ChangeRecordView(RmfView):
    """A change and its analysis: the analysis form for the system team while it has none."""

    access_function = change_record_get_for_user
    permission = VIEW
    write_permission = EDIT_RMF

    def get(self, request, pk):
        return self._render()

    def post(self, request, pk):
        change = self.scoped_object
        form = self._analysis_form(request.POST)
        if form.is_valid():
            try:
                analysed = change_record_analyse(
                    actor=request.user,
                    change=change,
                    impact=form.cleaned_data["impact"],
                    analysis=form.cleaned_data["analysis"],
                    affected_control_ids=form.chosen(),
                    return_to=form.cleaned_data["return_to"],
                    expected_version=form.cleaned_data["expected_version"],
                )
            except ChangeRecordConflict as conflict:
                messages.error(request, str(conflict))
                return redirect("rmf:change_record", pk=pk)
            except ValidationError as error:
                if not show_error(request, form, rename_error_fields(error, ANALYSIS_FIELD_NAMES)):
                    return redirect("rmf:change_record", pk=pk)
            else:
                if analysed.new_cycle is not None:
                    messages.success(
                        request,
                        f"{analysed.code} is a significant change: cycle "
                        f"{analysed.new_cycle.cycle} has started in the "
                        f"{analysed.new_cycle.get_step_display()} step. The current "
                        "authorization stays in force until the new decision.",
                    )
                    return redirect("rmf:authorization_detail", pk=analysed.new_cycle.pk)
                messages.success(request, f"The analysis of {analysed.code} is recorded.")
                return redirect("rmf:change_record", pk=pk)
        return self._render(analysis_form=form, status=400)

    def _analysis_form(self, data=None):
        self.active = active_controls(self.scoped_object.authorization)
        initial = {"expected_version": self.scoped_object.version}
        return ChangeAnalysisForm(data, initial=initial, active=self.active)

    def _render(self, analysis_form=None, edit_form=None, status: int = 200, conflict=None):
        change = change_record_detail(self.scoped_object.pk)
        authorization = change.authorization
        can_edit = (
            user_can(self.request.user, EDIT_RMF, authorization.system)
            and cycle_open(authorization)
            and authorization.step == Step.MONITOR
            and not change.analysed
        )
        if can_edit and analysis_form is None:
            analysis_form = self._analysis_form()
        if can_edit and edit_form is None:
            edit_form = ChangeRecordForm(
                initial={
                    "title": change.title,
                    "kind": change.kind,
                    "description": change.description,
                    "changed_on": change.changed_on,
                    "expected_version": change.version,
                }
            )
        context = {
            "change": change,
            "authorization": authorization,
            "system": authorization.system,
            "can_edit": can_edit,
            "analysis_form": analysis_form if can_edit else None,
            "edit_form": edit_form if can_edit else None,
            "conflict": conflict,
        }
        return render(self.request, "rmf/monitor/change.html", context, status=status)


class ChangeRecordEditView(ChangeRecordView):
    """Correct a change before its analysis; a save by someone else meanwhile is a conflict."""

    permission = EDIT_RMF
    write_permission = None
    http_method_names = ["post"]

    def post(self, request, pk):
        form = ChangeRecordForm(request.POST)
        if form.is_valid():
            try:
                change_record_update(
                    actor=request.user,
                    change=self.scoped_object,
                    expected_version=form.cleaned_data["expected_version"],
                    **form.service_arguments(),
                )
            except ChangeRecordConflict as conflict:
                data = request.POST.copy()
                data["expected_version"] = str(conflict.current_version)
                form = ChangeRecordForm(data)
                form.is_valid()
                return self._render(
                    edit_form=form, status=409, conflict=self._conflict(conflict, form)
                )
            except ValidationError as error:
                if not show_error(request, form, error):
                    return redirect("rmf:change_record", pk=pk)
            else:
                messages.success(request, f"{self.scoped_object.code} is saved.")
                return redirect("rmf:change_record", pk=pk)
        return self._render(edit_form=form, status=400)

    @staticmethod
    def _conflict(conflict: ChangeRecordConflict, form) -> dict:
        labels = {"title": "Title", "kind": "Kind", "description": "Description"}
        labels["changed_on"] = "Date of the change"
        rows = [
            (label, conflict.current.get(name) or "—", form.data.get(name) or "—")
            for name, label in labels.items()
            if str(conflict.current.get(name) or "") != str(form.data.get(name) or "")
        ]
        return {"message": str(conflict), "rows": rows}


# --- ongoing assessments --------------------------------------------------------------------


class OngoingAssessmentStartView(CycleView):
    """The plan of an ongoing assessment, for the cycle's assigned assessors."""

    write_permission = ASSESS

    def get(self, request, pk):
        authorization = self.scoped_object
        active = active_controls(authorization)
        today = timezone.localdate()
        form = OngoingAssessmentForm(
            initial={
                "title": f"{authorization.system.acronym} ongoing assessment {today:%B %Y}",
                "controls": default_ongoing_scope(authorization, today),
                "methods": list(AssessmentMethod.values),
            },
            active=active,
        )
        return self._render(form)

    def post(self, request, pk):
        authorization = self.scoped_object
        form = OngoingAssessmentForm(request.POST, active=active_controls(authorization))
        if form.is_valid():
            try:
                assessment = ongoing_assessment_start(
                    actor=request.user, authorization=authorization, **form.service_arguments()
                )
            except ValidationError as error:
                if not show_error(request, form, rename_error_fields(error, ONGOING_FIELD_NAMES)):
                    return redirect("rmf:monitor", pk=pk)
            else:
                messages.success(
                    request,
                    f"“{assessment.title}” is planned for {assessment.scoped_controls.count()} "
                    "control(s). The authorizing official approves the plan before "
                    "determinations are recorded.",
                )
                return redirect("rmf:monitor", pk=pk)
        return self._render(form, status=400)

    def _render(self, form, status: int = 200):
        authorization = self.scoped_object
        context = {
            "authorization": authorization,
            "system": authorization.system,
            "form": form,
            "editable": cycle_open(authorization)
            and authorization.step == Step.MONITOR
            and is_assigned_assessor(self.request.user, authorization),
        }
        return render(self.request, "rmf/monitor/ongoing_start.html", context, status=status)


# --- disposal -------------------------------------------------------------------------------


class SystemDisposeView(ScopedView):
    """How a disposed system was retired; for the system team, the form that records it."""

    access_function = system_get_for_user
    permission = VIEW
    write_permission = EDIT_RMF

    def get(self, request, pk):
        return self._render(DisposalForm(initial={"disposed_on": timezone.localdate()}))

    def post(self, request, pk):
        form = DisposalForm(request.POST)
        if form.is_valid():
            try:
                system_dispose(
                    actor=request.user,
                    system=self.scoped_object,
                    disposed_on=form.cleaned_data["disposed_on"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                if not show_error(request, form, error):
                    return redirect("rmf:system_dispose", pk=pk)
            else:
                messages.success(
                    request,
                    f"{self.scoped_object} is recorded as disposed. Its RMF records are kept "
                    "read-only.",
                )
                return redirect("rmf:system_dispose", pk=pk)
        return self._render(form, status=400)

    def _render(self, form, status: int = 200):
        system = self.scoped_object
        disposal = disposal_record(system)
        context = {
            "system": system,
            "disposal": disposal,
            "current": system.authorizations.filter(is_current=True).first(),
            "form": form
            if disposal is None and user_can(self.request.user, EDIT_RMF, system)
            else None,
        }
        return render(self.request, "rmf/monitor/dispose.html", context, status=status)


urlpatterns = [
    path("authorizations/<int:pk>/monitor/", MonitorView.as_view(), name="monitor"),
    path(
        "authorizations/<int:pk>/monitor/changes/",
        ChangeRecordCreateView.as_view(),
        name="change_record_create",
    ),
    path("changes/<int:pk>/", ChangeRecordView.as_view(), name="change_record"),
    path("changes/<int:pk>/edit/", ChangeRecordEditView.as_view(), name="change_record_edit"),
    path(
        "authorizations/<int:pk>/monitor/ongoing-assessment/",
        OngoingAssessmentStartView.as_view(),
        name="ongoing_assessment_start",
    ),
    path("systems/<int:pk>/dispose/", SystemDisposeView.as_view(), name="system_dispose"),
]
