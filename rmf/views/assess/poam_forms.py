"""The forms of POA&M management: the list filters (shared by the cycle's and the
organization's lists), an item added by hand, and the three ways an item is settled. The
services check the rules and give the messages; the forms parse what the browser sends."""

from django import forms

from rmf.models import RiskScale
from rmf.selectors.poam_lists import (
    AGING_FILTERS,
    RISK_FILTERS,
    STATUS_FILTERS,
    PoamFilters,
)

TEXTAREA = forms.Textarea(attrs={"rows": 3})
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FlagCheckbox(forms.CheckboxInput):
    """A query-string flag: `1`, `true`, `on` or `yes` set it; anything else (`0`) does not."""

    def value_from_datadict(self, data, files, name):
        return str(data.get(name, "")).lower() in ("1", "true", "on", "yes")


class PoamFilterForm(forms.Form):
    """`?status=open&risk=high&overdue=1&aging=31-90&system=12`: the names the dashboard links
    with. A value the form does not know is left out of the filter (and said so)."""

    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "All"), *STATUS_FILTERS.items()]
    )
    risk = forms.ChoiceField(
        label="Level of risk", required=False, choices=[("", "All"), *RISK_FILTERS.items()]
    )
    aging = forms.ChoiceField(
        label="Open for", required=False, choices=[("", "Any time"), *AGING_FILTERS.items()]
    )
    overdue = forms.BooleanField(label="Overdue only", required=False, widget=FlagCheckbox)

    def __init__(self, *args, systems: list[tuple[int, str, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if systems is not None:
            self.fields["system"] = forms.TypedChoiceField(
                label="System",
                required=False,
                coerce=int,
                empty_value=None,
                choices=[
                    ("", "All"),
                    *((pk, f"{acronym}: {name}") for pk, acronym, name in systems),
                ],
            )

    def filters(self) -> PoamFilters:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return PoamFilters(
            status=data.get("status") or "",
            risk=data.get("risk") or "",
            overdue=bool(data.get("overdue")),
            aging=data.get("aging") or "",
            system=data.get("system"),
        )


class PoamItemAddForm(forms.Form):
    weakness = forms.CharField(
        label="Weakness",
        widget=TEXTAREA,
        required=False,
        help_text="What is wrong, in plain words, and what it exposes.",
    )
    source = forms.CharField(
        label="Where it was found",
        max_length=300,
        required=False,
        help_text="A vulnerability scan, an incident, an audit, a change to the system.",
    )
    selected_control = forms.ModelChoiceField(
        label="Control concerned",
        queryset=None,
        required=False,
        empty_label="None in particular",
    )
    risk_level = forms.ChoiceField(
        label="Level of risk", required=False, choices=[("", "Choose…"), *RiskScale.choices]
    )
    point_of_contact = forms.CharField(
        label="Point of contact", required=False, help_text="Who answers for correcting it."
    )
    resources = forms.CharField(
        label="Resources required",
        widget=TEXTAREA,
        required=False,
        help_text="Staff time, funding, a vendor's work.",
    )
    scheduled_completion = forms.DateField(
        label="Scheduled completion", required=False, widget=DATE
    )
    milestone_description = forms.CharField(
        label="First milestone (optional)",
        max_length=500,
        required=False,
        help_text="A step on the way, with its due date.",
    )
    milestone_due_on = forms.DateField(label="Milestone due on", required=False, widget=DATE)

    def __init__(self, *args, controls, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["selected_control"]
        field.queryset = controls
        field.label_from_instance = lambda sc: f"{sc.control.label} {sc.control.title}"


class AcceptRiskForm(forms.Form):
    rationale = forms.CharField(
        label="Why the risk is accepted",
        widget=TEXTAREA,
        required=False,
        help_text="Compensating measures, the cost of correcting it, the system's retirement.",
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CompleteForm(forms.Form):
    evidence = forms.ModelMultipleChoiceField(
        label="Evidence that it is corrected",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="From the library of the system's organization.",
    )
    note = forms.CharField(
        label="What was done",
        widget=TEXTAREA,
        required=False,
        help_text="Say also why any milestone not completed is no longer needed.",
    )
    milestones_explained = forms.BooleanField(
        label="My note says why the milestones not completed are no longer needed",
        required=False,
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, evidence, open_milestones: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].queryset = evidence
        if not open_milestones:
            del self.fields["milestones_explained"]


class RecheckForm(forms.Form):
    result = forms.ChoiceField(
        label="Result of the re-check",
        required=False,
        widget=forms.RadioSelect,
        choices=[
            ("satisfied", "Satisfied: the weakness is corrected, the item is completed"),
            ("other_than_satisfied", "Other than satisfied: the item stays open"),
        ],
    )
    note = forms.CharField(
        label="Note",
        widget=TEXTAREA,
        required=False,
        help_text="What you checked; what still fails, for the system team.",
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
