"""The forms of the profile, target and action item pages: they check the shape of what is
posted; the services decide what is allowed."""

from django import forms

from csf.maturity import RECOMMENDED_TARGET, MaturityLevel
from csf.models import CsfActionItem, CsfVersion
from csf.selectors.profiles import OPEN_STATUSES, STATUS_FILTERS, TargetLine, person_name

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OwnerField(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        name = person_name(user)
        return name if name == user.get_username() else f"{name} ({user.get_username()})"


def owner_field(candidates, **kwargs) -> OwnerField:
    return OwnerField(
        queryset=candidates,
        label="Owner",
        help_text="Who answers for getting it done: someone with a role in the organization.",
        error_messages={"required": "Choose who answers for this action."},
        **kwargs,
    )


class GapItemsForm(forms.Form):
    """Turn the gaps ticked in the prioritized list into action items."""

    due_date = forms.DateField(
        label="Due date",
        widget=DATE_INPUT,
        error_messages={"required": "Give the date the actions should be done by."},
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"owner": owner_field(candidates), **self.fields}

    def chosen(self) -> list[str]:
        return self.data.getlist("subcategories") if self.is_bound else []


def _score_choices(levels: list[MaturityLevel]) -> list[tuple[int, str]]:
    return [
        (
            level.level,
            f"{level.level}: {level.label}"
            + (" (recommended minimum)" if level.level == RECOMMENDED_TARGET else ""),
        )
        for level in levels
    ]


class TargetsForm(forms.Form):
    """The targets of one function's subcategories: a score and a rationale each."""

    def __init__(self, *args, lines: list[TargetLine], levels: list[MaturityLevel], **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        choices = _score_choices(levels)
        for line in lines:
            self.fields[self.score_name(line.identifier)] = forms.TypedChoiceField(
                label=f"Target for {line.identifier}",
                choices=choices,
                coerce=int,
                initial=line.target,
                error_messages={"required": "Choose a target.", "invalid_choice": "Choose 1 to 7."},
            )
            self.fields[self.rationale_name(line.identifier)] = forms.CharField(
                label=f"Rationale for {line.identifier}",
                required=False,
                initial=line.rationale,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    @staticmethod
    def score_name(identifier: str) -> str:
        return f"score_{identifier}"

    @staticmethod
    def rationale_name(identifier: str) -> str:
        return f"rationale_{identifier}"

    def rows(self):
        """(line, score field, rationale field) per subcategory, for the template."""
        for line in self.lines:
            yield (
                line,
                self[self.score_name(line.identifier)],
                self[self.rationale_name(line.identifier)],
            )

    def targets(self) -> list[tuple[str, int, str]]:
        return [
            (
                line.identifier,
                self.cleaned_data[self.score_name(line.identifier)],
                self.cleaned_data[self.rationale_name(line.identifier)],
            )
            for line in self.lines
        ]


class ActionItemForm(forms.Form):
    title = forms.CharField(
        max_length=200, error_messages={"required": "Say what will be done."}, label="Title"
    )
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    due_date = forms.DateField(
        label="Due date",
        widget=DATE_INPUT,
        error_messages={"required": "Give the date it should be done by."},
    )
    status = forms.ChoiceField(
        choices=[
            (status.value, status.label)
            for status in CsfActionItem.Status
            if status in OPEN_STATUSES
        ],
        help_text="To finish or cancel the action, close it with a note instead.",
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        fields = dict(self.fields)
        self.fields = {
            "title": fields.pop("title"),
            "description": fields.pop("description"),
            "owner": owner_field(candidates),
            **fields,
        }

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            key: data[key]
            for key in ("title", "description", "owner", "due_date", "status", "expected_version")
        }


class ActionItemCloseForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[
            (CsfActionItem.Status.DONE.value, "Done: the action was carried out"),
            (CsfActionItem.Status.CANCELLED.value, "Cancelled: it will not be carried out"),
        ],
        widget=forms.RadioSelect,
        label="Outcome",
        error_messages={"required": 'Choose "Done" or "Cancelled".'},
    )
    note = forms.CharField(
        label="Closure note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Done: what was done and where the proof is. Cancelled: why.",
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput)


class ActionItemFilterForm(forms.Form):
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *STATUS_FILTERS.items()], label="Status"
    )
    version = forms.ChoiceField(
        required=False, choices=[("", "Both versions"), *CsfVersion.choices], label="CSF version"
    )
    function = forms.ChoiceField(required=False, label="Function")
    overdue = forms.BooleanField(required=False, label="Overdue only")

    def __init__(self, *args, functions: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["function"].choices = [
            ("", "Any function"),
            *((identifier, f"{identifier} {title}") for identifier, title in functions),
        ]
