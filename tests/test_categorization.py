"""Step 1, Categorize: the FIPS 199 high-water mark computed from the inventory, adjustments
with a justification, approval (C-3) that freezes it, and changes detected after approval."""

import pytest
from django.core.exceptions import ValidationError

from assets.models import AuditEvent, InformationType, ProvisionalImpact
from assets.services import (
    organization_information_type_create,
    system_information_type_add,
    system_information_type_remove,
)
from rmf.impact import high_water_mark
from rmf.models import Categorization, ImpactAdjustment, Step, TaskSignoff
from rmf.selectors.workflow import categorization_compute, cycle_facts, gate_missing
from rmf.services.categorization import impact_adjust
from rmf.services.selection import control_set_select
from rmf.services.workflow import (
    authorization_advance,
    authorization_start,
    authorization_step_back,
    task_signoff_withdraw,
)
from tests.test_rmf_cycles import (
    TYPE_CONFIDENTIAL,
    TYPE_HIGH,
    TYPE_INTEGRITY,
    TYPE_LOW,
    TYPE_NA,
    approve,
    cycle_in_select,
    refreshed,
    started_cycle,
)


def levels(authorization) -> tuple[str, str, str, str]:
    result = categorization_compute(refreshed(authorization))
    return (
        result.levels["confidentiality"],
        result.levels["integrity"],
        result.levels["availability"],
        result.overall,
    )


def link_of(personas, type_id):
    return personas.system.information_types.get(catalog_type=type_id)


def adjust(personas, authorization, type_id, objective, level, justification=""):
    return impact_adjust(
        actor=personas.member,
        authorization=authorization,
        system_information_type=link_of(personas, type_id),
        objective=objective,
        level=level,
        justification=justification,
    )


# --- the high-water mark --------------------------------------------------------------------


def test_high_water_mark_arithmetic():
    assert high_water_mark(["LOW", "HIGH", "MODERATE"]) == "HIGH"
    assert high_water_mark(["NA", "NA"], floor="LOW") == "LOW"
    assert high_water_mark([], floor="LOW") == "LOW"
    assert high_water_mark(["NA"]) == "NA"
    assert high_water_mark(["LOW", "bogus"]) == "LOW"


def test_the_high_water_mark_per_objective_and_overall(personas):
    authorization = started_cycle(personas, types=(TYPE_CONFIDENTIAL, TYPE_INTEGRITY, TYPE_LOW))
    assert levels(authorization) == ("MODERATE", "MODERATE", "LOW", "MODERATE")
    result = categorization_compute(authorization)
    assert result.notation == (
        "SC system = {(confidentiality, MODERATE), (integrity, MODERATE), (availability, LOW)}"
    )
    assert [item.identifier for item in result.types] == [
        TYPE_CONFIDENTIAL,
        TYPE_INTEGRITY,
        TYPE_LOW,
    ]
    system_information_type_add(
        actor=None, system=personas.system, catalog_type=InformationType.objects.get(pk=TYPE_HIGH)
    )
    assert levels(authorization) == ("HIGH", "HIGH", "HIGH", "HIGH")


def test_not_applicable_levels_are_ignored_and_the_floor_is_low(personas):
    authorization = started_cycle(personas, types=(TYPE_NA,))
    assert levels(authorization) == ("LOW", "LOW", "LOW", "LOW")
    facts = cycle_facts(authorization)
    assert facts.categorization.types[0].effective["confidentiality"] == "NA"
    assert not [state for state in gate_missing(facts) if state.code == "C-2"]
    system_information_type_add(
        actor=None,
        system=personas.system,
        catalog_type=InformationType.objects.get(pk=TYPE_INTEGRITY),
    )
    assert levels(authorization) == ("LOW", "MODERATE", "LOW", "MODERATE")


def test_without_information_types_the_categorization_is_incomplete(personas):
    authorization = authorization_start(actor=personas.member, system=personas.system)
    assert levels(authorization) == ("LOW", "LOW", "LOW", "LOW")
    missing = {state.code: state.missing for state in gate_missing(cycle_facts(authorization))}
    assert missing["C-2"] == ["at least one information type the system processes"]


def test_organization_defined_types_count(personas):
    own = organization_information_type_create(
        actor=None,
        organization=personas.city,
        identifier="RIV.1",
        title="Signal timing plans",
        confidentiality=ProvisionalImpact.LOW,
        integrity=ProvisionalImpact.HIGH,
        availability=ProvisionalImpact.NOT_APPLICABLE,
    )
    authorization = started_cycle(personas, types=(TYPE_LOW,))
    link = system_information_type_add(actor=None, system=personas.system, organization_type=own)
    assert levels(authorization) == ("LOW", "HIGH", "LOW", "HIGH")
    item = next(t for t in categorization_compute(authorization).types if t.link == link)
    assert item.identifier == "RIV.1"
    assert item.title == "RIV.1 Signal timing plans"
    impact_adjust(
        actor=personas.member,
        authorization=authorization,
        system_information_type=link,
        objective="integrity",
        level="MODERATE",
        justification="Plans are checked by the controllers before they take effect.",
    )
    assert levels(authorization) == ("LOW", "MODERATE", "LOW", "MODERATE")


