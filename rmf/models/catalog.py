"""SP 800-53 Rev 5 controls with their SP 800-53A assessment procedures, and SP 800-53B baselines.

Reference data: written only by the catalog loader. Primary keys are the OSCAL identifiers
(`ac-2.1`, `ac-2_smt.a`, `ac-02_odp.01`), so that reloading a newer catalog keeps every reference
that systems, narratives and determinations hold.
"""

from django.db import models


class ControlFamily(models.Model):
    id = models.CharField(primary_key=True, max_length=4)  # "ac"
    title = models.CharField(max_length=200)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order"]
        verbose_name_plural = "control families"

    def __str__(self) -> str:
        return f"{self.label} {self.title}"

    @property
    def label(self) -> str:
        return self.id.upper()


class Control(models.Model):
    class ImplementationLevel(models.TextChoices):
        ORGANIZATION = "organization", "Organization"
        SYSTEM = "system", "System"

    id = models.CharField(primary_key=True, max_length=24)  # "ac-2.1", as OSCAL writes it
    family = models.ForeignKey(ControlFamily, on_delete=models.PROTECT, related_name="controls")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="enhancements"
    )
    label = models.CharField(max_length=24)  # "AC-2(1)"
    title = models.CharField(max_length=300)
    sort_key = models.CharField(max_length=32, db_index=True)  # "ac-02.01"
    withdrawn = models.BooleanField(default=False)
    # Where a withdrawn control went: ids of the controls it was incorporated into or moved to.
    withdrawn_to = models.JSONField(default=list, blank=True)
    implementation_levels = models.JSONField(default=list, blank=True)
    guidance = models.TextField(blank=True)
    related = models.ManyToManyField("self", symmetrical=False, blank=True)

    class Meta:
        ordering = ["sort_key"]

    def __str__(self) -> str:
        return f"{self.label} {self.title}"

    @property
    def is_enhancement(self) -> bool:
        return self.parent_id is not None


class ControlPart(models.Model):
    """One node of a control's statement, guidance, 800-53A objective or method tree."""

    class Name(models.TextChoices):
        STATEMENT = "statement", "Statement"
        ITEM = "item", "Statement item"
        GUIDANCE = "guidance", "Discussion"
        OBJECTIVE = "assessment-objective", "Assessment objective"
        METHOD = "assessment-method", "Assessment method"

    id = models.CharField(primary_key=True, max_length=64)  # "ac-2_smt.a", "ac-2_obj.a-1"
    control = models.ForeignKey(Control, on_delete=models.CASCADE, related_name="parts")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    name = models.CharField(max_length=24, choices=Name.choices)
    label = models.CharField(max_length=48, blank=True)  # "a.", "AC-02a.[01]"
    prose = models.TextField(blank=True)  # may hold {{ insert: param, ... }} placeholders
    method = models.CharField(max_length=12, blank=True)  # EXAMINE / INTERVIEW / TEST
    assessment_objects = models.TextField(blank=True)  # what a method examines, interviews, tests
    # The statement part an objective assesses: "ac-2_smt.a".
    assessment_for = models.CharField(max_length=64, blank=True)
    depth = models.PositiveSmallIntegerField(default=0)
    sort_order = models.PositiveIntegerField(default=0)  # document order within the catalog

    class Meta:
        ordering = ["sort_order"]
        indexes = [models.Index(fields=["control", "name"])]

    def __str__(self) -> str:
        return self.id


class ControlParameter(models.Model):
    """An organization-defined parameter (ODP) of a control."""

    id = models.CharField(primary_key=True, max_length=48)  # "ac-02_odp.01"
    control = models.ForeignKey(Control, on_delete=models.CASCADE, related_name="parameters")
    alt_identifier = models.CharField(max_length=48, blank=True)  # "ac-2_prm_1" (Rev 5.0 form)
    odp_label = models.CharField(max_length=48, blank=True)  # "AC-02_ODP[01]"
    label = models.TextField(blank=True)  # "prerequisites and criteria"
    alt_label = models.TextField(blank=True)  # SP 800-53's wording where it differs from 53A's
    # A Rev 5.0 parameter ("ac-1_prm_1") that the statement still inserts, standing for the
    # 800-53A ODPs it groups: ["ac-01_odp.01", "ac-01_odp.02"].
    aggregates = models.JSONField(default=list, blank=True)
    guidelines = models.TextField(blank=True)
    how_many = models.CharField(max_length=16, blank=True)  # "one" / "one-or-more" for selections
    choices = models.JSONField(default=list, blank=True)
    values = models.JSONField(default=list, blank=True)
    depends_on = models.CharField(max_length=48, blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order"]

    def __str__(self) -> str:
        return self.id


class Baseline(models.Model):
    class Name(models.TextChoices):
        LOW = "LOW", "Low"
        MODERATE = "MODERATE", "Moderate"
        HIGH = "HIGH", "High"
        PRIVACY = "PRIVACY", "Privacy"

    id = models.CharField(primary_key=True, max_length=12, choices=Name.choices)
    title = models.CharField(max_length=300)
    controls = models.ManyToManyField(Control, through="BaselineControl", related_name="baselines")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.get_id_display()


class BaselineControl(models.Model):
    baseline = models.ForeignKey(Baseline, on_delete=models.CASCADE)
    control = models.ForeignKey(Control, on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["baseline", "control"], name="uniq_baseline_control")
        ]

    def __str__(self) -> str:
        return f"{self.baseline_id} {self.control_id}"
