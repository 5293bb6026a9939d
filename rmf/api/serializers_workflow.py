"""Serializers shared by the RMF cycle API (systems and people, cycles with their tasks and gate,
the categorization and control set summaries, selected controls with their parameters), and the
input field whose values the services check themselves."""

from dataclasses import dataclass
from functools import cached_property

from django.db import models
from rest_framework import serializers

from assets.api.inventory_serializers import NamedChoiceField
from assets.models import ImpactLevel, ProvisionalImpact, System
from rmf.models import (
    STEP_ORDER,
    Authorization,
    Baseline,
    ControlParameter,
    Designation,
    MonitoringFrequency,
    OrganizationParameterDefault,
    SelectedControl,
    Step,
    StepTransition,
    TaskSignoff,
)
from rmf.selectors.workflow import (
    CategorizationResult,
    CycleFacts,
    TaskState,
    gate_missing,
    task_states,
)
from rmf.tasks import TaskSpec

Tailoring = SelectedControl.Tailoring

# ----------------------------------------------------------------------------- fields


class ServiceCheckedChoiceField(NamedChoiceField):
    """Documented as the enum of its choices class, but any text passes through: the service
    refuses a wrong value with its own message, which names the valid choices."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, str | int):
            self.fail("invalid_choice", input=data)
        return str(data)


class BlankAsNullChoiceField(NamedChoiceField):
    """A read-only choice stored blank when unset, answered as null."""

    def __init__(self, choices_class, **kwargs):
        super().__init__(choices_class, read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value):
        return super().to_representation(value) if value else None


class ParameterValueSource(models.TextChoices):
    SYSTEM = "system", "The system's own value"
    ORGANIZATION = "organization", "Inherited from an organization's default"


class RemovalKind(models.TextChoices):
    """The two ways a control leaves the set (SP 800-53B tailoring)."""

    SCOPED_OUT = Tailoring.SCOPED_OUT.value, Tailoring.SCOPED_OUT.label
    COMPENSATING = Tailoring.COMPENSATING.value, Tailoring.COMPENSATING.label


def _person() -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text="Username."
    )


# Who answers for a task, by the role named in its `responsible` text.
_PEOPLE_FIELDS = {
    "System owner": "system_owner",
    "ISSO": "isso",
    "Authorizing official": "authorizing_official",
}


def responsible_people(spec: TaskSpec, system: System) -> list[str]:
    """Usernames of the system's people who hold the task's responsible roles (assessors are
    named per assessment, not on the system)."""
    people = []
    for role in (part.strip() for part in spec.responsible.split(",")):
        field = _PEOPLE_FIELDS.get(role)
        person = getattr(system, field) if field else None
        if person is not None and person.username not in people:
            people.append(person.username)
    return people


# ----------------------------------------------------------------------------- systems, cycles


class RmfSystemSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    kind = NamedChoiceField(System.Kind, read_only=True)
    status = NamedChoiceField(System.Status, read_only=True)

    class Meta:
        model = System
        fields = ["id", "name", "acronym", "kind", "status", "organization", "organization_name"]
        read_only_fields = fields


class RmfSystemPeopleSerializer(serializers.ModelSerializer):
    system_owner = _person()
    isso = _person()
    authorizing_official = _person()

    class Meta:
        model = System
        fields = ["system_owner", "isso", "authorizing_official"]
        read_only_fields = fields


# What a cycle's system summary reads: select these with the cycle.
CYCLE_RELATED = (
    "system__organization",
    "system__system_owner",
    "system__isso",
    "system__authorizing_official",
    "started_by",
)


class AuthorizationListItemSerializer(serializers.ModelSerializer):
    system = RmfSystemSerializer(read_only=True)
    step = NamedChoiceField(Step, read_only=True)
    started_by = _person()

    class Meta:
        model = Authorization
        fields = [
            "id",
            "system",
            "cycle",
            "step",
            "is_current",
            "previous",
            "started_at",
            "started_by",
            "closed_at",
        ]
        read_only_fields = fields


class TaskStateSerializer(serializers.Serializer):
    """An SP 800-37 task of the cycle: done when nothing is missing."""

    code = serializers.CharField(source="spec.code")
    title = serializers.CharField(source="spec.title")
    step = NamedChoiceField(Step, source="spec.step", read_only=True)
    responsible = serializers.CharField(source="spec.responsible")
    people = serializers.SerializerMethodField(
        help_text="Usernames of the system's people holding the responsible roles."
    )
    required = serializers.BooleanField(
        source="spec.required", help_text="Whether the step's gate waits for this task."
    )
    takes_signoff = serializers.SerializerMethodField(
        help_text="Settled by a responsible role's sign-off, not by the data alone."
    )
    done = serializers.BooleanField()
    missing = serializers.ListField(child=serializers.CharField())
    signed_by = serializers.CharField(source="signoff.signed_by.username", allow_null=True)
    signed_at = serializers.DateTimeField(source="signoff.signed_at", allow_null=True)
    note = serializers.CharField(source="signoff.note", allow_null=True)

    def get_people(self, state: TaskState) -> list[str]:
        system = self.context.get("system")
        return responsible_people(state.spec, system) if system is not None else []

    def get_takes_signoff(self, state: TaskState) -> bool:
        return state.spec.signoff_perm is not None


@dataclass
class Gate:
    step: str
    next_step: str | None
    can_advance: bool
    missing: list[TaskState]


class GateSerializer(serializers.Serializer):
    step = NamedChoiceField(Step, read_only=True)
    next_step = NamedChoiceField(Step, read_only=True, allow_null=True)
    can_advance = serializers.BooleanField()
    missing = TaskStateSerializer(
        many=True, help_text="The current step's required tasks that are still open."
    )


class StepTransitionSerializer(serializers.ModelSerializer):
    from_step = NamedChoiceField(Step, read_only=True)
    to_step = NamedChoiceField(Step, read_only=True)
    actor = _person()

    class Meta:
        model = StepTransition
        fields = ["id", "from_step", "to_step", "actor", "reason", "created_at"]
        read_only_fields = fields


class ImpactLevelsSerializer(serializers.Serializer):
    confidentiality = NamedChoiceField(ImpactLevel, read_only=True)
    integrity = NamedChoiceField(ImpactLevel, read_only=True)
    availability = NamedChoiceField(ImpactLevel, read_only=True)


class ProvisionalImpactsSerializer(serializers.Serializer):
    confidentiality = NamedChoiceField(ProvisionalImpact, read_only=True)
    integrity = NamedChoiceField(ProvisionalImpact, read_only=True)
    availability = NamedChoiceField(ProvisionalImpact, read_only=True)


@dataclass
class CategorizationView:
    """The computed categorization with its approval (the C-3 sign-off)."""

    authorization: Authorization
    result: CategorizationResult
    approval: TaskSignoff | None
    usernames: dict[int, str]  # who made the adjustments


class CategorizationSummarySerializer(serializers.Serializer):
    levels = ImpactLevelsSerializer(
        source="result.levels", help_text="High-water mark per objective."
    )
    overall = NamedChoiceField(ImpactLevel, source="result.overall", read_only=True)
    notation = serializers.CharField(source="result.notation", help_text="FIPS 199 SC notation.")
    information_types = serializers.SerializerMethodField()
    approved = serializers.BooleanField(source="result.approved")
    approved_by = serializers.CharField(source="approval.signed_by.username", allow_null=True)
    approved_at = serializers.DateTimeField(source="approval.signed_at", allow_null=True)
    changed_since_approval = serializers.BooleanField(source="result.changed_since_approval")

    def get_information_types(self, view: CategorizationView) -> int:
        return len(view.result.types)


class SelectionSummarySerializer(serializers.Serializer):
    baselines = serializers.ListField(child=NamedChoiceField(Baseline.Name, read_only=True))
    in_baseline = serializers.IntegerField(help_text="Controls the chosen baselines hold.")
    active = serializers.IntegerField(help_text="Controls in the set (baseline and added).")
    removed = serializers.IntegerField(help_text="Baseline controls tailored out.")
    added = serializers.IntegerField()
    without_rationale = serializers.IntegerField()
    without_provider = serializers.IntegerField()
    without_frequency = serializers.IntegerField()
    parameters = serializers.IntegerField()
    parameters_without_value = serializers.IntegerField()


@dataclass
class CycleDetail:
    authorization: Authorization
    facts: CycleFacts
    transitions: list[StepTransition]

    @cached_property
    def tasks(self) -> list[TaskState]:
        return task_states(self.facts)

    @property
    def gate(self) -> Gate:
        step = self.authorization.step
        index = STEP_ORDER.index(step)
        next_step = STEP_ORDER[index + 1] if index + 1 < len(STEP_ORDER) else None
        missing = gate_missing(self.facts)
        can_advance = bool(self.facts.is_open and next_step and not missing)
        return Gate(step=step, next_step=next_step, can_advance=can_advance, missing=missing)

    @property
    def categorization(self) -> CategorizationView:
        return CategorizationView(
            self.authorization,
            self.facts.categorization,
            self.facts.signoffs.get("C-3"),
            usernames={},
        )


class CycleDetailSerializer(serializers.Serializer):
    """An RMF cycle: its step, the tasks of every step, the gate out of the current step, the
    transitions so far, and summaries of the categorization and the control set."""

    id = serializers.IntegerField(source="authorization.pk")
    system = RmfSystemSerializer(source="authorization.system")
    people = RmfSystemPeopleSerializer(source="authorization.system")
    cycle = serializers.IntegerField(source="authorization.cycle")
    step = NamedChoiceField(Step, source="authorization.step", read_only=True)
    is_current = serializers.BooleanField(source="authorization.is_current")
    is_open = serializers.BooleanField(
        source="facts.is_open",
        help_text="Whether the cycle takes changes: the current cycle of a system in service.",
    )
    previous = serializers.IntegerField(source="authorization.previous_id", allow_null=True)
    started_at = serializers.DateTimeField(source="authorization.started_at")
    started_by = serializers.CharField(source="authorization.started_by.username", allow_null=True)
    closed_at = serializers.DateTimeField(source="authorization.closed_at", allow_null=True)
    tasks = TaskStateSerializer(many=True)
    gate = GateSerializer()
    transitions = StepTransitionSerializer(many=True)
    categorization = CategorizationSummarySerializer()
    selection = SelectionSummarySerializer(source="facts.selection")


# ----------------------------------------------------------------------------- selection


class SelectedControlSerializer(serializers.ModelSerializer):
    control = serializers.CharField(source="control_id", read_only=True)
    label = serializers.CharField(source="control.label", read_only=True)
    title = serializers.CharField(source="control.title", read_only=True)
    family = serializers.CharField(source="control.family_id", read_only=True)
    tailoring = NamedChoiceField(SelectedControl.Tailoring, read_only=True)
    active = serializers.BooleanField(source="is_active", read_only=True)
    designation = NamedChoiceField(Designation, read_only=True)
    provider_name = serializers.CharField(
        source="provider", read_only=True, allow_null=True, help_text="The providing system."
    )
    monitoring_frequency = BlankAsNullChoiceField(MonitoringFrequency)

    class Meta:
        model = SelectedControl
        fields = [
            "id",
            "authorization",
            "control",
            "label",
            "title",
            "family",
            "in_baseline",
            "tailoring",
            "tailoring_rationale",
            "active",
            "designation",
            "provider",
            "provider_name",
            "monitoring_frequency",
            "version",
        ]
        read_only_fields = fields


@dataclass
class EffectiveParameter:
    parameter: ControlParameter
    value: str | None
    source: str | None


class EffectiveParameterSerializer(serializers.Serializer):
    """An organization-defined parameter with the value that applies to this system."""

    id = serializers.CharField(source="parameter.pk")
    odp_label = serializers.CharField(source="parameter.odp_label")
    alt_identifier = serializers.CharField(source="parameter.alt_identifier")
    label = serializers.CharField(source="parameter.label")
    aggregates = serializers.ListField(
        child=serializers.CharField(),
        source="parameter.aggregates",
        help_text="A Rev 5.0 parameter standing for these ODPs; it is filled through them.",
    )
    how_many = serializers.CharField(source="parameter.how_many")
    choices = serializers.ListField(child=serializers.CharField(), source="parameter.choices")
    value = serializers.CharField(allow_null=True)
    source = NamedChoiceField(ParameterValueSource, read_only=True, allow_null=True)


class SelectedControlDetailSerializer(SelectedControlSerializer):
    parameters = EffectiveParameterSerializer(many=True, read_only=True)

    class Meta(SelectedControlSerializer.Meta):
        fields = [*SelectedControlSerializer.Meta.fields, "parameters"]
        read_only_fields = fields


class ControlsUpdatedSerializer(serializers.Serializer):
    updated = serializers.IntegerField(help_text="How many controls changed.")


class OrganizationParameterDefaultSerializer(serializers.ModelSerializer):
    control = serializers.CharField(source="parameter.control_id", read_only=True)
    control_label = serializers.CharField(source="parameter.control.label", read_only=True)
    odp_label = serializers.CharField(source="parameter.odp_label", read_only=True)
    label = serializers.CharField(source="parameter.label", read_only=True)
    value = serializers.CharField(allow_null=True, read_only=True)
    updated_at = serializers.DateTimeField(allow_null=True, read_only=True)

    class Meta:
        model = OrganizationParameterDefault
        fields = [
            "organization",
            "parameter",
            "control",
            "control_label",
            "odp_label",
            "label",
            "value",
            "updated_at",
        ]
        read_only_fields = fields
