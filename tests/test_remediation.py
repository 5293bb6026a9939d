"""A-5, remediation: the system team records what it fixed; the assigned assessor re-assesses.
Satisfied closes the finding, makes its objectives satisfied and completes its POA&M item;
other than satisfied opens it again. Separation of duties: assessors do not remediate."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from assets.models import AuditEvent, Role
from assets.services import membership_grant
from rmf.models import Determination, DeterminationResult, Finding, PoamItem, Step
from rmf.selectors.workflow import cycle_facts, tasks_of_step
from rmf.services.assessment import determination_save, finding_reassess, remediation_record
from tests.assessment_steps import (
    TODAY,
    complete_poam,
    determine_all,
    plan_approved,
    rate_findings,
)
from tests.test_rmf_cycles import cycle_in_assess, refreshed

SATISFIED = DeterminationResult.SATISFIED
OTS = DeterminationResult.OTHER_THAN_SATISFIED


@pytest.fixture
def cycle(personas):
    return cycle_in_assess(personas)


@pytest.fixture
def finding(personas, cycle):
    """AC-2 with two objectives other than satisfied, the rest of the scope satisfied, the
    finding rated (A-4 done)."""
    assessment = plan_approved(personas, cycle)
    determine_all(personas, assessment, failing={"ac-2": 2})
    return rate_findings(personas, assessment)[0]


def a5(authorization):
    states = tasks_of_step(cycle_facts(refreshed(authorization)), Step.ASSESS)
    return next(state for state in states if state.code == "A-5")


def record(personas, finding, **values):
    return remediation_record(
        actor=personas.member,
        finding=finding,
        **{"description": "Named accounts for each technician.", "completed_on": TODAY, **values},
    )


def test_the_team_records_a_remediation(personas, cycle, finding):
    assert a5(cycle).done
    remediation = record(personas, finding)
    assert remediation.recorded_by == personas.member
    finding.refresh_from_db()
    assert finding.status == Finding.Status.REMEDIATION_SUBMITTED and finding.version == 3
    assert a5(cycle).missing == [
        "the assessor's re-assessment of 1 finding(s) whose remediation was recorded"
    ]
    event = AuditEvent.objects.get(action="remediation_record")
    assert event.actor == personas.member and event.organization == personas.agency
    assert event.changes["status"] == ["open", "submitted"]
    assert event.changes["completed_on"] == [None, TODAY.isoformat()]
    with pytest.raises(ValidationError, match="already awaiting"):
        record(personas, finding)


def test_a_remediation_is_checked(personas, finding):
    with pytest.raises(ValidationError) as error:
        record(personas, finding, description=" ", completed_on=TODAY + timedelta(days=1))
    assert set(error.value.message_dict) == {"description", "completed_on"}
    assert not finding.remediations.exists()


def test_assessors_do_not_remediate(personas, finding):
    membership_grant(
        actor=None, organization=personas.agency, user=personas.assessor, role=Role.PLANNER
    )
    with pytest.raises(ValidationError, match="Separation of duties"):
        remediation_record(
            actor=personas.assessor, finding=finding, description="Fixed.", completed_on=TODAY
        )
    assert Finding.objects.get().status == Finding.Status.OPEN


def test_a_satisfied_reassessment_closes_the_finding(personas, cycle, finding):
    item = complete_poam(personas, cycle)[0]
    record(personas, finding)
    for actor in (personas.member, personas.authorizing_official):
        with pytest.raises(ValidationError, match="Only an assessor assigned"):
            finding_reassess(actor=actor, finding=finding, result=SATISFIED)
    closed = finding_reassess(
        actor=personas.assessor, finding=finding, result=SATISFIED, note="Checked five accounts."
    )
    assert closed.status == Finding.Status.CLOSED and closed.reassessed_by == personas.assessor
    determinations = Determination.objects.filter(objective__in=["ac-2_obj.a-1", "ac-2_obj.a-2"])
    assert {(d.result, d.version) for d in determinations} == {(SATISFIED, 2)}
    item.refresh_from_db()
    assert item.status == PoamItem.Status.COMPLETED and item.closed_at is not None
    assert a5(cycle).done
    reason = "Re-assessment of F-001: satisfied."
    audited = AuditEvent.objects.filter(reason=reason)
    assert sorted(audited.values_list("action", flat=True)) == [
        "determination_save",
        "determination_save",
        "finding_reassess",
        "poam_item_update",
    ]
    assert audited.get(action="finding_reassess").changes["status"] == ["submitted", "closed"]
    with pytest.raises(ValidationError, match="no remediation awaiting re-assessment"):
        finding_reassess(actor=personas.assessor, finding=closed, result=SATISFIED)
    with pytest.raises(ValidationError, match="is closed"):
        record(personas, closed)


def test_an_unsatisfied_reassessment_opens_it_again(personas, cycle, finding):
    record(personas, finding)
    with pytest.raises(ValidationError) as error:
        finding_reassess(actor=personas.assessor, finding=finding, result=OTS, note="")
    assert set(error.value.message_dict) == {"note"}
    with pytest.raises(ValidationError) as error:
        finding_reassess(actor=personas.assessor, finding=finding, result="maybe", note="x")
    assert set(error.value.message_dict) == {"result"}
    reopened = finding_reassess(
        actor=personas.assessor, finding=finding, result=OTS, note="Two accounts still shared."
    )
    assert reopened.status == Finding.Status.OPEN
    assert reopened.reassessment_note == "Two accounts still shared."
    assert Determination.objects.filter(result=OTS).count() == 2
    assert a5(cycle).done
    record(personas, reopened, description="The last two accounts split too.")
    assert reopened.remediations.count() == 2


def test_a_new_weakness_reopens_a_closed_finding(personas, cycle, finding):
    record(personas, finding)
    finding_reassess(actor=personas.assessor, finding=finding, result=SATISFIED)
    assessment = finding.assessment
    determination_save(
        actor=personas.assessor,
        assessment=assessment,
        objective_id="ac-2_obj.b",
        result=OTS,
        methods=["interview"],
        note="No account manager named.",
        expected_version=1,
    )
    reopened = Finding.objects.get()
    assert reopened.status == Finding.Status.OPEN
    assert [o.pk for o in reopened.objectives.all()] == ["ac-2_obj.b"]
    event = AuditEvent.objects.filter(action="finding_update").first()
    assert event.changes["status"] == ["closed", "open"]
