"""A system's RMF cycle (an "authorization"): its step, the task sign-offs and step transitions."""

from django.conf import settings
from django.db import models


class Step(models.TextChoices):
    CATEGORIZE = "categorize", "Categorize"
    SELECT = "select", "Select"
    IMPLEMENT = "implement", "Implement"
    ASSESS = "assess", "Assess"
    AUTHORIZE = "authorize", "Authorize"
    MONITOR = "monitor", "Monitor"


STEP_ORDER = list(Step.values)


class Authorization(models.Model):
    """One RMF cycle of one system. Re-authorization starts a new cycle; earlier ones stay."""

    system = models.ForeignKey(
        "assets.System", on_delete=models.PROTECT, related_name="authorizations"
    )
    cycle = models.PositiveSmallIntegerField(default=1)
    step = models.CharField(max_length=12, choices=Step.choices, default=Step.CATEGORIZE)
    is_current = models.BooleanField(default=True)
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_cycle"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["system", "-cycle"]
        constraints = [
            models.UniqueConstraint(fields=["system", "cycle"], name="uniq_authorization_cycle"),
            models.UniqueConstraint(
                fields=["system"],
                condition=models.Q(is_current=True),
                name="one_current_authorization_per_system",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.system.acronym} cycle {self.cycle}"


class TaskSignoff(models.Model):
    """A responsible role's decision on an SP 800-37 task that data alone cannot settle."""

    authorization = models.ForeignKey(
        Authorization, on_delete=models.CASCADE, related_name="signoffs"
    )
    task = models.CharField(max_length=8)  # "C-3", "S-6"
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["authorization", "task"]
        constraints = [
            models.UniqueConstraint(fields=["authorization", "task"], name="uniq_task_signoff")
        ]

    def __str__(self) -> str:
        return f"{self.task} signed by {self.signed_by}"


class StepTransition(models.Model):
    authorization = models.ForeignKey(
        Authorization, on_delete=models.CASCADE, related_name="transitions"
    )
    from_step = models.CharField(max_length=12, choices=Step.choices)
    to_step = models.CharField(max_length=12, choices=Step.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["authorization", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_step} -> {self.to_step}"
