"""A-1, assessor selection: the authorizing official assigns assessors who hold ASSESS on the
system and are independent of it (not its owner, not its ISSO, no author of its
implementation); an assigned assessor then cannot write the implementation. Audited."""

import pytest
from django.core.exceptions import ValidationError

from assets.models import AuditEvent, Role
from assets.services import membership_grant, system_assessor_grant, system_update
from rmf.models import AssessorAssignment, ImplementationStatus, Step
from rmf.selectors.assessment import assessor_candidates, is_assigned_assessor
from rmf.selectors.workflow import cycle_facts, tasks_of_step
from rmf.services.assessment import assessor_assign, assessor_unassign
from rmf.services.implementation import (
    implementation_status_bulk_set,
    implementation_update,
    narrative_save,
)
from tests.assessment_steps import assessor_assigned, control
from tests.factories import UserFactory
from tests.test_rmf_cycles import cycle_in_assess, cycle_in_select, refreshed


@pytest.fixture
def cycle(personas):
    return cycle_in_assess(personas)


def a1(authorization):
    states = tasks_of_step(cycle_facts(refreshed(authorization)), Step.ASSESS)
    return next(state for state in states if state.code == "A-1")


def test_the_authorizing_official_assigns_an_independent_assessor(personas, cycle):
    assert a1(cycle).missing == ["an assessor assigned by the authorizing official"]
    assignment = assessor_assigned(personas, cycle)
    assert assignment.is_lead and assignment.assigned_by == personas.authorizing_official
    assert is_assigned_assessor(personas.assessor, cycle)
    assert not is_assigned_assessor(personas.member, cycle)
    assert a1(cycle).done
    event = AuditEvent.objects.get(action="assessor_assign")
    assert event.actor == personas.authorizing_official
    assert event.organization == personas.agency
    assert event.changes == {"assessor": [None, "assessor"], "is_lead": [None, True]}
    # Assigning again is no change and no second record.
    assessor_assigned(personas, cycle)
    assert AssessorAssignment.objects.count() == 1
    assert AuditEvent.objects.filter(action="assessor_assign").count() == 1


@pytest.mark.parametrize("actor", ["member", "assessor", "viewer", "admin"])
def test_only_the_authorizing_official_assigns(personas, cycle, actor):
    with pytest.raises(ValidationError, match="Only an authorizing official"):
        assessor_assign(
            actor=getattr(personas, actor), authorization=cycle, assessor=personas.assessor
        )
    assert not AssessorAssignment.objects.exists()


def test_an_assessor_without_assess_is_refused(personas, cycle):
    for user in (personas.viewer, personas.sibling, personas.outsider):
        with pytest.raises(ValidationError) as error:
            assessor_assign(actor=personas.authorizing_official, authorization=cycle, assessor=user)
        assert "cannot assess TSC" in error.value.message_dict["assessor"][0]
    assert not AssessorAssignment.objects.exists()


def _assessing(personas, username: str):
    """A user granted ASSESS on the system."""
    user = UserFactory(username=username)
    system_assessor_grant(actor=None, system=personas.system, user=user)
    return user


def test_the_owner_and_the_isso_are_not_independent(personas, cycle):
    system_assessor_grant(actor=None, system=personas.system, user=personas.member)  # the owner
    isso = _assessing(personas, "isso")
    membership_grant(actor=None, organization=personas.agency, user=isso, role=Role.ISSO)
    system_update(actor=None, system=personas.system, isso=isso)
    for user, reason in ((personas.member, "system owner"), (isso, "ISSO")):
        with pytest.raises(ValidationError) as error:
            assessor_assign(actor=personas.authorizing_official, authorization=cycle, assessor=user)
        message = error.value.message_dict["assessor"][0]
        assert message.startswith("Separation of duties") and reason in message
    assert not AssessorAssignment.objects.exists()
    assert not AuditEvent.objects.filter(action="assessor_assign").exists()


