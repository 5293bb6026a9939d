"""The facts of many cycles, and the portfolio rows of a page, take a fixed number of queries:
as many for one cycle as for ten, whatever the size of their control sets."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assets.models import Organization, System
from rmf.models import Authorization, MonitoringFrequency, SelectedControl, Step
from rmf.selectors.portfolio import portfolio_rows, portfolio_systems
from rmf.selectors.workflow import cycle_facts, cycle_facts_bulk
from rmf.services.categorization import impact_adjust
from rmf.services.selection import (
    control_allocate,
    control_set_select,
    control_tailor_remove,
    monitoring_frequency_set,
    organization_parameter_default_set,
    parameter_value_set,
)
from rmf.services.workflow import authorization_advance
from tests.factories import make_system
from tests.test_rmf_cycles import TYPE_HIGH, TYPE_LOW, approve, refreshed, started_cycle


def high_cycle(personas, index: int) -> Authorization:
    """A HIGH cycle in Select with every kind of row the facts read: adjustments, sign-offs,
    tailoring, allocation, frequencies and parameter values."""
    system = make_system(personas.agency, f"Signal corridor {index}", f"SC{index}")
    authorization = started_cycle(personas, system, types=(TYPE_HIGH, TYPE_LOW), pii=True)
    impact_adjust(
        actor=personas.member,
        authorization=authorization,
        system_information_type=system.information_types.get(catalog_type=TYPE_LOW),
        objective="integrity",
        level="MODERATE",
        justification="Corridor timing errors cause collisions.",
    )
    approve(personas, authorization, "C-3")
    authorization_advance(actor=personas.member, authorization=authorization)
    control_set_select(actor=personas.member, authorization=authorization)
    controls = SelectedControl.objects.filter(authorization=authorization)
    control_tailor_remove(
        actor=personas.member,
        selected_control=controls.get(control="pe-8"),
        kind=SelectedControl.Tailoring.SCOPED_OUT,
        rationale="No visitors.",
    )
    control_allocate(
        actor=personas.member,
        authorization=authorization,
        selected_ids=[controls.get(control="at-2").pk],
        designation="common",
        provider=personas.sibling_system,
    )
    monitoring_frequency_set(
        actor=personas.member,
        authorization=authorization,
        frequency=MonitoringFrequency.QUARTERLY,
        family="ac",
    )
    parameter_value_set(
        actor=personas.member,
        selected_control=controls.get(control="ac-2"),
        parameter_id="ac-02_odp.10",
        value="monthly",
    )
    return refreshed(authorization)


@pytest.fixture
def cycles(personas) -> list[Authorization]:
    organization_parameter_default_set(
        actor=None, organization=personas.city, parameter_id="ac-01_odp.01", value="the CISO"
    )
    return [high_cycle(personas, index) for index in range(10)]


def count_queries(function) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        result = function()
    return len(queries), result


def test_cycle_facts_bulk_takes_a_fixed_number_of_queries(cycles):
    one, facts_one = count_queries(lambda: cycle_facts_bulk(cycles[:1]))
    ten, facts_ten = count_queries(lambda: cycle_facts_bulk(cycles))
    assert one == ten <= 12
    assert len(facts_ten) == 10
    # The bulk facts are the facts of each cycle on its own.
    for authorization in cycles:
        alone = cycle_facts(authorization)
        bulk = facts_ten[authorization.pk]
        assert bulk.selection == alone.selection
        assert bulk.categorization.levels == alone.categorization.levels
        assert set(bulk.signoffs) == set(alone.signoffs) == {"C-3"}
    summary = facts_one[cycles[0].pk].selection
    assert (summary.in_baseline, summary.active, summary.removed) == (423, 422, 1)
    assert summary.without_provider == 0
    assert 0 < summary.parameters_without_value < summary.parameters
    categorization = facts_one[cycles[0].pk].categorization
    assert categorization.overall == "HIGH"
    assert categorization.types[1].effective["integrity"] == "MODERATE"


def test_portfolio_rows_take_a_fixed_number_of_queries(personas, cycles):
    make_system(personas.agency, "Parking meters", "PM")  # not started
    systems = list(portfolio_systems(personas.member))
    assert len(systems) == 12
    started = [system for system in systems if system.acronym == "SC0"]
    one, _ = count_queries(lambda: portfolio_rows(started))
    all_rows, rows = count_queries(lambda: portfolio_rows(systems))
    assert one == all_rows <= 14
    by_acronym = {row.system.acronym: row for row in rows}
    assert by_acronym["PM"].not_started and by_acronym["PM"].open_tasks == []
    row = by_acronym["SC0"]
    assert row.authorization.step == Step.SELECT
    assert {state.code for state in row.open_tasks} == {"S-4", "S-5", "S-6"}
    assert row.facts.categorization.overall == "HIGH"


def test_the_portfolio_filters_by_step(personas, cycles):
    make_system(personas.agency, "Parking meters", "PM")
    make_system(
        personas.agency,
        "Old meters",
        "OM",
        status=System.Status.DISPOSED,
        retirement_date="2020-01-01",
    )
    steps = {
        step: [system.acronym for system in portfolio_systems(personas.member, step=step)]
        for step in ("not_started", Step.CATEGORIZE, Step.SELECT)
    }
    assert steps["not_started"] == ["PM", "TSC"]  # the disposed OM never starts one
    assert steps[Step.CATEGORIZE] == []
    assert len(steps[Step.SELECT]) == 10
    city = Organization.objects.get(pk=personas.sibling_agency.pk)
    assert [s.acronym for s in portfolio_systems(personas.viewer, organization=city.pk)] == ["VRS"]