# --- adjustments ----------------------------------------------------------------------------


def test_raising_an_impact_needs_a_justification(personas):
    authorization = started_cycle(personas, types=(TYPE_LOW,))
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="Explain why") as error:
        adjust(personas, authorization, TYPE_LOW, "availability", "HIGH", justification="  ")
    assert "provisional level (LOW)" in error.value.messages[0]
    assert not ImpactAdjustment.objects.exists()
    assert AuditEvent.objects.count() == events

    adjustment = adjust(
        personas,
        authorization,
        TYPE_LOW,
        "availability",
        "HIGH",
        justification="Dark signals at rush hour put lives at risk.",
    )
    assert adjustment.level == "HIGH" and adjustment.adjusted_by == personas.member
    assert levels(authorization) == ("LOW", "LOW", "HIGH", "HIGH")
    item = categorization_compute(authorization).types[0]
    assert item.provisional["availability"] == "LOW"
    assert item.effective["availability"] == "HIGH"
    assert item.adjustments["availability"].justification.startswith("Dark signals")
    event = AuditEvent.objects.get(action="impact_adjust")
    key = f"{link_of(personas, TYPE_LOW)} — availability"
    assert event.changes[key] == ["LOW", "HIGH"]
    assert event.changes[f"{key} justification"] == [
        "",
        "Dark signals at rush hour put lives at risk.",
    ]
    assert event.actor == personas.member


def test_lowering_rewording_and_returning_to_the_provisional_level(personas):
    authorization = started_cycle(personas, types=(TYPE_CONFIDENTIAL,))
    adjust(personas, authorization, TYPE_CONFIDENTIAL, "confidentiality", "LOW", "Only totals.")
    assert levels(authorization) == ("LOW", "LOW", "LOW", "LOW")
    # The same decision again records nothing; a reworded justification is recorded.
    adjust(personas, authorization, TYPE_CONFIDENTIAL, "confidentiality", "LOW", "Only totals.")
    assert AuditEvent.objects.filter(action="impact_adjust").count() == 1
    adjust(personas, authorization, TYPE_CONFIDENTIAL, "confidentiality", "LOW", "Sums only.")
    assert AuditEvent.objects.filter(action="impact_adjust").count() == 2
    assert ImpactAdjustment.objects.get().justification == "Sums only."
    # Back to the SP 800-60 level: the adjustment goes, no justification needed.
    assert adjust(personas, authorization, TYPE_CONFIDENTIAL, "confidentiality", None) is None
    assert not ImpactAdjustment.objects.exists()
    assert levels(authorization) == ("MODERATE", "LOW", "LOW", "MODERATE")
    event = AuditEvent.objects.filter(action="impact_adjust").first()
    key = f"{link_of(personas, TYPE_CONFIDENTIAL)} — confidentiality"
    assert event.changes[key] == ["LOW", "MODERATE"]


@pytest.mark.parametrize(
    ("objective", "level", "message"),
    [
        ("integrity", "SEVERE", "is not an impact level"),
        ("integrity", "NA", "is not an impact level"),
        ("integrity", "low", "is not an impact level"),
        ("privacy", "HIGH", "is not a security objective"),
    ],
)
def test_out_of_range_input_is_refused(personas, objective, level, message):
    authorization = started_cycle(personas, types=(TYPE_LOW,))
    with pytest.raises(ValidationError, match=message):
        adjust(personas, authorization, TYPE_LOW, objective, level, "Because.")
    assert not ImpactAdjustment.objects.exists()
    assert not AuditEvent.objects.filter(action="impact_adjust").exists()


def test_another_systems_information_type_is_refused(personas):
    authorization = started_cycle(personas, types=(TYPE_LOW,))
    other = system_information_type_add(
        actor=None,
        system=personas.sibling_system,
        catalog_type=InformationType.objects.get(pk=TYPE_HIGH),
    )
    with pytest.raises(ValidationError, match="not one of this system's"):
        impact_adjust(
            actor=personas.member,
            authorization=authorization,
            system_information_type=other,
            objective="integrity",
            level="LOW",
            justification="Not ours.",
        )
    assert not ImpactAdjustment.objects.exists()


