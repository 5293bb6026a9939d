"""Step 3, Implement: how each selected control is implemented, part by part, with evidence."""

from django.conf import settings
from django.db import models


class ImplementationStatus(models.TextChoices):
    IMPLEMENTED = "implemented", "Implemented"
    PARTIAL = "partial", "Partially implemented"
    PLANNED = "planned", "Planned"
    ALTERNATIVE = "alternative", "Alternative implementation"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class ControlImplementation(models.Model):
    """The implementation record of one selected control of a cycle."""

    selected_control = models.OneToOneField(
        "rmf.SelectedControl", on_delete=models.CASCADE, related_name="implementation"
    )
    status = models.CharField(max_length=16, choices=ImplementationStatus.choices, blank=True)
    responsible_roles = models.CharField(max_length=300, blank=True)  # e.g. "Network team; ISSO"
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.selected_control} {self.status or 'not documented'}"


class ImplementationNarrative(models.Model):
    """How the system meets one part of a control's statement (a., b., b.1., ...)."""

    implementation = models.ForeignKey(
        ControlImplementation, on_delete=models.CASCADE, related_name="narratives"
    )
    part = models.ForeignKey("rmf.ControlPart", on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    # Compared on save: a narrative saved by someone else meanwhile is a conflict, not lost.
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["implementation", "part__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["implementation", "part"], name="uniq_narrative_part")
        ]

    def __str__(self) -> str:
        return f"{self.part_id}: {self.text[:40]}"


class Evidence(models.Model):
    """A file (policy, screenshot, scan export) or a link, owned by an organization and reusable
    across its controls and systems. Files live outside the web root, served after a check."""

    organization = models.ForeignKey(
        "assets.Organization", on_delete=models.PROTECT, related_name="evidence"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    url = models.URLField(blank=True, max_length=500)
    file_name = models.CharField(max_length=255, blank=True)  # as uploaded, for the download
    storage_name = models.CharField(max_length=100, blank=True)  # random name under the store
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    controls = models.ManyToManyField("rmf.SelectedControl", blank=True, related_name="evidence")

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(url="", storage_name=""), name="evidence_is_file_or_link"
            )
        ]

    def __str__(self) -> str:
        return self.title
