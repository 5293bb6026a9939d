"""A-6, the POA&M: items generated from the findings not closed once the report is complete,
numbered within the cycle; the system team gives each a point of contact, resources, a
schedule and milestones; everything checked and audited."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from assets.models import AuditEvent
from rmf.models import DeterminationResult, Finding, PoamItem, PoamMilestone, Step
from rmf.selectors.assessment import poam_item_list
from rmf.selectors.workflow import cycle_facts, tasks_of_step
from rmf.services.assessment import (
    PoamItemConflict,
    determination_save,
    finding_reassess,
    finding_update,
    poam_item_update,
    poam_items_generate,
    poam_milestone_add,
    poam_milestone_complete,
    poam_milestone_remove,
    remediation_record,
)
from tests.assessment_steps import (
    TODAY,
    complete_poam,
    determine_all,
    plan_approved,
    rate_findings,
)
from tests.test_rmf_cycles import cycle_in_assess, refreshed


@pytest.fixture
def cycle(personas):
    return cycle_in_assess(personas)


@pytest.fixture
def assessment(personas, cycle):
    """Every objective determined: weaknesses in AC-2, SI-2 and CM-7; CM-7 fixed and
    re-assessed satisfied; the findings rated."""
    assessment = plan_approved(personas, cycle)
    determine_all(personas, assessment, failing={"ac-2": 1, "si-2": 2, "cm-7": 1})
    findings = {f.selected_control.control_id: f for f in rate_findings(personas, assessment)}
    remediation_record(
        actor=personas.member,
        finding=findings["cm-7"],
        description="Telnet disabled.",
        completed_on=TODAY,
    )
    finding_reassess(actor=personas.assessor, finding=findings["cm-7"], result="satisfied")
    return assessment


def a6(authorization):
    states = tasks_of_step(cycle_facts(refreshed(authorization)), Step.ASSESS)
    return next(state for state in states if state.code == "A-6")


def update(personas, item, **values):
    return poam_item_update(
        actor=personas.member,
        item=item,
        **{
            "point_of_contact": "TMC supervisor",
            "resources": "40 hours of vendor services.",
            "scheduled_completion": TODAY + timedelta(days=60),
            "status": "ongoing",
            **values,
        },
    )


def test_items_are_generated_from_the_findings_not_closed(personas, cycle, assessment):
    assert a6(cycle).missing == ["a POA&M item for 2 finding(s) not closed"]
    assert poam_items_generate(actor=personas.member, authorization=cycle) == 2
    items = poam_item_list(cycle)
    assert [(i.code, i.finding.selected_control.control_id) for i in items] == [
        ("POAM-001", "ac-2"),
        ("POAM-002", "si-2"),
    ]
    assert items[0].source == "TSC initial assessment, finding F-001"
    # CM-7's finding (F-002, in catalog order) was closed: it has no item.
    assert items[1].source == "TSC initial assessment, finding F-003"
    assert (items[0].weakness, items[0].risk_level) == (
        "AC-2: one account shared by six.",
        "moderate",
    )
    assert items[0].created_by == personas.member and items[0].selected_control is not None
    assert AuditEvent.objects.filter(action="poam_item_create").count() == 2
    assert a6(cycle).missing == [
        "a point of contact, a scheduled completion date and at least one milestone for 2 "
        "POA&M item(s)"
    ]
    # Nothing new to generate; a weakness found later gets the next number.
    assert poam_items_generate(actor=personas.member, authorization=cycle) == 0
    determination_save(
        actor=personas.assessor,
        assessment=assessment,
        objective_id="ac-8_obj.a.1",
        result=DeterminationResult.OTHER_THAN_SATISFIED,
        methods=["test"],
        expected_version=1,
    )
    with pytest.raises(ValidationError, match=r"complete assessment report \(A-4\)"):
        poam_items_generate(actor=personas.member, authorization=cycle)
    rate_findings(personas, assessment)
    assert poam_items_generate(actor=personas.member, authorization=cycle) == 1
    assert PoamItem.objects.get(finding__selected_control__control="ac-8").code == "POAM-003"


def test_the_report_is_complete_first(personas, cycle):
    assessment = plan_approved(personas, cycle)
    determine_all(personas, assessment, failing={"ac-2": 1})
    assert a6(cycle).missing == ["a complete assessment report first (A-4)"]
    with pytest.raises(ValidationError, match="weakness, likelihood, impact and recommendation"):
        poam_items_generate(actor=personas.member, authorization=cycle)
    assert not PoamItem.objects.exists()


def test_an_item_is_completed_by_the_team(personas, cycle, assessment):
    poam_items_generate(actor=personas.member, authorization=cycle)
    item = PoamItem.objects.get(number=1)
    item = update(personas, item)
    assert (item.status, item.version, item.point_of_contact) == ("ongoing", 2, "TMC supervisor")
    assert update(personas, item).version == 2  # no change, no new version
    event = AuditEvent.objects.get(action="poam_item_update")
    assert event.changes["point_of_contact"] == ["", "TMC supervisor"]
    assert event.changes["status"] == ["open", "ongoing"]
    milestone = poam_milestone_add(
        actor=personas.member, item=item, description="Accounts created", due_on=TODAY
    )
    second = poam_milestone_add(
        actor=personas.member,
        item=item,
        description="Review done",
        due_on=TODAY + timedelta(days=30),
    )
    poam_milestone_complete(actor=personas.member, milestone=milestone, completed_on=TODAY)
    poam_milestone_remove(actor=personas.member, milestone=second)
    assert list(PoamMilestone.objects.values_list("description", "completed_on")) == [
        ("Accounts created", TODAY)
    ]
    actions = AuditEvent.objects.filter(action__startswith="poam_milestone").order_by("id")
    assert [e.action for e in actions] == [
        "poam_milestone_add",
        "poam_milestone_add",
        "poam_milestone_complete",
        "poam_milestone_remove",
    ]
    assert actions[3].changes["description"] == ["Review done", None]
    assert all(e.organization == personas.agency for e in actions)


def test_an_item_is_checked(personas, cycle, assessment):
    poam_items_generate(actor=personas.member, authorization=cycle)
    item = PoamItem.objects.get(number=1)
    with pytest.raises(ValidationError) as error:
        update(
            personas,
            item,
            point_of_contact="x" * 201,
            status="completed",
            scheduled_completion=TODAY - timedelta(days=1),
        )
    assert set(error.value.message_dict) == {"point_of_contact", "status", "scheduled_completion"}
    assert "Monitor step" in error.value.message_dict["status"][0]
    item = update(personas, item, expected_version=1)
    with pytest.raises(PoamItemConflict) as conflict:
        update(personas, item, point_of_contact="Someone", expected_version=1)
    assert conflict.value.current_version == 2
    assert conflict.value.current["point_of_contact"] == "TMC supervisor"
    with pytest.raises(ValidationError) as error:
        poam_milestone_add(
            actor=personas.member, item=item, description=" ", due_on=TODAY - timedelta(days=1)
        )
    assert set(error.value.message_dict) == {"description", "due_on"}
    milestone = poam_milestone_add(
        actor=personas.member, item=item, description="Accounts", due_on=TODAY
    )
    with pytest.raises(ValidationError, match="today or earlier"):
        poam_milestone_complete(
            actor=personas.member, milestone=milestone, completed_on=TODAY + timedelta(days=1)
        )
    poam_milestone_complete(actor=personas.member, milestone=milestone, completed_on=TODAY)
    with pytest.raises(ValidationError, match="was completed on"):
        poam_milestone_complete(actor=personas.member, milestone=milestone, completed_on=TODAY)
    with pytest.raises(ValidationError, match="record of progress"):
        poam_milestone_remove(actor=personas.member, milestone=milestone)


def test_a_completed_item_is_kept_as_it_is(personas, cycle, assessment):
    poam_items_generate(actor=personas.member, authorization=cycle)
    finding = Finding.objects.get(selected_control__control="ac-2")
    remediation_record(
        actor=personas.member, finding=finding, description="Named accounts.", completed_on=TODAY
    )
    finding_reassess(actor=personas.assessor, finding=finding, result="satisfied")
    item = PoamItem.objects.get(finding=finding)
    assert item.status == PoamItem.Status.COMPLETED
    with pytest.raises(ValidationError, match="POAM-001 is completed"):
        update(personas, item)
    with pytest.raises(ValidationError, match="POAM-001 is completed"):
        poam_milestone_add(actor=personas.member, item=item, description="x", due_on=TODAY)


def test_a_rerated_finding_moves_its_item(personas, cycle, assessment):
    poam_items_generate(actor=personas.member, authorization=cycle)
    finding = Finding.objects.get(selected_control__control="si-2")
    finding_update(
        actor=personas.assessor,
        finding=finding,
        weakness=finding.weakness,
        likelihood="high",
        impact="very_high",
        recommendation=finding.recommendation,
    )
    item = PoamItem.objects.get(finding=finding)
    assert item.risk_level == "very_high" and item.version == 2
    event = AuditEvent.objects.get(action="poam_item_update")
    assert event.changes == {"risk_level": ["moderate", "very_high"]}


def test_a6_is_done_when_every_item_is_planned(personas, cycle, assessment):
    complete_poam(personas, cycle)
    assert a6(cycle).done
    PoamMilestone.objects.filter(item__number=2).delete()
    assert a6(cycle).missing == [
        "a point of contact, a scheduled completion date and at least one milestone for 1 "
        "POA&M item(s)"
    ]
