"""Forms of the Implement pages: the worklist's filters and bulk status, a control's status,
roles and narratives, and evidence. They shape the input and tell what the user changed; the
services judge it, and their messages are shown next to the fields named the same way."""

import hashlib
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError

from rmf.forms import IdListField
from rmf.forms_control_filters import ControlFilterFormMixin
from rmf.models import Evidence, ImplementationStatus
from rmf.selectors.implementation import NOT_DOCUMENTED
from rmf.services.control_implementation import NarrativeChange

STATUS_HELP = (
    "Implemented: in place and working. Partially implemented: some of it is in place. "
    "Planned: not in place yet. Alternative implementation: another measure gives the same "
    "protection. Not applicable: it does not apply to this system."
)


def fingerprint(*values: str) -> str:
    """What the user opened, sent back with the form: a field whose value still has this
    fingerprint was not changed, and is not saved (nor in conflict) when someone else saved
    it meanwhile."""
    return hashlib.sha256("\x1f".join(values).encode()).hexdigest()[:20]


def normalized_text(text: str) -> str:
    """Browsers send a textarea's line breaks as CRLF: stored and compared as LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


# --- the worklist ---------------------------------------------------------------------------


class WorklistFilterForm(ControlFilterFormMixin, forms.Form):
    # Any family id is accepted (a family without controls in the cycle lists none): the pages
    # of single controls carry the filter without loading the list of families.
    family = forms.RegexField(regex=r"^[a-zA-Z]{2}$", required=False, widget=forms.Select)
    status = forms.ChoiceField(
        required=False,
        choices=[
            ("", "Any status"),
            *ImplementationStatus.choices,
            (NOT_DOCUMENTED, "Not documented yet"),
        ],
    )
    responsible = forms.CharField(
        label="Responsible role",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "e.g. Network team"}),
    )
    missing_narrative = forms.BooleanField(label="Narratives missing", required=False)

    def __init__(self, *args, families=(), **kwargs):
        """`families`: those of the cycle's controls (`FamilyProgress` items), offered."""
        super().__init__(*args, **kwargs)
        self.fields["family"].widget.choices = [("", "All families")] + [
            (item.family.pk, f"{item.family.label} {item.family.title}") for item in families
        ]

    def filters(self) -> dict:
        """The worklist selector's arguments; an invalid value counts as not given."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "family": (data.get("family") or "").lower() or None,
            "status": data.get("status") or None,
            "responsible": (data.get("responsible") or "").strip() or None,
            "missing_narrative": bool(data.get("missing_narrative")),
            **self.control_filter_data(),
        }

    @property
    def active(self) -> bool:
        return any(self.filters().values())

    def query_string(self) -> str:
        """The valid filters as a query string, carried from the list to each control's page
        and back ("Save and next" follows the same list)."""
        pairs = [(key, value) for key, value in self.filters().items() if value]
        return urlencode([(key, "on" if value is True else value) for key, value in pairs])


class BulkStatusForm(forms.Form):
    controls = IdListField(required=False)
    shown = IdListField(required=False)
    all_shown = forms.BooleanField(required=False)
    status = forms.CharField(
        label="New status",
        widget=forms.Select(choices=[("", "(choose a status)"), *ImplementationStatus.choices]),
        error_messages={"required": "Choose the status to give the controls."},
    )

    def __init__(self, *args, **kwargs):
        # The work list's filter has a "status" field too: the ids must differ.
        kwargs.setdefault("auto_id", "bulk-%s")
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if not self.selected_ids(data):
            raise ValidationError(
                "Tick the controls to change, or choose “all controls shown”.", code="none"
            )
        return data

    def selected_ids(self, data=None) -> list[int]:
        data = self.cleaned_data if data is None else data
        return (data.get("shown") if data.get("all_shown") else data.get("controls")) or []


# --- one control ----------------------------------------------------------------------------


class ImplementationForm(forms.Form):
    """The control's status and responsible roles, with the version the user opened."""

    status = forms.ChoiceField(
        label="Implementation status",
        required=False,
        choices=[("", "Not documented yet"), *ImplementationStatus.choices],
        help_text=STATUS_HELP,
    )
    responsible_roles = forms.CharField(
        label="Responsible roles",
        required=False,
        max_length=300,
        help_text="Who operates this control, separated by semicolons, e.g. “Network team; ISSO”.",
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    base = forms.CharField(widget=forms.HiddenInput, required=False)

    @staticmethod
    def initial_for(status: str, responsible_roles: str, version: int) -> dict:
        return {
            "status": status,
            "responsible_roles": responsible_roles,
            "expected_version": version,
            "base": fingerprint(status, responsible_roles),
        }

    def changed(self) -> bool:
        data = self.cleaned_data
        return data["base"] != fingerprint(data["status"], data["responsible_roles"])

    def service_arguments(self) -> dict:
        if not self.changed():
            return {}
        return {
            "status": self.cleaned_data["status"],
            "responsible_roles": self.cleaned_data["responsible_roles"],
            "expected_version": self.cleaned_data["expected_version"],
        }


class NarrativeForm(forms.Form):
    """One statement part's narrative (prefixed with the part's id), with the version the user
    opened: 0 when there was none."""

    text = forms.CharField(required=False, strip=False, widget=forms.Textarea(attrs={"rows": 4}))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    base = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, part_id: str, **kwargs):
        super().__init__(*args, prefix=f"part-{part_id}", **kwargs)
        self.part_id = part_id

    @staticmethod
    def initial_for(text: str, version: int) -> dict:
        return {"text": text, "version": version, "base": fingerprint(normalized_text(text))}

    def clean_text(self) -> str:
        return normalized_text(self.cleaned_data["text"])

    def change(self) -> NarrativeChange | None:
        """The change to save, or None when the user left the text as opened."""
        text = self.cleaned_data["text"]
        if self.cleaned_data["base"] == fingerprint(text):
            return None
        return NarrativeChange(self.part_id, text, self.cleaned_data["version"])


