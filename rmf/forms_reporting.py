"""The filters of the organization's list of authorizations (R-5, M-6)."""

from django import forms

from rmf.selectors.decisions import EXPIRY_WINDOWS, STATES


class AuthorizationFilterForm(forms.Form):
    state = forms.ChoiceField(
        label="Authorization state",
        choices=[("", "Any state"), *STATES.items()],
        required=False,
    )
    expiring = forms.TypedChoiceField(
        label="Ends within",
        choices=[("", "Any time"), *((str(days), f"{days} days") for days in EXPIRY_WINDOWS)],
        coerce=int,
        empty_value=None,
        required=False,
        help_text="Active authorizations only: those already expired are under “expired”.",
    )

    def filters(self) -> dict:
        """The valid filters; a field given a value it does not offer is left out (and
        reported next to the field)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"state": data.get("state") or "", "expiring": data.get("expiring")}
