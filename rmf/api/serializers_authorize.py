"""Serializers of the Authorize API (R-1 to R-5): the package's completeness and executive
summary, the risk (findings not closed, aggregated per group, the determination), the signed
decision with the sections changed since, and the input of each write."""

from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assets.api.inventory_serializers import NamedChoiceField
from rmf.api.assessment.serializers import PoamItemSerializer
from rmf.api.serializers_workflow import (
    BlankAsNullChoiceField,
    RmfSystemSerializer,
    ServiceCheckedChoiceField,
    TaskStateSerializer,
)
from rmf.models import (
    AuthorizationDecision,
    Finding,
    ImplementationStatus,
    RiskResponseKind,
    RiskScale,
    Step,
)
from rmf.selectors.package import SECTIONS


def _username(source: str) -> serializers.CharField:
    return serializers.CharField(
        source=f"{source}.username", allow_null=True, default=None, help_text="Username."
    )


class PackageSection(models.TextChoices):
    """The sections of the package compared after signing."""

    SYSTEM = "system", SECTIONS["system"]
    CATEGORIZATION = "categorization", SECTIONS["categorization"]
    CONTROLS = "controls", SECTIONS["controls"]
    ASSESSMENT = "assessment", SECTIONS["assessment"]
    RISK = "risk", SECTIONS["risk"]
    POAM = "poam", SECTIONS["poam"]


class PackagePartKey(models.TextChoices):
    SSP = "ssp", "System security plan"
    SAR = "sar", "Security assessment report"
    POAM = "poam", "Plan of action and milestones"


# ----------------------------------------------------------------------------- shared


class PackageChangeSerializer(serializers.Serializer):
    key = NamedChoiceField(PackageSection, read_only=True)
    label = serializers.CharField()


def changed_sections_data(keys: list[str]) -> list[dict]:
    return [{"key": key, "label": SECTIONS[key]} for key in keys]


class RiskDeterminationSerializer(serializers.Serializer):
    recorded = serializers.SerializerMethodField(
        help_text="False before the authorizing official records it (version 0)."
    )
    risk_level = BlankAsNullChoiceField(RiskScale)
    rationale = serializers.CharField()
    version = serializers.IntegerField(help_text="Send it as `expected_version` when changing.")
    determined_by = _username("determined_by")
    determined_at = serializers.DateTimeField(allow_null=True)

    def get_recorded(self, determination) -> bool:
        return determination.pk is not None


class DecisionBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = NamedChoiceField(AuthorizationDecision.Kind, read_only=True)
    decision_date = serializers.DateField()
    termination_date = serializers.DateField(allow_null=True)
    signer_name = serializers.CharField()
    signed_at = serializers.DateTimeField()


class SignedDecisionSerializer(DecisionBriefSerializer):
    """A signed decision: final, never edited."""

    authorization = serializers.IntegerField(source="authorization_id")
    conditions = serializers.ListField(child=serializers.CharField())
    terms = serializers.CharField()
    signed_by = _username("signed_by")
    content_hash = serializers.CharField(
        help_text="SHA-256 of the package content frozen at signing."
    )
    ended_on = serializers.DateField(
        allow_null=True, help_text="When a later decision superseded it, or the system ended."
    )
    ended_reason = serializers.CharField()
    changed_since_authorization = serializers.SerializerMethodField(
        help_text="Whether the package differs from what was signed."
    )
    changed_sections = serializers.SerializerMethodField(
        help_text="The package sections changed since signing."
    )

    def _changes(self) -> list[str]:
        return self.context.get("changed_sections", [])

    def get_changed_since_authorization(self, decision) -> bool:
        return bool(self._changes())

    @extend_schema_field(PackageChangeSerializer(many=True))
    def get_changed_sections(self, decision) -> list[dict]:
        return changed_sections_data(self._changes())


# ----------------------------------------------------------------------------- package


class PackagePartSerializer(serializers.Serializer):
    key = NamedChoiceField(PackagePartKey, read_only=True)
    title = serializers.CharField()
    complete = serializers.BooleanField()
    tasks = TaskStateSerializer(many=True)
    missing = serializers.ListField(child=serializers.CharField())


class CountSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class ObjectiveResultsSerializer(serializers.Serializer):
    in_scope = serializers.IntegerField(source="objectives_in_scope")
    determined = serializers.IntegerField()
    satisfied = serializers.IntegerField()
    other_than_satisfied = serializers.IntegerField()
    not_applicable = serializers.IntegerField()


class ExecutiveSummarySerializer(serializers.Serializer):
    text = serializers.ListField(
        child=serializers.CharField(), source="sentences", help_text="In plain words."
    )
    categorization = serializers.CharField(source="categorization.overall")
    categorization_approved = serializers.BooleanField(source="categorization.approved")
    baselines = serializers.ListField(child=serializers.CharField())
    controls = serializers.IntegerField(help_text="Active controls of the set.")
    controls_by_status = serializers.SerializerMethodField()
    controls_without_status = serializers.IntegerField(source="without_status")
    assessed = serializers.BooleanField()
    objectives = ObjectiveResultsSerializer(source="results")
    findings_not_closed = serializers.IntegerField()
    findings_by_risk = serializers.SerializerMethodField(
        help_text='Highest first; key "" for findings not rated.'
    )
    poam_items = serializers.IntegerField()
    poam_by_status = serializers.SerializerMethodField()
    risk_determination = RiskDeterminationSerializer(allow_null=True)
    decision = DecisionBriefSerializer(allow_null=True)

    @extend_schema_field(CountSerializer(many=True))
    def get_controls_by_status(self, summary) -> list[dict]:
        labels = dict(ImplementationStatus.choices)
        return [
            {"key": key, "label": labels[key], "count": count}
            for key, count in summary.by_status.items()
        ]

    @extend_schema_field(CountSerializer(many=True))
    def get_findings_by_risk(self, summary) -> list[dict]:
        return [
            {"key": key, "label": label, "count": count}
            for key, label, count in summary.findings_by_risk
        ]

    @extend_schema_field(CountSerializer(many=True))
    def get_poam_by_status(self, summary) -> list[dict]:
        return [
            {"key": key, "label": label, "count": count}
            for key, label, count in summary.poam_by_status
        ]


