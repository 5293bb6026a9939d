"""Forms of the Assess pages. They shape the input; the services judge it (separation of duties,
dates, scope, step rules) and their messages are shown next to the fields of the same name."""

import hashlib
import json
from datetime import date

from django import forms
from django.core.exceptions import ValidationError

from rmf.forms_control_filters import ControlFilterFormMixin
from rmf.models import (
    RISK_ORDER,
    AssessmentMethod,
    ControlFamily,
    DeterminationResult,
    PoamItem,
    RiskScale,
)
from rmf.selectors.catalog import control_id_parse

TEXTAREA = forms.Textarea(attrs={"rows": 3})
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
RISK_CHOICES = [("", "Not rated yet"), *RiskScale.choices]


def rename_error_fields(error: ValidationError, names: dict[str, str]) -> ValidationError:
    """A service's error with its field names as the form calls them (`scoped_control_ids` is
    the form's `controls`)."""
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError(
        {names.get(name, name): messages for name, messages in error.message_dict.items()}
    )


# --- assessors ------------------------------------------------------------------------------


class AssessorAssignForm(forms.Form):
    assessor = forms.ModelChoiceField(
        label="Assessor",
        queryset=None,
        empty_label="(choose a person who holds the assessor role)",
        error_messages={"required": "Choose the assessor to assign."},
    )
    is_lead = forms.BooleanField(label="Lead assessor", required=False)

    def __init__(self, *args, candidates, marks: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessor"].queryset = candidates
        self.fields["assessor"].label_from_instance = lambda user: (
            f"{user.get_full_name() or user.username} ({user.username})"
            + (f", {marks[user.pk]}" if user.pk in marks else "")
        )


class AssessorUnassignForm(forms.Form):
    reason = forms.CharField(
        label="Reason (kept in the audit trail)",
        required=False,
        widget=TEXTAREA,
    )


class PlanApproveForm(forms.Form):
    note = forms.CharField(label="Note (optional)", required=False, widget=TEXTAREA)


# --- the plan -------------------------------------------------------------------------------


class ControlPicker(forms.Form):
    """Controls of the cycle (an assessment's scope, a change's affected controls), ticked in a
    list grouped by family or typed ("AC-2, SI-4(2)")."""

    controls = forms.TypedMultipleChoiceField(
        label="Controls", required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    control_ids = forms.CharField(
        label="Or type their identifiers",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Separated by commas or spaces, for example “AC-2, CM-6, SC-7”.",
    )

    def __init__(self, *args, active, **kwargs):
        super().__init__(*args, **kwargs)
        self.active = active
        self.fields["controls"].choices = [(s.pk, s.control.label) for s in active]

    def families(self):
        ticked = {int(v) for v in (self["controls"].value() or []) if str(v).isdigit()}
        groups: dict[str, tuple] = {}
        for selected in self.active:
            family = selected.control.family
            groups.setdefault(family.pk, (family, []))[1].append((selected, selected.pk in ticked))
        return list(groups.values())

    def clean_control_ids(self) -> list[int]:
        by_control = {selected.control_id: selected.pk for selected in self.active}
        found, unknown = [], []
        text = self.cleaned_data["control_ids"]
        for token in text.replace(";", " ").replace(",", " ").split():
            control_id = control_id_parse(token)
            if control_id in by_control:
                found.append(by_control[control_id])
            else:
                unknown.append(token)
        if unknown:
            raise ValidationError(
                f"Not in this system's control set: {', '.join(unknown)}. Use identifiers such "
                "as AC-2 or SI-4(2)."
            )
        return found

    def chosen(self) -> list[int]:
        return list(
            dict.fromkeys([*self.cleaned_data["controls"], *self.cleaned_data["control_ids"]])
        )


class ScopeChoiceField(forms.TypedMultipleChoiceField):
    """The ticked controls of the scope list, rendered by the template grouped by family."""

    widget = forms.CheckboxSelectMultiple


SCOPE_ALL, SCOPE_SUBSET = "all", "subset"


class AssessmentPlanForm(ControlPicker):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="For example “Initial assessment 2026”.",
        error_messages={"required": "Give the assessment a title."},
    )
    scope = forms.ChoiceField(
        label="Controls assessed",
        choices=[
            (SCOPE_ALL, "Every control of the system's control set"),
            (SCOPE_SUBSET, "Only the controls chosen below"),
        ],
        widget=forms.RadioSelect,
        initial=SCOPE_ALL,
    )
    controls = ScopeChoiceField(label="Controls in scope", required=False, coerce=int)
    control_ids = forms.CharField(
        label="Or type their identifiers",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Separated by commas or spaces, for example “AC-2, AC-3, SI-4(2)”.",
    )
    starts_on = forms.DateField(label="Assessment starts on", required=False, widget=DATE)
    ends_on = forms.DateField(label="Assessment ends on", required=False, widget=DATE)
    methods = forms.MultipleChoiceField(
        label="Assessment methods (SP 800-53A)",
        choices=AssessmentMethod.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Examine documents and configurations, interview people, test mechanisms.",
    )
    assessment_objects = forms.CharField(
        label="Assessment objects",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What will be examined, who will be interviewed, what will be tested.",
    )
    rules_of_engagement = forms.CharField(
        label="Rules of engagement",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="When and how testing happens, who to call, what is off limits.",
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        scope_all = data["scope"] == SCOPE_ALL
        chosen = list(dict.fromkeys([*data["controls"], *data["control_ids"]]))
        return {
            "title": data["title"],
            "scope_all": scope_all,
            "scoped_control_ids": [] if scope_all else chosen,
            "starts_on": data["starts_on"],
            "ends_on": data["ends_on"],
            "methods": data["methods"],
            "assessment_objects": data["assessment_objects"],
            "rules_of_engagement": data["rules_of_engagement"],
            "expected_version": data["expected_version"],
        }

    @classmethod
    def initial_for(cls, assessment, scoped_ids: list[int], hint: str) -> dict:
        if assessment is None:
            return {
                "title": f"Initial assessment {date.today().year}",
                "scope": SCOPE_ALL,
                "methods": list(AssessmentMethod.values),
                "assessment_objects": hint,
            }
        return {
            "title": assessment.title,
            "scope": SCOPE_ALL if assessment.scope_all else SCOPE_SUBSET,
            "controls": scoped_ids,
            "starts_on": assessment.starts_on,
            "ends_on": assessment.ends_on,
            "methods": assessment.methods,
            "assessment_objects": assessment.assessment_objects or hint,
            "rules_of_engagement": assessment.rules_of_engagement,
            "expected_version": assessment.plan_version,
        }


PLAN_FIELD_NAMES = {"scoped_control_ids": "controls"}


# --- determinations -------------------------------------------------------------------------


def fingerprint(values: dict) -> str:
    """A short digest of what a row showed: a row is saved only when its values differ from
    those the assessor saw, so that an objective someone else determined meanwhile and that
    this assessor left alone is no conflict."""
    text = json.dumps(values, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def determination_values(determination) -> dict:
    if determination is None:
        return {"result": "", "methods": [], "evidence_examined": "", "note": ""}
    return {
        "result": determination.result,
        "methods": sorted(determination.methods),
        "evidence_examined": determination.evidence_examined,
        "note": determination.note,
    }


class DeterminationForm(forms.Form):
    """One leaf objective's row; its prefix is the objective id."""

    result = forms.ChoiceField(
        label="Result",
        choices=DeterminationResult.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    methods = forms.MultipleChoiceField(
        label="Methods used",
        choices=AssessmentMethod.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    evidence_examined = forms.CharField(
        label="Evidence examined", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    shown = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, objective, determination=None, default_methods=(), **kwargs):
        self.objective = objective
        self.determination = determination
        super().__init__(*args, prefix=objective.pk, **kwargs)
        if not self.is_bound:
            values = determination_values(determination)
            if determination is None:
                # The plan's methods, ticked in advance: most objectives use them all.
                values["methods"] = sorted(default_methods)
            self.initial = {
                **values,
                "expected_version": determination.version if determination else 0,
                "shown": fingerprint(values),
            }

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "result": data["result"],
            "methods": sorted(data["methods"]),
            "evidence_examined": data["evidence_examined"].strip(),
            "note": data["note"].strip(),
        }

    def changed(self) -> bool:
        return bool(self.cleaned_data["result"]) and (
            fingerprint(self.values()) != self.cleaned_data["shown"]
        )

    def entry(self) -> dict:
        return {
            "objective_id": self.objective.pk,
            **self.values(),
            "expected_version": self.cleaned_data["expected_version"] or 0,
        }


# --- findings -------------------------------------------------------------------------------


class FindingForm(forms.Form):
    weakness = forms.CharField(
        label="Weakness",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What is wrong, in words the system team and the authorizing official "
        "understand.",
    )
    likelihood = forms.ChoiceField(
        label="Likelihood",
        choices=RISK_CHOICES,
        required=False,
        help_text="How likely is it that a threat exploits this weakness (SP 800-30)?",
    )
    impact = forms.ChoiceField(
        label="Impact",
        choices=RISK_CHOICES,
        required=False,
        help_text="How bad would the harm be if it did?",
    )
    recommendation = forms.CharField(
        label="Recommendation",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the system team should do about it.",
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    @classmethod
    def initial_for(cls, finding) -> dict:
        return {
            "weakness": finding.weakness,
            "likelihood": finding.likelihood,
            "impact": finding.impact,
            "recommendation": finding.recommendation,
            "expected_version": finding.version,
        }


REASSESS_CHOICES = [
    ("satisfied", "Satisfied: the weakness is fixed, the finding closes"),
    ("other_than_satisfied", "Other than satisfied: the finding stays open"),
]


class ReassessForm(forms.Form):
    result = forms.ChoiceField(
        label="Re-assessment result",
        choices=REASSESS_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the result of the re-assessment."},
    )
    note = forms.CharField(label="Note", required=False, widget=TEXTAREA)


class RemediationForm(forms.Form):
    description = forms.CharField(
        label="What was done",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Describe what was done about the weakness."},
    )
    completed_on = forms.DateField(
        label="Completed on",
        widget=DATE,
        initial=date.today,
        error_messages={"required": "Give the date the work was completed."},
    )


# --- POA&M ----------------------------------------------------------------------------------

POAM_STATUS_CHOICES = [
    (PoamItem.Status.OPEN.value, PoamItem.Status.OPEN.label),
    (PoamItem.Status.ONGOING.value, PoamItem.Status.ONGOING.label),
]


class PoamItemForm(forms.Form):
    point_of_contact = forms.CharField(
        label="Point of contact", max_length=200, required=False, help_text="Who answers for it."
    )
    resources = forms.CharField(
        label="Resources required",
        required=False,
        widget=TEXTAREA,
        help_text="Staff time, funding, a vendor's work.",
    )
    scheduled_completion = forms.DateField(
        label="Scheduled completion", required=False, widget=DATE
    )
    # A CharField: the service refuses the statuses of the Monitor step with its own message.
    status = forms.CharField(
        label="Status", widget=forms.Select(choices=POAM_STATUS_CHOICES), required=False
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    @classmethod
    def initial_for(cls, item) -> dict:
        return {
            "point_of_contact": item.point_of_contact,
            "resources": item.resources,
            "scheduled_completion": item.scheduled_completion,
            "status": item.status,
            "expected_version": item.version,
        }


class MilestoneForm(forms.Form):
    description = forms.CharField(
        label="Milestone",
        max_length=500,
        error_messages={"required": "Describe the milestone."},
    )
    due_on = forms.DateField(
        label="Due on", widget=DATE, error_messages={"required": "Give the milestone's due date."}
    )


class MilestoneCompleteForm(forms.Form):
    completed_on = forms.DateField(
        label="Completed on",
        widget=DATE,
        initial=date.today,
        error_messages={"required": "Give the date the milestone was completed."},
    )


# --- the risk table -------------------------------------------------------------------------


def cell_name(likelihood: str, impact: str) -> str:
    return f"{likelihood}__{impact}"


class RiskTableForm(forms.Form):
    """25 selects, one per likelihood and impact."""

    def __init__(self, *args, cells: dict, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(RiskScale.choices)
        for likelihood in RISK_ORDER:
            for impact in RISK_ORDER:
                name = cell_name(likelihood, impact)
                self.fields[name] = forms.ChoiceField(
                    label=f"Risk for likelihood {labels[likelihood].lower()} and impact "
                    f"{labels[impact].lower()}",
                    choices=RiskScale.choices,
                    initial=cells[likelihood][impact],
                    error_messages={
                        "required": "Choose a level.",
                        "invalid_choice": "Choose a level.",
                    },
                )

    def cells(self) -> dict[str, dict[str, str]]:
        return {
            likelihood: {
                impact: self.cleaned_data[cell_name(likelihood, impact)] for impact in RISK_ORDER
            }
            for likelihood in RISK_ORDER
        }


# --- the worklist ---------------------------------------------------------------------------

WORKLIST_RESULTS = [
    ("", "Any result"),
    ("not_assessed", "Not assessed"),
    ("in_progress", "In progress"),
    (DeterminationResult.SATISFIED.value, "Satisfied"),
    (DeterminationResult.OTHER_THAN_SATISFIED.value, "Other than satisfied"),
    (DeterminationResult.NOT_APPLICABLE.value, "Not applicable"),
]


class WorklistFilterForm(ControlFilterFormMixin, forms.Form):
    family = forms.ModelChoiceField(
        queryset=ControlFamily.objects.order_by("sort_order"),
        required=False,
        empty_label="All families",
    )
    result = forms.ChoiceField(label="Result", choices=WORKLIST_RESULTS, required=False)

    def filters(self) -> dict:
        """Selector arguments; an invalid value counts as not given."""
        self.is_valid()
        family = self.cleaned_data.get("family")
        return {
            "family": family.pk if family else None,
            "result": self.cleaned_data.get("result") or None,
            **self.control_filter_data(),
        }
