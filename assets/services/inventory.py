"""Writes to systems, components, interconnections, information types and vendors."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from guardian.shortcuts import assign_perm, remove_perm

from assets.audit import audit_record, snapshot
from assets.models import (
    Component,
    InformationType,
    Interconnection,
    Organization,
    OrganizationInformationType,
    System,
    SystemInformationType,
    Vendor,
)
from assets.roles import AUTHORIZE, VIEW, qualified

SYSTEM_FIELDS = (
    "name",
    "acronym",
    "description",
    "kind",
    "system_type",
    "status",
    "system_owner",
    "isso",
    "authorizing_official",
    "hosting",
    "hosting_provider",
    "public_facing",
    "channels",
    "processes_pii",
    "user_count",
    "location",
    "boundary_description",
    "laws_regulations",
    "operational_since",
    "next_review",
    "retirement_date",
)
COMPONENT_FIELDS = (
    "name",
    "component_type",
    "vendor",
    "product",
    "version",
    "quantity",
    "cpe",
    "internet_reachable",
    "notes",
)
INTERCONNECTION_FIELDS = (
    "remote_system",
    "external_party",
    "direction",
    "information",
    "agreement",
    "agreement_reference",
    "status",
)
# What an assessor granted a single system may do with it.
SYSTEM_ASSESSOR_PERMS = ("view_system", "assess_system")


class ConcurrentEditError(Exception):
    """Someone saved the object after this user opened it; their version is kept."""

    def __init__(self, current: dict[str, Any], current_version: int):
        self.current = current
        self.current_version = current_version
        super().__init__(
            "Someone else saved this system after you opened it. Your changes were not saved; "
            "review their version and apply yours again."
        )


def _unknown_fields(fields: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields: {', '.join(sorted(unknown))}")


def _validate_system(system: System) -> None:
    errors: dict[str, list[str]] = {}
    if system.public_facing and not system.channels:
        errors.setdefault("channels", []).append(
            "A public-facing system reaches residents somehow: pick at least one channel."
        )
    if not system.public_facing and system.channels:
        errors.setdefault("channels", []).append(
            "Channels are only for public-facing systems: tick “public-facing” or clear them."
        )
    unknown_channels = set(system.channels) - set(System.Channel.values)
    if unknown_channels:
        errors.setdefault("channels", []).append(
            f"Unknown channel(s): {', '.join(sorted(unknown_channels))}."
        )
    if system.hosting in (System.Hosting.CLOUD, System.Hosting.SAAS) and not (
        system.hosting_provider.strip()
    ):
        errors.setdefault("hosting_provider", []).append(
            "Name the cloud or SaaS provider (for example “Microsoft Azure” or the vendor)."
        )
    if (
        system.operational_since
        and system.retirement_date
        and system.retirement_date < system.operational_since
    ):
        errors.setdefault("retirement_date", []).append(
            "The retirement date is before the date the system went live."
        )
    if system.status == System.Status.DISPOSED and not system.retirement_date:
        errors.setdefault("retirement_date", []).append(
            "A disposed system needs the date it was retired."
        )
    organization = system.organization
    for field, perm, what in (
        ("system_owner", VIEW, "a role in this organization"),
        ("isso", VIEW, "a role in this organization"),
        ("authorizing_official", AUTHORIZE, "the authorizing official role for it"),
    ):
        person = getattr(system, field)
        if person is not None and not person.has_perm(qualified(perm), organization):
            errors.setdefault(field, []).append(
                f"{person.get_full_name() or person.get_username()} does not hold {what}."
            )
    duplicate = (
        System.objects.filter(organization=organization)
        .annotate(lower=Lower("acronym"))
        .filter(lower=system.acronym.lower())
        .exclude(pk=system.pk)
        .exists()
    )
    if duplicate:
        errors.setdefault("acronym", []).append(
            f"{organization} already has a system called {system.acronym}."
        )
    try:
        system.full_clean(exclude=["organization"], validate_constraints=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _system_snapshot(system: System) -> dict[str, Any]:
    return snapshot(system, SYSTEM_FIELDS)


@transaction.atomic
def system_create(*, actor, organization: Organization, **fields: Any) -> System:
    _unknown_fields(fields, SYSTEM_FIELDS)
    system = System(organization=organization, **fields)
    system.name = system.name.strip()
    system.acronym = system.acronym.strip()
    _validate_system(system)
    system.save()
    audit_record(
        actor=actor,
        action="system_create",
        obj=system,
        organization=organization,
        after=_system_snapshot(system),
    )
    return system


@transaction.atomic
def system_update(
    *, actor, system: System, expected_version: int | None = None, **fields: Any
) -> System:
    """Update the given fields. With `expected_version`, refuse if someone saved in between."""
    _unknown_fields(fields, SYSTEM_FIELDS)
    system = System.objects.select_for_update().select_related("organization").get(pk=system.pk)
    if expected_version is not None and expected_version != system.version:
        raise ConcurrentEditError(_system_snapshot(system), system.version)
    before = _system_snapshot(system)
    for name, value in fields.items():
        setattr(system, name, value)
    system.name = system.name.strip()
    system.acronym = system.acronym.strip()
    _validate_system(system)
    after = _system_snapshot(system)
    if after != before:
        system.version += 1
        system.save()
        audit_record(
            actor=actor,
            action="system_update",
            obj=system,
            organization=system.organization,
            before=before,
            after=after,
        )
    return system


@transaction.atomic
def system_assessor_grant(*, actor, system: System, user) -> None:
    """Let an outside assessor see and assess this one system, and nothing else."""
    if not user.is_active:
        raise ValidationError({"user": "This account is deactivated."})
    for codename in SYSTEM_ASSESSOR_PERMS:
        assign_perm(f"assets.{codename}", user, system)
    audit_record(
        actor=actor,
        action="system_assessor_grant",
        obj=system,
        organization=system.organization,
        after={"assessor": user.get_username()},
    )


@transaction.atomic
def system_assessor_revoke(*, actor, system: System, user, reason: str = "") -> None:
    for codename in SYSTEM_ASSESSOR_PERMS:
        remove_perm(f"assets.{codename}", user, system)
    audit_record(
        actor=actor,
        action="system_assessor_revoke",
        obj=system,
        organization=system.organization,
        before={"assessor": user.get_username()},
        reason=reason,
    )


def vendor_get_or_create(*, name: str) -> Vendor:
    """The vendor of that name (case-insensitive), created on first mention."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"vendor": "A vendor needs a name."})
    vendor = Vendor.objects.annotate(lower=Lower("name")).filter(lower=name.lower()).first()
    if vendor is None:
        try:
            with transaction.atomic():
                vendor = Vendor.objects.create(name=name)
        except IntegrityError:  # created concurrently by someone else: use theirs
            vendor = Vendor.objects.annotate(lower=Lower("name")).get(lower=name.lower())
    return vendor


