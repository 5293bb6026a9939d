"""The inventory's validation rules, in words a planner understands, and nothing half-saved."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from assets.models import AuditEvent, System
from assets.services import (
    ConcurrentEditError,
    interconnection_create,
    system_create,
    system_update,
)
from tests.factories import make_system

pytestmark = pytest.mark.django_db


def _errors(call) -> dict:
    with pytest.raises(ValidationError) as info:
        call()
    return info.value.message_dict


def test_rules_are_explained_per_field(personas):
    errors = _errors(
        lambda: make_system(
            personas.agency,
            "Parking Portal",
            "tsc",  # same acronym as the traffic signal system, other case
            public_facing=True,
            hosting=System.Hosting.SAAS,
            status=System.Status.DISPOSED,
            authorizing_official=personas.member,
        )
    )
    assert "already has a system called" in errors["acronym"][0]
    assert "pick at least one channel" in errors["channels"][0]
    assert "Name the cloud or SaaS provider" in errors["hosting_provider"][0]
    assert "needs the date it was retired" in errors["retirement_date"][0]
    assert "authorizing official role" in errors["authorizing_official"][0]
    assert not System.objects.filter(name="Parking Portal").exists()


def test_dates_and_people(personas):
    errors = _errors(
        lambda: make_system(
            personas.agency,
            "Fleet",
            "FLT",
            operational_since=datetime.date(2024, 1, 1),
            retirement_date=datetime.date(2023, 1, 1),
            system_owner=personas.sibling,
        )
    )
    assert "before the date the system went live" in errors["retirement_date"][0]
    assert "does not hold a role in this organization" in errors["system_owner"][0]
    ok = make_system(
        personas.agency,
        "Fleet",
        "FLT",
        system_owner=personas.member,
        authorizing_official=personas.authorizing_official,
    )
    assert ok.pk


def test_update_is_audited_with_before_and_after_and_versioned(personas):
    system = system_update(
        actor=personas.member, system=personas.system, expected_version=1, location="City Hall"
    )
    assert system.version == 2
    event = AuditEvent.objects.get(action="system_update")
    assert event.changes == {"location": ["", "City Hall"]}
    with pytest.raises(ConcurrentEditError) as conflict:
        system_update(
            actor=personas.admin, system=personas.system, expected_version=1, location="Annex"
        )
    assert conflict.value.current["location"] == "City Hall"
    personas.system.refresh_from_db()
    assert personas.system.location == "City Hall"


def test_unchanged_update_writes_nothing(personas):
    count = AuditEvent.objects.count()
    system_update(actor=personas.member, system=personas.system, name=personas.system.name)
    personas.system.refresh_from_db()
    assert personas.system.version == 1
    assert AuditEvent.objects.count() == count


def test_interconnection_needs_exactly_one_other_side(personas):
    errors = _errors(
        lambda: interconnection_create(
            actor=personas.member,
            system=personas.system,
            remote_system=personas.sibling_system,
            external_party="State DMV",
            direction="outgoing",
            information="Plates",
        )
    )
    assert "one of the two, not both" in errors["remote_system"][0]
    errors = _errors(
        lambda: interconnection_create(
            actor=personas.member,
            system=personas.system,
            remote_system=personas.system,
            direction="outgoing",
            information="Loop",
        )
    )
    assert "cannot connect to itself" in errors["remote_system"][0]


def test_bad_choice_values_are_refused(personas):
    errors = _errors(
        lambda: system_create(
            actor=None,
            organization=personas.agency,
            name="X",
            acronym="X",
            kind="mainframe",
            system_type="major_application",
        )
    )
    assert "kind" in errors
