"""RMF cycles: the first one, re-authorization carrying the previous data forward for review (but
no approval), the history of a system's cycles, and closed cycles kept read-only.

The helpers at the top (`prepare_system`, `cycle_in_select`, ...) are shared by the other RMF
test modules: they walk a system through the steps with the services, as a user would.
"""

import pytest
from django.core.exceptions import ValidationError

from assets.models import AuditEvent, InformationType, System
from assets.services import component_create, system_information_type_add, system_update
from rmf.models import (
    Authorization,
    ControlImplementation,
    ControlParameter,
    ControlSelection,
    Designation,
    ImpactAdjustment,
    ImplementationNarrative,
    ImplementationStatus,
    MonitoringFrequency,
    ParameterValue,
    SelectedControl,
    Step,
    TaskSignoff,
)
from rmf.selectors.implementation import statement_parts_needing_narratives
from rmf.selectors.workflow import cycle_facts
from rmf.services.categorization import impact_adjust
from rmf.services.implementation import implementation_status_bulk_set
from rmf.services.selection import (
    control_allocate,
    control_set_select,
    control_tailor_add,
    control_tailor_remove,
    monitoring_frequency_set,
    parameter_values_set,
)
from rmf.services.workflow import (
    authorization_advance,
    authorization_start,
    authorization_step_back,
    task_signoff,
)

# SP 800-60 types with known provisional levels (confidentiality, integrity, availability).
TYPE_LOW = "C.2.1.1"  # LOW, LOW, LOW
TYPE_CONFIDENTIAL = "C.2.5.1"  # MODERATE, LOW, LOW
TYPE_INTEGRITY = "C.2.5.2"  # LOW, MODERATE, LOW
TYPE_HIGH = "D.2.2"  # HIGH, HIGH, HIGH
TYPE_NA = "C.3.5.9"  # NA, NA, NA


def prepare_system(
    personas, system: System | None = None, *, types=(TYPE_CONFIDENTIAL,), pii=False
) -> System:
    """Give the system what C-1 and C-2 ask for: boundary, owner, authorizing official, a
    component and information types."""
    system = system or personas.system
    owner = personas.sibling if system.organization == personas.sibling_agency else personas.member
    system = system_update(
        actor=None,
        system=system,
        boundary_description="The central servers, the field network and the controllers.",
        system_owner=owner,
        authorizing_official=personas.authorizing_official,
        processes_pii=pii,
    )
    component_create(actor=None, system=system, name="Central server", component_type="hardware")
    for type_id in types:
        system_information_type_add(
            actor=None,
            system=system,
            catalog_type=InformationType.objects.get(pk=type_id),
            note="Processed by the system.",
        )
    return system


def refreshed(authorization: Authorization) -> Authorization:
    return Authorization.objects.select_related("system__organization").get(pk=authorization.pk)


def started_cycle(personas, system: System | None = None, **options) -> Authorization:
    system = prepare_system(personas, system, **options)
    return authorization_start(actor=personas.member, system=system)


def approve(personas, authorization: Authorization, task: str) -> TaskSignoff:
    return task_signoff(
        actor=personas.authorizing_official,
        authorization=authorization,
        task=task,
        note="Reviewed with the system owner.",
    )


def cycle_in_select(personas, system: System | None = None, **options) -> Authorization:
    """A cycle whose categorization is approved (C-3), moved on to Select."""
    authorization = started_cycle(personas, system, **options)
    approve(personas, authorization, "C-3")
    return authorization_advance(actor=personas.member, authorization=authorization)


def all_parameter_values(authorization: Authorization) -> dict[str, str]:
    """A value for every parameter of the cycle's active controls."""
    parameters = ControlParameter.objects.filter(
        control__selections__authorization=authorization,
        control__selections__tailoring__in=["baseline", "added"],
        aggregates=[],
    )
    return {
        parameter.pk: parameter.choices[0] if parameter.choices else f"value of {parameter.pk}"
        for parameter in parameters
    }


def complete_selection(personas, authorization: Authorization) -> Authorization:
    """S-1 to S-5 done: the baseline, a frequency and a value for every parameter."""
    if not ControlSelection.objects.filter(authorization=authorization).exists():
        control_set_select(actor=personas.member, authorization=authorization)
    monitoring_frequency_set(
        actor=personas.member, authorization=authorization, frequency=MonitoringFrequency.ANNUAL
    )
    parameter_values_set(
        actor=personas.member,
        authorization=authorization,
        values=all_parameter_values(authorization),
    )
    return refreshed(authorization)


def cycle_in_implement(personas, system: System | None = None, **options) -> Authorization:
    authorization = cycle_in_select(personas, system, **options)
    complete_selection(personas, authorization)
    approve(personas, authorization, "S-6")
    return authorization_advance(actor=personas.member, authorization=authorization)


