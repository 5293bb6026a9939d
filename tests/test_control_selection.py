"""Step 2, Select: the control set from the SP 800-53B baselines in one bulk statement,
tailoring with rationales, allocation to providers, monitoring frequencies, parameter values
inherited from organizations, and the plan approval (S-6) that freezes it all."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assets.models import AuditEvent, InformationType, Organization, System
from assets.services import organization_create, system_information_type_add, system_update
from rmf.models import (
    BaselineControl,
    ControlParameter,
    ControlSelection,
    Designation,
    MonitoringFrequency,
    OrganizationParameterDefault,
    ParameterValue,
    SelectedControl,
    Step,
)
from rmf.selectors.workflow import cycle_facts, gate_missing, provider_choices
from rmf.services.selection import (
    control_allocate,
    control_set_select,
    control_tailor_add,
    control_tailor_remove,
    control_tailoring_rationale_set,
    matching_baselines,
    monitoring_frequency_set,
    organization_parameter_default_set,
    organization_parameter_defaults_set,
    parameter_value_set,
    parameter_values_effective,
    parameter_values_set,
)
from rmf.services.workflow import (
    authorization_advance,
    authorization_start,
    task_signoff_withdraw,
)
from tests.factories import make_system
from tests.test_rmf_cycles import (
    TYPE_CONFIDENTIAL,
    TYPE_HIGH,
    TYPE_LOW,
    all_parameter_values,
    approve,
    complete_selection,
    cycle_in_implement,
    cycle_in_select,
    refreshed,
)

Tailoring = SelectedControl.Tailoring


def selected(authorization, control_id) -> SelectedControl:
    return SelectedControl.objects.select_related("control", "authorization").get(
        authorization=authorization, control=control_id
    )


@pytest.fixture
def low_cycle(personas):
    authorization = cycle_in_select(personas, types=(TYPE_LOW,))
    control_set_select(actor=personas.member, authorization=authorization)
    return refreshed(authorization)


# --- the baseline ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("type_id", "pii", "baselines", "count"),
    [
        (TYPE_HIGH, False, ["HIGH"], 370),
        (TYPE_CONFIDENTIAL, False, ["MODERATE"], 287),
        (TYPE_LOW, False, ["LOW"], 149),
        (TYPE_HIGH, True, ["HIGH", "PRIVACY"], 423),
        (TYPE_CONFIDENTIAL, True, ["MODERATE", "PRIVACY"], 340),
        (TYPE_LOW, True, ["LOW", "PRIVACY"], 205),
    ],
)
def test_the_control_set_comes_from_the_matching_baselines(
    personas, type_id, pii, baselines, count
):
    authorization = cycle_in_select(personas, types=(type_id,), pii=pii)
    assert matching_baselines(authorization) == baselines
    selection = control_set_select(actor=personas.member, authorization=authorization)
    assert selection.baselines == baselines and selection.selected_by == personas.member
    controls = SelectedControl.objects.filter(authorization=authorization)
    assert controls.count() == count
    expected = set(
        BaselineControl.objects.filter(baseline__in=baselines).values_list("control", flat=True)
    )
    assert set(controls.values_list("control", flat=True)) == expected
    first = controls.first()
    assert (first.in_baseline, first.tailoring, first.designation, first.version) == (
        True,
        Tailoring.BASELINE,
        Designation.SYSTEM_SPECIFIC,
        1,
    )
    assert first.provider is None and first.monitoring_frequency == ""
    summary = cycle_facts(authorization).selection
    assert (summary.baselines, summary.in_baseline, summary.active) == (baselines, count, count)
    assert (summary.removed, summary.added, summary.without_rationale) == (0, 0, 0)
    event = AuditEvent.objects.get(action="control_set_select")
    assert event.changes == {"baselines": [None, baselines], "controls": [None, count]}


def test_the_baseline_is_one_bulk_statement_whatever_its_size(personas):
    counts = {}
    for type_id, system in (
        (TYPE_LOW, personas.system),
        (TYPE_HIGH, personas.sibling_system),
    ):
        authorization = cycle_in_select(personas, system, types=(type_id,), pii=True)
        with CaptureQueriesContext(connection) as queries:
            control_set_select(actor=personas.member, authorization=authorization)
        counts[type_id] = len(queries)
        inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "rmf_selectedcontrol"')]
        assert len(inserts) == 1
    assert counts[TYPE_LOW] == counts[TYPE_HIGH] <= 20
    assert SelectedControl.objects.count() == 205 + 423


def test_selecting_twice_is_refused(personas, low_cycle):
    with pytest.raises(ValidationError, match="LOW baseline is already selected"):
        control_set_select(actor=personas.member, authorization=low_cycle)
    assert SelectedControl.objects.count() == 149


def test_controls_are_selected_in_the_select_step(personas):
    authorization = cycle_in_select(personas)
    authorization.step = Step.CATEGORIZE
    authorization.save()
    with pytest.raises(ValidationError, match="selected in the Select step"):
        control_set_select(actor=personas.member, authorization=authorization)


# --- tailoring ------------------------------------------------------------------------------


def test_removing_and_restoring_a_baseline_control(personas, low_cycle):
    item = selected(low_cycle, "pe-8")
    with pytest.raises(ValidationError, match="needs a rationale"):
        control_tailor_remove(
            actor=personas.member, selected_control=item, kind=Tailoring.SCOPED_OUT, rationale=""
        )
    with pytest.raises(ValidationError, match="scoping or a compensating"):
        control_tailor_remove(
            actor=personas.member, selected_control=item, kind="baseline", rationale="x"
        )
    control_tailor_remove(
        actor=personas.member,
        selected_control=item,
        kind=Tailoring.SCOPED_OUT,
        rationale="No visitors enter the controller cabinets.",
    )
    item = selected(low_cycle, "pe-8")
    assert item.tailoring == Tailoring.SCOPED_OUT and item.in_baseline and item.version == 2
    assert item.tailoring_rationale == "No visitors enter the controller cabinets."
    summary = cycle_facts(low_cycle).selection
    assert (summary.in_baseline, summary.active, summary.removed) == (149, 148, 1)
    with pytest.raises(ValidationError, match="PE-8 is already removed"):
        control_tailor_remove(
            actor=personas.member, selected_control=item, kind=Tailoring.SCOPED_OUT, rationale="x"
        )

    restored = control_tailor_add(
        actor=personas.member,
        authorization=low_cycle,
        control_id="pe-8",
        rationale="Visitors now tour the Traffic Management Center.",
    )
    # Back as the baseline has it: no tailoring decision, so no rationale on the control; the
    # restoring reason and the removal it replaces are in the audit trail.
    assert (restored.tailoring, restored.tailoring_rationale) == (Tailoring.BASELINE, "")
    event = AuditEvent.objects.filter(action="control_tailor_add").first()
    assert event.changes["rationale"] == [
        "No visitors enter the controller cabinets.",
        "Visitors now tour the Traffic Management Center.",
    ]
    assert event.changes["tailoring"] == ["Removed: scoping (does not apply)", "From the baseline"]
    summary = cycle_facts(low_cycle).selection
    assert (summary.active, summary.removed, summary.without_rationale) == (149, 0, 0)


def test_adding_and_removing_a_control_outside_the_baseline(personas, low_cycle):
    added = control_tailor_add(
        actor=personas.member,
        authorization=low_cycle,
        control_id=" AC-2(1) ",
        rationale="Accounts are managed from the city's directory.",
    )
    assert (added.control_id, added.in_baseline, added.tailoring) == ("ac-2.1", False, "added")
    assert added.tailoring_rationale == "Accounts are managed from the city's directory."
    summary = cycle_facts(low_cycle).selection
    assert (summary.in_baseline, summary.active, summary.added) == (149, 150, 1)
    with pytest.raises(ValidationError, match="AC-2\\(1\\) is already in the control set"):
        control_tailor_add(
            actor=personas.member, authorization=low_cycle, control_id="ac-2.1", rationale="x"
        )
    control_tailoring_rationale_set(
        actor=personas.member,
        selected_control=added,
        rationale="Accounts come from the directory.",
    )
    assert selected(low_cycle, "ac-2.1").tailoring_rationale == "Accounts come from the directory."
    with pytest.raises(ValidationError, match="no tailoring decision to explain"):
        control_tailoring_rationale_set(
            actor=personas.member, selected_control=selected(low_cycle, "ac-2"), rationale="x"
        )
    control_tailor_remove(
        actor=personas.member,
        selected_control=added,
        kind=Tailoring.SCOPED_OUT,
        rationale="The directory link was not built.",
    )
    assert not SelectedControl.objects.filter(authorization=low_cycle, control="ac-2.1").exists()
    assert cycle_facts(low_cycle).selection.active == 149


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("XX-99", "There is no control “XX-99” in SP 800-53 Rev 5."),
        ("", "Name the control"),
        ("AC-2(10)", "AC-2\\(10\\) is withdrawn from SP 800-53"),
        ("ac-2.10", "AC-2\\(10\\) is withdrawn"),
    ],
)
def test_unknown_and_withdrawn_controls_are_refused(personas, low_cycle, name, message):
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match=message):
        control_tailor_add(
            actor=personas.member, authorization=low_cycle, control_id=name, rationale="Needed."
        )
    assert SelectedControl.objects.count() == 149
    assert AuditEvent.objects.count() == events


def test_an_enhancement_comes_with_its_base_control(personas, low_cycle):
    control_tailor_remove(
        actor=personas.member,
        selected_control=selected(low_cycle, "ac-17"),
        kind=Tailoring.SCOPED_OUT,
        rationale="No remote access to the controllers.",
    )
    with pytest.raises(ValidationError, match="AC-17\\(1\\) enhances AC-17.*add AC-17 first"):
        control_tailor_add(
            actor=personas.member, authorization=low_cycle, control_id="AC-17(1)", rationale="x"
        )


def test_tailoring_needs_the_baseline_first(personas):
    authorization = cycle_in_select(personas)
    with pytest.raises(ValidationError, match="Select the baseline first"):
        control_tailor_add(
            actor=personas.member, authorization=authorization, control_id="ac-2.1", rationale="x"
        )


def test_a_new_level_reselects_the_baseline_keeping_the_decisions(personas):
    authorization = cycle_in_select(personas, types=(TYPE_CONFIDENTIAL,))
    control_set_select(actor=personas.member, authorization=authorization)
    control_tailor_add(
        actor=personas.member,
        authorization=authorization,
        control_id="ac-2.11",
        rationale="Usage conditions for the engineers.",
    )
    control_tailor_remove(
        actor=personas.member,
        selected_control=selected(authorization, "pe-8"),
        kind=Tailoring.SCOPED_OUT,
        rationale="No visitors.",
    )
    parameter_value_set(
        actor=personas.member,
        selected_control=selected(authorization, "ac-2"),
        parameter_id="ac-02_odp.10",
        value="monthly",
    )
    # The categorization rises to HIGH; the re-authorization carries the MODERATE set.
    renewed = cycle_in_select_after_change(personas, authorization)
    facts = cycle_facts(renewed)
    assert facts.matching_baselines == ["HIGH"]
    assert facts.selection.baselines == ["MODERATE"]
    assert [state for state in facts_missing(facts) if state.startswith("S-1")]

    control_set_select(actor=personas.member, authorization=renewed)
    summary = cycle_facts(refreshed(renewed)).selection
    assert summary.baselines == ["HIGH"]
    assert (summary.in_baseline, summary.active, summary.added, summary.removed) == (
        370,
        369,
        0,
        1,
    )
    # The addition is now a baseline control; the removal and the parameter value stay.
    assert selected(renewed, "ac-2.11").tailoring == Tailoring.BASELINE
    assert selected(renewed, "ac-2.11").in_baseline
    assert selected(renewed, "pe-8").tailoring == Tailoring.SCOPED_OUT
    assert ParameterValue.objects.get(selected_control=selected(renewed, "ac-2")).value == (
        "monthly"
    )
    event = AuditEvent.objects.filter(action="control_set_select").first()
    assert event.changes["baselines"] == [["MODERATE"], ["HIGH"]]
    assert event.changes["controls added from the new baseline"] == [None, 370 - 288]


def test_a_lower_level_keeps_former_baseline_controls_as_additions_to_justify(personas):
    authorization = cycle_in_select(personas, types=(TYPE_CONFIDENTIAL,))
    control_set_select(actor=personas.member, authorization=authorization)
    control_tailor_remove(
        actor=personas.member,
        selected_control=selected(authorization, "ac-11"),  # MODERATE, not LOW
        kind=Tailoring.SCOPED_OUT,
        rationale="Kiosk mode.",
    )
    renewed = cycle_in_select_after_change(personas, authorization, add=(), drop=True)
    control_set_select(actor=personas.member, authorization=renewed)
    summary = cycle_facts(refreshed(renewed)).selection
    assert summary.baselines == ["LOW"]
    # 287 - 149 former baseline controls, less the one scoped out (dropped), kept as additions.
    assert (summary.in_baseline, summary.added, summary.removed) == (149, 287 - 149 - 1, 0)
    assert summary.without_rationale == 287 - 149 - 1
    assert not SelectedControl.objects.filter(authorization=renewed, control="ac-11").exists()
    kept = selected(renewed, "ac-2.1")
    assert (kept.in_baseline, kept.tailoring, kept.tailoring_rationale) == (False, "added", "")


def cycle_in_select_after_change(personas, authorization, *, add=(TYPE_HIGH,), drop=False):
    """Re-authorize the system after its information types changed; the new cycle carries
    the control set selected for the old level."""
    if drop:
        personas.system.information_types.all().delete()
        add = (TYPE_LOW, *add)
    for type_id in add:
        system_information_type_add(
            actor=None,
            system=personas.system,
            catalog_type=InformationType.objects.get(pk=type_id),
        )
    renewed = authorization_start(actor=personas.member, system=personas.system)
    approve(personas, renewed, "C-3")
    return authorization_advance(actor=personas.member, authorization=renewed)


def facts_missing(facts) -> list[str]:
    return [f"{state.code} {' '.join(state.missing)}" for state in gate_missing(facts)]


# --- allocation -----------------------------------------------------------------------------


def test_common_controls_name_a_provider_of_the_same_government(personas, low_cycle):
    ids = [selected(low_cycle, "at-2").pk, selected(low_cycle, "at-3").pk]
    with pytest.raises(ValidationError, match="need the system that provides them"):
        control_allocate(
            actor=personas.member, authorization=low_cycle, selected_ids=ids, designation="common"
        )
    with pytest.raises(ValidationError, match="cannot inherit a control from itself"):
        control_allocate(
            actor=personas.member,
            authorization=low_cycle,
            selected_ids=ids,
            designation="common",
            provider=personas.system,
        )
    other_city = organization_create(
        actor=None, name="Other City", kind=Organization.Kind.CITY, parent=personas.state
    )
    elsewhere = make_system(other_city, "Other City Network", "OCN")
    state_system = make_system(personas.state, "State Network", "SNET")
    for provider in (elsewhere, state_system):
        with pytest.raises(ValidationError, match="must be a system of Example City"):
            control_allocate(
                actor=personas.member,
                authorization=low_cycle,
                selected_ids=ids,
                designation="hybrid",
                provider=provider,
            )
    city_system = make_system(personas.city, "City Network", "CNET")
    disposed = make_system(
        personas.sibling_agency,
        "Old Mainframe",
        "OLD",
        status=System.Status.DISPOSED,
        retirement_date="2024-06-30",
    )
    with pytest.raises(ValidationError, match="disposed and provides nothing"):
        control_allocate(
            actor=personas.member,
            authorization=low_cycle,
            selected_ids=ids,
            designation="common",
            provider=disposed,
        )
    with pytest.raises(ValidationError, match="system-specific, common or hybrid"):
        control_allocate(
            actor=personas.member, authorization=low_cycle, selected_ids=ids, designation="shared"
        )
    assert set(provider_choices(low_cycle)) == {personas.sibling_system, city_system}
    assert not SelectedControl.objects.exclude(designation="system_specific").exists()

    updated = control_allocate(
        actor=personas.member,
        authorization=low_cycle,
        selected_ids=ids,
        designation=Designation.COMMON,
        provider=city_system,
    )
    assert updated == 2
    assert selected(low_cycle, "at-2").provider == city_system
    assert cycle_facts(low_cycle).selection.without_provider == 0
    event = AuditEvent.objects.get(action="control_allocate")
    assert event.changes["controls"] == [None, ["AT-2", "AT-3"]]
    # A provider disposed later leaves the allocation to be redone (S-3 reopens).
    system_update(
        actor=None, system=city_system, status=System.Status.DISPOSED, retirement_date="2026-01-01"
    )
    facts = cycle_facts(refreshed(low_cycle))
    assert facts.selection.without_provider == 2
    assert "S-3" in " ".join(facts_missing(facts))
    # Back to system-specific clears the provider.
    control_allocate(
        actor=personas.member,
        authorization=low_cycle,
        selected_ids=ids,
        designation=Designation.SYSTEM_SPECIFIC,
        provider=personas.sibling_system,
    )
    assert selected(low_cycle, "at-2").provider is None


def test_allocation_takes_only_controls_of_the_active_set(personas, low_cycle):
    other = cycle_in_select(personas, personas.sibling_system, types=(TYPE_LOW,))
    control_set_select(actor=personas.member, authorization=other)
    foreign = selected(other, "at-2").pk
    for ids, message in (([], "Pick at least one"), ([foreign], "1 of the chosen controls")):
        with pytest.raises(ValidationError, match=message):
            control_allocate(
                actor=personas.member,
                authorization=low_cycle,
                selected_ids=ids,
                designation=Designation.SYSTEM_SPECIFIC,
            )


# --- monitoring frequencies -----------------------------------------------------------------


def test_monitoring_frequencies_per_control_family_or_all(personas, low_cycle):
    one = selected(low_cycle, "ac-2").pk
    assert (
        monitoring_frequency_set(
            actor=personas.member,
            authorization=low_cycle,
            frequency=MonitoringFrequency.MONTHLY,
            selected_ids=[one],
        )
        == 1
    )
    family = monitoring_frequency_set(
        actor=personas.member,
        authorization=low_cycle,
        frequency=MonitoringFrequency.QUARTERLY,
        family="AU",
    )
    assert (
        family
        == SelectedControl.objects.filter(authorization=low_cycle, control__family="au").count()
    )
    summary = cycle_facts(low_cycle).selection
    assert summary.without_frequency == 149 - 1 - family
    with pytest.raises(ValidationError, match="Choose one of: Continuously"):
        monitoring_frequency_set(actor=personas.member, authorization=low_cycle, frequency="daily")
    with pytest.raises(ValidationError, match="no control family “ZZ”"):
        monitoring_frequency_set(
            actor=personas.member, authorization=low_cycle, frequency="annual", family="zz"
        )
    monitoring_frequency_set(actor=personas.member, authorization=low_cycle, frequency="annual")
    assert cycle_facts(low_cycle).selection.without_frequency == 0
    assert selected(low_cycle, "ac-2").monitoring_frequency == "annual"  # "all" means all
    event = AuditEvent.objects.filter(action="monitoring_frequency_set").first()
    assert event.changes["controls"] == [None, 149]


# --- parameters -----------------------------------------------------------------------------


def test_parameter_counts_skip_grouping_parameters_and_removed_controls(personas, low_cycle):
    active = SelectedControl.objects.filter(authorization=low_cycle).values("control")
    expected = ControlParameter.objects.filter(control__in=active)
    grouping = [p for p in expected if p.aggregates]
    assert grouping  # the Rev 5.0 "prm" parameters that group 800-53A ODPs
    summary = cycle_facts(low_cycle).selection
    assert summary.parameters == len(expected) - len(grouping)
    assert summary.parameters_without_value == summary.parameters
    removed = selected(low_cycle, "ac-2")
    own = ControlParameter.objects.filter(control="ac-2", aggregates=[]).count()
    control_tailor_remove(
        actor=personas.member,
        selected_control=removed,
        kind=Tailoring.COMPENSATING,
        rationale="Accounts are managed by the city's identity provider (IA-2 hybrid).",
    )
    assert cycle_facts(low_cycle).selection.parameters == summary.parameters - own
    with pytest.raises(ValidationError, match="AC-2 is not in the control set"):
        parameter_value_set(
            actor=personas.member,
            selected_control=removed,
            parameter_id="ac-02_odp.10",
            value="monthly",
        )
    with pytest.raises(ValidationError, match="groups the parameters ac-01_odp.01"):
        parameter_value_set(
            actor=personas.member,
            selected_control=selected(low_cycle, "ac-1"),
            parameter_id="ac-1_prm_1",
            value="the CISO",
        )
    with pytest.raises(ValidationError, match="AC-1 has no parameter “ac-02_odp.10”"):
        parameter_value_set(
            actor=personas.member,
            selected_control=selected(low_cycle, "ac-1"),
            parameter_id="ac-02_odp.10",
            value="monthly",
        )
    assert not ParameterValue.objects.exists()


def test_organization_defaults_are_inherited_and_system_values_override(personas, low_cycle):
    parameter = ControlParameter.objects.get(pk="ac-01_odp.01")
    assert parameter_values_effective(low_cycle, [parameter]) == {}
    before = cycle_facts(low_cycle).selection.parameters_without_value
    organization_parameter_default_set(
        actor=personas.admin,
        organization=personas.city,
        parameter_id=parameter.pk,
        value="the Chief Information Security Officer",
    )
    assert parameter_values_effective(low_cycle, [parameter]) == {
        parameter.pk: ("the Chief Information Security Officer", "organization")
    }
    assert cycle_facts(low_cycle).selection.parameters_without_value == before - 1
    # The nearest organization wins: the agency's own default over the city's.
    organization_parameter_default_set(
        actor=personas.admin,
        organization=personas.agency,
        parameter_id=parameter.pk,
        value="the agency security officer",
    )
    assert parameter_values_effective(low_cycle, [parameter])[parameter.pk] == (
        "the agency security officer",
        "organization",
    )
    # A sibling agency's default does not reach this system.
    organization_parameter_default_set(
        actor=personas.admin,
        organization=personas.sibling_agency,
        parameter_id="ac-01_odp.02",
        value="DMV only",
    )
    assert "ac-01_odp.02" not in parameter_values_effective(
        low_cycle, ControlParameter.objects.filter(pk="ac-01_odp.02")
    )
    value = parameter_value_set(
        actor=personas.member,
        selected_control=selected(low_cycle, "ac-1"),
        parameter_id=parameter.pk,
        value="  the traffic engineer on duty ",
    )
    assert value.value == "the traffic engineer on duty"
    assert parameter_values_effective(low_cycle, [parameter])[parameter.pk] == (
        "the traffic engineer on duty",
        "system",
    )
    event = AuditEvent.objects.filter(action="parameter_value_set").first()
    assert event.changes == {"AC-01_ODP[01]": [None, "the traffic engineer on duty"]}
    # An empty value returns to the inherited default.
    assert (
        parameter_value_set(
            actor=personas.member,
            selected_control=selected(low_cycle, "ac-1"),
            parameter_id=parameter.pk,
            value="",
        )
        is None
    )
    assert parameter_values_effective(low_cycle, [parameter])[parameter.pk][1] == "organization"
    organization_parameter_default_set(
        actor=personas.admin, organization=personas.agency, parameter_id=parameter.pk, value=""
    )
    assert not OrganizationParameterDefault.objects.filter(organization=personas.agency).exists()
    assert parameter_values_effective(low_cycle, [parameter])[parameter.pk][0].startswith(
        "the Chief"
    )


def test_choice_parameters_take_one_of_their_choices(personas, low_cycle):
    control_tailor_add(
        actor=personas.member,
        authorization=low_cycle,
        control_id="ac-2.2",
        rationale="Temporary accounts for contractors.",
    )
    with pytest.raises(ValidationError, match="Choose one of: remove; disable"):
        parameter_value_set(
            actor=personas.member,
            selected_control=selected(low_cycle, "ac-2.2"),
            parameter_id="ac-02.02_odp.01",
            value="archive",
        )
    parameter_value_set(
        actor=personas.member,
        selected_control=selected(low_cycle, "ac-2.2"),
        parameter_id="ac-02.02_odp.01",
        value="disable",
    )


def test_bulk_parameter_values_are_all_or_nothing(personas, low_cycle):
    values = all_parameter_values(low_cycle)
    with pytest.raises(ValidationError) as error:
        parameter_values_set(
            actor=personas.member,
            authorization=low_cycle,
            values={**values, "nope_odp.01": "x", "ac-1_prm_1": "x"},
        )
    text = " ".join(error.value.messages)
    assert "There is no parameter nope_odp.01" in text and "groups the parameters" in text
    with pytest.raises(ValidationError, match="Not in the control set: AC-2\\(11\\)"):
        parameter_values_set(
            actor=personas.member, authorization=low_cycle, values={"ac-02.11_odp.01": "x"}
        )
    assert not ParameterValue.objects.exists()
    assert parameter_values_set(actor=personas.member, authorization=low_cycle, values=values) == (
        len(values)
    )
    assert cycle_facts(low_cycle).selection.parameters_without_value == 0
    assert AuditEvent.objects.filter(action="parameter_value_set").count() == 1
    changed = parameter_values_set(
        actor=personas.member,
        authorization=low_cycle,
        values={"ac-02_odp.10": "monthly", "ac-02_odp.01": values["ac-02_odp.01"]},
    )
    assert changed == 1


def test_bulk_organization_defaults_cover_every_system_of_the_city(personas, low_cycle):
    values = all_parameter_values(low_cycle)
    assert organization_parameter_defaults_set(
        actor=personas.admin, organization=personas.city, values=values
    ) == len(values)
    assert cycle_facts(low_cycle).selection.parameters_without_value == 0
    assert AuditEvent.objects.filter(action="organization_parameter_default_set").count() == 1
    assert (
        organization_parameter_defaults_set(
            actor=personas.admin, organization=personas.city, values={"ac-01_odp.01": ""}
        )
        == 1
    )
    assert cycle_facts(low_cycle).selection.parameters_without_value == 1


# --- the plan approval ----------------------------------------------------------------------


def test_the_plan_approval_freezes_the_control_set(personas):
    authorization = cycle_in_implement(personas, types=(TYPE_LOW,))
    item = selected(authorization, "ac-2")
    events = AuditEvent.objects.count()
    attempts = [
        lambda: control_tailor_add(
            actor=personas.member, authorization=authorization, control_id="ac-2.1", rationale="x"
        ),
        lambda: control_tailor_remove(
            actor=personas.member, selected_control=item, kind="scoped_out", rationale="x"
        ),
        lambda: control_allocate(
            actor=personas.member,
            authorization=authorization,
            selected_ids=[item.pk],
            designation="common",
            provider=personas.sibling_system,
        ),
        lambda: monitoring_frequency_set(
            actor=personas.member, authorization=authorization, frequency="monthly"
        ),
        lambda: parameter_value_set(
            actor=personas.member, selected_control=item, parameter_id="ac-02_odp.10", value="x"
        ),
        lambda: control_set_select(actor=personas.member, authorization=authorization),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError, match="approved \\(S-6\\) and frozen"):
            attempt()
    assert AuditEvent.objects.count() == events
    assert selected(authorization, "ac-2").version == 1
    task_signoff_withdraw(
        actor=personas.authorizing_official,
        authorization=authorization,
        task="S-6",
        reason="Remote maintenance is being added.",
    )
    control_tailor_add(
        actor=personas.member,
        authorization=authorization,
        control_id="ac-2.1",
        rationale="Remote maintenance accounts.",
    )
    assert refreshed(authorization).step == Step.SELECT
    assert ControlSelection.objects.get(authorization=authorization).baselines == ["LOW"]


def test_complete_selection_opens_the_plan_approval(personas):
    authorization = cycle_in_select(personas, types=(TYPE_LOW,))
    complete_selection(personas, authorization)
    facts = cycle_facts(refreshed(authorization))
    assert [" ".join(state.missing) for state in gate_missing(facts)] == [
        "the authorizing official's approval"
    ]


def test_the_baseline_waits_for_a_current_categorization_approval(personas):
    authorization = cycle_in_select(personas, types=(TYPE_LOW,))
    system_information_type_add(
        actor=None, system=personas.system, catalog_type=InformationType.objects.get(pk=TYPE_HIGH)
    )
    with pytest.raises(ValidationError, match="Still needed first — C-3: a new approval"):
        control_set_select(actor=personas.member, authorization=refreshed(authorization))
    assert not ControlSelection.objects.exists()
    approve(personas, authorization, "C-3")  # given again, in Select
    control_set_select(actor=personas.member, authorization=authorization)
    assert ControlSelection.objects.get().baselines == ["HIGH"]
