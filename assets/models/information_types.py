"""SP 800-60 Vol 2 Rev 1 information types: reference data written only by the catalog loader."""

from django.db import models


class ImpactLevel(models.TextChoices):
    LOW = "LOW", "Low"
    MODERATE = "MODERATE", "Moderate"
    HIGH = "HIGH", "High"


class ProvisionalImpact(models.TextChoices):
    """SP 800-60 also rates a few types "not applicable" for an objective (e.g. C.3.5.9)."""

    NOT_APPLICABLE = "NA", "Not applicable"
    LOW = "LOW", "Low"
    MODERATE = "MODERATE", "Moderate"
    HIGH = "HIGH", "High"


class InformationType(models.Model):
    id = models.CharField(primary_key=True, max_length=16)  # "C.2.8.12", "D.14.1"
    title = models.CharField(max_length=300)
    category = models.CharField(max_length=200)  # "Controls and Oversight"
    description = models.TextField(blank=True)
    confidentiality = models.CharField(max_length=8, choices=ProvisionalImpact.choices)
    integrity = models.CharField(max_length=8, choices=ProvisionalImpact.choices)
    availability = models.CharField(max_length=8, choices=ProvisionalImpact.choices)
    # SP 800-60's explanation of each provisional level: the special factors that may change it.
    confidentiality_note = models.TextField(blank=True)
    integrity_note = models.TextField(blank=True)
    availability_note = models.TextField(blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order"]

    def __str__(self) -> str:
        return f"{self.id} {self.title}"
