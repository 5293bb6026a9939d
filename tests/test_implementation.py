"""RMF Step 3, Implement: statuses, narratives and their conflicts, common and hybrid controls,
the I-1 and I-2 tasks and the gate to Assess, and the worklist's query count."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assets.models import AuditEvent
from rmf.models import (
    ControlImplementation,
    ControlSelection,
    Designation,
    ImplementationNarrative,
    ImplementationStatus,
    SelectedControl,
    Step,
)
from rmf.selectors.implementation import (
    family_progress,
    implementation_worklist,
    provider_narratives,
    statement_parts_needing_narratives,
)
from rmf.selectors.workflow import cycle_facts, tasks_of_step
from rmf.services.implementation import (
    ImplementationConflict,
    NarrativeConflict,
    implementation_status_bulk_set,
    implementation_update,
    narrative_save,
)
from rmf.services.selection import control_allocate
from rmf.services.workflow import authorization_advance
from tests.test_rmf_cycles import (
    TYPE_HIGH,
    TYPE_LOW,
    approve,
    complete_selection,
    cycle_in_implement,
    cycle_in_select,
    refreshed,
)


def selected(authorization, control_id: str) -> SelectedControl:
    return SelectedControl.objects.select_related("authorization__system__organization").get(
        authorization=authorization, control=control_id
    )


def task(authorization, code: str):
    facts = cycle_facts(refreshed(authorization))
    return next(state for state in tasks_of_step(facts, Step.IMPLEMENT) if state.code == code)


@pytest.fixture
def cycle(personas):
    return cycle_in_implement(personas, types=(TYPE_LOW,))


# --- statement parts ------------------------------------------------------------------------


def test_the_parts_needing_narratives_are_the_leaves_of_the_statement(db):
    parts = statement_parts_needing_narratives(["ac-2", "ac-2.1", "ac-1"])
    ac2 = [part.pk for part in parts["ac-2"]]
    assert "ac-2_smt.a" in ac2 and "ac-2_smt" not in ac2
    assert len(ac2) == 18  # a. to l., with the sub-items of d., h. and i. instead
    assert "ac-2_smt.d" not in ac2 and "ac-2_smt.d.1" in ac2
    assert [part.pk for part in parts["ac-2.1"]] == ["ac-2.1_smt"]


# --- status and responsible roles -----------------------------------------------------------


def test_status_and_roles_are_recorded_versioned_and_audited(personas, cycle):
    control = selected(cycle, "ac-2")
    implementation = implementation_update(
        actor=personas.member,
        selected_control=control,
        status=ImplementationStatus.PARTIAL,
        responsible_roles="Network team; ISSO",
    )
    assert implementation.version == 2
    assert implementation.updated_by == personas.member
    event = AuditEvent.objects.get(action="implementation_update")
    assert event.changes["status"] == ["", "partial"]
    with pytest.raises(ImplementationConflict) as conflict:
        implementation_update(
            actor=personas.member,
            selected_control=control,
            status=ImplementationStatus.IMPLEMENTED,
            expected_version=1,
        )
    assert conflict.value.current == {
        "status": "partial",
        "responsible_roles": "Network team; ISSO",
    }
    with pytest.raises(ValidationError):
        implementation_update(actor=personas.member, selected_control=control, status="done")


def test_bulk_status_sets_only_the_cycles_active_controls(personas, cycle):
    other = cycle_in_implement(personas, personas.sibling_system, types=(TYPE_LOW,))
    ids = list(
        SelectedControl.objects.filter(authorization=cycle, control__family="ac").values_list(
            "pk", flat=True
        )
    )
    foreign = SelectedControl.objects.filter(authorization=other).first()
    changed = implementation_status_bulk_set(
        actor=personas.member,
        authorization=cycle,
        selected_ids=[*ids, foreign.pk],
        status=ImplementationStatus.IMPLEMENTED,
    )
    assert changed == len(ids)
    assert not ControlImplementation.objects.filter(selected_control=foreign).exists()
    assert AuditEvent.objects.filter(action="implementation_update").count() == len(
        ids
    )  # one row per control
    again = implementation_status_bulk_set(
        actor=personas.member,
        authorization=cycle,
        selected_ids=ids,
        status=ImplementationStatus.IMPLEMENTED,
    )
    assert again == 0


def test_nothing_is_recorded_before_the_implement_step(personas):
    authorization = cycle_in_select(personas, types=(TYPE_LOW,))
    complete_selection(personas, authorization)
    with pytest.raises(ValidationError, match="Implement step"):
        implementation_update(
            actor=personas.member,
            selected_control=selected(authorization, "ac-2"),
            status=ImplementationStatus.PLANNED,
        )


# --- narratives -----------------------------------------------------------------------------


def test_a_narrative_is_saved_and_audited_with_its_text_before_and_after(personas, cycle):
    control = selected(cycle, "ac-2")
    first = narrative_save(
        actor=personas.member,
        selected_control=control,
        part_id="ac-2_smt.a",
        text="Accounts are defined in the directory.",
    )
    assert first.version == 1
    second = narrative_save(
        actor=personas.member,
        selected_control=control,
        part_id="ac-2_smt.a",
        text="Accounts are defined and typed in the directory.",
        expected_version=1,
    )
    assert second.pk == first.pk and second.version == 2
    events = AuditEvent.objects.filter(action="narrative_save").order_by("pk")
    assert events.count() == 2
    assert events[1].changes["text"] == [
        "Accounts are defined in the directory.",
        "Accounts are defined and typed in the directory.",
    ]


def test_two_saves_from_the_same_version_the_second_gets_both_texts(personas, cycle):
    control = selected(cycle, "ac-2")
    narrative_save(
        actor=personas.member, selected_control=control, part_id="ac-2_smt.b", text="Original."
    )
    narrative_save(
        actor=personas.member,
        selected_control=control,
        part_id="ac-2_smt.b",
        text="The member's version.",
        expected_version=1,
    )
    with pytest.raises(NarrativeConflict) as conflict:
        narrative_save(
            actor=personas.admin,
            selected_control=control,
            part_id="ac-2_smt.b",
            text="The administrator's version.",
            expected_version=1,
        )
    assert conflict.value.current_text == "The member's version."
    assert conflict.value.your_text == "The administrator's version."
    assert conflict.value.current_version == 2
    assert conflict.value.current_author == personas.member
    assert "member" in str(conflict.value)
    narrative = ImplementationNarrative.objects.get(part="ac-2_smt.b")
    assert narrative.text == "The member's version."


def test_two_first_saves_conflict_too(personas, cycle):
    control = selected(cycle, "ac-2")
    narrative_save(actor=personas.member, selected_control=control, part_id="ac-2_smt.c", text="A")
    with pytest.raises(NarrativeConflict):
        narrative_save(
            actor=personas.admin, selected_control=control, part_id="ac-2_smt.c", text="B"
        )


def test_a_narrative_needs_a_statement_part_of_the_control(personas, cycle):
    control = selected(cycle, "ac-2")
    for part_id in ("ac-3_smt", "ac-2_gdn", "ac-2_obj.a-1"):
        with pytest.raises(ValidationError):
            narrative_save(
                actor=personas.member, selected_control=control, part_id=part_id, text="Text."
            )


def test_common_controls_take_the_providers_narrative_hybrid_ones_add_their_share(personas):
    provider_cycle = cycle_in_implement(personas, personas.sibling_system, types=(TYPE_LOW,))
    narrative_save(
        actor=personas.sibling,
        selected_control=selected(provider_cycle, "ac-1"),
        part_id="ac-1_smt.a",
        text="The department's access control policy.",
    )
    authorization = cycle_in_select(personas, types=(TYPE_LOW,))
    complete_selection(personas, authorization)
    for control_id, designation in (("ac-1", Designation.COMMON), ("ac-2", Designation.HYBRID)):
        control_allocate(
            actor=personas.member,
            authorization=authorization,
            selected_ids=[selected(authorization, control_id).pk],
            designation=designation,
            provider=personas.sibling_system,
        )
    approve(personas, authorization, "S-6")
    authorization_advance(actor=personas.member, authorization=authorization)
    common = selected(authorization, "ac-1")
    with pytest.raises(ValidationError, match="common control"):
        narrative_save(
            actor=personas.member, selected_control=common, part_id="ac-1_smt.a", text="Ours."
        )
    assert [n.text for n in provider_narratives(common)] == [
        "The department's access control policy."
    ]
    hybrid = selected(authorization, "ac-2")
    narrative_save(
        actor=personas.member, selected_control=hybrid, part_id="ac-2_smt.a", text="Our share."
    )
    assert provider_narratives(selected(authorization, "ac-3")) == []


# --- tasks and the gate ---------------------------------------------------------------------


def test_i1_and_i2_complete_from_the_data_and_gate_the_move_to_assess(personas, cycle):
    state = task(cycle, "I-1")
    active = SelectedControl.objects.filter(authorization=cycle, tailoring="baseline").count()
    assert state.missing == [f"an implementation status for {active} control(s)"]
    assert task(cycle, "I-2").missing == [
        f"an implementation status for {active} control(s) first (I-1), then a narrative for "
        "each part of those in place"
    ]
    with pytest.raises(ValidationError, match="I-1"):
        authorization_advance(actor=personas.member, authorization=cycle)

    all_ids = list(SelectedControl.objects.filter(authorization=cycle).values_list("pk", flat=True))
    implementation_status_bulk_set(
        actor=personas.member,
        authorization=cycle,
        selected_ids=all_ids,
        status=ImplementationStatus.PLANNED,
    )
    assert "still planned" in task(cycle, "I-1").missing[0]
    # Not applicable needs no narrative; implemented does.
    implementation_status_bulk_set(
        actor=personas.member,
        authorization=cycle,
        selected_ids=all_ids,
        status=ImplementationStatus.NOT_APPLICABLE,
    )
    assert task(cycle, "I-1").done and task(cycle, "I-2").done
    control = selected(cycle, "ac-2")
    implementation_update(
        actor=personas.member, selected_control=control, status=ImplementationStatus.IMPLEMENTED
    )
    assert task(cycle, "I-2").missing == [
        "implementation narratives for 18 statement part(s) of 1 control(s)"
    ]
    parts = statement_parts_needing_narratives(["ac-2"])["ac-2"]
    for part in parts[:-1]:
        narrative_save(
            actor=personas.member, selected_control=control, part_id=part.pk, text="Done so."
        )
    assert task(cycle, "I-2").missing == [
        "implementation narratives for 1 statement part(s) of 1 control(s)"
    ]
    with pytest.raises(ValidationError, match="I-2"):
        authorization_advance(actor=personas.member, authorization=cycle)
    narrative_save(
        actor=personas.member, selected_control=control, part_id=parts[-1].pk, text="Done so."
    )
    assert task(cycle, "I-2").done
    moved = authorization_advance(actor=personas.member, authorization=cycle)
    assert moved.step == Step.ASSESS


# --- worklist -------------------------------------------------------------------------------


def test_the_worklist_filters_and_counts_narratives(personas, cycle):
    control = selected(cycle, "ac-2")
    implementation_update(
        actor=personas.member,
        selected_control=control,
        status=ImplementationStatus.IMPLEMENTED,
        responsible_roles="Network team",
    )
    narrative_save(actor=personas.member, selected_control=control, part_id="ac-2_smt.a", text="x")
    rows = implementation_worklist(cycle, family="AC")
    assert rows and all(row.control.family_id == "ac" for row in rows)
    (row,) = implementation_worklist(cycle, responsible="network")
    assert row.selected_control == control
    assert (row.narratives, row.required) == (1, 18)
    assert [r.selected_control for r in implementation_worklist(cycle, missing_narrative=True)] == [
        control
    ]
    assert [r.selected_control for r in implementation_worklist(cycle, status="implemented")] == [
        control
    ]
    undocumented = implementation_worklist(cycle, status="none")
    assert len(undocumented) == len(implementation_worklist(cycle)) - 1
    progress = {item.family.pk: item for item in family_progress(cycle)}
    assert progress["ac"].with_status == 1 and progress["ac"].implemented == 1
    assert progress["ac"].narratives_complete == 0


def _worklist_queries(personas, system, types) -> tuple[int, int]:
    authorization = cycle_in_implement(personas, system, types=types)
    ids = list(
        SelectedControl.objects.filter(authorization=authorization).values_list("pk", flat=True)
    )
    implementation_status_bulk_set(
        actor=personas.member,
        authorization=authorization,
        selected_ids=ids,
        status=ImplementationStatus.IMPLEMENTED,
    )
    with CaptureQueriesContext(connection) as queries:
        rows = implementation_worklist(authorization)
        family_progress(authorization)
        cycle_facts(refreshed(authorization))
    return len(rows), len(queries)


def test_the_worklist_takes_the_same_queries_for_low_and_high(personas):
    low_rows, low_queries = _worklist_queries(personas, personas.system, (TYPE_LOW,))
    high_rows, high_queries = _worklist_queries(personas, personas.sibling_system, (TYPE_HIGH,))
    assert ControlSelection.objects.count() == 2
    assert (low_rows, high_rows) == (149, 370)
    assert low_queries == high_queries