def _save_child(obj, *, actor, action: str, system: System, fields, before=None):
    try:
        obj.full_clean(exclude=["system"])
    except ValidationError as error:
        raise ValidationError(error.message_dict) from error
    obj.save()
    audit_record(
        actor=actor,
        action=action,
        obj=obj,
        organization=system.organization,
        before=before,
        after=snapshot(obj, fields),
    )
    return obj


@transaction.atomic
def component_create(*, actor, system: System, **fields: Any) -> Component:
    _unknown_fields(fields, COMPONENT_FIELDS)
    component = Component(system=system, **fields)
    if Component.objects.filter(system=system, name=component.name).exists():
        raise ValidationError({"name": f"{system.acronym} already has a component of this name."})
    return _save_child(
        component, actor=actor, action="component_create", system=system, fields=COMPONENT_FIELDS
    )


@transaction.atomic
def component_update(*, actor, component: Component, **fields: Any) -> Component:
    _unknown_fields(fields, COMPONENT_FIELDS)
    component = Component.objects.select_for_update().get(pk=component.pk)
    before = snapshot(component, COMPONENT_FIELDS)
    for name, value in fields.items():
        setattr(component, name, value)
    duplicate = Component.objects.filter(system_id=component.system_id, name=component.name)
    if duplicate.exclude(pk=component.pk).exists():
        raise ValidationError({"name": "Another component of this system has this name."})
    return _save_child(
        component,
        actor=actor,
        action="component_update",
        system=component.system,
        fields=COMPONENT_FIELDS,
        before=before,
    )


@transaction.atomic
def component_delete(*, actor, component: Component) -> None:
    audit_record(
        actor=actor,
        action="component_delete",
        obj=component,
        organization=component.system.organization,
        before=snapshot(component, COMPONENT_FIELDS),
    )
    component.delete()


