"""The Assess tasks A-1 to A-6 say what is missing, in the order the work is done, and keep the
cycle in Assess until they are all done: then it moves on to Authorize."""

import pytest
from django.core.exceptions import ValidationError

from rmf.models import Step
from rmf.selectors.workflow import cycle_facts, gate_missing, tasks_of_step
from rmf.services.assessment import remediation_record
from rmf.services.workflow import authorization_advance
from tests.assessment_steps import (
    TODAY,
    assessor_assigned,
    complete_poam,
    control,
    determine_all,
    determine_control,
    plan_approved,
    plan_saved,
    rate_findings,
)
from tests.test_rmf_cycles import cycle_in_assess, refreshed


def missing(authorization) -> dict[str, list[str]]:
    facts = cycle_facts(refreshed(authorization))
    return {state.code: state.missing for state in tasks_of_step(facts, Step.ASSESS)}


def test_the_assess_tasks_follow_the_work(personas):
    cycle = cycle_in_assess(personas)
    assert missing(cycle) == {
        "A-1": ["an assessor assigned by the authorizing official"],
        "A-2": ["an assessment plan drafted by the assigned assessor"],
        "A-3": ["an approved assessment plan first (A-2)"],
        "A-4": ["every assessment objective in scope determined first (A-3)"],
        "A-5": ["a complete assessment report first (A-4)"],
        "A-6": ["a complete assessment report first (A-4)"],
    }
    with pytest.raises(ValidationError) as error:
        authorization_advance(actor=personas.member, authorization=cycle)
    message = error.value.messages[0]
    assert "cannot move on to Authorize" in message
    assert "A-1 Assessor selection: an assessor assigned" in message
    assert "A-6 Plan of action and milestones" in message

    assessor_assigned(personas, cycle)
    assessment = plan_saved(personas, cycle)
    assert missing(cycle)["A-1"] == []
    assert missing(cycle)["A-2"] == ["the authorizing official's approval of the assessment plan"]
    assessment = plan_approved(personas, cycle)
    assert missing(cycle)["A-2"] == []
    assert missing(cycle)["A-3"] == [
        "determinations for 966 of 966 assessment objective(s) in scope"
    ]
    determine_control(personas, assessment, control(cycle, "ac-2"), failing=1)
    assert missing(cycle)["A-3"] == [
        "determinations for 940 of 966 assessment objective(s) in scope"
    ]

    determine_all(personas, assessment, failing={"ac-2": 1})
    state = missing(cycle)
    assert state["A-3"] == []
    assert state["A-4"] == ["a weakness, likelihood, impact and recommendation for 1 finding(s)"]
    finding = rate_findings(personas, assessment)[0]
    state = missing(cycle)
    assert (state["A-4"], state["A-5"]) == ([], [])
    assert state["A-6"] == ["a POA&M item for 1 finding(s) not closed"]

    remediation_record(
        actor=personas.member, finding=finding, description="Named accounts.", completed_on=TODAY
    )
    assert missing(cycle)["A-5"] == [
        "the assessor's re-assessment of 1 finding(s) whose remediation was recorded"
    ]
    assert [state.code for state in gate_missing(cycle_facts(refreshed(cycle)))] == ["A-5", "A-6"]


def test_a_complete_assessment_opens_the_gate_to_authorize(personas):
    cycle = cycle_in_assess(personas)
    assessment = plan_approved(personas, cycle)
    determine_all(personas, assessment, failing={"si-2": 2})
    rate_findings(personas, assessment)
    complete_poam(personas, cycle)
    assert all(not what for what in missing(cycle).values())
    moved = authorization_advance(actor=personas.member, authorization=cycle)
    assert moved.step == Step.AUTHORIZE


def test_an_assessment_without_weaknesses_needs_no_poam(personas):
    cycle = cycle_in_assess(personas)
    assessment = plan_approved(personas, cycle)
    determine_all(personas, assessment)
    assert all(not what for what in missing(cycle).values())
    assert authorization_advance(actor=personas.member, authorization=cycle).step == Step.AUTHORIZE
