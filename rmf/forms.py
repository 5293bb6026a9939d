"""Forms of the RMF pages. They only shape the input: the services judge it (levels, reasons,
rationales, gates) and their messages are shown next to the fields named the same way."""

from django import forms
from django.core.exceptions import ValidationError

from assets.models import Organization, System
from rmf.forms_control_filters import ControlFilterFormMixin
from rmf.impact import LEVELS
from rmf.models import (
    ControlFamily,
    Designation,
    MonitoringFrequency,
    SelectedControl,
    Step,
)
from rmf.selectors.catalog import PARAM_PLACEHOLDER_RE, control_id_parse

Tailoring = SelectedControl.Tailoring
TEXTAREA = forms.Textarea(attrs={"rows": 3})


class IdListField(forms.Field):
    """The checked rows of a list (`<input type=checkbox name=controls value=pk>`)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        try:
            return [int(item) for item in value or []]
        except (TypeError, ValueError) as exc:
            raise ValidationError("Pick controls from the list.") from exc


# --- cycle ----------------------------------------------------------------------------------


class StepBackForm(forms.Form):
    to_step = forms.CharField(label="Go back to", widget=forms.Select)
    reason = forms.CharField(
        label="Why go back? (required, kept in the audit trail)",
        required=False,
        widget=TEXTAREA,
    )

    def __init__(self, *args, earlier: list[Step], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_step"].widget.choices = [(step.value, step.label) for step in earlier]


class SignoffForm(forms.Form):
    task = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(label="Note (optional)", required=False, widget=TEXTAREA)


class WithdrawForm(forms.Form):
    task = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label="Why withdraw it? (required)", required=False, widget=TEXTAREA)


# --- categorize -----------------------------------------------------------------------------

QUESTIONS = {
    "confidentiality": "If this information were disclosed to the wrong people, how bad would "
    "the harm be?",
    "integrity": "If this information were altered or destroyed without permission, how bad "
    "would the harm be?",
    "availability": "If this information or the system were unavailable when needed, how bad "
    "would the harm be?",
}
RANK = {"NA": 0, "LOW": 1, "MODERATE": 2, "HIGH": 3}


def level_label(level: str) -> str:
    return {"NA": "Not applicable", "LOW": "Low", "MODERATE": "Moderate", "HIGH": "High"}.get(
        level, level
    )


class ImpactForm(forms.Form):
    """One information type on one objective: keep, raise or lower the provisional level."""

    # A CharField, not a ChoiceField: an unknown level gets the service's plain message.
    level = forms.CharField(label="Impact level", required=False, widget=forms.Select)
    justification = forms.CharField(
        label="Why does it differ from SP 800-60? (required when you change the level)",
        required=False,
        widget=TEXTAREA,
    )

    def __init__(self, *args, provisional: str, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", f"Keep the SP 800-60 level: {level_label(provisional)}")]
        for level in LEVELS:
            if level == provisional:
                continue
            how = "raise" if RANK[level] > RANK.get(provisional, 0) else "lower"
            choices.append((level, f"{level_label(level)} ({how} it)"))
        self.fields["level"].widget.choices = choices

    def level_or_none(self) -> str | None:
        return self.cleaned_data["level"] or None


# --- select ---------------------------------------------------------------------------------


def normalized_control_id(text: str) -> str:
    """ "AC-2(1)" or "ac-2.1" as the catalog's id; anything else as typed, for the service to
    name in its message."""
    return control_id_parse(text) or text.strip()


class ControlAddForm(forms.Form):
    control = forms.CharField(
        label="Control to add",
        max_length=40,
        help_text="Its identifier, such as AC-2(1) or ac-2.1.",
    )
    rationale = forms.CharField(label="Why add it? (required)", required=False, widget=TEXTAREA)


class ControlRemoveForm(forms.Form):
    control = forms.CharField(
        label="Control to remove",
        max_length=40,
        help_text="Its identifier, such as AC-2(1) or ac-2.1.",
    )
    kind = forms.CharField(
        label="Why it leaves the set",
        required=False,
        widget=forms.RadioSelect(
            choices=[
                (Tailoring.SCOPED_OUT.value, "Scoping: it does not apply to this system"),
                (
                    Tailoring.COMPENSATING.value,
                    "A compensating control provides equivalent protection",
                ),
            ]
        ),
    )
    rationale = forms.CharField(label="Rationale (required)", required=False, widget=TEXTAREA)


class RationaleForm(forms.Form):
    rationale = forms.CharField(
        label="Rationale of this tailoring decision (required)", required=False, widget=TEXTAREA
    )


class AllocateForm(forms.Form):
    controls = IdListField(required=False)
    designation = forms.CharField(
        label="Designation",
        widget=forms.Select(choices=Designation.choices),
    )
    provider = forms.ModelChoiceField(
        label="Provided by (for common and hybrid controls)",
        queryset=System.objects.none(),
        required=False,
        empty_label="No provider (system-specific)",
    )

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers
        self.fields["provider"].label_from_instance = lambda system: (
            f"{system.name} ({system.acronym}), {system.organization.name}"
        )


SCOPES = [
    ("selected", "The controls ticked in the list"),
    ("family", "Every control of a family"),
    ("all", "Every control of the set"),
]


class FrequencyForm(forms.Form):
    controls = IdListField(required=False)
    frequency = forms.CharField(
        label="Reassess", widget=forms.Select(choices=MonitoringFrequency.choices)
    )
    scope = forms.ChoiceField(label="For", choices=SCOPES, initial="selected")
    family = forms.ModelChoiceField(
        label="Family",
        queryset=ControlFamily.objects.order_by("sort_order"),
        required=False,
        empty_label="(choose a family)",
    )

    def clean(self):
        data = super().clean()
        if data.get("scope") == "family" and not data.get("family"):
            self.add_error("family", "Choose the family.")
        return data

    def service_arguments(self) -> dict:
        scope = self.cleaned_data["scope"]
        family = self.cleaned_data.get("family")
        return {
            "frequency": self.cleaned_data["frequency"],
            "selected_ids": self.cleaned_data["controls"] if scope == "selected" else None,
            "family": family.pk if scope == "family" and family else None,
        }


TAILORING_FILTERS = [
    ("", "Any"),
    ("active", "In the set"),
    (Tailoring.BASELINE.value, "From the baseline"),
    (Tailoring.ADDED.value, "Added"),
    ("removed", "Removed"),
    (Tailoring.SCOPED_OUT.value, "Removed by scoping"),
    (Tailoring.COMPENSATING.value, "Replaced by a compensating control"),
]


class SelectedControlFilterForm(ControlFilterFormMixin, forms.Form):
    family = forms.ModelChoiceField(
        queryset=ControlFamily.objects.order_by("sort_order"),
        required=False,
        empty_label="All families",
    )
    tailoring = forms.ChoiceField(label="Tailoring", choices=TAILORING_FILTERS, required=False)
    designation = forms.ChoiceField(choices=[("", "Any"), *Designation.choices], required=False)
    no_frequency = forms.BooleanField(label="No monitoring frequency yet", required=False)
    parameters_missing = forms.BooleanField(label="Parameters missing", required=False)

    def filters(self) -> dict:
        """Selector arguments; an invalid value counts as not given."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "family": data["family"].pk if data.get("family") else "",
            "tailoring": data.get("tailoring", ""),
            "designation": data.get("designation", ""),
            "no_frequency": bool(data.get("no_frequency")),
            "parameters_missing": bool(data.get("parameters_missing")),
            "registered": self.control_filter_data(),
        }


