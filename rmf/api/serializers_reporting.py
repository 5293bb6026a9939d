"""How the reporting API writes a system's authorization status (also a column of the RMF
portfolio), the organization's authorizations, the security status reports and the
dashboard."""

from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assets.api.inventory_serializers import NamedChoiceField
from rmf.api.serializers_workflow import RmfSystemSerializer
from rmf.models import AuthorizationDecision, PoamItem, RiskScale
from rmf.selectors.decisions import STATES
from rmf.selectors.package import SECTIONS

AuthorizationState = models.TextChoices(
    "AuthorizationState", [(key.upper(), (key, label)) for key, label in STATES.items()]
)
PackageSection = models.TextChoices(
    "PackageSection", [(key.upper(), (key, label)) for key, label in SECTIONS.items()]
)


class EffectiveDecisionSerializer(serializers.ModelSerializer):
    """The effective decision: the latest signed, whatever its cycle."""

    kind = NamedChoiceField(AuthorizationDecision.Kind, read_only=True)
    cycle = serializers.IntegerField(source="authorization.cycle", read_only=True)
    conditions = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = AuthorizationDecision
        fields = [
            "id",
            "authorization",
            "cycle",
            "kind",
            "conditions",
            "terms",
            "decision_date",
            "termination_date",
            "signer_name",
            "signed_at",
            "content_hash",
            "ended_on",
            "ended_reason",
        ]
        read_only_fields = fields


class ChangedSectionSerializer(serializers.Serializer):
    key = NamedChoiceField(PackageSection)
    label = serializers.CharField()


class DecisionStatusSerializer(serializers.Serializer):
    """Where a system stands with its authorization (R-5)."""

    state = NamedChoiceField(AuthorizationState, read_only=True)
    label = serializers.CharField(read_only=True)
    decision = EffectiveDecisionSerializer(read_only=True, allow_null=True)
    days_left = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="Days until an active authorization ends (0: it ends today).",
    )
    expiring_within = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="The smallest of 30, 60, 90 days an active authorization ends within.",
    )
    package_changed = serializers.BooleanField(
        source="changed",
        read_only=True,
        help_text="The package changed since the decision was signed.",
    )
    changed_sections = serializers.SerializerMethodField()

    @extend_schema_field(ChangedSectionSerializer(many=True))
    def get_changed_sections(self, status) -> list[dict]:
        return [{"key": key, "label": SECTIONS[key]} for key in status.changed_sections or []]


class SystemAuthorizationSerializer(DecisionStatusSerializer):
    """A row of the organization's list of authorizations."""

    system = RmfSystemSerializer(read_only=True)


class ReportCountSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class AssessmentCoverageSerializer(serializers.Serializer):
    assessed = serializers.IntegerField(
        help_text="Active controls assessed within their monitoring frequency."
    )
    active_controls = serializers.IntegerField()
    percent = serializers.IntegerField(allow_null=True, source="coverage_percent")


class OverdueItemSerializer(serializers.ModelSerializer):
    risk_level = NamedChoiceField(RiskScale, read_only=True, allow_blank=True)

    class Meta:
        model = PoamItem
        fields = [
            "id",
            "code",
            "weakness",
            "risk_level",
            "scheduled_completion",
            "point_of_contact",
        ]
        read_only_fields = fields


class StatusReportSerializer(serializers.Serializer):
    """M-5 over the current cycles of the systems not disposed."""

    today = serializers.DateField()
    cycles = serializers.IntegerField(help_text="How many current cycles the report covers.")
    controls = ReportCountSerializer(
        many=True, help_text="Active controls by implementation status."
    )
    controls_total = serializers.IntegerField()
    findings = ReportCountSerializer(many=True, help_text="Findings not closed, by level of risk.")
    findings_total = serializers.IntegerField()
    poam_aging = ReportCountSerializer(
        many=True, source="aging", help_text="Open or ongoing POA&M items by days open."
    )
    poam_open = serializers.IntegerField()
    poam_overdue = serializers.IntegerField()
    coverage = AssessmentCoverageSerializer(source="*")


class SystemStatusReportSerializer(StatusReportSerializer):
    overdue_items = OverdueItemSerializer(many=True)


class HighestRiskSerializer(serializers.Serializer):
    kind = serializers.SerializerMethodField()
    id = serializers.SerializerMethodField()
    code = serializers.CharField()
    weakness = serializers.CharField()
    risk_level = serializers.CharField(help_text="very_low..very_high, or blank: not rated.")
    risk_label = serializers.CharField()
    system = RmfSystemSerializer()
    overdue = serializers.BooleanField(help_text="Its POA&M item is overdue.")
    poam_item = serializers.IntegerField(
        source="poam_item.pk",
        allow_null=True,
        default=None,
        help_text="The POA&M item: the row itself, or the finding's plan when it has one.",
    )

    def get_kind(self, row) -> str:
        return "finding" if row.finding is not None else "poam_item"

    def get_id(self, row) -> int:
        return (row.finding or row.poam_item).pk


class DashboardSerializer(serializers.Serializer):
    today = serializers.DateField()
    systems = serializers.IntegerField(help_text="Systems of the organization you can see.")
    steps = ReportCountSerializer(
        many=True, help_text="Systems by the step of their current cycle."
    )
    authorization_states = ReportCountSerializer(many=True, source="authorizations.states")
    expiring = ReportCountSerializer(
        many=True,
        source="authorizations.expiring",
        help_text="Active authorizations ending within 30, 60, 90 days (cumulative).",
    )
    expired = serializers.IntegerField(source="authorizations.expired")
    poam_overdue = serializers.IntegerField()
    poam_open = serializers.IntegerField()
    poam_aging = ReportCountSerializer(many=True, source="aging")
    highest_risks = HighestRiskSerializer(many=True, source="risks")
