"""Step 5, Authorize (SP 800-37 R-1..R-5): the authorizing official's risk determination, the
risk response to each finding, and the signed authorization decision with the frozen package.

The package itself is assembled from the earlier steps' data (`rmf.selectors.package`); at
signing its canonical content and SHA-256 are stored with the decision and never edited again.
"""

from django.conf import settings
from django.db import models

from rmf.models.assessment import RiskScale


class RiskDetermination(models.Model):
    """R-2: the authorizing official's determination of the risk of operating the system."""

    authorization = models.OneToOneField(
        "rmf.Authorization", on_delete=models.CASCADE, related_name="risk_determination"
    )
    risk_level = models.CharField(max_length=10, choices=RiskScale.choices)
    rationale = models.TextField()
    version = models.PositiveIntegerField(default=1)
    determined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    determined_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Risk determination of {self.authorization}: {self.risk_level}"


class RiskResponseKind(models.TextChoices):
    ACCEPT = "accept", "Accept"
    MITIGATE = "mitigate", "Mitigate"
    AVOID = "avoid", "Avoid"
    SHARE = "share", "Share or transfer"


class RiskResponse(models.Model):
    """R-3 (and M-3 later): the response to the risk of one finding that is not closed."""

    finding = models.OneToOneField(
        "rmf.Finding", on_delete=models.CASCADE, related_name="risk_response"
    )
    response = models.CharField(max_length=10, choices=RiskResponseKind.choices)
    rationale = models.TextField()
    version = models.PositiveIntegerField(default=1)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.finding}: {self.response}"


class AuthorizationDecision(models.Model):
    """R-4: the decision signed by the system's authorizing official. One per cycle; never
    edited after signing. `ended_on` is set when a later cycle's decision supersedes it or the
    system is disposed."""

    class Kind(models.TextChoices):
        ATO = "ato", "Authorization to operate"
        ATO_WITH_CONDITIONS = "ato_conditions", "Authorization to operate with conditions"
        IATT = "iatt", "Interim authorization to test"
        DENIAL = "denial", "Denial of authorization"

    authorization = models.OneToOneField(
        "rmf.Authorization", on_delete=models.PROTECT, related_name="decision"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    conditions = models.JSONField(default=list, blank=True)  # one string per condition
    terms = models.TextField(blank=True)
    decision_date = models.DateField()
    termination_date = models.DateField(null=True, blank=True)  # none for a denial
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signer_name = models.CharField(max_length=300)  # as it read when signed
    signed_at = models.DateTimeField()
    content_hash = models.CharField(max_length=64)  # SHA-256 of the canonical package content
    snapshot = models.JSONField()  # the package content as signed
    ended_on = models.DateField(null=True, blank=True)
    ended_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-signed_at", "-id"]
        indexes = [models.Index(fields=["termination_date"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.authorization}"

    @property
    def permits_operation(self) -> bool:
        return self.kind != self.Kind.DENIAL
