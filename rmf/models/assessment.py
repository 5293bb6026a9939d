"""Step 4, Assess (SP 800-53A): assessors, the assessment plan, a determination per assessment
objective, findings with their risk, remediation, and the POA&M items the Monitor step works on.

An `Assessment` is one assessment of a cycle's controls: the initial one of the Assess step
(all active controls by default) or, later, an ongoing assessment of a subset (Monitor, M-2).
Determinations are recorded on the leaf objectives of SP 800-53A ("AC-02a.[01]").
"""

from django.conf import settings
from django.db import models


class AssessorAssignment(models.Model):
    """An assessor assigned to a cycle (A-1). Separation of duties is checked when assigning:
    not the system owner, not the ISSO, nobody who wrote the system's implementation."""

    authorization = models.ForeignKey(
        "rmf.Authorization", on_delete=models.CASCADE, related_name="assessor_assignments"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessor_assignments"
    )
    is_lead = models.BooleanField(default=False)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["authorization", "-is_lead", "assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["authorization", "assessor"], name="uniq_assessor_per_cycle"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessor} assesses {self.authorization}"


class AssessmentMethod(models.TextChoices):
    EXAMINE = "examine", "Examine"
    INTERVIEW = "interview", "Interview"
    TEST = "test", "Test"


class Assessment(models.Model):
    """One assessment of a cycle with its plan (A-2). The plan is drafted by an assessor and
    approved by the authorizing official; changing an approved plan withdraws the approval."""

    class Kind(models.TextChoices):
        INITIAL = "initial", "Initial assessment"
        ONGOING = "ongoing", "Ongoing assessment"

    authorization = models.ForeignKey(
        "rmf.Authorization", on_delete=models.CASCADE, related_name="assessments"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.INITIAL)
    title = models.CharField(max_length=200)
    # Scope: every active control of the cycle, or the controls listed in `scoped_controls`.
    scope_all = models.BooleanField(default=True)
    scoped_controls = models.ManyToManyField(
        "rmf.SelectedControl", blank=True, related_name="assessment_scopes"
    )
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    methods = models.JSONField(default=list, blank=True)  # ["examine", "interview", "test"]
    assessment_objects = models.TextField(blank=True)  # what will be examined, interviewed, tested
    rules_of_engagement = models.TextField(blank=True)
    plan_version = models.PositiveIntegerField(default=1)
    plan_approved_at = models.DateTimeField(null=True, blank=True)
    plan_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["authorization", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["authorization"],
                condition=models.Q(kind="initial"),
                name="one_initial_assessment_per_cycle",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def plan_approved(self) -> bool:
        return self.plan_approved_at is not None


class DeterminationResult(models.TextChoices):
    SATISFIED = "satisfied", "Satisfied"
    OTHER_THAN_SATISFIED = "other_than_satisfied", "Other than satisfied"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class Determination(models.Model):
    """The assessor's determination on one SP 800-53A objective of one control in scope."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="determinations"
    )
    selected_control = models.ForeignKey(
        "rmf.SelectedControl", on_delete=models.CASCADE, related_name="determinations"
    )
    objective = models.ForeignKey("rmf.ControlPart", on_delete=models.PROTECT, related_name="+")
    result = models.CharField(max_length=24, choices=DeterminationResult.choices)
    methods = models.JSONField(default=list, blank=True)  # the methods used
    evidence_examined = models.TextField(blank=True)
    evidence = models.ManyToManyField("rmf.Evidence", blank=True, related_name="determinations")
    note = models.TextField(blank=True)
    # Compared on save: a determination saved by someone else meanwhile is a conflict.
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["assessment", "objective__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "objective"], name="uniq_determination_objective"
            )
        ]

    def __str__(self) -> str:
        return f"{self.objective_id}: {self.result}"


class RiskScale(models.TextChoices):
    """SP 800-30's qualitative scale, used for likelihood, impact and the resulting risk."""

    VERY_LOW = "very_low", "Very low"
    LOW = "low", "Low"
    MODERATE = "moderate", "Moderate"
    HIGH = "high", "High"
    VERY_HIGH = "very_high", "Very high"


RISK_ORDER = list(RiskScale.values)


class RiskMatrix(models.Model):
    """An organization's 5x5 table from likelihood and impact to risk level (SP 800-30 Table
    I-2 by default). `cells[likelihood][impact]` is a RiskScale value. Systems use the table of
    their nearest organization that has one."""

    organization = models.OneToOneField(
        "assets.Organization", on_delete=models.CASCADE, related_name="risk_matrix"
    )
    cells = models.JSONField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Risk table of {self.organization}"


class Finding(models.Model):
    """A weakness found by an assessment: the control's objectives determined other than
    satisfied, its likelihood and impact, the risk level they give, and a recommendation."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        REMEDIATION_SUBMITTED = "submitted", "Remediation recorded, awaiting re-assessment"
        CLOSED = "closed", "Closed: re-assessed satisfied"

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="findings")
    selected_control = models.ForeignKey(
        "rmf.SelectedControl", on_delete=models.CASCADE, related_name="findings"
    )
    number = models.PositiveIntegerField()  # shown as F-001 within its assessment
    objectives = models.ManyToManyField("rmf.ControlPart", blank=True, related_name="+")
    weakness = models.TextField(blank=True)
    likelihood = models.CharField(max_length=10, choices=RiskScale.choices, blank=True)
    impact = models.CharField(max_length=10, choices=RiskScale.choices, blank=True)
    risk_level = models.CharField(max_length=10, choices=RiskScale.choices, blank=True)
    recommendation = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    reassessed_at = models.DateTimeField(null=True, blank=True)
    reassessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reassessment_note = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["assessment", "number"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "number"], name="uniq_finding_number"),
            models.UniqueConstraint(
                fields=["assessment", "selected_control"], name="one_finding_per_control"
            ),
        ]

    def __str__(self) -> str:
        return f"F-{self.number:03d}"

    @property
    def code(self) -> str:
        return f"F-{self.number:03d}"


class RemediationAction(models.Model):
    """What the system team did about a finding (A-5)."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="remediations")
    description = models.TextField()
    completed_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["finding", "recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.finding}: {self.description[:40]}"


class PoamItem(models.Model):
    """A plan of action and milestones item (A-6): a weakness not fully remediated, with who
    answers for it, what it needs, and when it will be done. The Monitor step manages them."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ONGOING = "ongoing", "Ongoing"
        RISK_ACCEPTED = "risk_accepted", "Risk accepted"
        COMPLETED = "completed", "Completed"

    authorization = models.ForeignKey(
        "rmf.Authorization", on_delete=models.PROTECT, related_name="poam_items"
    )
    number = models.PositiveIntegerField()  # shown as POAM-001 within the system's cycle
    finding = models.OneToOneField(
        Finding, null=True, blank=True, on_delete=models.PROTECT, related_name="poam_item"
    )
    selected_control = models.ForeignKey(
        "rmf.SelectedControl", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    weakness = models.TextField()
    source = models.CharField(max_length=300)  # "Initial assessment 2026, finding F-003"
    risk_level = models.CharField(max_length=10, choices=RiskScale.choices, blank=True)
    point_of_contact = models.CharField(max_length=200, blank=True)
    resources = models.TextField(blank=True)
    scheduled_completion = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Completion (Monitor): with evidence from the library, or an assessor's re-check.
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closure_note = models.TextField(blank=True)
    closure_evidence = models.ManyToManyField(
        "rmf.Evidence", blank=True, related_name="poam_closures"
    )
    rechecked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rechecked_at = models.DateTimeField(null=True, blank=True)
    # Risk acceptance (Monitor): the authorizing official's decision and why.
    risk_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    risk_accepted_at = models.DateTimeField(null=True, blank=True)
    risk_acceptance_rationale = models.TextField(blank=True)

    class Meta:
        ordering = ["authorization", "number"]
        constraints = [
            models.UniqueConstraint(fields=["authorization", "number"], name="uniq_poam_number")
        ]
        indexes = [models.Index(fields=["status", "scheduled_completion"])]

    def __str__(self) -> str:
        return f"POAM-{self.number:03d}"

    @property
    def code(self) -> str:
        return f"POAM-{self.number:03d}"


class PoamMilestone(models.Model):
    item = models.ForeignKey(PoamItem, on_delete=models.CASCADE, related_name="milestones")
    description = models.CharField(max_length=500)
    due_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["item", "due_on", "id"]

    def __str__(self) -> str:
        return f"{self.item}: {self.description[:40]}"