# --- evidence -------------------------------------------------------------------------------


class EvidenceUploadForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200, required=False)
    description = forms.CharField(
        label="Description (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    file = forms.FileField(
        label="File",
        help_text="PDF, PNG, JPEG, text, CSV, JSON, XML, Word (.docx) or Excel (.xlsx), up to "
        "the size limit. Its SHA-256 fingerprint is recorded.",
        error_messages={"required": "Choose the file to upload."},
    )

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "description": data["description"],
            "uploaded_file": data["file"],
        }


class EvidenceLinkForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200, required=False)
    url = forms.CharField(
        label="Web address",
        required=False,
        max_length=500,
        help_text="Where the evidence lives, starting with https://, e.g. a page of the "
        "document management system.",
        widget=forms.URLInput,
    )
    description = forms.CharField(
        label="Description (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {"title": data["title"], "url": data["url"], "description": data["description"]}


def evidence_forms(data=None, files=None, kind: str = ""):
    """The upload and link forms; only the one `kind` names is bound."""
    upload = EvidenceUploadForm(
        data if kind == "file" else None, files if kind == "file" else None, prefix="upload"
    )
    link = EvidenceLinkForm(data if kind == "link" else None, prefix="link")
    return upload, link


class EvidenceChoiceForm(forms.Form):
    evidence = forms.ModelChoiceField(
        label="Evidence",
        queryset=Evidence.objects.none(),
        empty_label="(choose evidence)",
        error_messages={
            "required": "Choose the evidence.",
            "invalid_choice": "Choose evidence from the list.",
        },
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].queryset = queryset
        self.fields["evidence"].label_from_instance = lambda evidence: (
            f"{evidence.title} ({evidence.file_name or evidence.url}), {evidence.organization.name}"
        )
