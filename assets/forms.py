from django import forms
from django.contrib.auth import get_user_model

from assets.models import Organization, Role
from assets.roles import ROLE_HELP


class OrganizationCreateForm(forms.Form):
    name = forms.CharField(
        max_length=200, help_text="The official name, e.g. “Department of Transportation”."
    )
    short_name = forms.CharField(
        max_length=32, required=False, help_text="An abbreviation people use, e.g. “DOT”."
    )
    kind = forms.ChoiceField(
        choices=Organization.Kind.choices,
        initial=Organization.Kind.AGENCY,
        help_text="Agencies and departments sit inside a city, county or state.",
    )
    description = forms.CharField(
        widget=forms.Textarea, required=False, help_text="What the organization does (optional)."
    )


class OrganizationUpdateForm(forms.Form):
    name = forms.CharField(max_length=200)
    short_name = forms.CharField(max_length=32, required=False)
    description = forms.CharField(widget=forms.Textarea, required=False)


class MembershipGrantForm(forms.Form):
    username = forms.CharField(
        max_length=150, help_text="The sign-in name of the person who gets the role."
    )
    role = forms.ChoiceField(
        choices=Role.choices,
        help_text=" ".join(f"{Role(role).label}: {text}" for role, text in ROLE_HELP.items()),
    )

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user = get_user_model().objects.filter(username__iexact=username).first()
        if user is None:
            raise forms.ValidationError(f"No account is named “{username}”.")
        self.cleaned_data["user"] = user
        return username
