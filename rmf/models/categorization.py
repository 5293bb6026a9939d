"""Step 1, Categorize (FIPS 199, SP 800-60): adjustments of the information types' impacts.

The system's categorization is computed from the system's information types (assets) and the
adjustments recorded here; it is never typed in. Approval stores what was approved, so a later
change is visible as a change that needs a new approval.
"""

from django.conf import settings
from django.db import models


class Objective(models.TextChoices):
    CONFIDENTIALITY = "confidentiality", "Confidentiality"
    INTEGRITY = "integrity", "Integrity"
    AVAILABILITY = "availability", "Availability"


class Categorization(models.Model):
    authorization = models.OneToOneField(
        "rmf.Authorization", on_delete=models.CASCADE, related_name="categorization"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    # What was approved: {"confidentiality": "MODERATE", ..., "overall": "MODERATE",
    # "information_types": [...]} — compared with the live computation to detect changes.
    approved_snapshot = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"Categorization of {self.authorization}"


class ImpactAdjustment(models.Model):
    """A raised or lowered impact of one information type on one objective, with the reason
    (special factors, SP 800-60 Vol 1 §4.2)."""

    categorization = models.ForeignKey(
        Categorization, on_delete=models.CASCADE, related_name="adjustments"
    )
    system_information_type = models.ForeignKey(
        "assets.SystemInformationType", on_delete=models.CASCADE, related_name="+"
    )
    objective = models.CharField(max_length=16, choices=Objective.choices)
    level = models.CharField(max_length=8)  # ImpactLevel value
    justification = models.TextField()
    adjusted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    adjusted_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["categorization", "system_information_type", "objective"]
        constraints = [
            models.UniqueConstraint(
                fields=["categorization", "system_information_type", "objective"],
                name="uniq_impact_adjustment",
            )
        ]

    def __str__(self) -> str:
        return f"{self.system_information_type} {self.objective} -> {self.level}"
