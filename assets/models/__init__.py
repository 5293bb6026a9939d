from assets.models.audit import AuditEvent
from assets.models.information_types import ImpactLevel, InformationType, ProvisionalImpact
from assets.models.inventory import (
    Component,
    Interconnection,
    OrganizationInformationType,
    System,
    SystemInformationType,
    Vendor,
)
from assets.models.organizations import Membership, Organization, Role

__all__ = [
    "Component",
    "Interconnection",
    "OrganizationInformationType",
    "System",
    "SystemInformationType",
    "Vendor",
    "AuditEvent",
    "ImpactLevel",
    "InformationType",
    "Membership",
    "Organization",
    "ProvisionalImpact",
    "Role",
]
