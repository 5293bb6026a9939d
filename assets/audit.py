"""Writing the audit trail. Called by services inside their transaction, never from signals."""

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model

from assets.models import AuditEvent, Organization


def _plain(value: Any) -> Any:
    if isinstance(value, Model):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return value


def snapshot(obj: Model, fields: Iterable[str]) -> dict[str, Any]:
    """Field values as JSON-friendly data; foreign keys by their text, not their id."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def changes_between(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list]:
    keys = list(dict.fromkeys([*before, *after]))
    return {
        key: [before.get(key), after.get(key)] for key in keys if before.get(key) != after.get(key)
    }


def audit_record(
    *,
    actor,
    action: str,
    obj: Model,
    organization: Organization | None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_name=actor.get_username() if actor is not None and actor.is_authenticated else "",
        action=action,
        organization=organization,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        # Values reach a JSON column: dates, models and decimals become their text first.
        changes=changes_between(_plain(dict(before or {})), _plain(dict(after or {}))),
        reason=reason,
    )


def audit_records_bulk(
    *,
    actor,
    action: str,
    records: Iterable[
        tuple[Model, Organization | None, Mapping[str, Any] | None, Mapping[str, Any] | None]
    ],
    reason: str = "",
    batch_size: int = 500,
) -> int:
    """The rows `audit_record` writes, for many objects at once (imports): `records` holds
    (object, organization, before, after). Returns how many were written."""
    signed_in = actor is not None and actor.is_authenticated
    events = [
        AuditEvent(
            actor=actor if signed_in else None,
            actor_name=actor.get_username() if signed_in else "",
            action=action,
            organization=organization,
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
            object_id=str(obj.pk),
            object_repr=str(obj)[:300],
            # Values reach a JSON column: dates, models and decimals become their text first.
            changes=changes_between(_plain(dict(before or {})), _plain(dict(after or {}))),
            reason=reason,
        )
        for obj, organization, before, after in records
    ]
    AuditEvent.objects.bulk_create(events, batch_size=batch_size)
    return len(events)
