"""The Assess step's reads take a fixed number of queries: the facts of one cycle as many as
of five, the worklist of a LOW assessment (149 controls, 966 objectives) as many as of a HIGH
one (370 controls, 1,463 objectives)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assets.services import system_assessor_grant
from rmf.models import Authorization
from rmf.selectors.assessment import (
    assessment_progress,
    assessment_worklist,
    finding_list,
    poam_item_list,
)
from rmf.selectors.workflow import cycle_facts, cycle_facts_bulk
from tests.assessment_steps import control, determine_control, plan_approved, rate_findings
from tests.factories import make_system
from tests.test_rmf_cycles import TYPE_HIGH, cycle_in_assess, refreshed


def count_queries(function) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        result = function()
    return len(queries), result


def assessed_cycle(personas, index: int) -> Authorization:
    """A LOW cycle in Assess with assessors, an approved plan, determinations and a rated
    finding."""
    system = make_system(personas.agency, f"Signal corridor {index}", f"SC{index}")
    system_assessor_grant(actor=None, system=system, user=personas.assessor)
    authorization = cycle_in_assess(personas, system)
    assessment = plan_approved(personas, authorization)
    for control_id, failing in (("ac-2", 1), ("ac-8", 0), ("si-2", 2)):
        determine_control(personas, assessment, control(authorization, control_id), failing=failing)
    rate_findings(personas, assessment)
    return refreshed(authorization)


def test_cycle_facts_bulk_takes_a_fixed_number_of_queries(personas):
    cycles = [assessed_cycle(personas, index) for index in range(5)]
    one, facts_one = count_queries(lambda: cycle_facts_bulk(cycles[:1]))
    five, facts_five = count_queries(lambda: cycle_facts_bulk(cycles))
    assert one == five <= 20
    summary = facts_one[cycles[0].pk].assessment
    assert len(summary.assessors) == 1 and summary.sod_ok and summary.plan_approved
    assert (summary.controls_in_scope, summary.objectives_in_scope) == (149, 966)
    assert (summary.determined, summary.other_than_satisfied) == (26 + 8 + 10, 3)
    assert (summary.findings, summary.findings_not_closed, summary.findings_incomplete) == (
        2,
        2,
        0,
    )
    assert summary.open_findings_without_poam == 2 and summary.poam_items_incomplete == 0
    # The bulk facts are the facts of each cycle on its own.
    for authorization in cycles:
        alone = cycle_facts(authorization).assessment
        bulk = facts_five[authorization.pk].assessment
        assert bulk == alone
        assert bulk.assessment.authorization_id == authorization.pk


def test_cycles_without_assess_work_take_no_extra_query(personas):
    cycles = [cycle_in_assess(personas)]
    plain, facts = count_queries(lambda: cycle_facts_bulk(cycles))
    assert facts[cycles[0].pk].assessment.assessment is None
    busy = assessed_cycle(personas, 1)
    both, _ = count_queries(lambda: cycle_facts_bulk([*cycles, busy]))
    assert plain < both <= plain + 8


@pytest.fixture
def low_and_high(personas):
    low = plan_approved(personas, cycle_in_assess(personas))
    system = make_system(personas.agency, "Emergency dispatch", "CAD")
    system_assessor_grant(actor=None, system=system, user=personas.assessor)
    high_cycle = cycle_in_assess(personas, system, types=(TYPE_HIGH,))
    high = plan_approved(personas, high_cycle)
    for assessment, authorization in ((low, low.authorization), (high, high_cycle)):
        determine_control(personas, assessment, control(authorization, "ac-2"), failing=1)
        determine_control(personas, assessment, control(authorization, "si-2"))
        rate_findings(personas, assessment)
    return low, high


def test_the_worklist_takes_a_fixed_number_of_queries(low_and_high):
    low, high = low_and_high
    few, low_rows = count_queries(lambda: assessment_worklist(low))
    many, high_rows = count_queries(lambda: assessment_worklist(high))
    assert few == many <= 6
    assert (len(low_rows), sum(row.total for row in low_rows)) == (149, 966)
    assert (len(high_rows), sum(row.total for row in high_rows)) == (370, 1463)
    # Reading the rows (control, family, implementation, determinations) takes no query.
    used, _ = count_queries(
        lambda: [
            (row.control.family.title, row.implementation.status, row.result, row.finding)
            for row in high_rows
        ]
    )
    assert used == 0
    few, _ = count_queries(lambda: assessment_progress(low))
    many, progress = count_queries(lambda: assessment_progress(high))
    assert few == many
    assert progress.total.objectives == 1463 and progress.total.determined == 26 + 10


def test_findings_and_poam_lists_take_a_fixed_number_of_queries(low_and_high):
    low, high = low_and_high
    few, _ = count_queries(lambda: finding_list(low))
    many, findings = count_queries(lambda: finding_list(high.authorization))
    assert few == many <= 4
    used, _ = count_queries(
        lambda: [
            (f.selected_control.control.label, list(f.objectives.all()), list(f.remediations.all()))
            for f in findings
        ]
    )
    assert used == 0
    few, _ = count_queries(lambda: poam_item_list(low.authorization))
    many, _ = count_queries(lambda: poam_item_list(high.authorization))
    assert few == many <= 2
