"""The forms of the CSF assessment pages: they check the shape of what is posted (a level on the
scale, a year, text lengths); the services decide what is allowed and say why not."""

from django import forms
from django.utils import timezone

from csf.maturity import MAX_LEVEL, MIN_LEVEL, MaturityLevel
from csf.models import CsfAssessment, CsfTier, CsfVersion
from csf.services.assessments import (
    DESCRIPTION_LIMIT,
    FIRST_YEAR,
    LABEL_LIMIT,
    NOTE_LIMIT,
    TEXT_LIMIT,
    AnswerInput,
    LabelInput,
    TierInput,
)

TEXTAREA = forms.Textarea(attrs={"rows": 3})

BLANK, COPY, CARRY = "blank", "copy", "carry"


# ----------------------------------------------------------------------------- start


class StartForm(forms.Form):
    year = forms.IntegerField(
        label="Year assessed",
        min_value=FIRST_YEAR,
        help_text="The year the assessment describes. An organization has one assessment a year.",
        error_messages={
            "required": "Give the year the assessment describes.",
            "invalid": "Give the year as four digits, for example 2025.",
            "min_value": f"Give a year from {FIRST_YEAR} on.",
        },
    )
    framework = forms.ChoiceField(
        label="CSF version",
        choices=[
            (CsfVersion.V2_0, "CSF 2.0 (current: six functions, with Govern)"),
            (CsfVersion.V1_1, "CSF 1.1 (five functions)"),
        ],
        widget=forms.RadioSelect,
        initial=CsfVersion.V2_0,
        error_messages={"required": "Choose the CSF version to assess against."},
    )
    start = forms.ChoiceField(
        label="How to start",
        choices=[
            (BLANK, "Blank: answer every subcategory"),
            (COPY, "Copy an earlier assessment's answers (same CSF version) as a draft to review"),
            (CARRY, "Carry a CSF 1.1 assessment into CSF 2.0 through NIST's crosswalk"),
        ],
        widget=forms.RadioSelect,
        initial=BLANK,
        error_messages={"required": "Choose how to start."},
    )
    source = forms.TypedChoiceField(
        label="Earlier assessment to start from",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="Copied or carried answers are marked to review: check each one and save it.",
    )

    def __init__(self, *args, earlier: list[CsfAssessment], **kwargs):
        super().__init__(*args, **kwargs)
        self.earlier = {assessment.pk: assessment for assessment in earlier}
        self.fields["source"].choices = [
            ("", "(choose an assessment)"),
            *(
                (
                    assessment.pk,
                    f"{assessment.year} · CSF {assessment.framework} · "
                    f"{assessment.get_status_display()}",
                )
                for assessment in earlier
            ),
        ]
        self.fields["year"].max_value = timezone.localdate().year + 1

    def clean(self):
        data = super().clean()
        start, framework = data.get("start"), data.get("framework")
        source = self.earlier.get(data.get("source"))
        data["copy_from"] = None
        if start in (COPY, CARRY) and source is None:
            self.add_error("source", "Choose the earlier assessment to start from.")
        elif start == COPY and framework and source.framework != framework:
            self.add_error(
                "source",
                f"The {source.year} assessment uses CSF {source.framework}: copy one in CSF "
                f"{framework}, or carry a CSF 1.1 assessment into CSF 2.0.",
            )
        elif start == CARRY and (
            framework != CsfVersion.V2_0 or source.framework != CsfVersion.V1_1
        ):
            self.add_error(
                "source",
                "Carrying goes from a CSF 1.1 assessment into a CSF 2.0 one: choose CSF 2.0 "
                "and a CSF 1.1 assessment.",
            )
        elif start in (COPY, CARRY):
            data["copy_from"] = source
        return data


# ----------------------------------------------------------------------------- answers