def complete_implementation(personas, authorization: Authorization) -> Authorization:
    """I-1 and I-2 done: every active control implemented, through the bulk service, and a
    narrative for each required statement part (written in bulk: hundreds of parts)."""
    active = SelectedControl.objects.filter(
        authorization=authorization, tailoring__in=["baseline", "added"]
    )
    implementation_status_bulk_set(
        actor=personas.member,
        authorization=authorization,
        selected_ids=list(active.values_list("pk", flat=True)),
        status=ImplementationStatus.IMPLEMENTED,
    )
    implementations = {
        implementation.selected_control.control_id: implementation
        for implementation in ControlImplementation.objects.filter(
            selected_control__in=active.exclude(designation=Designation.COMMON)
        ).select_related("selected_control")
    }
    parts = statement_parts_needing_narratives(implementations)
    ImplementationNarrative.objects.bulk_create(
        [
            ImplementationNarrative(
                implementation=implementations[control_id],
                part=part,
                text=f"How the system meets {part.label or part.pk}.",
                updated_by=personas.member,
            )
            for control_id, control_parts in parts.items()
            for part in control_parts
        ],
        ignore_conflicts=True,
    )
    return refreshed(authorization)


def cycle_in_assess(
    personas, system: System | None = None, *, types=(TYPE_LOW,), **options
) -> Authorization:
    """A LOW cycle (149 controls) with its implementation documented, moved on to Assess."""
    authorization = cycle_in_implement(personas, system, types=types, **options)
    complete_implementation(personas, authorization)
    return authorization_advance(actor=personas.member, authorization=authorization)


# --- the first cycle ------------------------------------------------------------------------


def test_the_first_cycle_starts_in_categorize(personas):
    system = prepare_system(personas)
    authorization = authorization_start(actor=personas.member, system=system)
    assert authorization.cycle == 1
    assert authorization.step == Step.CATEGORIZE
    assert authorization.is_current and authorization.previous is None
    assert authorization.started_by == personas.member
    assert authorization.categorization.approved_at is None
    event = AuditEvent.objects.get(action="authorization_start")
    assert event.actor == personas.member
    assert event.changes["cycle"] == [None, 1]
    facts = cycle_facts(authorization)
    assert facts.categorization.overall == "MODERATE"
    assert facts.is_open


def test_a_disposed_system_starts_no_cycle(personas):
    system = system_update(
        actor=None,
        system=personas.system,
        status=System.Status.DISPOSED,
        retirement_date="2025-01-31",
    )
    with pytest.raises(ValidationError, match="disposed"):
        authorization_start(actor=personas.member, system=system)
    assert not Authorization.objects.exists()


# --- re-authorization -----------------------------------------------------------------------


