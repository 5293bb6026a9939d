"""An organization's yearly CSF maturity self-assessment, its target profile, the action items
that close its gaps, and the labels it gives the maturity levels.

Scores are on the maturity scale of csf/maturity.py (1 to 7); the rules that roll them up are in
csf/scoring.py. Writes go through csf/services.py, which audits them.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from csf.maturity import MAX_LEVEL, MIN_LEVEL
from csf.models.reference import CsfElement, CsfVersion

_score_validators = [MinValueValidator(MIN_LEVEL), MaxValueValidator(MAX_LEVEL)]


class CsfAssessment(models.Model):
    """One organization's self-assessment for one year, in one CSF version."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted for review"
        RETURNED = "returned", "Returned for changes"
        APPROVED = "approved", "Approved"

    class Origin(models.TextChoices):
        BLANK = "blank", "Started blank"
        COPIED = "copied", "Copied from an earlier assessment"
        CROSSWALK = "crosswalk", "Carried from CSF 1.1 through NIST's crosswalk"

    organization = models.ForeignKey(
        "assets.Organization", on_delete=models.PROTECT, related_name="csf_assessments"
    )
    year = models.PositiveSmallIntegerField()
    framework = models.CharField(max_length=3, choices=CsfVersion.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.BLANK)
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)  # why it was returned, or the approval's remark
    # Optimistic locking of the assessment's state changes (submit, approve, return).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["organization__path", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year"], name="uniq_csf_assessment_org_year"
            )
        ]
        indexes = [models.Index(fields=["organization", "status", "-year"])]

    def __str__(self) -> str:
        return f"CSF {self.framework} assessment {self.year} of {self.organization}"

    @property
    def editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


class CsfAnswer(models.Model):
    """The score of one subcategory in an assessment, with its comment and evidence. A row with
    no score is an answer saved without one yet (a comment first), or flagged to answer."""

    assessment = models.ForeignKey(CsfAssessment, on_delete=models.CASCADE, related_name="answers")
    subcategory = models.ForeignKey(CsfElement, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(null=True, blank=True, validators=_score_validators)
    comment = models.TextField(blank=True)
    evidence = models.TextField(blank=True)  # documents, links, where to find them
    # Copied from last year or carried through the crosswalk, and not yet confirmed by a person.
    needs_review = models.BooleanField(default=False)
    # For a crosswalked answer: the CSF 1.1 subcategories it came from ("PR.AC-1, PR.AC-6").
    carried_from = models.CharField(max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["assessment", "subcategory__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "subcategory"], name="uniq_csf_answer_subcategory"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subcategory.identifier}: {self.score}"


class CsfTier(models.Model):
    """CSF 2.0 implementation tier of one function, judged by the organization (not computed)."""

    class Tier(models.IntegerChoices):
        PARTIAL = 1, "Tier 1: Partial"
        RISK_INFORMED = 2, "Tier 2: Risk Informed"
        REPEATABLE = 3, "Tier 3: Repeatable"
        ADAPTIVE = 4, "Tier 4: Adaptive"

    assessment = models.ForeignKey(CsfAssessment, on_delete=models.CASCADE, related_name="tiers")
    function = models.ForeignKey(CsfElement, on_delete=models.PROTECT, related_name="+")
    tier = models.PositiveSmallIntegerField(choices=Tier.choices)
    rationale = models.TextField(blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "function"], name="uniq_csf_tier")
        ]

    def __str__(self) -> str:
        return f"{self.function_id}: tier {self.tier}"


class CsfTarget(models.Model):
    """The organization's target score for a subcategory; absent means the recommended minimum
    (csf.maturity.RECOMMENDED_TARGET)."""

    organization = models.ForeignKey(
        "assets.Organization", on_delete=models.CASCADE, related_name="csf_targets"
    )
    subcategory = models.ForeignKey(CsfElement, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(validators=_score_validators)
    rationale = models.TextField(blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "subcategory"], name="uniq_csf_target_subcategory"
            )
        ]

    def __str__(self) -> str:
        return f"target {self.score} for {self.subcategory_id}"


class CsfActionItem(models.Model):
    """A POA&M-like action to close a gap between the current and the target profile."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    organization = models.ForeignKey(
        "assets.Organization", on_delete=models.PROTECT, related_name="csf_action_items"
    )
    subcategory = models.ForeignKey(CsfElement, on_delete=models.PROTECT, related_name="+")
    # The assessment whose gap it answers (its current score and the target at the time).
    assessment = models.ForeignKey(
        CsfAssessment, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    current_score = models.PositiveSmallIntegerField(null=True, blank=True)
    target_score = models.PositiveSmallIntegerField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closure_note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return self.title


class CsfMaturityLabel(models.Model):
    """An organization's own wording of a maturity level (csf.maturity holds the defaults)."""

    organization = models.ForeignKey(
        "assets.Organization", on_delete=models.CASCADE, related_name="csf_maturity_labels"
    )
    level = models.PositiveSmallIntegerField(validators=_score_validators)
    label = models.CharField(max_length=60)
    description = models.TextField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organization", "level"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "level"], name="uniq_csf_label_level")
        ]

    def __str__(self) -> str:
        return f"{self.level}: {self.label}"
