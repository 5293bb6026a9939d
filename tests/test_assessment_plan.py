"""A-2, the assessment plan: drafted by the assigned assessor (scope, dates, methods), approved
by the authorizing official only; a change to an approved plan withdraws the approval; a plan
saved by someone else meanwhile is a conflict."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from assets.models import AuditEvent
from rmf.models import Assessment, SelectedControl, Step
from rmf.selectors.assessment import controls_in_scope, initial_assessment, leaf_objectives
from rmf.selectors.workflow import cycle_facts, tasks_of_step
from rmf.services.assessment import (
    PlanConflict,
    assessment_plan_approve,
    assessment_plan_save,
    assessor_unassign,
)
from rmf.services.selection import control_tailor_remove
from rmf.services.workflow import task_signoff_withdraw
from tests.assessment_steps import TODAY, assessor_assigned, control, plan_approved, plan_saved
from tests.test_rmf_cycles import cycle_in_assess, refreshed


@pytest.fixture
def cycle(personas):
    authorization = cycle_in_assess(personas)
    assessor_assigned(personas, authorization)
    return authorization


def a2(authorization):
    states = tasks_of_step(cycle_facts(refreshed(authorization)), Step.ASSESS)
    return next(state for state in states if state.code == "A-2")


def test_the_plan_covers_every_active_control_by_default(personas, cycle):
    assert a2(cycle).missing == ["an assessment plan drafted by the assigned assessor"]
    assessment = plan_saved(personas, cycle)
    assert assessment.kind == Assessment.Kind.INITIAL and assessment.plan_version == 1
    assert assessment.created_by == personas.assessor
    assert controls_in_scope(assessment).count() == 149
    facts = cycle_facts(refreshed(cycle)).assessment
    assert (facts.controls_in_scope, facts.objectives_in_scope) == (149, 966)
    assert a2(cycle).missing == ["the authorizing official's approval of the assessment plan"]
    event = AuditEvent.objects.get(action="assessment_plan_save")
    assert event.actor == personas.assessor and event.organization == personas.agency
    assert event.changes["scope"] == [None, "all active controls"]
    assert event.changes["methods"] == [None, ["examine", "interview", "test"]]


def test_a_subset_in_scope(personas, cycle):
    chosen = [control(cycle, "ac-2"), control(cycle, "si-2")]
    assessment = plan_saved(
        personas, cycle, scope_all=False, scoped_control_ids=[c.pk for c in chosen]
    )
    assert set(controls_in_scope(assessment)) == set(chosen)
    objectives = leaf_objectives(["ac-2", "si-2"])
    facts = cycle_facts(refreshed(cycle)).assessment
    assert facts.controls_in_scope == 2
    assert facts.objectives_in_scope == len(objectives["ac-2"]) + len(objectives["si-2"])
    # A control removed by tailoring (the security plan reopened for it) leaves the scope.
    task_signoff_withdraw(
        actor=personas.authorizing_official,
        authorization=cycle,
        task="S-6",
        reason="SI-2 does not apply to the field controllers.",
    )
    control_tailor_remove(
        actor=personas.member,
        selected_control=chosen[1],
        kind=SelectedControl.Tailoring.SCOPED_OUT,
        rationale="No software in the field.",
    )
    assert list(controls_in_scope(assessment)) == [chosen[0]]


def test_the_scope_is_checked(personas, cycle):
    with pytest.raises(ValidationError) as error:
        plan_saved(personas, cycle, scope_all=False, scoped_control_ids=[])
    assert "Choose the controls to assess" in error.value.message_dict["scoped_control_ids"][0]
    other = SelectedControl.objects.exclude(authorization=cycle).first()
    ids = [control(cycle, "ac-2").pk] + ([other.pk] if other else [999999])
    with pytest.raises(ValidationError) as error:
        plan_saved(personas, cycle, scope_all=False, scoped_control_ids=ids)
    assert "1 of the chosen controls" in error.value.message_dict["scoped_control_ids"][0]
    assert initial_assessment(cycle) is None


def test_dates_and_methods_are_checked(personas, cycle):
    with pytest.raises(ValidationError) as error:
        plan_saved(
            personas,
            cycle,
            title=" ",
            starts_on=TODAY,
            ends_on=TODAY - timedelta(days=1),
            methods=["examine", "audit"],
        )
    assert set(error.value.message_dict) == {"title", "ends_on", "methods"}
    assert initial_assessment(cycle) is None
    # A draft without dates nor methods is kept, and A-2 says what it lacks.
    assessment = plan_saved(personas, cycle, starts_on=None, ends_on=None, methods=[])
    assert a2(cycle).missing == [
        "the assessment's start and end dates in the assessment plan",
        "the assessment methods (examine, interview, test) in the assessment plan",
        "the authorizing official's approval of the assessment plan",
    ]
    with pytest.raises(ValidationError, match="start and end dates; the assessment methods"):
        assessment_plan_approve(actor=personas.authorizing_official, assessment=assessment)
    # Methods come back in SP 800-53A's order, without repeats.
    assessment = plan_saved(personas, cycle, methods=["test", "examine", "test"])
    assert assessment.methods == ["examine", "test"]


@pytest.mark.parametrize("actor", ["member", "viewer", "authorizing_official", "sibling"])
def test_only_the_assigned_assessor_drafts(personas, cycle, actor):
    with pytest.raises(ValidationError, match="Only an assessor assigned to this cycle"):
        assessment_plan_save(
            actor=getattr(personas, actor),
            authorization=cycle,
            title="Mine",
            scope_all=True,
            scoped_control_ids=[],
            starts_on=None,
            ends_on=None,
            methods=[],
            assessment_objects="",
            rules_of_engagement="",
        )
    assert initial_assessment(cycle) is None


def test_an_unassigned_assessor_does_not_draft(personas):
    authorization = cycle_in_assess(personas)
    with pytest.raises(ValidationError, match="Only an assessor assigned to this cycle"):
        plan_saved(personas, authorization)


@pytest.mark.parametrize("actor", ["member", "assessor", "viewer", "admin"])
def test_only_the_authorizing_official_approves(personas, cycle, actor):
    assessment = plan_saved(personas, cycle)
    with pytest.raises(ValidationError, match="Only an authorizing official"):
        assessment_plan_approve(actor=getattr(personas, actor), assessment=assessment)
    assert not initial_assessment(cycle).plan_approved


def test_the_approval(personas, cycle):
    assessment = plan_saved(personas, cycle)
    approved = assessment_plan_approve(
        actor=personas.authorizing_official, assessment=assessment, note="Agreed with TMC."
    )
    assert approved.plan_approved and approved.plan_approved_by == personas.authorizing_official
    assert a2(cycle).done
    event = AuditEvent.objects.get(action="assessment_plan_approve")
    assert event.reason == "Agreed with TMC." and event.changes["approved"] == [False, True]
    with pytest.raises(ValidationError, match="already approved"):
        assessment_plan_approve(actor=personas.authorizing_official, assessment=assessment)


def test_no_approval_without_an_assessor(personas, cycle):
    assessment = plan_saved(personas, cycle)
    assessor_unassign(
        actor=personas.authorizing_official,
        authorization=cycle,
        assessor=personas.assessor,
        reason="Left the firm.",
    )
    with pytest.raises(ValidationError, match="an assessor assigned to the cycle"):
        assessment_plan_approve(actor=personas.authorizing_official, assessment=assessment)


def test_a_change_after_approval_withdraws_it(personas):
    authorization = cycle_in_assess(personas)
    assessment = plan_approved(personas, authorization)
    # Saving the same plan again changes nothing.
    assert plan_saved(personas, authorization).plan_version == 1
    changed = plan_saved(personas, authorization, ends_on=TODAY + timedelta(days=30))
    assert changed.plan_version == 2 and not changed.plan_approved
    assert changed.pk == assessment.pk
    assert a2(authorization).missing == [
        "the authorizing official's approval of the assessment plan"
    ]
    event = AuditEvent.objects.filter(action="assessment_plan_save").first()
    assert event.changes["approved"] == [True, False]
    assert event.changes["ends_on"] == [
        (TODAY + timedelta(days=14)).isoformat(),
        (TODAY + timedelta(days=30)).isoformat(),
    ]
    assert "withdrawn" in event.reason


def test_a_plan_saved_meanwhile_is_a_conflict(personas, cycle):
    plan_saved(personas, cycle)
    plan_saved(personas, cycle, title="Renamed", expected_version=1)
    with pytest.raises(PlanConflict) as conflict:
        plan_saved(personas, cycle, title="Mine", expected_version=1)
    assert conflict.value.current_version == 2
    assert conflict.value.current["title"] == "Renamed"
    assert "after you opened it" in str(conflict.value)
    assert initial_assessment(cycle).title == "Renamed"
