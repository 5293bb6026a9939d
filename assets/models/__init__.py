from assets.models.audit import AuditEvent
from assets.models.information_types import ImpactLevel, InformationType, ProvisionalImpact
from assets.models.organizations import Membership, Organization, Role

__all__ = [
    "AuditEvent",
    "ImpactLevel",
    "InformationType",
    "Membership",
    "Organization",
    "ProvisionalImpact",
    "Role",
]
