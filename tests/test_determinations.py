"""A-3, control assessments: determinations on leaf SP 800-53A objectives of the controls in
scope, once the plan is approved, by the assigned assessor; each control's result derived from
its objectives; a determination saved by someone else meanwhile is a conflict naming them (one
objective or a whole control, all or nothing); every change audited with before and after."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assets.models import AuditEvent
from assets.services import system_assessor_grant
from rmf.models import Determination, DeterminationResult, Step
from rmf.selectors.assessment import (
    assessment_progress,
    assessment_row,
    assessment_worklist,
    derived_result,
    leaf_objectives,
)
from rmf.services.assessment import (
    DeterminationConflict,
    assessor_assign,
    control_determinations_save,
    determination_save,
)
from rmf.services.implementation import evidence_attach, evidence_link_create
from rmf.services.workflow import authorization_step_back
from tests.assessment_steps import (
    assessor_assigned,
    control,
    determine_control,
    plan_approved,
    plan_saved,
)
from tests.factories import UserFactory
from tests.test_rmf_cycles import cycle_in_assess

SATISFIED = DeterminationResult.SATISFIED
OTS = DeterminationResult.OTHER_THAN_SATISFIED
NA = DeterminationResult.NOT_APPLICABLE


@pytest.fixture
def cycle(personas):
    return cycle_in_assess(personas)


@pytest.fixture
def assessment(personas, cycle):
    return plan_approved(personas, cycle)


def save(personas, assessment, objective_id="ac-2_obj.a-1", *, actor=None, **values):
    return determination_save(
        actor=actor or personas.assessor,
        assessment=assessment,
        objective_id=objective_id,
        **{"result": SATISFIED, "methods": ["examine"], **values},
    )


def test_a_determination_is_recorded_and_audited(personas, assessment):
    determination = save(
        personas, assessment, methods=["interview", "examine"], note="Matches the plan."
    )
    assert determination.version == 1 and determination.updated_by == personas.assessor
    assert determination.methods == ["examine", "interview"]
    assert determination.selected_control.control_id == "ac-2"
    changed = save(personas, assessment, result=OTS, note="Shared account.", expected_version=1)
    assert changed.pk == determination.pk and changed.version == 2
    # The same values again: no new version, no new record.
    assert save(personas, assessment, result=OTS, note="Shared account.", expected_version=2)
    assert Determination.objects.get().version == 2
    events = list(AuditEvent.objects.filter(action="determination_save").order_by("id"))
    assert len(events) == 2
    assert events[0].changes["result"] == [None, "satisfied"]
    assert events[0].changes["objective"] == [None, "AC-02a.[01]"]
    assert events[1].changes == {
        "result": ["satisfied", "other_than_satisfied"],
        "methods": [["examine", "interview"], ["examine"]],
        "note": ["Matches the plan.", "Shared account."],
    }
    assert events[1].organization == personas.agency and events[1].actor == personas.assessor


def test_only_leaf_objectives_take_a_determination(personas, assessment):
    for objective_id in ("ac-2_obj.a", "ac-2_obj", "ac-2_smt.a", "nope"):
        with pytest.raises(ValidationError) as error:
            save(personas, assessment, objective_id)
        assert "objective_id" in error.value.message_dict
    assert not Determination.objects.exists()
    assert save(personas, assessment, "ac-3_obj").objective_id == "ac-3_obj"  # no parts


def test_only_controls_in_scope(personas, cycle):
    assessment = plan_approved(
        personas, cycle, scope_all=False, scoped_control_ids=[control(cycle, "ac-2").pk]
    )
    with pytest.raises(ValidationError) as error:
        save(personas, assessment, "si-2_obj.a-1")
    assert error.value.message_dict["objective_id"] == [
        "SI-2 is not in the scope of this assessment."
    ]
    with pytest.raises(ValidationError, match="not in the scope"):
        determine_control(personas, assessment, control(cycle, "si-2"))
    assert save(personas, assessment).version == 1


def test_the_plan_is_approved_first(personas, cycle):
    assessor_assigned(personas, cycle)
    assessment = plan_saved(personas, cycle)
    with pytest.raises(ValidationError, match="plan must be approved"):
        save(personas, assessment)


def test_determinations_are_recorded_in_assess(personas, assessment, cycle):
    authorization_step_back(
        actor=personas.member, authorization=cycle, to_step=Step.IMPLEMENT, reason="A fix."
    )
    with pytest.raises(ValidationError, match="from the Assess step on"):
        save(personas, assessment)


@pytest.mark.parametrize("actor", ["member", "authorizing_official", "viewer"])
def test_only_an_assigned_assessor_determines(personas, assessment, actor):
    with pytest.raises(ValidationError, match="Only an assessor assigned to this cycle"):
        save(personas, assessment, actor=getattr(personas, actor))
    stranger = UserFactory(username="stranger")  # holds ASSESS but is not assigned
    system_assessor_grant(actor=None, system=personas.system, user=stranger)
    with pytest.raises(ValidationError, match="Only an assessor assigned"):
        save(personas, assessment, actor=stranger)


def test_methods_are_checked(personas, assessment):
    with pytest.raises(ValidationError) as error:
        save(personas, assessment, methods=[])
    assert error.value.message_dict == {
        "methods": ["Name the method(s) used: examine, interview or test."]
    }
    with pytest.raises(ValidationError) as error:
        save(personas, assessment, methods=["audit"], result="maybe")
    assert set(error.value.message_dict) == {"methods", "result"}
    # Not applicable may be determined without applying a method.
    assert save(personas, assessment, result=NA, methods=[]).result == NA


def test_evidence_of_the_system_tree_only(personas, cycle, assessment):
    city_policy = evidence_link_create(
        actor=None, organization=personas.city, title="City policy", url="https://city.gov/p"
    )
    scan = evidence_link_create(
        actor=None, organization=personas.agency, title="Scan", url="https://dot.gov/scan"
    )
    theirs = evidence_link_create(
        actor=None, organization=personas.sibling_agency, title="DMV scan", url="https://dmv.gov"
    )
    with pytest.raises(ValidationError) as error:
        save(personas, assessment, evidence_ids=[city_policy.pk, theirs.pk])
    assert "evidence_ids" in error.value.message_dict
    assert not Determination.objects.exists()
    evidence_attach(actor=personas.member, evidence=scan, selected_control=control(cycle, "ac-2"))
    determination = save(personas, assessment, evidence_ids=[city_policy.pk, scan.pk])
    assert set(determination.evidence.all()) == {city_policy, scan}
    determination = save(personas, assessment, evidence_ids=[scan.pk], expected_version=1)
    assert list(determination.evidence.all()) == [scan]
    event = AuditEvent.objects.filter(action="determination_save").first()
    assert event.changes == {"evidence": [sorted([city_policy.pk, scan.pk]), [scan.pk]]}


def test_the_result_of_a_control_comes_from_its_objectives(personas, cycle, assessment):
    assert derived_result([], 3) == "not_assessed"
    assert derived_result([SATISFIED], 3) == "in_progress"
    assert derived_result([SATISFIED, OTS], 3) == OTS
    assert derived_result([NA, NA], 2) == NA
    assert derived_result([NA, SATISFIED], 2) == SATISFIED
    save(personas, assessment, "ac-2_obj.a-1")
    determine_control(personas, assessment, control(cycle, "ac-8"))
    determine_control(personas, assessment, control(cycle, "si-2"), failing=1)
    save(personas, assessment, "ac-3_obj", result=NA, methods=[])
    rows = {row.control.pk: row for row in assessment_worklist(assessment)}
    assert len(rows) == 149
    assert rows["ac-1"].result == "not_assessed"
    assert (rows["ac-2"].result, rows["ac-2"].determined, rows["ac-2"].total) == (
        "in_progress",
        1,
        26,
    )
    assert rows["ac-8"].result == SATISFIED
    assert rows["si-2"].result == OTS and rows["si-2"].finding is not None
    assert rows["ac-3"].result == NA
    assert [row.control.pk for row in assessment_worklist(assessment, result=OTS)] == ["si-2"]
    assert {row.control.family_id for row in assessment_worklist(assessment, family="SI")} == {"si"}
    progress = assessment_progress(assessment)
    assert progress.total.objectives == 966
    assert progress.total.determined == 1 + 8 + 10 + 1
    assert progress.total.by_result[SATISFIED] == 1
    access = next(family for family in progress if family.family.pk == "ac")
    assert (access.determined, access.satisfied, access.not_applicable) == (10, 9, 1)
    row = assessment_row(assessment, control(cycle, "si-2"))
    assert row.count(OTS) == 1 and row.total == 10


def test_a_determination_saved_meanwhile_is_a_conflict(personas, cycle, assessment):
    colleague = UserFactory(username="colleague", first_name="Dana", last_name="Reyes")
    system_assessor_grant(actor=None, system=personas.system, user=colleague)
    assessor_assign(actor=personas.authorizing_official, authorization=cycle, assessor=colleague)
    save(personas, assessment, actor=colleague, result=OTS, note="Six people share tmcadmin.")
    # The assessor opened the objective before the colleague saved: version "none".
    with pytest.raises(DeterminationConflict) as conflict:
        save(personas, assessment, note="Looks fine.", expected_version=None)
    error = conflict.value
    assert error.current_result == OTS and error.current_note == "Six people share tmcadmin."
    assert error.current_version == 1 and error.current_author == colleague
    assert error.your_values["note"] == "Looks fine."
    assert str(error).startswith("Dana Reyes saved the determination of AC-02a.[01]")
    determination = Determination.objects.get()
    assert (determination.result, determination.version) == (OTS, 1)


def test_a_control_is_saved_all_or_nothing(personas, cycle, assessment):
    ac8 = control(cycle, "ac-8")
    objectives = leaf_objectives(["ac-8"])["ac-8"]
    save(personas, assessment, objectives[2].pk)  # someone saved this one meanwhile
    entries = [
        {"objective_id": o.pk, "result": SATISFIED, "methods": ["test"], "expected_version": None}
        for o in objectives
    ]
    with pytest.raises(DeterminationConflict) as conflict:
        control_determinations_save(
            actor=personas.assessor, assessment=assessment, selected_control=ac8, entries=entries
        )
    assert [item.objective_id for item in conflict.value.conflicts] == [objectives[2].pk]
    assert Determination.objects.count() == 1
    # Invalid entries are all reported, by objective, and nothing is written.
    entries[2]["expected_version"] = 1
    entries[0]["methods"] = []
    entries[1]["objective_id"] = "ac-2_obj.a-1"
    with pytest.raises(ValidationError) as error:
        control_determinations_save(
            actor=personas.assessor, assessment=assessment, selected_control=ac8, entries=entries
        )
    assert set(error.value.message_dict) == {objectives[0].pk, "ac-2_obj.a-1"}
    assert Determination.objects.count() == 1
    entries[0]["methods"] = ["test"]
    entries[1]["objective_id"] = objectives[1].pk
    saved = control_determinations_save(
        actor=personas.assessor, assessment=assessment, selected_control=ac8, entries=entries
    )
    assert [d.objective_id for d in saved] == [o.pk for o in objectives]
    assert Determination.objects.filter(selected_control=ac8, methods=["test"]).count() == 8
    assert Determination.objects.get(objective=objectives[2]).version == 2
    assert AuditEvent.objects.filter(action="determination_save").count() == 1 + 8


def test_a_whole_control_takes_the_same_queries_as_one_objective(personas, cycle, assessment):
    last = []

    def count(selected, objectives):
        entries = [
            {"objective_id": o.pk, "result": SATISFIED, "methods": ["examine"]} for o in objectives
        ]
        with CaptureQueriesContext(connection) as queries:
            control_determinations_save(
                actor=personas.assessor,
                assessment=assessment,
                selected_control=selected,
                entries=entries,
            )
        last[:] = queries.captured_queries
        return len(queries)

    count(control(cycle, "ac-8"), leaf_objectives(["ac-8"])["ac-8"][:1])  # warms the caches
    few = count(control(cycle, "ac-3"), leaf_objectives(["ac-3"])["ac-3"])
    many = count(control(cycle, "ac-2"), leaf_objectives(["ac-2"])["ac-2"])
    assert few == many <= 20, "\n".join(q["sql"][:150] for q in last)
