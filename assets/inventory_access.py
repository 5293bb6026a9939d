"""Access functions for the parts of a system (components, interconnections, information types)
and the reads the inventory pages need besides the selectors.

A part is reached only through its system: the same rule as `system_list_for_user`, and the same
404 for "missing" and "not allowed".
"""

from django.db.models import QuerySet
from guardian.shortcuts import get_users_with_perms

from assets.models import (
    Component,
    Interconnection,
    Membership,
    Organization,
    OrganizationInformationType,
    System,
    SystemInformationType,
)
from assets.roles import VIEW
from assets.selectors import system_list_for_user
from workbench.access import get_or_404


def component_get_for_user(user, pk, *, perm: str = VIEW) -> Component:
    return get_or_404(
        Component.objects.filter(system__in=system_list_for_user(user, perm=perm)).select_related(
            "system__organization", "vendor"
        ),
        pk=pk,
    )


def interconnection_get_for_user(user, pk, *, perm: str = VIEW) -> Interconnection:
    return get_or_404(
        Interconnection.objects.filter(
            system__in=system_list_for_user(user, perm=perm)
        ).select_related("system__organization", "remote_system"),
        pk=pk,
    )


def system_information_type_get_for_user(user, pk, *, perm: str = VIEW) -> SystemInformationType:
    return get_or_404(
        SystemInformationType.objects.filter(
            system__in=system_list_for_user(user, perm=perm)
        ).select_related("system__organization", "catalog_type", "organization_type"),
        pk=pk,
    )


def organization_people(organization: Organization) -> QuerySet[Membership]:
    """Roles held in the organization or above it: who may be named owner, ISSO or AO."""
    return (
        Membership.objects.filter(
            organization_id__in=[*organization.ancestor_ids, organization.pk],
            user__is_active=True,
        )
        .select_related("user", "organization")
        .order_by("user__last_name", "user__first_name", "user__username", "organization__path")
    )


def organization_information_types_for(organization: Organization):
    """Types defined by the organization or one above it: those its systems may use."""
    return OrganizationInformationType.objects.filter(
        organization_id__in=[*organization.ancestor_ids, organization.pk]
    ).select_related("organization")


def system_assessor_list(system: System) -> list:
    """People granted this one system directly (outside assessors), not through a role."""
    users = get_users_with_perms(
        system, with_group_users=False, only_with_perms_in=["assess_system"]
    )
    return list(users.order_by("username"))


def systems_visible_among(user, system_ids) -> set[int]:
    """Which of these systems `user` may open: links are shown only where they lead somewhere."""
    ids = [pk for pk in system_ids if pk is not None]
    if not ids:
        return set()
    return set(system_list_for_user(user).filter(pk__in=ids).values_list("pk", flat=True))
