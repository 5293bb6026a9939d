"""Writes of the inventory app. Each service is atomic and writes its audit record."""

from assets.services.inventory import (
    ConcurrentEditError,
    component_create,
    component_delete,
    component_update,
    interconnection_create,
    interconnection_delete,
    interconnection_update,
    organization_information_type_create,
    system_assessor_grant,
    system_assessor_revoke,
    system_create,
    system_information_type_add,
    system_information_type_remove,
    system_update,
    vendor_get_or_create,
)
from assets.services.organizations import (
    membership_grant,
    membership_revoke,
    organization_create,
    organization_update,
    role_group_name,
)

__all__ = [
    "ConcurrentEditError",
    "component_create",
    "component_delete",
    "component_update",
    "interconnection_create",
    "interconnection_delete",
    "interconnection_update",
    "membership_grant",
    "membership_revoke",
    "organization_create",
    "organization_information_type_create",
    "organization_update",
    "role_group_name",
    "system_assessor_grant",
    "system_assessor_revoke",
    "system_create",
    "system_information_type_add",
    "system_information_type_remove",
    "system_update",
    "vendor_get_or_create",
]