def _choice_text(choice: str) -> str:
    return PARAM_PLACEHOLDER_RE.sub("[organization-defined value]", str(choice))


class ParameterValueForm(forms.Form):
    """One parameter's value: a choice when SP 800-53 offers exactly one of a list, text
    otherwise. Empty returns to the inherited value."""

    value = forms.CharField(label="Value", required=False, widget=forms.Textarea({"rows": 2}))

    def __init__(self, *args, parameter, empty_label: str, **kwargs):
        super().__init__(*args, **kwargs)
        if parameter.choices and parameter.how_many == "one":
            self.fields["value"].widget = forms.Select(
                choices=[("", empty_label)]
                + [(str(choice), _choice_text(choice)) for choice in parameter.choices]
            )
        self.fields["value"].label = f"Value of {parameter.odp_label or parameter.pk}"


def parameter_form(parameter, inherited: tuple[str, str] | None = None, data=None):
    """The form of one parameter, its empty choice naming the value inherited otherwise."""
    if inherited:
        empty_label = f"(use the default of {inherited[1]}: {inherited[0]})"
    else:
        empty_label = "(no value yet)"
    return ParameterValueForm(
        data, prefix=parameter.pk, parameter=parameter, empty_label=empty_label
    )


class ControlLookupForm(forms.Form):
    control = forms.CharField(
        label="Control",
        required=False,
        max_length=40,
        help_text="Its identifier, such as AC-2 or AC-2(1).",
        widget=forms.TextInput(attrs={"type": "search"}),
    )


# --- portfolio ------------------------------------------------------------------------------

NOT_STARTED = "not_started"


class PortfolioFilterForm(forms.Form):
    step = forms.ChoiceField(
        choices=[("", "Any step"), (NOT_STARTED, "Not started"), *Step.choices], required=False
    )
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(), required=False, empty_label="All organizations"
    )
    kind = forms.ChoiceField(choices=[("", "Any kind"), *System.Kind.choices], required=False)

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations

    def filters(self) -> dict:
        self.is_valid()
        data = self.cleaned_data
        organization = data.get("organization")
        return {
            "step": data.get("step", ""),
            "organization": organization.pk if organization else None,
            "kind": data.get("kind", ""),
        }
