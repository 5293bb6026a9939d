"""Writes to organizations and memberships, with their guardian groups and audit records."""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from guardian.models import GroupObjectPermission

from assets.audit import audit_record, snapshot
from assets.models import Membership, Organization, Role
from assets.roles import CASCADING_ROLES, ROLE_PERMISSIONS

ORGANIZATION_FIELDS = ("name", "short_name", "kind", "parent", "description")
ALLOWED_CHILD_KINDS = {
    None: {Organization.Kind.STATE, Organization.Kind.CITY, Organization.Kind.COUNTY},
    Organization.Kind.STATE: {
        Organization.Kind.CITY,
        Organization.Kind.COUNTY,
        Organization.Kind.AGENCY,
    },
    Organization.Kind.CITY: {Organization.Kind.AGENCY},
    Organization.Kind.COUNTY: {Organization.Kind.AGENCY},
    Organization.Kind.AGENCY: {Organization.Kind.AGENCY},
}


def role_group_name(organization_id: int, role: str) -> str:
    return f"org:{organization_id}:{role}"


def _role_permissions(role: str) -> list[Permission]:
    codenames = ROLE_PERMISSIONS[role]
    return list(
        Permission.objects.filter(
            content_type=ContentType.objects.get_for_model(Organization), codename__in=codenames
        )
    )


def _grant_group_on(group: Group, permissions: list[Permission], organization_ids: list[int]):
    content_type = ContentType.objects.get_for_model(Organization)
    GroupObjectPermission.objects.bulk_create(
        [
            GroupObjectPermission(
                group=group,
                permission=permission,
                content_type=content_type,
                object_pk=str(organization_id),
            )
            for permission in permissions
            for organization_id in organization_ids
        ],
        ignore_conflicts=True,
    )


def _role_group(organization: Organization, role: str) -> Group:
    """The guardian group of one role in one organization, created with its object permissions
    (on the organization and, for cascading roles, on all its descendants) the first time."""
    group, created = Group.objects.get_or_create(name=role_group_name(organization.pk, role))
    if created:
        targets = [organization.pk]
        if role in CASCADING_ROLES:
            targets += list(
                Organization.objects.filter(path__startswith=organization.path)
                .exclude(pk=organization.pk)
                .values_list("pk", flat=True)
            )
        _grant_group_on(group, _role_permissions(role), targets)
    return group


def _validate_parent(kind: str, parent: Organization | None) -> None:
    parent_kind = parent.kind if parent else None
    if kind not in ALLOWED_CHILD_KINDS[parent_kind]:
        where = f"inside a {parent.get_kind_display().lower()}" if parent else "at the top level"
        raise ValidationError(
            {"kind": f"A {Organization.Kind(kind).label.lower()} cannot be created {where}."}
        )


@transaction.atomic
def organization_create(
    *,
    actor,
    name: str,
    kind: str,
    parent: Organization | None = None,
    short_name: str = "",
    description: str = "",
) -> Organization:
    _validate_parent(kind, parent)
    organization = Organization(
        name=name.strip(),
        short_name=short_name.strip(),
        kind=kind,
        parent=parent,
        description=description,
    )
    organization.full_clean(exclude=["path", "depth"])
    organization.save()
    organization.path = f"{parent.path if parent else '/'}{organization.pk}/"
    organization.depth = parent.depth + 1 if parent else 0
    organization.save(update_fields=["path", "depth"])
    if parent is not None:
        # Roles held higher up the tree that reach down (a state's viewer, a city's
        # administrator) cover the new agency from its first moment.
        ancestor_ids = [parent.pk, *parent.ancestor_ids]
        groups = Group.objects.filter(
            name__in=[
                role_group_name(ancestor_id, role)
                for ancestor_id in ancestor_ids
                for role in CASCADING_ROLES
            ]
        )
        for group in groups:
            role = group.name.rsplit(":", 1)[1]
            _grant_group_on(group, _role_permissions(role), [organization.pk])
    audit_record(
        actor=actor,
        action="organization_create",
        obj=organization,
        organization=organization,
        after=snapshot(organization, ORGANIZATION_FIELDS),
    )
    return organization


@transaction.atomic
def organization_update(
    *, actor, organization: Organization, name: str, short_name: str, description: str
) -> Organization:
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    before = snapshot(organization, ORGANIZATION_FIELDS)
    organization.name = name.strip()
    organization.short_name = short_name.strip()
    organization.description = description
    organization.full_clean(exclude=["path", "depth"])
    organization.save(update_fields=["name", "short_name", "description"])
    audit_record(
        actor=actor,
        action="organization_update",
        obj=organization,
        organization=organization,
        before=before,
        after=snapshot(organization, ORGANIZATION_FIELDS),
    )
    return organization


@transaction.atomic
def membership_grant(*, actor, organization: Organization, user, role: str) -> Membership:
    if role not in Role.values:
        raise ValidationError({"role": f"“{role}” is not a role. Choose one of the listed roles."})
    if not user.is_active:
        raise ValidationError({"user": "This account is deactivated."})
    if Membership.objects.filter(user=user, organization=organization, role=role).exists():
        raise ValidationError(
            {"role": f"{user.get_username()} already holds this role in {organization}."}
        )
    membership = Membership.objects.create(
        user=user, organization=organization, role=role, granted_by=actor
    )
    user.groups.add(_role_group(organization, role))
    audit_record(
        actor=actor,
        action="membership_grant",
        obj=membership,
        organization=organization,
        after={"user": user.get_username(), "role": Role(role).label},
    )
    return membership


@transaction.atomic
def membership_revoke(*, actor, membership: Membership, reason: str = "") -> None:
    organization = membership.organization
    user = membership.user
    role = membership.role
    audit_record(
        actor=actor,
        action="membership_revoke",
        obj=membership,
        organization=organization,
        before={"user": user.get_username(), "role": Role(role).label},
        reason=reason,
    )
    membership.delete()
    user.groups.remove(*Group.objects.filter(name=role_group_name(organization.pk, role)))
