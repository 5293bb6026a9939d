"""Step 6, Monitor (SP 800-37 M-1..M-7): system and environment changes with their security
impact analysis. Ongoing assessments are `Assessment`s of kind "ongoing"; POA&M items live with
the assessment models; disposal is recorded on the system."""

from django.conf import settings
from django.db import models


class ChangeRecord(models.Model):
    """M-1: a change to the system or its environment, and its security impact analysis. A
    significant change sends the system back to Categorize or Select in a new cycle."""

    class Kind(models.TextChoices):
        HARDWARE = "hardware", "Hardware"
        SOFTWARE = "software", "Software or firmware"
        CONFIGURATION = "configuration", "Configuration"
        BOUNDARY = "boundary", "Boundary, interconnection or data flow"
        ENVIRONMENT = "environment", "Environment of operation or threats"
        ORGANIZATION = "organization", "People, process or mission"

    class Impact(models.TextChoices):
        NONE = "none", "No security impact"
        MINOR = "minor", "Minor: handled within the current authorization"
        SIGNIFICANT = "significant", "Significant: needs re-categorization or re-selection"

    class ReturnTo(models.TextChoices):
        CATEGORIZE = "categorize", "Categorize"
        SELECT = "select", "Select"

    authorization = models.ForeignKey(
        "rmf.Authorization", on_delete=models.PROTECT, related_name="changes"
    )
    number = models.PositiveIntegerField()  # shown as CHG-001 within the cycle
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    description = models.TextField()
    changed_on = models.DateField()  # when the change was or will be made
    impact = models.CharField(max_length=12, choices=Impact.choices, blank=True)
    analysis = models.TextField(blank=True)  # the security impact analysis
    affected_controls = models.ManyToManyField(
        "rmf.SelectedControl", blank=True, related_name="changes"
    )
    return_to = models.CharField(max_length=12, choices=ReturnTo.choices, blank=True)
    new_cycle = models.ForeignKey(
        "rmf.Authorization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="started_by_change",
    )
    version = models.PositiveIntegerField(default=1)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    analysed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    analysed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["authorization", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["authorization", "number"], name="uniq_change_number")
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        return f"CHG-{self.number:03d}"

    @property
    def analysed(self) -> bool:
        return bool(self.impact)
