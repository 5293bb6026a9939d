"""Serializers of the Implement API: the worklist with its progress, a control's implementation
with its statement parts and narratives, conflicts (409), and evidence."""

from django.urls import reverse
from rest_framework import serializers

from assets.api.inventory_serializers import NamedChoiceField
from rmf.api.serializers_workflow import BlankAsNullChoiceField
from rmf.models import (
    ControlImplementation,
    Designation,
    Evidence,
    ImplementationNarrative,
    ImplementationStatus,
    SelectedControl,
)
from rmf.selectors.implementation import WorklistRow
from rmf.selectors.implementation_page import ControlImplementationPage


def _username() -> serializers.CharField:
    return serializers.CharField(
        source="updated_by.username", allow_null=True, default=None, help_text="Username."
    )


# ----------------------------------------------------------------------------- the worklist


class WorklistRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="selected_control.pk", help_text="The selected control.")
    control = serializers.CharField(source="selected_control.control_id")
    label = serializers.CharField(source="control.label")
    title = serializers.CharField(source="control.title")
    family = serializers.CharField(source="control.family_id")
    designation = NamedChoiceField(Designation, source="selected_control.designation")
    provider = serializers.IntegerField(source="selected_control.provider_id", allow_null=True)
    status = BlankAsNullChoiceField(ImplementationStatus)
    responsible_roles = serializers.SerializerMethodField()
    version = serializers.SerializerMethodField(
        help_text="The implementation's version; null before anything is recorded."
    )
    narratives = serializers.IntegerField(help_text="Statement parts with a narrative.")
    narratives_required = serializers.IntegerField(
        source="required", help_text="Statement parts that need one."
    )
    needs_narratives = serializers.BooleanField(
        help_text="Whether I-2 asks this control for narratives (in place, not common)."
    )
    missing_narrative = serializers.BooleanField()

    def get_responsible_roles(self, row: WorklistRow) -> str:
        return row.implementation.responsible_roles if row.implementation else ""

    def get_version(self, row: WorklistRow) -> int | None:
        return row.implementation.version if row.implementation else None


class FamilyProgressSerializer(serializers.Serializer):
    family = serializers.CharField(source="family.pk", allow_null=True, default=None)
    title = serializers.CharField(source="family.title", allow_null=True, default=None)
    controls = serializers.IntegerField()
    with_status = serializers.IntegerField()
    implemented = serializers.IntegerField()
    needing_narratives = serializers.IntegerField()
    narratives_complete = serializers.IntegerField()
    status_percent = serializers.IntegerField()
    narratives_percent = serializers.IntegerField()


class StatusCountSerializer(serializers.Serializer):
    status = serializers.CharField(
        source="value", help_text='An implementation status, or "none" for not documented yet.'
    )
    label = serializers.CharField()
    count = serializers.IntegerField()


class ProgressSerializer(serializers.Serializer):
    overall = FamilyProgressSerializer(help_text="The whole cycle (`family` is null).")
    families = FamilyProgressSerializer(many=True)
    by_status = StatusCountSerializer(many=True)


class WorklistSerializer(serializers.Serializer):
    progress = ProgressSerializer(help_text="Of the whole cycle, whatever the filters.")
    count = serializers.IntegerField(help_text="Rows matching the filters.")
    results = WorklistRowSerializer(many=True)


# ----------------------------------------------------------------------------- one control


class NarrativeSerializer(serializers.ModelSerializer):
    part = serializers.CharField(source="part_id")
    updated_by = _username()

    class Meta:
        model = ImplementationNarrative
        fields = ["part", "text", "version", "updated_by", "updated_at"]
        read_only_fields = fields


class StatementLineSerializer(serializers.Serializer):
    label = serializers.CharField()
    prose = serializers.SerializerMethodField()

    def get_prose(self, line) -> str:
        return "".join(segment.text for segment in line.segments)


class NarrativePartSerializer(serializers.Serializer):
    id = serializers.CharField(source="part.pk", help_text='The part, e.g. "ac-2_smt.d.1".')
    label = serializers.CharField(help_text='The full label, e.g. "d.1.".')
    prose = serializers.CharField(source="part.prose", help_text="As SP 800-53 writes it.")
    prose_with_values = serializers.CharField(
        source="prose", help_text="With the system's parameter values in place."
    )
    context = StatementLineSerializer(
        many=True, help_text='The items this part continues, e.g. "d. Specify:".'
    )
    narrative = NarrativeSerializer(allow_null=True, help_text="The system's; null when none.")
    version = serializers.IntegerField(
        help_text="Send it as `expected_version` when saving: 0 while there is no narrative."
    )
    provider_narrative = NarrativeSerializer(
        allow_null=True, help_text="The providing system's, for common and hybrid controls."
    )