class PackageSerializer(serializers.Serializer):
    """The authorization package of a cycle: what is complete, what is missing, and the
    executive summary written from the data."""

    authorization = serializers.IntegerField(source="authorization.pk")
    cycle = serializers.IntegerField(source="authorization.cycle")
    step = NamedChoiceField(Step, source="authorization.step", read_only=True)
    system = RmfSystemSerializer()
    complete = serializers.BooleanField(help_text="Every part's required tasks are done.")
    parts = PackagePartSerializer(many=True)
    authorize_tasks = TaskStateSerializer(many=True, help_text="R-1 to R-5.")
    submitted = serializers.BooleanField(source="submission.done", help_text="R-1 is done.")
    executive_summary = ExecutiveSummarySerializer(source="summary")
    changed_sections = serializers.SerializerMethodField(
        help_text="After signing: the package sections changed since."
    )

    @extend_schema_field(PackageChangeSerializer(many=True))
    def get_changed_sections(self, page) -> list[dict]:
        return changed_sections_data(page.changed_sections)


class PackageSubmitInputSerializer(serializers.Serializer):
    note = serializers.CharField(
        required=False, default="", allow_blank=True, help_text="For the authorizing official."
    )


# ----------------------------------------------------------------------------- risk


class RiskResponseSerializer(serializers.Serializer):
    response = NamedChoiceField(RiskResponseKind, read_only=True)
    rationale = serializers.CharField()
    version = serializers.IntegerField(help_text="Send it as `expected_version` when changing.")
    decided_by = _username("decided_by")
    decided_at = serializers.DateTimeField()


class OpenFindingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    assessment = serializers.IntegerField(source="assessment_id")
    control = serializers.CharField(source="selected_control.control_id")
    label = serializers.CharField(source="selected_control.control.label")
    weakness = serializers.CharField()
    likelihood = BlankAsNullChoiceField(RiskScale)
    impact = BlankAsNullChoiceField(RiskScale)
    risk_level = BlankAsNullChoiceField(RiskScale)
    status = NamedChoiceField(Finding.Status, read_only=True)
    poam_item = serializers.SerializerMethodField()
    risk_response = serializers.SerializerMethodField()

    def get_poam_item(self, finding) -> int | None:
        item = getattr(finding, "poam_item", None)
        return item.pk if item is not None else None

    @extend_schema_field(RiskResponseSerializer(allow_null=True))
    def get_risk_response(self, finding) -> dict | None:
        response = getattr(finding, "risk_response", None)
        return RiskResponseSerializer(response).data if response is not None else None


class RiskGroupRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    counts = serializers.DictField(
        child=serializers.IntegerField(), help_text="Open findings per risk level."
    )
    unrated = serializers.IntegerField()
    total = serializers.IntegerField()
    highest = BlankAsNullChoiceField(RiskScale)


class RiskGroupingSerializer(serializers.Serializer):
    key = serializers.CharField(help_text='"family", "csf_function", ...')
    label = serializers.CharField()
    rows = RiskGroupRowSerializer(many=True)


class RiskSerializer(serializers.Serializer):
    """What the authorizing official weighs: the findings not closed with their response, the
    POA&M, the risk aggregated per grouping of controls, and the determination."""

    authorization = serializers.IntegerField(source="authorization.pk")
    tasks = TaskStateSerializer(many=True, help_text="R-2 and R-3.")
    risk_determination = RiskDeterminationSerializer(source="determination", allow_null=True)
    findings_without_response = serializers.IntegerField(source="without_response")
    findings = OpenFindingSerializer(many=True)
    poam = PoamItemSerializer(many=True)
    groupings = RiskGroupingSerializer(many=True)


class RiskDeterminationInputSerializer(serializers.Serializer):
    risk_level = ServiceCheckedChoiceField(RiskScale)
    rationale = serializers.CharField(allow_blank=True)
    expected_version = serializers.IntegerField(required=False, allow_null=True, default=None)


class RiskResponseInputSerializer(serializers.Serializer):
    response = ServiceCheckedChoiceField(RiskResponseKind)
    rationale = serializers.CharField(allow_blank=True)
    expected_version = serializers.IntegerField(required=False, allow_null=True, default=None)


class RiskConflictSerializer(serializers.Serializer):
    """409: saved by someone else since `expected_version`; nothing was written."""

    detail = serializers.CharField()
    current = serializers.DictField(help_text="As saved.")
    current_version = serializers.IntegerField()


# ----------------------------------------------------------------------------- decision


class DecisionSignInputSerializer(serializers.Serializer):
    kind = ServiceCheckedChoiceField(AuthorizationDecision.Kind)
    conditions = serializers.ListField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        default=list,
        help_text="Required for `ato_conditions`, refused otherwise.",
    )
    terms = serializers.CharField(required=False, default="", allow_blank=True)
    decision_date = serializers.DateField(help_text="Today: a decision is never backdated.")
    termination_date = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The expiry: none for a denial; at most 5 years (ATO) or 1 year (IATT).",
    )
    password = serializers.CharField(
        write_only=True,
        trim_whitespace=False,
        style={"input_type": "password"},
        help_text="The signer's password, re-entered.",
    )
