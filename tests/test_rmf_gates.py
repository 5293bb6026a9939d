"""Gates between RMF steps: what is missing said plainly, sign-offs by the authorizing official
only, going back with a reason, and an audit row for every transition and sign-off."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assets.models import AuditEvent
from rmf.models import Categorization, Step, StepTransition, TaskSignoff
from rmf.selectors.workflow import can_sign_off, cycle_facts, gate_missing, tasks_of_step
from rmf.services.selection import control_set_select
from rmf.services.workflow import (
    authorization_advance,
    authorization_start,
    authorization_step_back,
    task_signoff,
    task_signoff_withdraw,
)
from tests.test_rmf_cycles import (
    approve,
    complete_selection,
    cycle_in_implement,
    cycle_in_select,
    refreshed,
    started_cycle,
)


def test_the_categorize_gate_says_what_is_missing_and_changes_nothing(personas):
    authorization = authorization_start(actor=personas.member, system=personas.system)
    with pytest.raises(ValidationError) as error:
        authorization_advance(actor=personas.member, authorization=authorization)
    message = error.value.messages[0]
    assert message.startswith("The cycle cannot move on to Select yet. Still needed: ")
    assert (
        "C-1 System description: the authorization boundary, a system owner, an authorizing "
        "official, at least one component" in message
    )
    assert "C-2 Security categorization: at least one information type" in message
    assert "C-3 Security categorization review and approval: the authorizing official's" in message
    assert refreshed(authorization).step == Step.CATEGORIZE
    assert not StepTransition.objects.exists()
    assert not AuditEvent.objects.filter(action="authorization_step_change").exists()


def test_task_states_come_from_the_data(personas):
    authorization = started_cycle(personas)
    facts = cycle_facts(authorization)
    states = {state.code: state for state in tasks_of_step(facts, Step.CATEGORIZE)}
    assert states["C-1"].done and states["C-2"].done
    assert states["C-3"].missing == ["the authorizing official's approval"]
    assert [state.code for state in gate_missing(cycle_facts(authorization))] == ["C-3"]


def test_a_signoff_waits_for_what_it_reviews(personas):
    authorization = authorization_start(actor=personas.member, system=personas.system)
    with pytest.raises(ValidationError, match="C-3 cannot be signed yet. Still needed — C-2: at"):
        approve(personas, authorization, "C-3")
    assert not TaskSignoff.objects.exists()


@pytest.mark.parametrize("who", ["member", "admin", "viewer", "sibling", "assessor", "outsider"])
def test_only_an_authorizing_official_signs_off(personas, who):
    authorization = started_cycle(personas)
    user = getattr(personas, who)
    assert not can_sign_off(user, authorization, "C-3")
    with pytest.raises(PermissionDenied, match="Only an authorizing official"):
        task_signoff(actor=user, authorization=authorization, task="C-3")
    assert not TaskSignoff.objects.exists()
    assert refreshed(authorization).categorization.approved_at is None


def test_tasks_settled_by_data_or_of_later_steps_take_no_signoff(personas):
    authorization = started_cycle(personas)
    with pytest.raises(ValidationError, match="C-2 is settled by the data"):
        approve(personas, authorization, "C-2")
    with pytest.raises(ValidationError, match="S-6 belongs to the Select step"):
        approve(personas, authorization, "S-6")
    assert not TaskSignoff.objects.exists()


def test_approving_twice_is_refused(personas):
    authorization = started_cycle(personas)
    approve(personas, authorization, "C-3")
    with pytest.raises(ValidationError, match="C-3 is already signed off for this cycle"):
        approve(personas, authorization, "C-3")
    assert TaskSignoff.objects.count() == 1
    assert AuditEvent.objects.filter(action="task_signoff").count() == 1


def test_signoffs_and_transitions_are_audited(personas):
    authorization = started_cycle(personas)
    assert can_sign_off(personas.authorizing_official, authorization, "C-3")
    signoff = approve(personas, authorization, "C-3")
    assert signoff.signed_by == personas.authorizing_official
    event = AuditEvent.objects.get(action="task_signoff")
    assert event.actor == personas.authorizing_official
    assert event.reason == "Reviewed with the system owner."
    assert event.changes["task"] == [None, "C-3"]
    assert event.changes["categorization"][1]["overall"] == "MODERATE"
    assert event.organization == personas.agency

    moved = authorization_advance(
        actor=personas.member, authorization=authorization, reason="Categorization approved."
    )
    assert moved.step == Step.SELECT
    transition = StepTransition.objects.get()
    assert (transition.from_step, transition.to_step) == (Step.CATEGORIZE, Step.SELECT)
    assert transition.actor == personas.member
    assert transition.reason == "Categorization approved."
    event = AuditEvent.objects.get(action="authorization_step_change")
    assert event.actor == personas.member
    assert event.changes == {"step": ["categorize", "select"]}
    assert event.reason == "Categorization approved."
    assert event.created_at is not None


def test_going_back_needs_a_reason_and_is_recorded(personas):
    authorization = cycle_in_select(personas)
    with pytest.raises(ValidationError, match="Going back needs a reason"):
        authorization_step_back(
            actor=personas.member, authorization=authorization, to_step=Step.CATEGORIZE, reason=" "
        )
    for wrong in (Step.SELECT, Step.IMPLEMENT, "sideways"):
        with pytest.raises(ValidationError, match="Choose a step before the current one"):
            authorization_step_back(
                actor=personas.member, authorization=authorization, to_step=wrong, reason="x"
            )
    assert StepTransition.objects.count() == 1
    authorization_step_back(
        actor=personas.member,
        authorization=authorization,
        to_step=Step.CATEGORIZE,
        reason="A new payment interface changes the categorization.",
    )
    assert refreshed(authorization).step == Step.CATEGORIZE
    back = StepTransition.objects.last()
    assert (back.from_step, back.to_step) == (Step.SELECT, Step.CATEGORIZE)
    assert back.reason == "A new payment interface changes the categorization."
    event = AuditEvent.objects.filter(action="authorization_step_change").first()
    assert event.changes == {"step": ["select", "categorize"]}
    assert event.reason == back.reason
    # The approval stayed: the cycle may move on again at once.
    authorization_advance(actor=personas.member, authorization=authorization)
    assert refreshed(authorization).step == Step.SELECT


def test_the_select_gate_lists_the_open_select_tasks(personas):
    authorization = cycle_in_select(personas)
    with pytest.raises(ValidationError) as error:
        authorization_advance(actor=personas.member, authorization=authorization)
    assert "S-1 Control selection: a control baseline selected" in error.value.messages[0]
    control_set_select(actor=personas.member, authorization=authorization)
    with pytest.raises(ValidationError) as error:
        authorization_advance(actor=personas.member, authorization=authorization)
    message = error.value.messages[0]
    assert "S-1" not in message and "S-2" not in message and "S-3" not in message
    assert "S-4 Documentation of planned control implementations: values for " in message
    assert "S-5 Continuous monitoring strategy: system: a monitoring frequency for 287" in message
    assert "S-6 Plan review and approval: the authorizing official's approval" in message
    with pytest.raises(ValidationError, match="S-6 cannot be signed yet. Still needed — S-4"):
        approve(personas, authorization, "S-6")
    complete_selection(personas, authorization)
    approve(personas, authorization, "S-6")
    authorization_advance(actor=personas.member, authorization=authorization)
    assert refreshed(authorization).step == Step.IMPLEMENT


def test_steps_whose_work_comes_later_stay_closed(personas):
    authorization = cycle_in_implement(personas)
    with pytest.raises(ValidationError) as error:
        authorization_advance(actor=personas.member, authorization=authorization)
    assert "I-1 Control implementation: an implementation status for" in error.value.messages[0]


def test_withdrawing_needs_a_reason_and_reopens_the_task(personas):
    authorization = started_cycle(personas)
    approve(personas, authorization, "C-3")
    with pytest.raises(ValidationError, match="Say why"):
        task_signoff_withdraw(
            actor=personas.authorizing_official, authorization=authorization, task="C-3", reason=""
        )
    with pytest.raises(PermissionDenied):
        task_signoff_withdraw(
            actor=personas.member, authorization=authorization, task="C-3", reason="Mine now."
        )
    task_signoff_withdraw(
        actor=personas.authorizing_official,
        authorization=authorization,
        task="C-3",
        reason="The owner reported a new information type.",
    )
    assert not TaskSignoff.objects.exists()
    categorization = Categorization.objects.get(authorization=authorization)
    assert categorization.approved_at is None and categorization.approved_snapshot == {}
    event = AuditEvent.objects.get(action="task_signoff_withdraw")
    assert event.actor == personas.authorizing_official
    assert event.reason == "The owner reported a new information type."
    assert event.changes["task"] == ["C-3", None]
    assert event.changes["signed_by"] == ["authorizing_official", None]
    with pytest.raises(ValidationError, match="C-3 is not signed off"):
        task_signoff_withdraw(
            actor=personas.authorizing_official,
            authorization=authorization,
            task="C-3",
            reason="Again.",
        )


def test_withdrawing_an_earlier_approval_takes_the_cycle_back_to_its_step(personas):
    authorization = cycle_in_implement(personas)
    task_signoff_withdraw(
        actor=personas.authorizing_official,
        authorization=authorization,
        task="S-6",
        reason="The plan must cover the new field network.",
    )
    authorization = refreshed(authorization)
    assert authorization.step == Step.SELECT
    back = StepTransition.objects.last()
    assert (back.from_step, back.to_step) == (Step.IMPLEMENT, Step.SELECT)
    assert back.actor == personas.authorizing_official
    assert back.reason == "The plan must cover the new field network."
    assert [state.code for state in gate_missing(cycle_facts(authorization))] == ["S-6"]