def test_reauthorization_carries_the_decisions_forward_but_not_the_approvals(personas):
    authorization = started_cycle(personas, types=(TYPE_CONFIDENTIAL, TYPE_LOW))
    link = personas.system.information_types.get(catalog_type=TYPE_LOW)
    impact_adjust(
        actor=personas.member,
        authorization=authorization,
        system_information_type=link,
        objective="availability",
        level="MODERATE",
        justification="Residents cannot cross safely when the signals are dark.",
    )
    approve(personas, authorization, "C-3")
    authorization_advance(actor=personas.member, authorization=authorization)
    complete_selection(personas, authorization)
    scoped = SelectedControl.objects.get(authorization=authorization, control="pe-3")
    control_tailor_remove(
        actor=personas.member,
        selected_control=scoped,
        kind=SelectedControl.Tailoring.SCOPED_OUT,
        rationale="The field cabinets are covered by the facility's physical access.",
    )
    control_tailor_add(
        actor=personas.member,
        authorization=authorization,
        control_id="AC-2(11)",
        rationale="Automated tools watch the field network.",
    )
    parameter_values_set(
        actor=personas.member,
        authorization=authorization,
        values={"ac-02.11_odp.01": "off-hours logons", "ac-02.11_odp.02": "all accounts"},
    )
    common = SelectedControl.objects.get(authorization=authorization, control="at-2")
    control_allocate(
        actor=personas.member,
        authorization=authorization,
        selected_ids=[common.pk],
        designation=Designation.COMMON,
        provider=personas.sibling_system,
    )
    monitoring_frequency_set(
        actor=personas.member,
        authorization=authorization,
        frequency=MonitoringFrequency.ANNUAL,
    )
    approve(personas, authorization, "S-6")
    authorization_advance(actor=personas.member, authorization=authorization)
    old_controls = {
        item.control_id: item
        for item in SelectedControl.objects.filter(authorization=authorization)
    }
    old_values = set(
        ParameterValue.objects.filter(selected_control__authorization=authorization).values_list(
            "selected_control__control", "parameter", "value"
        )
    )

    renewed = authorization_start(
        actor=personas.member, system=personas.system, reason="Three-year re-authorization."
    )

    old = refreshed(authorization)
    assert not old.is_current and old.closed_at is not None
    assert old.step == Step.IMPLEMENT  # the closed cycle stays as it was
    assert renewed.cycle == 2 and renewed.is_current and renewed.previous == old
    assert renewed.step == Step.CATEGORIZE
    # Categorization adjustments carried, approval not.
    adjustment = ImpactAdjustment.objects.get(categorization__authorization=renewed)
    assert (adjustment.level, adjustment.objective) == ("MODERATE", "availability")
    assert adjustment.justification.startswith("Residents")
    assert renewed.categorization.approved_at is None
    assert not TaskSignoff.objects.filter(authorization=renewed).exists()
    assert TaskSignoff.objects.filter(authorization=old).count() == 2
    # The control set with its tailoring, allocation, frequencies and parameter values.
    assert ControlSelection.objects.get(authorization=renewed).baselines == ["MODERATE"]
    new_controls = {
        item.control_id: item for item in SelectedControl.objects.filter(authorization=renewed)
    }
    assert set(new_controls) == set(old_controls)
    for control_id, old_item in old_controls.items():
        new_item = new_controls[control_id]
        assert (
            new_item.in_baseline,
            new_item.tailoring,
            new_item.tailoring_rationale,
            new_item.designation,
            new_item.provider_id,
            new_item.monitoring_frequency,
        ) == (
            old_item.in_baseline,
            old_item.tailoring,
            old_item.tailoring_rationale,
            old_item.designation,
            old_item.provider_id,
            old_item.monitoring_frequency,
        )
    assert new_controls["pe-3"].tailoring == SelectedControl.Tailoring.SCOPED_OUT
    assert new_controls["ac-2.11"].tailoring == SelectedControl.Tailoring.ADDED
    assert new_controls["at-2"].provider == personas.sibling_system
    new_values = set(
        ParameterValue.objects.filter(selected_control__authorization=renewed).values_list(
            "selected_control__control", "parameter", "value"
        )
    )
    assert new_values == old_values and len(new_values) > 100
    # The previous cycle keeps its own rows.
    assert ParameterValue.objects.filter(
        selected_control__authorization=authorization
    ).count() == len(old_values)
    # What the new cycle still needs: the approvals, given again.
    facts = cycle_facts(renewed)
    assert facts.categorization.levels["availability"] == "MODERATE"
    assert facts.selection.baselines == ["MODERATE"]
    event = AuditEvent.objects.filter(action="authorization_start").first()
    assert event.reason == "Three-year re-authorization."
    assert event.changes["closed_cycle"] == [None, 1]
    assert event.changes["carried_controls"] == [None, len(old_controls)]
    assert event.changes["carried_parameter_values"] == [None, len(old_values)]


def test_a_system_keeps_the_history_of_its_cycles(personas):
    first = started_cycle(personas)
    second = authorization_start(actor=personas.member, system=personas.system)
    third = authorization_start(actor=personas.member, system=personas.system)
    history = list(personas.system.authorizations.all())
    assert [item.cycle for item in history] == [3, 2, 1]
    assert [item.is_current for item in history] == [True, False, False]
    assert third.previous == second and second.previous == first
    assert Authorization.objects.filter(system=personas.system, is_current=True).get() == third


# --- closed cycles --------------------------------------------------------------------------


def test_a_closed_cycle_is_read_only(personas):
    old = started_cycle(personas)
    link = personas.system.information_types.get()
    authorization_start(actor=personas.member, system=personas.system)
    old = refreshed(old)
    attempts = [
        lambda: impact_adjust(
            actor=personas.member,
            authorization=old,
            system_information_type=link,
            objective="integrity",
            level="HIGH",
            justification="Tampering would change payments.",
        ),
        lambda: approve(personas, old, "C-3"),
        lambda: authorization_advance(actor=personas.member, authorization=old),
        lambda: authorization_step_back(
            actor=personas.member, authorization=old, to_step=Step.CATEGORIZE, reason="x"
        ),
        lambda: control_set_select(actor=personas.member, authorization=old),
    ]
    events = AuditEvent.objects.count()
    for attempt in attempts:
        with pytest.raises(ValidationError, match="closed and kept read-only"):
            attempt()
    assert AuditEvent.objects.count() == events
    assert not ImpactAdjustment.objects.exists()
    assert not TaskSignoff.objects.exists()
    assert refreshed(old).step == Step.CATEGORIZE


def test_the_cycle_of_a_disposed_system_is_read_only(personas):
    authorization = cycle_in_select(personas)
    system_update(
        actor=None,
        system=personas.system,
        status=System.Status.DISPOSED,
        retirement_date="2025-01-31",
    )
    authorization = refreshed(authorization)
    assert not cycle_facts(authorization).is_open
    with pytest.raises(ValidationError, match="disposed"):
        control_set_select(actor=personas.member, authorization=authorization)
    with pytest.raises(ValidationError, match="disposed"):
        authorization_step_back(
            actor=personas.member,
            authorization=authorization,
            to_step=Step.CATEGORIZE,
            reason="Re-categorize.",
        )
    assert not SelectedControl.objects.exists()
    assert refreshed(authorization).step == Step.SELECT