def test_the_categorization_changes_only_in_the_categorize_step(personas):
    authorization = cycle_in_select(personas, types=(TYPE_LOW,))
    with pytest.raises(ValidationError, match="only change in the Categorize step"):
        adjust(personas, authorization, TYPE_LOW, "integrity", "HIGH", "Tampering.")


# --- approval -------------------------------------------------------------------------------


def test_approval_freezes_the_categorization_until_withdrawn(personas):
    authorization = started_cycle(personas, types=(TYPE_LOW,))
    approve(personas, authorization, "C-3")
    categorization = Categorization.objects.get(authorization=authorization)
    assert categorization.approved_by == personas.authorizing_official
    assert categorization.approved_snapshot["overall"] == "LOW"
    assert categorization.approved_snapshot["information_types"] == [
        {
            "type": f"sp800-60:{TYPE_LOW}",
            "confidentiality": "LOW",
            "integrity": "LOW",
            "availability": "LOW",
        }
    ]
    assert not categorization_compute(authorization).changed_since_approval
    with pytest.raises(ValidationError, match="approved and frozen"):
        adjust(personas, authorization, TYPE_LOW, "integrity", "HIGH", "Tampering.")
    assert not ImpactAdjustment.objects.exists()

    task_signoff_withdraw(
        actor=personas.authorizing_official,
        authorization=authorization,
        task="C-3",
        reason="Integrity needs another look.",
    )
    adjust(personas, authorization, TYPE_LOW, "integrity", "HIGH", "Tampering.")
    assert levels(authorization) == ("LOW", "HIGH", "LOW", "HIGH")
    approve(personas, authorization, "C-3")
    assert Categorization.objects.get(authorization=authorization).approved_snapshot["overall"] == (
        "HIGH"
    )


def test_an_inventory_change_after_approval_reopens_the_approval(personas):
    authorization = started_cycle(personas, types=(TYPE_LOW,))
    approve(personas, authorization, "C-3")
    added = system_information_type_add(
        actor=None,
        system=personas.system,
        catalog_type=InformationType.objects.get(pk=TYPE_INTEGRITY),
    )
    result = categorization_compute(refreshed(authorization))
    assert result.changed_since_approval and result.overall == "MODERATE"
    assert result.approved_snapshot["overall"] == "LOW"
    missing = {state.code: state.missing for state in gate_missing(cycle_facts(authorization))}
    assert missing == {"C-3": ["a new approval: the categorization changed after it was approved"]}
    with pytest.raises(ValidationError, match="C-3 Security categorization review"):
        authorization_advance(actor=personas.member, authorization=authorization)

    # A type that adds nothing to the levels is still a change of what was approved.
    approve(personas, authorization, "C-3")  # a stale approval may be given again
    assert TaskSignoff.objects.filter(authorization=authorization).count() == 1
    assert not categorization_compute(authorization).changed_since_approval
    system_information_type_remove(actor=None, link=added)
    system_information_type_add(
        actor=None,
        system=personas.system,
        catalog_type=InformationType.objects.get(pk="C.2.1.2"),
    )
    result = categorization_compute(refreshed(authorization))
    assert result.overall == "LOW" and result.changed_since_approval
    event = AuditEvent.objects.filter(action="task_signoff").first()
    assert event.changes["replaces"][0].startswith("C-3 signed by authorizing_official")


def test_a_changed_categorization_reopens_the_plan_approval(personas):
    authorization = cycle_in_select(personas, types=(TYPE_LOW,))
    control_set_select(actor=personas.member, authorization=authorization)
    system_information_type_add(
        actor=None,
        system=personas.system,
        catalog_type=InformationType.objects.get(pk=TYPE_INTEGRITY),
    )
    facts = cycle_facts(refreshed(authorization))
    states = {state.code: state.missing for state in gate_missing(facts)}
    assert "a new approval" not in " ".join(states.get("S-1", []))
    assert states["S-1"][0].startswith("the control set re-selected for MODERATE")
    with pytest.raises(ValidationError, match="S-6 cannot be signed yet") as error:
        approve(personas, authorization, "S-6")
    assert "C-3: a new approval: the categorization changed" in error.value.messages[0]
    # Back to Categorize, re-approve, and the baseline follows the new level.
    authorization_step_back(
        actor=personas.member,
        authorization=authorization,
        to_step=Step.CATEGORIZE,
        reason="The system now records payments.",
    )
    approve(personas, authorization, "C-3")
    authorization_advance(actor=personas.member, authorization=authorization)
    control_set_select(actor=personas.member, authorization=authorization)
    facts = cycle_facts(refreshed(authorization))
    assert facts.selection.baselines == ["MODERATE"] and facts.selection.active == 287