class AnswerForm(forms.Form):
    """One subcategory's answer; prefixed with its identifier on the category page."""

    score = forms.TypedChoiceField(
        label="Maturity",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Not scored yet"), *((n, str(n)) for n in range(MIN_LEVEL, MAX_LEVEL + 1))],
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": f"Choose a maturity level from {MIN_LEVEL} to {MAX_LEVEL}."
        },
    )
    comment = forms.CharField(
        label="Comment",
        required=False,
        max_length=TEXT_LIMIT,
        widget=TEXTAREA,
        help_text="Why this level: what is done today, by whom, and what is missing.",
    )
    evidence = forms.CharField(
        label="Evidence",
        required=False,
        max_length=TEXT_LIMIT,
        widget=TEXTAREA,
        help_text="Documents, links or records that show it, and where to find them.",
    )

    def __init__(self, *args, subcategory: str, **kwargs):
        super().__init__(*args, prefix=subcategory, **kwargs)
        self.subcategory = subcategory

    def answer(self) -> AnswerInput:
        data = self.cleaned_data
        return AnswerInput(self.subcategory, data["score"], data["comment"], data["evidence"])


# ----------------------------------------------------------------------------- tiers


class TiersForm(forms.Form):
    """The CSF 2.0 tier of each function, with its rationale: fields tier_<ID>, rationale_<ID>."""

    def __init__(self, *args, functions: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.functions = functions
        for identifier, title in functions:
            name = title.title() if title.isupper() else title
            self.fields[f"tier_{identifier}"] = forms.TypedChoiceField(
                label=f"{identifier} {name}",
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", "Not chosen yet"), *CsfTier.Tier.choices],
                error_messages={"invalid_choice": "Choose a tier from 1 to 4."},
            )
            self.fields[f"rationale_{identifier}"] = forms.CharField(
                label=f"Why {identifier} is at this tier",
                required=False,
                max_length=TEXT_LIMIT,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rows(self):
        """(identifier, tier field, rationale field) for the template."""
        return [
            (identifier, self[f"tier_{identifier}"], self[f"rationale_{identifier}"])
            for identifier, _ in self.functions
        ]

    def tiers(self) -> list[TierInput]:
        data = self.cleaned_data
        return [
            TierInput(identifier, data[f"tier_{identifier}"], data[f"rationale_{identifier}"])
            for identifier, _ in self.functions
        ]

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        """The service keys its errors by function; show them next to its tier."""
        for identifier, messages in errors.items():
            field = f"tier_{identifier}"
            self.add_error(field if field in self.fields else None, messages)


# ----------------------------------------------------------------------------- review


class StateChangeForm(forms.Form):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ApproveForm(StateChangeForm):
    note = forms.CharField(
        label="Remark (optional)",
        required=False,
        max_length=NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReturnForm(StateChangeForm):
    note = forms.CharField(
        label="What should change",
        max_length=NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The planners read it at the top of the assessment.",
        error_messages={"required": "Say what the planners should change: the note is required."},
    )


# ----------------------------------------------------------------------------- scale


class MaturityScaleForm(forms.Form):
    """label_<n> and description_<n> for every level of the scale."""

    def __init__(self, *args, levels: list[MaturityLevel], **kwargs):
        initial = {}
        for level in levels:
            initial[f"label_{level.level}"] = level.label
            initial[f"description_{level.level}"] = level.description
        super().__init__(*args, initial=initial, **kwargs)
        self.levels = [level.level for level in levels]
        for level in self.levels:
            self.fields[f"label_{level}"] = forms.CharField(
                label=f"Name of level {level}",
                max_length=LABEL_LIMIT,
                error_messages={"required": f"Give level {level} a short name."},
            )
            self.fields[f"description_{level}"] = forms.CharField(
                label=f"What level {level} means",
                max_length=DESCRIPTION_LIMIT,
                widget=forms.Textarea(attrs={"rows": 2}),
                error_messages={"required": f"Describe level {level} in a sentence or two."},
            )

    def rows(self):
        return [
            (level, self[f"label_{level}"], self[f"description_{level}"]) for level in self.levels
        ]

    def labels(self) -> list[LabelInput]:
        data = self.cleaned_data
        return [
            LabelInput(level, data[f"label_{level}"], data[f"description_{level}"])
            for level in self.levels
        ]
