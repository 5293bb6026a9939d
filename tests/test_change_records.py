"""M-1, system and environment changes: recorded in the Monitor step, analysed once; a significant
change starts a new cycle in Categorize, or in Select with the categorization's approval
carried; the earlier decision stays in force until the new cycle's decision; refusals leave
nothing half-written; every write is audited."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from assets.models import AuditEvent, InformationType
from assets.services import system_information_type_add
from rmf.models import (
    Authorization,
    Categorization,
    ChangeRecord,
    SelectedControl,
    Step,
    StepTransition,
    TaskSignoff,
)
from rmf.selectors.decisions import AUTHORIZED, decision_status
from rmf.selectors.workflow import cycle_facts
from rmf.services.monitor import (
    ChangeRecordConflict,
    change_record_analyse,
    change_record_create,
    change_record_update,
)
from tests.authorize_steps import cycle_in_authorize, cycle_in_monitor
from tests.test_rmf_cycles import TYPE_HIGH

TODAY = timezone.localdate()


def record(personas, authorization, **changes) -> ChangeRecord:
    values = {
        "title": "New firewall at the traffic management center",
        "kind": ChangeRecord.Kind.HARDWARE,
        "description": "The old firewall is replaced by a next-generation one.",
        "changed_on": TODAY,
        **changes,
    }
    return change_record_create(actor=personas.member, authorization=authorization, **values)


def active_ids(authorization, *control_ids) -> list[int]:
    return list(
        SelectedControl.objects.filter(
            authorization=authorization, control__in=control_ids
        ).values_list("pk", flat=True)
    )


@pytest.fixture
def monitored(personas):
    return cycle_in_monitor(personas)


def test_changes_are_numbered_within_the_cycle_and_audited(personas, monitored):
    first = record(personas, monitored)
    second = record(personas, monitored, title="Controller firmware 4.2", kind="software")
    assert (first.code, second.code) == ("CHG-001", "CHG-002")
    assert second.recorded_by == personas.member and not second.analysed
    event = AuditEvent.objects.get(action="change_record_create", object_id=str(second.pk))
    assert event.changes["title"] == [None, "Controller firmware 4.2"]
    assert event.organization == personas.agency
    # The Monitor task M-1 waits for the analyses.
    facts = cycle_facts(Authorization.objects.get(pk=monitored.pk))
    assert facts.monitor.changes_without_analysis == 2


def test_a_change_record_needs_its_fields_with_messages_by_field(personas, monitored):
    with pytest.raises(ValidationError) as error:
        record(personas, monitored, title=" ", kind="weather", description="", changed_on=None)
    assert set(error.value.message_dict) == {"title", "kind", "description", "changed_on"}
    assert "Describe the change" in error.value.message_dict["description"][0]
    assert not ChangeRecord.objects.exists()


def test_changes_are_recorded_in_monitor_only_and_by_the_system_team(personas):
    authorization = cycle_in_authorize(personas)
    with pytest.raises(ValidationError, match="recorded in the Monitor step"):
        record(personas, authorization)
    assert not ChangeRecord.objects.exists()


def test_only_the_system_team_records_changes(personas, monitored):
    for actor in (personas.assessor, personas.authorizing_official, personas.viewer):
        with pytest.raises(PermissionDenied):
            change_record_create(
                actor=actor,
                authorization=monitored,
                title="A change",
                kind="software",
                description="Something.",
                changed_on=TODAY,
            )
    assert not ChangeRecord.objects.exists()


def test_a_minor_change_names_its_controls_and_starts_no_cycle(personas, monitored):
    change = record(personas, monitored)
    with pytest.raises(ValidationError) as error:
        change_record_analyse(
            actor=personas.member, change=change, impact="minor", analysis="Same rules."
        )
    assert "name the controls it touches" in error.value.message_dict["affected_control_ids"][0]
    analysed = change_record_analyse(
        actor=personas.member,
        change=change,
        impact="minor",
        analysis="The firewall rules are carried over unchanged; SC-7 is re-checked.",
        affected_control_ids=active_ids(monitored, "sc-7", "cm-2"),
        expected_version=1,
    )
    assert analysed.analysed and analysed.new_cycle is None
    assert sorted(c.control.label for c in analysed.affected_controls.all()) == ["CM-2", "SC-7"]
    assert Authorization.objects.filter(system=personas.system).count() == 1
    event = AuditEvent.objects.get(action="change_record_analyse", object_id=str(change.pk))
    assert event.changes["impact"] == ["", "minor"]
    assert event.changes["affected_controls"][1] == ["CM-2", "SC-7"]


def test_analysis_validation_messages(personas, monitored):
    change = record(personas, monitored)
    with pytest.raises(ValidationError) as error:
        change_record_analyse(
            actor=personas.member,
            change=change,
            impact="huge",
            analysis="  ",
            affected_control_ids=[999999],
        )
    assert set(error.value.message_dict) == {"impact", "analysis", "affected_control_ids"}
    assert (
        "not active controls of this cycle" in (error.value.message_dict["affected_control_ids"][0])
    )
    with pytest.raises(ValidationError) as error:
        change_record_analyse(
            actor=personas.member, change=change, impact="significant", analysis="Big."
        )
    assert "choose Categorize" in error.value.message_dict["return_to"][0]
    with pytest.raises(ValidationError) as error:
        change_record_analyse(
            actor=personas.member,
            change=change,
            impact="none",
            analysis="No effect.",
            return_to="select",
        )
    assert "Only a significant change" in error.value.message_dict["return_to"][0]
    change.refresh_from_db()
    assert not change.analysed and change.version == 1


def test_a_change_is_analysed_once(personas, monitored):
    change = record(personas, monitored)
    change_record_analyse(
        actor=personas.member, change=change, impact="none", analysis="Cosmetic change."
    )
    with pytest.raises(ValidationError, match="CHG-001 was analysed by member"):
        change_record_analyse(
            actor=personas.member, change=change, impact="minor", analysis="Second thoughts."
        )
    with pytest.raises(ValidationError, match="was analysed"):
        change_record_update(
            actor=personas.member,
            change=change,
            title="Renamed",
            kind="hardware",
            description="x",
            changed_on=TODAY,
        )


def test_edits_are_version_checked(personas, monitored):
    change = record(personas, monitored)
    updated = change_record_update(
        actor=personas.member,
        change=change,
        title="Firewall replaced",
        kind="hardware",
        description="Replaced on the weekend.",
        changed_on=TODAY - timedelta(days=2),
        expected_version=1,
    )
    assert updated.version == 2
    with pytest.raises(ChangeRecordConflict) as conflict:
        change_record_update(
            actor=personas.member,
            change=change,
            title="Stale edit",
            kind="hardware",
            description="From an old page.",
            changed_on=TODAY,
            expected_version=1,
        )
    assert conflict.value.current["title"] == "Firewall replaced"
    with pytest.raises(ChangeRecordConflict):
        change_record_analyse(
            actor=personas.member,
            change=change,
            impact="none",
            analysis="No effect.",
            expected_version=1,
        )
    change.refresh_from_db()
    assert change.title == "Firewall replaced" and not change.analysed


def test_significant_change_back_to_categorize_starts_a_new_cycle(personas, monitored):
    pending = record(personas, monitored, title="Backup schedule", kind="configuration")
    change = record(personas, monitored, title="Camera feeds added", kind="boundary")
    analysed = change_record_analyse(
        actor=personas.member,
        change=change,
        impact="significant",
        analysis="Video of residents now flows through the system: the categorization changes.",
        return_to="categorize",
    )
    new = analysed.new_cycle
    old = Authorization.objects.get(pk=monitored.pk)
    assert new.cycle == 2 and new.step == Step.CATEGORIZE and new.is_current
    assert new.previous_id == old.pk and not old.is_current and old.closed_at is not None
    # The decisions are carried forward for review; no approval is.
    assert SelectedControl.objects.filter(authorization=new).count() == (
        SelectedControl.objects.filter(authorization=old).count()
    )
    assert not TaskSignoff.objects.filter(authorization=new).exists()
    start = AuditEvent.objects.get(action="authorization_start", object_id=str(new.pk))
    assert "CHG-002" in start.reason and "significant" in start.reason
    # The earlier decision remains the system's authorization until the new one is signed.
    status = decision_status(personas.system, TODAY, with_changes=False)
    assert status.state == AUTHORIZED and status.decision.authorization_id == old.pk
    # The closed cycle is read-only: no further change or analysis there.
    with pytest.raises(ValidationError, match="closed"):
        record(personas, old)
    with pytest.raises(ValidationError, match="closed"):
        change_record_analyse(
            actor=personas.member, change=pending, impact="none", analysis="Routine."
        )


def test_significant_change_back_to_select_carries_the_categorization_approval(personas, monitored):
    change = record(personas, monitored, title="New signal controllers", kind="hardware")
    analysed = change_record_analyse(
        actor=personas.member,
        change=change,
        impact="significant",
        analysis="The controllers add remote access: access controls must be re-selected.",
        affected_control_ids=active_ids(monitored, "ac-17"),
        return_to="select",
    )
    new = analysed.new_cycle
    assert new.cycle == 2 and new.step == Step.SELECT
    signoff = TaskSignoff.objects.get(authorization=new, task="C-3")
    assert signoff.signed_by == personas.authorizing_official
    assert signoff.note.startswith(
        "Carried from cycle 1: CHG-001 did not change the categorization"
    )
    old_categorization = Categorization.objects.get(authorization=monitored)
    new_categorization = Categorization.objects.get(authorization=new)
    assert new_categorization.approved_snapshot == old_categorization.approved_snapshot
    assert new_categorization.approved_by == personas.authorizing_official
    transition = StepTransition.objects.get(authorization=new)
    assert (transition.from_step, transition.to_step) == ("categorize", "select")
    assert "CHG-001" in transition.reason
    facts = cycle_facts(Authorization.objects.get(pk=new.pk))
    assert "C-3" in facts.signoffs and not facts.categorization.changed_since_approval
    assert AuditEvent.objects.filter(action="task_signoff_carry", object_id=str(new.pk)).exists()


def test_back_to_select_is_refused_when_the_categorization_changed(personas, monitored):
    system_information_type_add(
        actor=None,
        system=personas.system,
        catalog_type=InformationType.objects.get(pk=TYPE_HIGH),
        note="Added after the authorization.",
    )
    change = record(personas, monitored, title="Emergency dispatch data", kind="boundary")
    with pytest.raises(ValidationError) as error:
        change_record_analyse(
            actor=personas.member,
            change=change,
            impact="significant",
            analysis="Dispatch data is now processed.",
            return_to="select",
        )
    assert "go back to Categorize" in error.value.message_dict["return_to"][0]
    change.refresh_from_db()
    assert not change.analysed
    assert Authorization.objects.filter(system=personas.system).count() == 1