def _validate_interconnection(interconnection: Interconnection) -> None:
    has_remote = interconnection.remote_system_id is not None
    has_external = bool(interconnection.external_party.strip())
    if has_remote == has_external:
        raise ValidationError(
            {
                "remote_system": "Pick the other system from the inventory, or name the external "
                "party — one of the two, not both."
            }
        )
    if interconnection.remote_system_id == interconnection.system_id:
        raise ValidationError({"remote_system": "A system cannot connect to itself."})


@transaction.atomic
def interconnection_create(*, actor, system: System, **fields: Any) -> Interconnection:
    _unknown_fields(fields, INTERCONNECTION_FIELDS)
    interconnection = Interconnection(system=system, **fields)
    _validate_interconnection(interconnection)
    return _save_child(
        interconnection,
        actor=actor,
        action="interconnection_create",
        system=system,
        fields=INTERCONNECTION_FIELDS,
    )


@transaction.atomic
def interconnection_update(
    *, actor, interconnection: Interconnection, **fields: Any
) -> Interconnection:
    _unknown_fields(fields, INTERCONNECTION_FIELDS)
    interconnection = Interconnection.objects.select_for_update().get(pk=interconnection.pk)
    before = snapshot(interconnection, INTERCONNECTION_FIELDS)
    for name, value in fields.items():
        setattr(interconnection, name, value)
    _validate_interconnection(interconnection)
    return _save_child(
        interconnection,
        actor=actor,
        action="interconnection_update",
        system=interconnection.system,
        fields=INTERCONNECTION_FIELDS,
        before=before,
    )


@transaction.atomic
def interconnection_delete(*, actor, interconnection: Interconnection) -> None:
    audit_record(
        actor=actor,
        action="interconnection_delete",
        obj=interconnection,
        organization=interconnection.system.organization,
        before=snapshot(interconnection, INTERCONNECTION_FIELDS),
    )
    interconnection.delete()


@transaction.atomic
def organization_information_type_create(
    *,
    actor,
    organization: Organization,
    identifier: str,
    title: str,
    description: str = "",
    confidentiality: str,
    integrity: str,
    availability: str,
) -> OrganizationInformationType:
    info_type = OrganizationInformationType(
        organization=organization,
        identifier=identifier.strip(),
        title=title.strip(),
        description=description,
        confidentiality=confidentiality,
        integrity=integrity,
        availability=availability,
    )
    if OrganizationInformationType.objects.filter(
        organization=organization, identifier=info_type.identifier
    ).exists():
        raise ValidationError({"identifier": "This identifier is already used."})
    info_type.full_clean(exclude=["organization"])
    info_type.save()
    audit_record(
        actor=actor,
        action="organization_information_type_create",
        obj=info_type,
        organization=organization,
        after=snapshot(
            info_type, ("identifier", "title", "confidentiality", "integrity", "availability")
        ),
    )
    return info_type


@transaction.atomic
def system_information_type_add(
    *,
    actor,
    system: System,
    catalog_type: InformationType | None = None,
    organization_type: OrganizationInformationType | None = None,
    note: str = "",
) -> SystemInformationType:
    if (catalog_type is None) == (organization_type is None):
        raise ValidationError(
            {"information_type": "Pick one information type from SP 800-60 or your own list."}
        )
    if organization_type is not None and not system.organization.path.startswith(
        organization_type.organization.path
    ):
        raise ValidationError(
            {"information_type": "That information type belongs to another organization."}
        )
    duplicate = SystemInformationType.objects.filter(
        system=system, catalog_type=catalog_type, organization_type=organization_type
    ).exists()
    if duplicate:
        raise ValidationError(
            {"information_type": "This system already lists this information type."}
        )
    link = SystemInformationType.objects.create(
        system=system, catalog_type=catalog_type, organization_type=organization_type, note=note
    )
    audit_record(
        actor=actor,
        action="system_information_type_add",
        obj=link,
        organization=system.organization,
        after={"information_type": str(link), "note": note},
    )
    return link


@transaction.atomic
def system_information_type_remove(*, actor, link: SystemInformationType, reason: str = "") -> None:
    audit_record(
        actor=actor,
        action="system_information_type_remove",
        obj=link,
        organization=link.system.organization,
        before={"information_type": str(link), "note": link.note},
        reason=reason,
    )
    link.delete()


def user_by_username(username: str):
    return get_user_model().objects.filter(username__iexact=username.strip()).first()
