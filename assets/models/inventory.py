"""The inventory: systems (the unit that gets authorized), their components, interconnections,
information types, and the vendors who supply them."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Lower

from assets.models.information_types import InformationType, ProvisionalImpact


class Vendor(models.Model):
    """A supplier, listed once and reused across systems (supply-chain questions start here)."""

    name = models.CharField(max_length=200)
    website = models.URLField(blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = [Lower("name")]
        constraints = [models.UniqueConstraint(Lower("name"), name="uniq_vendor_name_ci")]

    def __str__(self) -> str:
        return self.name


class System(models.Model):
    class Kind(models.TextChoices):
        IT = "IT", "Information technology (IT)"
        OT = "OT", "Operational technology (OT)"
        IOT = "IoT", "Internet of Things (IoT)"

    class SystemType(models.TextChoices):
        MAJOR_APPLICATION = "major_application", "Major application"
        GENERAL_SUPPORT = "general_support", "General support system"
        INDUSTRIAL_CONTROL = "industrial_control", "Industrial control system"
        IOT_FLEET = "iot_fleet", "IoT device fleet"
        CLOUD_SERVICE = "cloud_service", "Cloud service"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        UNDER_DEVELOPMENT = "under_development", "Under development"
        OPERATIONAL = "operational", "Operational"
        MAJOR_MODIFICATION = "major_modification", "Undergoing a major modification"
        DISPOSED = "disposed", "Disposed"

    class Hosting(models.TextChoices):
        ON_PREMISES = "on_premises", "On premises"
        CLOUD = "cloud", "Cloud (IaaS/PaaS)"
        SAAS = "saas", "Software as a service (SaaS)"
        HYBRID = "hybrid", "Hybrid"

    class Channel(models.TextChoices):
        WEB = "web", "Web site"
        MOBILE_APP = "mobile_app", "Mobile app"
        KIOSK = "kiosk", "Kiosk"
        SOCIAL_MEDIA = "social_media", "Social media"
        PHONE = "phone", "Phone"

    organization = models.ForeignKey(
        "assets.Organization", on_delete=models.PROTECT, related_name="systems"
    )
    name = models.CharField(max_length=200)
    acronym = models.CharField(max_length=32)
    description = models.TextField(blank=True)  # purpose, in plain words
    kind = models.CharField(max_length=3, choices=Kind.choices)
    system_type = models.CharField(max_length=24, choices=SystemType.choices)
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.OPERATIONAL)
    system_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    isso = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    authorizing_official = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hosting = models.CharField(max_length=16, choices=Hosting.choices, default=Hosting.ON_PREMISES)
    hosting_provider = models.CharField(max_length=200, blank=True)
    public_facing = models.BooleanField(default=False)
    channels = models.JSONField(default=list, blank=True)  # Channel values
    processes_pii = models.BooleanField(default=False)
    user_count = models.PositiveIntegerField(null=True, blank=True)
    location = models.CharField(max_length=200, blank=True)
    boundary_description = models.TextField(blank=True)
    # One per line: the laws, regulations and policies the organization knows apply, beyond
    # those the SP 800-60 information types name (SP 800-18 asks the plan to list them all).
    laws_regulations = models.TextField(
        "laws, regulations and policies",
        blank=True,
        help_text="One per line: the laws, regulations and policies the system must follow, "
        "e.g. “State data breach notification law”, “City IT security policy 4.2”, “PCI DSS "
        "for card payments”.",
    )
    operational_since = models.DateField(null=True, blank=True)
    next_review = models.DateField(null=True, blank=True)
    retirement_date = models.DateField(null=True, blank=True)
    # Incremented by every update: a save based on an older version is refused, not merged.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organization__path", "acronym"]
        constraints = [
            models.UniqueConstraint(
                "organization", Lower("acronym"), name="uniq_system_acronym_in_org"
            )
        ]
        indexes = [
            models.Index(fields=["organization", "kind"]),
            models.Index(fields=["status"]),
        ]
        permissions = [
            ("assess_system", "Assess this system (granted to assessors of single systems)"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})"

    @property
    def laws_regulations_list(self) -> list[str]:
        """The laws, regulations and policies as a list: one per non-empty line, trimmed."""
        return [line.strip() for line in self.laws_regulations.splitlines() if line.strip()]


class Component(models.Model):
    class ComponentType(models.TextChoices):
        HARDWARE = "hardware", "Hardware"
        SOFTWARE = "software", "Software"
        FIRMWARE = "firmware", "Firmware"
        NETWORK = "network", "Network device"
        IOT_DEVICE = "iot_device", "IoT device class"
        OT_DEVICE = "ot_device", "OT device class (PLC, RTU, controller)"

    system = models.ForeignKey(System, on_delete=models.CASCADE, related_name="components")
    name = models.CharField(max_length=200)
    component_type = models.CharField(max_length=16, choices=ComponentType.choices)
    vendor = models.ForeignKey(
        Vendor, null=True, blank=True, on_delete=models.PROTECT, related_name="components"
    )
    product = models.CharField(max_length=200, blank=True)
    version = models.CharField(max_length=64, blank=True)
    quantity = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])
    cpe = models.CharField("CPE name", max_length=255, blank=True)
    internet_reachable = models.BooleanField(default=False)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["system", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["system", "name"], name="uniq_component_name")
        ]

    def __str__(self) -> str:
        return self.name


class Interconnection(models.Model):
    class Direction(models.TextChoices):
        OUTGOING = "outgoing", "Data goes out to the other side"
        INCOMING = "incoming", "Data comes in from the other side"
        BIDIRECTIONAL = "bidirectional", "Both ways"

    class Agreement(models.TextChoices):
        ISA = "isa", "Interconnection security agreement (ISA)"
        MOU = "mou", "Memorandum of understanding (MOU/MOA)"
        CONTRACT = "contract", "Contract or service agreement"
        NONE = "none", "No agreement yet"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        ACTIVE = "active", "Active"
        DISCONNECTED = "disconnected", "Disconnected"

    system = models.ForeignKey(System, on_delete=models.CASCADE, related_name="interconnections")
    remote_system = models.ForeignKey(
        System, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    external_party = models.CharField(max_length=200, blank=True)
    direction = models.CharField(max_length=16, choices=Direction.choices)
    information = models.CharField(max_length=300)  # what kind of information crosses
    agreement = models.CharField(max_length=12, choices=Agreement.choices, default=Agreement.NONE)
    agreement_reference = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)

    class Meta:
        ordering = ["system", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(remote_system__isnull=False, external_party="")
                    | models.Q(remote_system__isnull=True) & ~models.Q(external_party="")
                ),
                name="interconnection_has_exactly_one_other_side",
            )
        ]

    def __str__(self) -> str:
        return f"{self.system} ↔ {self.other_side}"

    @property
    def other_side(self) -> str:
        return str(self.remote_system) if self.remote_system_id else self.external_party


class OrganizationInformationType(models.Model):
    """An information type an organization defines itself when SP 800-60 has none that fits."""

    organization = models.ForeignKey(
        "assets.Organization", on_delete=models.CASCADE, related_name="information_types"
    )
    identifier = models.CharField(max_length=32)  # e.g. "ORG.1"
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    confidentiality = models.CharField(max_length=8, choices=ProvisionalImpact.choices)
    integrity = models.CharField(max_length=8, choices=ProvisionalImpact.choices)
    availability = models.CharField(max_length=8, choices=ProvisionalImpact.choices)

    class Meta:
        ordering = ["organization", "identifier"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "identifier"], name="uniq_org_information_type"
            )
        ]

    def __str__(self) -> str:
        return f"{self.identifier} {self.title}"


class SystemInformationType(models.Model):
    """An information type a system processes, with the reason in the planner's own words."""

    system = models.ForeignKey(System, on_delete=models.CASCADE, related_name="information_types")
    catalog_type = models.ForeignKey(
        InformationType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organization_type = models.ForeignKey(
        OrganizationInformationType,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["system", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(catalog_type__isnull=False, organization_type__isnull=True)
                    | models.Q(catalog_type__isnull=True, organization_type__isnull=False)
                ),
                name="system_information_type_has_one_source",
            ),
            models.UniqueConstraint(
                fields=["system", "catalog_type"], name="uniq_system_catalog_type"
            ),
            models.UniqueConstraint(
                fields=["system", "organization_type"], name="uniq_system_org_type"
            ),
        ]

    def __str__(self) -> str:
        return str(self.catalog_type or self.organization_type)

    @property
    def information_type(self) -> InformationType | OrganizationInformationType:
        return self.catalog_type or self.organization_type
