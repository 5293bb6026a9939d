"""CSF 1.1 and 2.0 cores, their mappings to SP 800-53 Rev 5, and NIST's 1.1 -> 2.0 crosswalk.

Reference data, written only by the catalog loader.
"""

from django.db import models


class CsfVersion(models.TextChoices):
    V1_1 = "1.1", "CSF 1.1"
    V2_0 = "2.0", "CSF 2.0"


class CsfElement(models.Model):
    """A function, category or subcategory of one CSF version."""

    class Kind(models.TextChoices):
        FUNCTION = "function", "Function"
        CATEGORY = "category", "Category"
        SUBCATEGORY = "subcategory", "Subcategory"

    version = models.CharField(max_length=3, choices=CsfVersion.choices)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    identifier = models.CharField(max_length=16)  # "PR", "PR.AC", "PR.AC-1" / "PR.AA-01"
    title = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    withdrawn = models.BooleanField(default=False)
    withdrawn_reason = models.TextField(blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["version", "sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "identifier"], name="uniq_csf_element")
        ]
        indexes = [models.Index(fields=["version", "kind"])]

    def __str__(self) -> str:
        return f"{self.identifier} ({self.version})"


class ImplementationExample(models.Model):
    """CSF 2.0 implementation example of a subcategory ("GV.OC-01.001")."""

    identifier = models.CharField(max_length=24, unique=True)
    subcategory = models.ForeignKey(
        CsfElement, on_delete=models.CASCADE, related_name="implementation_examples"
    )
    text = models.TextField()
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order"]

    def __str__(self) -> str:
        return self.identifier


class ControlMapping(models.Model):
    """A CSF element (usually a subcategory) addressed by an SP 800-53 control, per NIST source."""

    class Source(models.TextChoices):
        CSF11_XLSX = "csf11-800-53r5", "NIST CSF 1.1 to SP 800-53 Rev 5 mapping"
        CSF20_TOOL = "csf20-reference-tool", "CSF 2.0 Reference Tool informative references"
        CSF20_OLIR = "csf20-olir-crosswalk", "OLIR concept crosswalk CSF 2.0 to SP 800-53 5.2.0"

    element = models.ForeignKey(CsfElement, on_delete=models.CASCADE, related_name="mappings")
    control = models.ForeignKey(
        "rmf.Control", on_delete=models.PROTECT, related_name="csf_mappings"
    )
    source = models.CharField(max_length=24, choices=Source.choices)
    # The OLIR strength when given; for expanded references, the family or "all -1" they came from.
    relationship = models.CharField(max_length=48, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["element", "control", "source"], name="uniq_csf_control_mapping"
            )
        ]
        indexes = [models.Index(fields=["control", "source"])]

    def __str__(self) -> str:
        return f"{self.element_id} -> {self.control_id}"


class CrosswalkLink(models.Model):
    """Where a CSF 1.1 subcategory (or category) went in CSF 2.0, from NIST's CPRT relationships."""

    class Relationship(models.TextChoices):
        SAME = "same", "Kept (same identifier)"
        INCORPORATED_INTO = "incorporated_into", "Incorporated into"
        MOVED_TO = "moved_to", "Moved to"

    source = models.ForeignKey(CsfElement, on_delete=models.CASCADE, related_name="crosswalk_out")
    target = models.ForeignKey(CsfElement, on_delete=models.CASCADE, related_name="crosswalk_in")
    relationship = models.CharField(max_length=20, choices=Relationship.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="uniq_csf_crosswalk")
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.relationship} {self.target}"
