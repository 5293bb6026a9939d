"""Step 2, Select (SP 800-53B): the system's control set, tailoring, allocation, parameters and
the continuous monitoring strategy."""

from django.conf import settings
from django.db import models


class Designation(models.TextChoices):
    SYSTEM_SPECIFIC = "system_specific", "System-specific"
    COMMON = "common", "Common (inherited)"
    HYBRID = "hybrid", "Hybrid"


class MonitoringFrequency(models.TextChoices):
    CONTINUOUS = "continuous", "Continuously (automated)"
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    SEMIANNUAL = "semiannual", "Every six months"
    ANNUAL = "annual", "Annually"
    TRIENNIAL = "triennial", "Every three years"


MONITORING_DAYS = {
    MonitoringFrequency.CONTINUOUS: 30,
    MonitoringFrequency.MONTHLY: 30,
    MonitoringFrequency.QUARTERLY: 91,
    MonitoringFrequency.SEMIANNUAL: 182,
    MonitoringFrequency.ANNUAL: 365,
    MonitoringFrequency.TRIENNIAL: 1095,
}


class ControlSelection(models.Model):
    """The baseline choice of a cycle (S-1): which baselines the control set started from."""

    authorization = models.OneToOneField(
        "rmf.Authorization", on_delete=models.CASCADE, related_name="control_selection"
    )
    baselines = models.JSONField(default=list)  # ["MODERATE", "PRIVACY"]
    selected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    selected_at = models.DateTimeField(auto_now_add=True)
    default_frequency = models.CharField(
        max_length=12, choices=MonitoringFrequency.choices, default=MonitoringFrequency.ANNUAL
    )

    def __str__(self) -> str:
        return f"{'+'.join(self.baselines)} for {self.authorization}"


class SelectedControl(models.Model):
    class Tailoring(models.TextChoices):
        BASELINE = "baseline", "From the baseline"
        ADDED = "added", "Added by tailoring"
        SCOPED_OUT = "scoped_out", "Removed: scoping (does not apply)"
        COMPENSATING = "compensating", "Removed: replaced by a compensating control"

    authorization = models.ForeignKey(
        "rmf.Authorization", on_delete=models.CASCADE, related_name="selected_controls"
    )
    control = models.ForeignKey("rmf.Control", on_delete=models.PROTECT, related_name="selections")
    in_baseline = models.BooleanField(default=True)
    tailoring = models.CharField(
        max_length=12, choices=Tailoring.choices, default=Tailoring.BASELINE
    )
    tailoring_rationale = models.TextField(blank=True)
    designation = models.CharField(
        max_length=16, choices=Designation.choices, default=Designation.SYSTEM_SPECIFIC
    )
    provider = models.ForeignKey(
        "assets.System", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    monitoring_frequency = models.CharField(
        max_length=12, choices=MonitoringFrequency.choices, blank=True
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["authorization", "control__sort_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["authorization", "control"], name="uniq_selected_control"
            )
        ]
        indexes = [models.Index(fields=["authorization", "tailoring"])]

    def __str__(self) -> str:
        return f"{self.control_id} in {self.authorization_id}"

    @property
    def is_active(self) -> bool:
        return self.tailoring in (self.Tailoring.BASELINE, self.Tailoring.ADDED)


class ParameterValue(models.Model):
    """A system's value for an organization-defined parameter (overrides the default)."""

    selected_control = models.ForeignKey(
        SelectedControl, on_delete=models.CASCADE, related_name="parameter_values"
    )
    parameter = models.ForeignKey(
        "rmf.ControlParameter", on_delete=models.PROTECT, related_name="+"
    )
    value = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["selected_control", "parameter"], name="uniq_parameter_value"
            )
        ]

    def __str__(self) -> str:
        return f"{self.parameter_id} = {self.value}"


class OrganizationParameterDefault(models.Model):
    """An organization's value for a parameter, inherited by all its systems (and those of its
    child organizations) unless a system overrides it."""

    organization = models.ForeignKey(
        "assets.Organization", on_delete=models.CASCADE, related_name="parameter_defaults"
    )
    parameter = models.ForeignKey(
        "rmf.ControlParameter", on_delete=models.PROTECT, related_name="+"
    )
    value = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "parameter"], name="uniq_org_parameter_default"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.parameter_id} = {self.value}"