class ImplementationSerializer(serializers.ModelSerializer):
    selected_control = serializers.IntegerField(source="selected_control_id")
    status = BlankAsNullChoiceField(ImplementationStatus)
    updated_by = _username()

    class Meta:
        model = ControlImplementation
        fields = ["selected_control", "status", "responsible_roles", "version", "updated_by"]
        read_only_fields = fields


def evidence_download_url(evidence: Evidence) -> str | None:
    if not evidence.storage_name:
        return None
    return reverse("api-evidence-download", args=[evidence.pk])


class EvidenceSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name")
    kind = serializers.SerializerMethodField()
    uploaded_by = serializers.CharField(
        source="uploaded_by.username", allow_null=True, default=None
    )
    download = serializers.SerializerMethodField(help_text="The file's download; null for a link.")

    class Meta:
        model = Evidence
        fields = [
            "id",
            "organization",
            "organization_name",
            "title",
            "description",
            "kind",
            "url",
            "file_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_by",
            "uploaded_at",
            "download",
        ]
        read_only_fields = fields

    def get_kind(self, evidence: Evidence) -> str:
        return "file" if evidence.storage_name else "link"

    def get_download(self, evidence: Evidence) -> str | None:
        return evidence_download_url(evidence)


class ControlImplementationDetailSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="selected_control.pk")
    authorization = serializers.IntegerField(source="selected_control.authorization_id")
    control = serializers.CharField(source="selected_control.control_id")
    label = serializers.CharField(source="selected_control.control.label")
    title = serializers.CharField(source="selected_control.control.title")
    designation = NamedChoiceField(Designation, source="selected_control.designation")
    provider = serializers.IntegerField(source="selected_control.provider_id", allow_null=True)
    status = serializers.SerializerMethodField()
    responsible_roles = serializers.CharField()
    version = serializers.IntegerField(
        help_text="Send it as `expected_version` when changing the status or roles."
    )
    updated_by = serializers.CharField(
        source="implementation.updated_by.username", allow_null=True, default=None
    )
    updated_at = serializers.DateTimeField(
        source="implementation.updated_at", allow_null=True, default=None
    )
    editable = serializers.SerializerMethodField(
        help_text="Whether the cycle takes changes now (see `closed_reason`)."
    )
    closed_reason = serializers.CharField()
    own_narratives = serializers.BooleanField(
        help_text="False for a common control: the provider describes it."
    )
    parts = NarrativePartSerializer(many=True)
    evidence = EvidenceSerializer(many=True)

    def get_status(self, page: ControlImplementationPage) -> str | None:
        return page.status or None

    def get_editable(self, page: ControlImplementationPage) -> bool:
        return not page.closed_reason and page.selected_control.is_active


# ----------------------------------------------------------------------------- conflicts


class ImplementationCurrentSerializer(serializers.Serializer):
    status = serializers.CharField(allow_blank=True)
    responsible_roles = serializers.CharField(allow_blank=True)


class ImplementationConflictSerializer(serializers.Serializer):
    """409: someone saved the control's implementation since `expected_version`; nothing of
    this request was saved."""

    detail = serializers.CharField()
    current = ImplementationCurrentSerializer()
    current_version = serializers.IntegerField(
        help_text="Send it as `expected_version` to replace the saved values with yours."
    )


class NarrativeConflictSerializer(serializers.Serializer):
    """409: someone saved the narrative since `expected_version`; theirs is kept."""

    detail = serializers.CharField()
    current_text = serializers.CharField()
    current_version = serializers.IntegerField(
        help_text="Send it as `expected_version` to replace their text with yours."
    )
    current_author = serializers.CharField(allow_null=True, help_text="Username.")
    your_text = serializers.CharField()


class EvidenceUseSerializer(serializers.ModelSerializer):
    selected_control = serializers.IntegerField(source="pk")
    control = serializers.CharField(source="control_id")
    label = serializers.CharField(source="control.label")
    system = serializers.IntegerField(source="authorization.system_id")
    system_acronym = serializers.CharField(source="authorization.system.acronym")
    cycle = serializers.IntegerField(source="authorization.cycle")

    class Meta:
        model = SelectedControl
        fields = ["selected_control", "authorization", "control", "label", "system"]
        fields += ["system_acronym", "cycle"]
        read_only_fields = fields


class EvidenceDetailSerializer(EvidenceSerializer):
    controls = EvidenceUseSerializer(
        many=True, source="uses", help_text="The controls it documents, in systems you may see."
    )

    class Meta(EvidenceSerializer.Meta):
        fields = [*EvidenceSerializer.Meta.fields, "controls"]
        read_only_fields = fields
