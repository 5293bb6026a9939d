"""Reads of organizations, memberships and the audit trail, filtered by guardian permissions."""

from django.db.models import QuerySet

from assets.models import AuditEvent, Membership, Organization
from assets.roles import AUDIT, VIEW, qualified
from workbench.access import get_or_404, objects_with_perm


def organization_list_for_user(user, *, perm: str = VIEW) -> QuerySet[Organization]:
    return objects_with_perm(user, qualified(perm), Organization.objects.select_related("parent"))


def organization_get_for_user(user, pk, *, perm: str = VIEW) -> Organization:
    """The access function for organizations: the object, or the same 404 for missing and
    not permitted."""
    return get_or_404(organization_list_for_user(user, perm=perm), pk=pk)


def membership_list_for_user(user) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("organization")


def membership_list_for_organization(organization: Organization) -> QuerySet[Membership]:
    return organization.memberships.select_related("user", "granted_by").order_by(
        "user__username", "role"
    )


def audit_event_list_for_user(user) -> QuerySet[AuditEvent]:
    organizations = organization_list_for_user(user, perm=AUDIT)
    return AuditEvent.objects.filter(organization__in=organizations).select_related(
        "organization", "content_type"
    )


def membership_get_for_user(user, pk, *, perm: str = VIEW) -> Membership:
    """The access function for memberships: reached through the organization they belong to."""
    organizations = organization_list_for_user(user, perm=perm)
    return get_or_404(
        Membership.objects.filter(organization__in=organizations).select_related(
            "organization", "user"
        ),
        pk=pk,
    )