def test_an_author_of_the_implementation_is_not_independent(personas):
    # A planner of the agency who also holds the assessor role there: they may edit, and do.
    writer = UserFactory(username="writer")
    for role in (Role.PLANNER, Role.ASSESSOR):
        membership_grant(actor=None, organization=personas.agency, user=writer, role=role)
    cycle = cycle_in_assess(personas)
    ac2 = control(cycle, "ac-2")
    narrative = narrative_save(
        actor=writer,
        selected_control=ac2,
        part_id="ac-2_smt.a",
        text="Written by the writer.",
        expected_version=1,  # the member wrote the first version
    )
    # Someone else saved over it: only the audit trail still shows who wrote it first.
    narrative_save(
        actor=personas.member,
        selected_control=ac2,
        part_id="ac-2_smt.a",
        text="Rewritten by the owner.",
        expected_version=narrative.version,
    )
    with pytest.raises(ValidationError, match="wrote part of the implementation of TSC"):
        assessor_assign(actor=personas.authorizing_official, authorization=cycle, assessor=writer)
    candidates = {c.user.get_username(): c for c in assessor_candidates(cycle)}
    assert candidates["assessor"].eligible and not candidates["assessor"].assigned
    assert candidates["writer"].problems == [
        f"{writer.get_full_name()} wrote part of the implementation of TSC"
    ]
    assert "member" not in candidates  # no ASSESS


def test_an_assigned_assessor_does_not_write_the_implementation(personas, cycle):
    assessor_assigned(personas, cycle)
    # Even holding EDIT_RMF, as an assessor who is also a planner of the agency would.
    membership_grant(
        actor=None, organization=personas.agency, user=personas.assessor, role=Role.PLANNER
    )
    ac2 = control(cycle, "ac-2")
    attempts = (
        lambda: implementation_update(
            actor=personas.assessor, selected_control=ac2, status=ImplementationStatus.PARTIAL
        ),
        lambda: implementation_status_bulk_set(
            actor=personas.assessor,
            authorization=cycle,
            selected_ids=[ac2.pk],
            status=ImplementationStatus.PARTIAL,
        ),
        lambda: narrative_save(
            actor=personas.assessor, selected_control=ac2, part_id="ac-2_smt.a", text="Mine."
        ),
    )
    for attempt in attempts:
        with pytest.raises(ValidationError, match="Separation of duties: you are an assessor"):
            attempt()
    ac2.implementation.refresh_from_db()
    assert ac2.implementation.status == ImplementationStatus.IMPLEMENTED


def test_a_later_conflict_reopens_a1(personas, cycle):
    inside = UserFactory(username="inside")
    membership_grant(actor=None, organization=personas.agency, user=inside, role=Role.ASSESSOR)
    assessor_assign(actor=personas.authorizing_official, authorization=cycle, assessor=inside)
    assert a1(cycle).done
    system_update(actor=None, system=personas.system, system_owner=inside)
    assert a1(cycle).missing == [
        f"an independent assessor: {inside.get_full_name()} is the system owner of TSC; "
        "unassign them and assign someone else"
    ]


def test_unassigning_is_audited_with_its_reason(personas, cycle):
    assessor_assigned(personas, cycle)
    with pytest.raises(ValidationError, match="Only an authorizing official"):
        assessor_unassign(
            actor=personas.member, authorization=cycle, assessor=personas.assessor, reason="x"
        )
    assessor_unassign(
        actor=personas.authorizing_official,
        authorization=cycle,
        assessor=personas.assessor,
        reason="Contract ended.",
    )
    assert not is_assigned_assessor(personas.assessor, cycle)
    event = AuditEvent.objects.get(action="assessor_unassign")
    assert event.reason == "Contract ended." and event.organization == personas.agency
    assert event.changes["assessor"] == ["assessor", None]
    with pytest.raises(ValidationError, match="not assigned"):
        assessor_unassign(
            actor=personas.authorizing_official,
            authorization=cycle,
            assessor=personas.assessor,
            reason="Again.",
        )


def test_one_lead_assessor(personas, cycle):
    second = _assessing(personas, "second")
    assessor_assigned(personas, cycle)
    assessor_assign(
        actor=personas.authorizing_official, authorization=cycle, assessor=second, is_lead=True
    )
    leads = AssessorAssignment.objects.filter(authorization=cycle, is_lead=True)
    assert [a.assessor for a in leads] == [second]


def test_assessors_are_assigned_from_implement_on(personas):
    cycle = cycle_in_select(personas)
    with pytest.raises(ValidationError, match="from the Implement step on"):
        assessor_assigned(personas, cycle)
