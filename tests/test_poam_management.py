"""POA&M management in the Monitor step: items added by hand, editing that keeps working after
the authorization, and the three ways an item is settled, each by its own people: the
authorizing official accepts the risk (with a rationale), the system team completes an item
with evidence, an assigned assessor re-checks it. An assessor never closes an item any other
way. Overdue items are flagged; every change is audited and shown as the item's history."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from assets.models import AuditEvent
from assets.services import system_assessor_grant
from rmf.models import Finding, PoamItem, PoamMilestone, SelectedControl
from rmf.selectors.poam_lists import (
    PoamFilters,
    cycle_poam_counts,
    cycle_poam_items,
    poam_item_history,
)
from rmf.services.assessment import (
    PoamItemConflict,
    poam_item_update,
    poam_milestone_add,
    poam_milestone_complete,
    poam_milestone_remove,
    remediation_record,
)
from rmf.services.implementation import evidence_link_create
from rmf.services.poam_management import (
    poam_item_accept_risk,
    poam_item_add,
    poam_item_complete_with_evidence,
    poam_item_recheck,
)
from tests.assessment_steps import TODAY
from tests.authorize_steps import cycle_in_monitor
from tests.factories import UserFactory, make_system
from tests.test_rmf_cycles import cycle_in_assess, cycle_in_select

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(personas):
    """A LOW cycle authorized and in Monitor: POAM-001 (AC-2) and POAM-002 (IA-5) ongoing,
    each with one milestone due in 30 days."""
    return cycle_in_monitor(personas)


def item(cycle, number: int = 1) -> PoamItem:
    return PoamItem.objects.get(authorization=cycle, number=number)


def link(personas, organization=None, title: str = "Scan report, March") -> object:
    return evidence_link_create(
        actor=personas.member,
        organization=organization or personas.agency,
        title=title,
        url="https://files.example.gov/scan-march.pdf",
    )


def add(personas, cycle, **values) -> PoamItem:
    actor = values.pop("actor", personas.member)
    fields = {
        "weakness": "The signal controllers' web console accepts default passwords.",
        "source": "Vulnerability scan of March",
        "risk_level": "high",
        "point_of_contact": "Signal shop lead",
        "scheduled_completion": TODAY + timedelta(days=45),
        "resources": "Two days of vendor time.",
        **values,
    }
    return poam_item_add(actor=actor, authorization=cycle, **fields)


def messages_of(error: pytest.ExceptionInfo) -> dict:
    return error.value.message_dict


# --- adding by hand --------------------------------------------------------------------------


def test_the_team_adds_an_item_by_hand(personas, cycle):
    ia5 = SelectedControl.objects.get(authorization=cycle, control="ia-5")
    added = add(
        personas,
        cycle,
        selected_control=ia5,
        milestone_description="Default passwords changed",
        milestone_due_on=TODAY + timedelta(days=10),
    )
    assert added.code == "POAM-003" and added.status == PoamItem.Status.OPEN
    assert (added.risk_level, added.created_by, added.finding) == ("high", personas.member, None)
    assert list(added.milestones.values_list("description", flat=True)) == [
        "Default passwords changed"
    ]
    event = AuditEvent.objects.get(action="poam_item_add")
    assert event.actor == personas.member and event.organization == personas.agency
    assert event.changes["control"] == [None, "IA-5"]
    assert event.changes["source"] == [None, "Vulnerability scan of March"]
    assert AuditEvent.objects.filter(action="poam_milestone_add").count() == 3
    assert add(personas, cycle).code == "POAM-004"


def test_an_item_added_by_hand_is_checked(personas, cycle):
    with pytest.raises(ValidationError) as error:
        add(
            personas,
            cycle,
            weakness=" ",
            source="",
            risk_level="severe",
            point_of_contact="",
            scheduled_completion=TODAY - timedelta(days=1),
            milestone_description="Patch",
        )
    assert set(messages_of(error)) == {
        "weakness",
        "source",
        "risk_level",
        "point_of_contact",
        "scheduled_completion",
        "milestone_due_on",
    }
    scoped_out = SelectedControl.objects.get(authorization=cycle, control="ac-8")
    scoped_out.tailoring = SelectedControl.Tailoring.SCOPED_OUT
    other = cycle_in_select(personas, personas.sibling_system)
    for wrong in (scoped_out, SelectedControl(authorization=other, control_id="ac-2")):
        with pytest.raises(ValidationError) as error:
            add(personas, cycle, selected_control=wrong)
        assert "controls selected for this cycle" in messages_of(error)["selected_control"][0]
    assert not PoamItem.objects.filter(number__gt=2).exists()
    assert not AuditEvent.objects.filter(action="poam_item_add").exists()


def test_only_the_team_adds_items_and_from_the_assess_step_on(personas, cycle):
    for actor in (personas.assessor, personas.authorizing_official, personas.viewer):
        with pytest.raises(ValidationError, match="system team|Separation of duties"):
            add(personas, cycle, actor=actor)
    with pytest.raises(ValidationError, match="Separation of duties"):
        add(personas, cycle, actor=personas.assessor)
    early = cycle_in_select(personas, make_system(personas.agency, "Parking", "PRK"))
    with pytest.raises(ValidationError, match="from the Assess step on"):
        add(personas, early)
    assert not PoamItem.objects.filter(authorization=early).exists()


def test_an_item_is_added_during_the_assessment_too(personas):
    assess = cycle_in_assess(personas)
    assert add(personas, assess).code == "POAM-001"


# --- editing in Monitor ----------------------------------------------------------------------


def test_editing_items_and_milestones_keeps_working_in_monitor(personas, cycle):
    first = poam_item_update(
        actor=personas.member,
        item=item(cycle),
        point_of_contact="TMC supervisor",
        resources="Vendor services, 60 hours.",
        scheduled_completion=TODAY + timedelta(days=120),
        status="ongoing",
        expected_version=2,
    )
    assert first.version == 3 and first.resources == "Vendor services, 60 hours."
    milestone = poam_milestone_add(
        actor=personas.member, item=first, description="Vendor visit", due_on=TODAY
    )
    poam_milestone_complete(actor=personas.member, milestone=milestone, completed_on=TODAY)
    assert PoamMilestone.objects.get(pk=milestone.pk).completed_on == TODAY


# --- risk acceptance -------------------------------------------------------------------------


def test_only_the_authorizing_official_accepts_the_risk_with_a_rationale(personas, cycle):
    target = item(cycle)
    for actor in (personas.member, personas.assessor, personas.viewer):
        with pytest.raises(ValidationError, match="Only an authorizing official"):
            poam_item_accept_risk(actor=actor, item=target, rationale="Fine.")
    with pytest.raises(ValidationError) as error:
        poam_item_accept_risk(actor=personas.authorizing_official, item=target, rationale="  ")
    assert "Say why the risk is accepted" in messages_of(error)["rationale"][0]
    with pytest.raises(PoamItemConflict):
        poam_item_accept_risk(
            actor=personas.authorizing_official, item=target, rationale="x", expected_version=9
        )
    assert item(cycle).status == PoamItem.Status.ONGOING
    assert not AuditEvent.objects.filter(action="poam_item_accept_risk").exists()

    accepted = poam_item_accept_risk(
        actor=personas.authorizing_official,
        item=target,
        rationale="The console is reachable from the maintenance network only.",
        expected_version=2,
    )
    accepted.refresh_from_db()
    assert accepted.status == PoamItem.Status.RISK_ACCEPTED and accepted.version == 3
    assert accepted.risk_accepted_by == personas.authorizing_official
    assert accepted.risk_accepted_at is not None
    assert accepted.risk_acceptance_rationale.startswith("The console is reachable")
    event = AuditEvent.objects.get(action="poam_item_accept_risk")
    assert event.changes["status"] == ["ongoing", "risk_accepted"]
    assert event.actor == personas.authorizing_official

    # A settled item is kept as it was decided.
    with pytest.raises(ValidationError, match="POAM-001 is risk accepted"):
        poam_item_accept_risk(actor=personas.authorizing_official, item=target, rationale="x")
    with pytest.raises(ValidationError, match="kept as the record"):
        poam_item_update(
            actor=personas.member,
            item=target,
            point_of_contact="x",
            resources="",
            scheduled_completion=None,
            status="open",
        )
    with pytest.raises(ValidationError, match="kept as the record"):
        poam_item_complete_with_evidence(
            actor=personas.member, item=target, evidence=[link(personas)], note="Done."
        )


def test_risk_is_accepted_from_the_authorize_step_on(personas):
    assess = cycle_in_assess(personas)
    added = add(personas, assess)
    with pytest.raises(ValidationError, match="from the Authorize step on"):
        poam_item_accept_risk(
            actor=personas.authorizing_official, item=added, rationale="Low exposure."
        )


# --- completion with evidence ----------------------------------------------------------------


def test_completion_needs_evidence_of_the_system_s_organization_and_a_note(personas, cycle):
    target = item(cycle)
    with pytest.raises(ValidationError) as error:
        poam_item_complete_with_evidence(actor=personas.member, item=target, evidence=[], note="")
    assert set(messages_of(error)) == {"evidence", "note", "milestones_explained"}
    assert "at least one piece of evidence" in messages_of(error)["evidence"][0]
    foreign = evidence_link_create(
        actor=personas.sibling,
        organization=personas.sibling_agency,
        title="Motor Vehicles scan",
        url="https://files.example.gov/mv.pdf",
    )
    with pytest.raises(ValidationError) as error:
        poam_item_complete_with_evidence(
            actor=personas.member,
            item=target,
            evidence=[foreign],
            note="Passwords changed.",
            milestones_explained=True,
        )
    assert "“Motor Vehicles scan” is not in the library" in messages_of(error)["evidence"][0]
    assert item(cycle).status == PoamItem.Status.ONGOING
    assert not AuditEvent.objects.filter(action="poam_item_complete").exists()


def test_the_team_completes_an_item_with_evidence(personas, cycle):
    target = item(cycle)
    scan = link(personas)
    policy = link(personas, personas.city, "City password policy")  # an organization above
    with pytest.raises(ValidationError) as error:
        poam_item_complete_with_evidence(
            actor=personas.member, item=target, evidence=[scan], note="Passwords changed."
        )
    assert "1 milestone(s) are not completed" in messages_of(error)["milestones_explained"][0]
    for milestone in target.milestones.all():
        poam_milestone_complete(actor=personas.member, milestone=milestone, completed_on=TODAY)
    completed = poam_item_complete_with_evidence(
        actor=personas.member,
        item=target,
        evidence=[scan, policy, scan],
        note="Named accounts created; the shared account is disabled.",
        expected_version=2,
    )
    completed.refresh_from_db()
    assert completed.status == PoamItem.Status.COMPLETED
    assert completed.closed_by == personas.member and completed.closed_at is not None
    assert completed.closure_note.startswith("Named accounts")
    assert set(completed.closure_evidence.all()) == {scan, policy}
    assert completed.rechecked_by is None
    event = AuditEvent.objects.get(action="poam_item_complete")
    assert event.changes["status"] == ["ongoing", "completed"]
    assert event.changes["evidence"] == [None, ["Scan report, March", "City password policy"]]
    assert "milestones_not_completed" not in event.changes


def test_milestones_not_completed_need_the_note_to_say_why(personas, cycle):
    target = item(cycle, 2)
    completed = poam_item_complete_with_evidence(
        actor=personas.member,
        item=target,
        evidence=[link(personas)],
        note="The vendor's update removed the shared account; the review is no longer needed.",
        milestones_explained=True,
    )
    assert completed.status == PoamItem.Status.COMPLETED
    event = AuditEvent.objects.get(action="poam_item_complete")
    assert event.changes["milestones_not_completed"] == [None, ["Named accounts created"]]


# --- the assessor's re-check -----------------------------------------------------------------


def test_an_assessor_closes_an_item_only_by_re_checking_it(personas, cycle):
    target = item(cycle)
    evidence = [link(personas)]
    with pytest.raises(ValidationError, match="Separation of duties"):
        poam_item_complete_with_evidence(
            actor=personas.assessor,
            item=target,
            evidence=evidence,
            note="Checked.",
            milestones_explained=True,
        )
    with pytest.raises(ValidationError, match="Only an assessor assigned"):
        poam_item_recheck(actor=personas.member, item=target, result="satisfied")
    other = UserFactory(username="assessor2")  # granted the system, not assigned to the cycle
    system_assessor_grant(actor=None, system=personas.system, user=other)
    with pytest.raises(ValidationError, match="Only an assessor assigned"):
        poam_item_recheck(actor=other, item=target, result="satisfied")
    with pytest.raises(ValidationError) as error:
        poam_item_recheck(actor=personas.assessor, item=target, result="other_than_satisfied")
    assert "what still fails" in messages_of(error)["note"][0]
    with pytest.raises(ValidationError) as error:
        poam_item_recheck(actor=personas.assessor, item=target, result="maybe")
    assert set(messages_of(error)) == {"result"}
    assert item(cycle).status == PoamItem.Status.ONGOING

    still_open = poam_item_recheck(
        actor=personas.assessor,
        item=target,
        result="other_than_satisfied",
        note="Two technicians still share one account.",
    )
    assert still_open.status == PoamItem.Status.ONGOING and still_open.rechecked_by is None
    event = AuditEvent.objects.get(action="poam_item_recheck")
    assert event.changes == {
        "result": [None, "other_than_satisfied"],
        "note": [None, "Two technicians still share one account."],
    }

    done = poam_item_recheck(
        actor=personas.assessor, item=target, result="satisfied", note="Named accounts seen."
    )
    done.refresh_from_db()
    assert done.status == PoamItem.Status.COMPLETED
    assert done.rechecked_by == done.closed_by == personas.assessor
    assert done.rechecked_at is not None and done.closure_note == "Named accounts seen."
    with pytest.raises(ValidationError, match="POAM-001 is completed"):
        poam_item_recheck(actor=personas.assessor, item=target, result="satisfied")


def test_the_re_check_of_an_item_whose_remediation_is_recorded_closes_its_finding(personas, cycle):
    target = item(cycle)
    remediation_record(
        actor=personas.member,
        finding=target.finding,
        description="Named accounts created.",
        completed_on=TODAY,
    )
    done = poam_item_recheck(actor=personas.assessor, item=target, result="satisfied")
    done.refresh_from_db()
    assert done.status == PoamItem.Status.COMPLETED and done.rechecked_by == personas.assessor
    assert done.finding.status == Finding.Status.CLOSED
    assert done.finding.reassessed_by == personas.assessor
    assert {"finding_reassess", "poam_item_recheck"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )


# --- overdue and history ---------------------------------------------------------------------


def test_overdue_items_are_flagged(personas, cycle):
    first, second = item(cycle), item(cycle, 2)
    late = add(personas, cycle)
    PoamItem.objects.filter(pk=late.pk).update(scheduled_completion=TODAY - timedelta(days=1))
    PoamMilestone.objects.filter(item=first).update(due_on=TODAY - timedelta(days=3))
    flags = {i.number: i.is_overdue for i in cycle_poam_items(cycle, PoamFilters(), TODAY)}
    assert flags == {1: True, 2: False, 3: True}
    overdue = cycle_poam_items(cycle, PoamFilters(overdue=True), TODAY)
    assert [i.code for i in overdue] == ["POAM-001", "POAM-003"]
    assert cycle_poam_counts(cycle, TODAY).overdue == 2
    # A settled item is never overdue.
    poam_item_accept_risk(actor=personas.authorizing_official, item=first, rationale="Isolated.")
    assert [i.code for i in cycle_poam_items(cycle, PoamFilters(overdue=True), TODAY)] == [
        "POAM-003"
    ]
    statuses = cycle_poam_items(cycle, PoamFilters(status="risk_accepted"), TODAY)
    assert [i.code for i in statuses] == ["POAM-001"]
    assert {i.code for i in cycle_poam_items(cycle, PoamFilters(status="open"), TODAY)} == {
        second.code,
        "POAM-003",
    }


def test_the_history_of_an_item_newest_first(personas, cycle):
    target = item(cycle)
    spare = poam_milestone_add(
        actor=personas.member, item=target, description="Review", due_on=TODAY
    )
    poam_milestone_remove(actor=personas.member, milestone=spare)
    poam_item_recheck(
        actor=personas.assessor, item=target, result="other_than_satisfied", note="Shared still."
    )
    poam_item_accept_risk(
        actor=personas.authorizing_official, item=target, rationale="Isolated network."
    )
    add(personas, cycle)  # another item's records stay out
    history = poam_item_history(target)
    assert [entry.what for entry in history] == [
        "Risk accepted by the authorizing official",
        "Re-checked by the assessor: other than satisfied",
        "Milestone removed",
        "Milestone added",
        "Milestone added",
        "Changed",
        "Created from the assessment's finding",
    ]
    accepted = history[0]
    assert accepted.who == personas.authorizing_official.get_full_name()
    assert ("Status", "Ongoing", "Risk accepted") in [
        (c.label, c.before, c.after) for c in accepted.changes
    ]
    assert [(c.label, c.after) for c in history[1].changes] == [("Note", "Shared still.")]
    assert ("Milestone", "Review", "—") in [
        (c.label, c.before, c.after) for c in history[2].changes
    ]
