"""Reads of organizations, memberships and the audit trail, filtered by guardian permissions."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from guardian.models import GroupObjectPermission, UserObjectPermission

from assets.models import (
    AuditEvent,
    Component,
    Interconnection,
    Membership,
    Organization,
    System,
    SystemInformationType,
    Vendor,
)
from assets.roles import ASSESS, AUDIT, EDIT_INVENTORY, VIEW, qualified
from workbench.access import get_or_404, objects_with_perm


def in_organization_subtree(organization_id: int, *, field: str = "organization") -> Q:
    """Rows whose `field` is that organization or one of its descendants; none when there is
    no such organization. Combine with an access-filtered queryset: this grants nothing."""
    path = Organization.objects.filter(pk=organization_id).values_list("path", flat=True).first()
    if path is None:
        return Q(pk__in=[])
    return Q(**{f"{field}__path__startswith": path})


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


# Organization-level permission -> the System permission that grants the same on one system.
SYSTEM_PERMISSION_FOR = {
    VIEW: "view_system",
    EDIT_INVENTORY: "change_system",
    ASSESS: "assess_system",
}


def system_list_for_user(user, *, perm: str = VIEW) -> QuerySet[System]:
    """Systems of the organizations where `user` holds `perm`, plus the single systems granted
    to them directly (an outside assessor). Lists, search, exports and the API all start here."""
    organizations = organization_list_for_user(user, perm=perm)
    condition = Q(organization__in=organizations)
    system_perm = SYSTEM_PERMISSION_FOR.get(perm)
    if system_perm is not None:
        direct = objects_with_perm(user, f"assets.{system_perm}", System.objects.all())
        condition |= Q(pk__in=direct.values("pk"))
    return System.objects.filter(condition)


def system_get_for_user(user, pk, *, perm: str = VIEW) -> System:
    """The access function for systems (and, through them, their components, interconnections
    and information types): the system, or the same 404 for missing and not permitted."""
    return get_or_404(
        system_list_for_user(user, perm=perm).select_related(
            "organization", "system_owner", "isso", "authorizing_official"
        ),
        pk=pk,
    )


def user_can(user, perm: str, system: System) -> bool:
    """Whether `user` holds `perm` on this system (through its organization or directly): the
    rule of `system_list_for_user` for one system, in one query on guardian's tables by the
    objects' keys (the list's subquery casts every key and is slow for a single check)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    held = _object_perm_exists(user, perm, Organization, system.organization_id)
    system_perm = SYSTEM_PERMISSION_FOR.get(perm)
    if system_perm is not None:
        held |= _object_perm_exists(user, system_perm, System, system.pk)
    return get_user_model().objects.filter(pk=user.pk).filter(held).exists()


def _object_perm_exists(user, codename: str, model, pk) -> Q:
    """Whether `user` holds the permission on one object, directly or through a group."""
    content_type = ContentType.objects.get_for_model(model)
    lookup = {
        "permission__codename": codename,
        "permission__content_type": content_type,
        "content_type": content_type,
        "object_pk": str(pk),
    }
    return Q(Exists(UserObjectPermission.objects.filter(user=user, **lookup))) | Q(
        Exists(GroupObjectPermission.objects.filter(group__user=user, **lookup))
    )


@dataclass(frozen=True)
class SystemFilters:
    """The inventory filters, shared by the list page, the API, search and the exports."""

    q: str = ""
    organization: int | None = None  # includes its child organizations
    kind: str = ""
    status: str = ""
    system_type: str = ""
    public_facing: bool | None = None
    processes_pii: bool | None = None
    vendor: int | None = None


def system_search(user, filters: SystemFilters, *, perm: str = VIEW) -> QuerySet[System]:
    """The systems `user` may see that match `filters`, ready for a list: owner names joined,
    component counts annotated, in a stable order."""
    systems = system_list_for_user(user, perm=perm)
    for word in filters.q.split():
        systems = systems.filter(
            Q(name__icontains=word)
            | Q(acronym__icontains=word)
            | Q(description__icontains=word)
            | Q(location__icontains=word)
        )
    if filters.organization is not None:
        systems = systems.filter(in_organization_subtree(filters.organization))
    if filters.kind:
        systems = systems.filter(kind=filters.kind)
    if filters.status:
        systems = systems.filter(status=filters.status)
    if filters.system_type:
        systems = systems.filter(system_type=filters.system_type)
    if filters.public_facing is not None:
        systems = systems.filter(public_facing=filters.public_facing)
    if filters.processes_pii is not None:
        systems = systems.filter(processes_pii=filters.processes_pii)
    if filters.vendor is not None:
        systems = systems.filter(
            pk__in=Component.objects.filter(vendor_id=filters.vendor).values("system_id")
        )
    return (
        systems.select_related("organization", "system_owner", "isso", "authorizing_official")
        # A correlated subquery, not a JOIN + GROUP BY: counted for the rows of the page only,
        # and the paginator's COUNT(*) stays a plain count.
        .annotate(
            component_count=Coalesce(
                Subquery(
                    Component.objects.filter(system=OuterRef("pk"))
                    .order_by()
                    .values("system")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            )
        )
        .order_by("organization__path", "acronym", "pk")
    )


def system_detail_for_user(user, pk) -> System:
    """A system with everything its page shows, in a fixed number of queries."""
    system = system_get_for_user(user, pk)
    return (
        System.objects.filter(pk=system.pk)
        .select_related("organization", "system_owner", "isso", "authorizing_official")
        .prefetch_related(
            Prefetch("components", queryset=Component.objects.select_related("vendor")),
            Prefetch(
                "interconnections",
                queryset=Interconnection.objects.select_related("remote_system"),
            ),
            Prefetch(
                "information_types",
                queryset=SystemInformationType.objects.select_related(
                    "catalog_type", "organization_type"
                ),
            ),
        )
        .get()
    )


def vendor_list(user) -> QuerySet[Vendor]:
    """All vendors (a shared list), with how many components of the systems `user` may see
    each one supplies: counts never reveal other organizations' inventories."""
    visible = system_list_for_user(user)
    return Vendor.objects.annotate(
        component_count=Count("components", filter=Q(components__system__in=visible))
    )
