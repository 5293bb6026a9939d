"""The organization tree (state > city or county > agency) and who holds which role where.

Object permissions live in django-guardian: each (organization, role) pair has a group holding that
role's permissions on the organization and, for roles that reach down the tree, on every
descendant. A membership row is the human-readable record of putting a user in that group.
"""

from django.conf import settings
from django.db import models


class Role(models.TextChoices):
    ORG_ADMIN = "org_admin", "Organization administrator"
    PLANNER = "planner", "Planner"
    SYSTEM_OWNER = "system_owner", "System owner"
    ISSO = "isso", "Information system security officer"
    ASSESSOR = "assessor", "Assessor"
    AUTHORIZING_OFFICIAL = "authorizing_official", "Authorizing official"
    VIEWER = "viewer", "Viewer"


class Organization(models.Model):
    class Kind(models.TextChoices):
        STATE = "state", "State"
        CITY = "city", "City"
        COUNTY = "county", "County"
        AGENCY = "agency", "Agency or department"

    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=32, blank=True)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Materialized path of primary keys ("/1/4/9/"): descendants are one indexed prefix query.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="uniq_org_name_in_parent"),
        ]
        permissions = [
            ("manage_organization", "Manage the organization, its child organizations and members"),
            ("view_audit_trail", "Read the organization's audit trail"),
            ("edit_inventory", "Create and edit systems of the organization"),
            ("edit_rmf", "Prepare RMF work (categorize, select, implement)"),
            ("tailor_controls", "Tailor control sets"),
            ("assess_systems", "Record assessment determinations and findings"),
            ("authorize_systems", "Approve categorizations, plans and authorization decisions"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part][:-1]


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=24, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["organization__path", "user__username", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role"], name="uniq_membership_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.get_role_display()} @ {self.organization}"
