"""Validation of the control list's query string."""

from django import forms

from rmf.forms_control_filters import ControlFilterFormMixin
from rmf.models import Baseline, ControlFamily

WITHDRAWN_CHOICES = [("no", "Active only"), ("yes", "Withdrawn only"), ("all", "All")]
WITHDRAWN_VALUES: dict[str, bool | None] = {"no": False, "yes": True, "all": None}


class ControlFilterForm(ControlFilterFormMixin, forms.Form):
    q = forms.CharField(
        required=False,
        max_length=200,
        label="Search",
        help_text='A control ("AC-2", "ac-2.1", "AC-2(1)") or words of its title and statement',
        widget=forms.TextInput(attrs={"type": "search", "aria-describedby": "search-help"}),
    )
    baseline = forms.ChoiceField(
        required=False, choices=[("", "Any baseline"), *Baseline.Name.choices]
    )
    family = forms.ModelChoiceField(
        required=False,
        queryset=ControlFamily.objects.order_by("sort_order"),
        empty_label="All families",
    )
    withdrawn = forms.ChoiceField(required=False, choices=WITHDRAWN_CHOICES, label="Status")

    def search_arguments(self) -> dict:
        """The selector's keyword arguments; an invalid value counts as not given."""
        self.is_valid()  # cleaned_data keeps the fields that are valid
        data = self.cleaned_data
        family = data.get("family")
        return {
            "q": data.get("q", ""),
            "baseline": data.get("baseline", ""),
            "family": family.pk if family else "",
            "withdrawn": WITHDRAWN_VALUES[data.get("withdrawn") or "no"],
            "control_filters": self.control_filter_data(),
        }
