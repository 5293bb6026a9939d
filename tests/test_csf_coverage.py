"""CSF coverage derived from RMF work (csf.selectors.coverage), on small hand-computed cases:
each control state and subcategory level, the rollup to categories and functions, the
subcategories no selected control addresses, the organization's aggregation over its systems
(the same as adding up its systems one by one), the assessment form's hints, and a number of
queries that does not grow with the number of systems.

The mappings used (NIST's, loaded by the catalog loader), CSF 2.0: AT-2 -> PR.AT-01; AT-3 ->
PR.AT-01, PR.AT-02 (category PR.AT has these two only); IA-12 -> PR.AA-02; CM-8 and PM-5 ->
ID.AM-01. CSF 1.1: AT-2 -> PR.AT-1; AT-3 -> PR.AT-2 to PR.AT-5.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assets.models import System
from csf.selectors.coverage import (
    IMPLEMENTED,
    NOT_ADDRESSED,
    NOT_APPLICABLE,
    NOT_SELECTED,
    PARTIAL,
    PLANNED,
    SATISFIED,
    organization_csf_coverage,
    organization_subcategory_hints,
    system_csf_coverage,
)
from csf.selectors.reference import core_tree
from rmf.models import (
    Assessment,
    Authorization,
    ControlImplementation,
    Determination,
    DeterminationResult,
    SelectedControl,
    Step,
)
from rmf.selectors.assessment import leaf_objectives
from rmf.selectors.document_rows import latest_results
from rmf.selectors.reporting import organization_systems
from tests.factories import make_system

Tailoring = SelectedControl.Tailoring
OTS = DeterminationResult.OTHER_THAN_SATISFIED
NA = DeterminationResult.NOT_APPLICABLE


# --- building RMF work directly (the services are tested elsewhere) --------------------------


def cycle(system: System, step: str = Step.ASSESS) -> Authorization:
    return Authorization.objects.create(system=system, step=step)


def select(
    authorization: Authorization,
    control_id: str,
    status: str | None = None,
    tailoring: str = Tailoring.BASELINE,
) -> SelectedControl:
    selected = SelectedControl.objects.create(
        authorization=authorization, control_id=control_id, tailoring=tailoring
    )
    if status is not None:
        ControlImplementation.objects.create(selected_control=selected, status=status)
    return selected


def assessment(authorization: Authorization, kind: str = Assessment.Kind.INITIAL) -> Assessment:
    return Assessment.objects.create(authorization=authorization, kind=kind, title=f"{kind} one")


_clock = [timezone.now() - timedelta(days=30)]


def determine(
    assessment_: Assessment,
    selected: SelectedControl,
    rest: str | None,
    first: tuple[str, ...] = (),
) -> None:
    """A determination per leaf objective: `first` for the first objectives, `rest` for the
    others (None: left undetermined). Each later call is saved later."""
    objectives = leaf_objectives([selected.control_id])[selected.control_id]
    results = [*first, *[rest] * (len(objectives) - len(first))]
    _clock[0] += timedelta(minutes=1)
    for objective, result in zip(objectives, results, strict=True):
        if result is None:
            continue
        determination = Determination.objects.create(
            assessment=assessment_, selected_control=selected, objective=objective, result=result
        )
        Determination.objects.filter(pk=determination.pk).update(updated_at=_clock[0])


def levels(coverage) -> dict[str, str]:
    return {sub.identifier: sub.level for sub in coverage.subcategories()}


def states(coverage, identifier: str) -> dict[str, str]:
    sub = next(sub for sub in coverage.subcategories() if sub.identifier == identifier)
    return {control.control_id: control.state for control in sub.controls}


# --- one system -----------------------------------------------------------------------------


def test_each_control_state_and_the_weakest_decides(personas):
    authorization = cycle(personas.system)
    at2 = select(authorization, "at-2", "implemented")
    select(authorization, "at-3", "alternative")  # implemented another way, not assessed
    select(authorization, "ia-12", "partial")
    select(authorization, "cm-8", "not_applicable")
    select(authorization, "pm-5", "implemented", tailoring=Tailoring.SCOPED_OUT)
    determine(assessment(authorization), at2, DeterminationResult.SATISFIED)

    coverage = system_csf_coverage(personas.system, "2.0")
    found = levels(coverage)

    assert states(coverage, "PR.AT-01") == {"at-2": SATISFIED, "at-3": IMPLEMENTED}
    assert found["PR.AT-01"] == IMPLEMENTED  # the weakest of satisfied and implemented
    assert found["PR.AT-02"] == IMPLEMENTED
    assert found["PR.AA-02"] == PARTIAL
    # CM-8 is not applicable and PM-5 scoped out: neither counts.
    assert states(coverage, "ID.AM-01") == {"cm-8": NOT_APPLICABLE, "pm-5": NOT_SELECTED}
    assert found["ID.AM-01"] == NOT_ADDRESSED
    assert coverage.authorization == authorization


def test_planned_and_undocumented_controls_are_planned_and_pull_the_level_down(personas):
    authorization = cycle(personas.system, Step.IMPLEMENT)
    at2 = select(authorization, "at-2", "implemented")
    select(authorization, "at-3")  # selected, no implementation record yet
    determine(assessment(authorization), at2, DeterminationResult.SATISFIED)

    coverage = system_csf_coverage(personas.system, "2.0")

    assert states(coverage, "PR.AT-01") == {"at-2": SATISFIED, "at-3": PLANNED}
    assert levels(coverage)["PR.AT-01"] == PLANNED
    ControlImplementation.objects.create(
        selected_control=SelectedControl.objects.get(control_id="at-3"), status="planned"
    )
    assert levels(system_csf_coverage(personas.system, "2.0"))["PR.AT-02"] == PLANNED


SAT = DeterminationResult.SATISFIED


@pytest.mark.parametrize(
    "rounds, expected",
    [
        ([(SAT, ())], SATISFIED),
        # Some objectives not determined yet: implemented, not (fully) assessed.
        ([(None, (SAT,))], IMPLEMENTED),
        # A weakness found: partly in place.
        ([(SAT, (OTS,))], PARTIAL),
        # Only the latest determination of each objective counts, whichever assessment.
        ([(OTS, ()), (SAT, ())], SATISFIED),
        ([(SAT, ()), (None, (OTS,))], PARTIAL),
        ([(SAT, (OTS,)), (None, (SAT,))], SATISFIED),
        # Every objective not applicable: nothing was confirmed.
        ([(NA, ())], IMPLEMENTED),
        ([(SAT, (NA,))], SATISFIED),
    ],
)
def test_satisfied_follows_the_latest_determination_of_every_objective(personas, rounds, expected):
    authorization = cycle(personas.system, Step.MONITOR)
    selected = select(authorization, "at-2", "implemented")
    initial = assessment(authorization)
    ongoing = assessment(authorization, Assessment.Kind.ONGOING)
    for index, (rest, first) in enumerate(rounds):
        determine(initial if index == 0 else ongoing, selected, rest, first)

    assert states(system_csf_coverage(personas.system, "2.0"), "PR.AT-01")["at-2"] == expected
    # The same rule as the documents' control result (rmf.selectors.document_rows).
    result = latest_results(authorization, ["at-2"]).control_result(selected)
    assert (expected == SATISFIED) == (result == DeterminationResult.SATISFIED)
    assert (expected == PARTIAL) == (result == OTS)


def test_rollup_and_not_addressed_subcategories(personas):
    authorization = cycle(personas.system)
    at2 = select(authorization, "at-2", "implemented")
    select(authorization, "at-3", "implemented")
    determine(assessment(authorization), at2, DeterminationResult.SATISFIED)
    tree = core_tree("2.0")
    total = len(tree.all_subcategories())

    coverage = system_csf_coverage(personas.system, "2.0")

    category = next(
        category
        for function in coverage.functions
        for category in function.categories
        if category.identifier == "PR.AT"
    )
    assert [sub.identifier for sub in category.subcategories] == ["PR.AT-01", "PR.AT-02"]
    assert category.counts.by_level[IMPLEMENTED] == 2
    assert (category.counts.covered, category.counts.total, category.counts.covered_percent) == (
        2,
        2,
        100,
    )
    protect = next(function for function in coverage.functions if function.identifier == "PR")
    protect_size = sum(len(tree.subcategories[c]) for c in tree.categories["PR"])
    assert protect.counts.by_level[IMPLEMENTED] == 2
    assert protect.counts.by_level[NOT_ADDRESSED] == protect_size - 2
    assert protect.counts.covered_percent == round(200 / protect_size)
    assert coverage.counts.total == total
    assert coverage.counts.by_level == {
        SATISFIED: 0,
        IMPLEMENTED: 2,
        PARTIAL: 0,
        PLANNED: 0,
        NOT_ADDRESSED: total - 2,
    }
    missing = {sub.identifier for sub in coverage.not_addressed()}
    assert len(missing) == total - 2
    assert "PR.AT-01" not in missing and "GV.OC-01" in missing


def test_the_version_switch_reads_the_csf_11_mappings(personas):
    authorization = cycle(personas.system)
    at2 = select(authorization, "at-2", "implemented")
    select(authorization, "at-3", "implemented")
    determine(assessment(authorization), at2, DeterminationResult.SATISFIED)

    coverage = system_csf_coverage(personas.system, "1.1")

    found = levels(coverage)
    assert found["PR.AT-1"] == SATISFIED  # AT-2 only
    assert [found[f"PR.AT-{n}"] for n in range(2, 6)] == [IMPLEMENTED] * 4
    assert coverage.counts.by_level[SATISFIED] == 1
    assert coverage.counts.by_level[IMPLEMENTED] == 4


def test_a_system_without_a_cycle_addresses_nothing(personas):
    coverage = system_csf_coverage(personas.system, "2.0")

    assert coverage.authorization is None
    assert coverage.counts.by_level[NOT_ADDRESSED] == coverage.counts.total > 100


def test_only_the_current_cycle_counts(personas):
    old = cycle(personas.system, Step.MONITOR)
    select(old, "at-2", "implemented")
    Authorization.objects.filter(pk=old.pk).update(is_current=False)
    new = Authorization.objects.create(system=personas.system, cycle=2, previous=old)
    select(new, "at-2", "planned")

    assert levels(system_csf_coverage(personas.system, "2.0"))["PR.AT-01"] == PLANNED


# --- an organization ------------------------------------------------------------------------


@pytest.fixture
def city_work(personas):
    """Three systems with a current cycle (two in the agency, one in the sibling agency), one
    not started, one disposed (its cycle not counted)."""
    s1 = personas.system
    s2 = personas.sibling_system
    s3 = make_system(personas.agency, "Parking Meters", "PKM")
    make_system(personas.agency, "Not Started", "NST")
    disposed = make_system(personas.agency, "Old Kiosks", "OKS")
    one = cycle(s1)
    at2 = select(one, "at-2", "implemented")
    select(one, "at-3", "implemented")
    determine(assessment(one), at2, DeterminationResult.SATISFIED)
    select(cycle(s2), "at-2", "planned")
    select(cycle(s3), "at-3", "partial")
    select(cycle(disposed), "at-2", "implemented")
    System.objects.filter(pk=disposed.pk).update(status=System.Status.DISPOSED)
    return personas


def subcategory(coverage, identifier):
    return next(sub for sub in coverage.subcategories() if sub.identifier == identifier)


def test_organization_counts_systems_per_level(city_work):
    coverage = organization_csf_coverage(city_work.city, "2.0")

    assert (coverage.systems, coverage.systems_not_started) == (3, 1)
    at01 = subcategory(coverage, "PR.AT-01")
    # S1: implemented (AT-2 satisfied, AT-3 implemented); S2: planned; S3: partial (AT-3).
    assert at01.counts.by_level == {
        SATISFIED: 0,
        IMPLEMENTED: 1,
        PARTIAL: 1,
        PLANNED: 1,
        NOT_ADDRESSED: 0,
    }
    at02 = subcategory(coverage, "PR.AT-02")
    assert at02.counts.by_level == {
        SATISFIED: 0,
        IMPLEMENTED: 1,
        PARTIAL: 1,
        PLANNED: 0,
        NOT_ADDRESSED: 1,
    }
    spread = {control.control_id: control.states for control in at01.controls}
    assert spread["at-2"] == {
        SATISFIED: 1,
        IMPLEMENTED: 0,
        PARTIAL: 0,
        PLANNED: 1,
        NOT_APPLICABLE: 0,
        NOT_SELECTED: 1,
    }
    assert spread["at-3"][IMPLEMENTED] == 1 and spread["at-3"][PARTIAL] == 1
    assert spread["at-3"][NOT_SELECTED] == 1
    category = next(c for f in coverage.functions for c in f.categories if c.identifier == "PR.AT")
    # (subcategory, system) pairs: 6, two covered.
    assert (category.counts.total, category.counts.covered, category.counts.covered_percent) == (
        6,
        2,
        33,
    )
    assert subcategory(coverage, "GV.OC-01").addressed_nowhere
    assert not at02.addressed_nowhere


def test_organization_is_the_sum_of_its_systems(city_work):
    coverage = organization_csf_coverage(city_work.city, "2.0")
    systems = [
        system_csf_coverage(system, "2.0")
        for system in System.objects.filter(authorizations__is_current=True).exclude(
            status=System.Status.DISPOSED
        )
    ]
    for sub in coverage.subcategories():
        expected = dict.fromkeys(sub.counts.by_level, 0)
        for system_coverage in systems:
            expected[levels(system_coverage)[sub.identifier]] += 1
        assert sub.counts.by_level == expected, sub.identifier


def test_organization_scope_descendants_and_visible_systems(city_work):
    agency = organization_csf_coverage(city_work.agency, "2.0")
    assert agency.systems == 2  # S1 and S3; S2 is the sibling agency's
    assert subcategory(agency, "PR.AT-01").counts.by_level[PLANNED] == 0

    # The city read by the agency's planner: their agency's systems only.
    member_view = organization_csf_coverage(
        city_work.city, "2.0", organization_systems(city_work.member, city_work.city)
    )
    assert member_view.systems == 2
    assert organization_csf_coverage(city_work.state, "2.0").systems == 3


def test_hints_for_the_assessment_form(city_work):
    hints = organization_subcategory_hints(city_work.city, "2.0")

    assert set(hints) == set(core_tree("2.0").all_subcategories())
    hint = hints["PR.AT-01"]
    assert [control.label for control in hint.controls] == ["AT-2", "AT-3"]
    assert hint.covered_systems == 1
    assert hint.summary == (
        "Covered in 1 of 3 systems (1 implemented, not yet confirmed; 1 partly in place; "
        "1 planned)."
    )
    assert hints["PR.AT-02"].controls[0].summary == (
        "1 implemented, not assessed yet; 1 partly implemented or weakness found; 1 not selected"
    )
    empty = organization_subcategory_hints(city_work.sibling_agency, "1.1")
    assert "PR.AT-1" in empty and empty["PR.AT-1"].systems == 1


def test_organization_without_started_systems(personas):
    coverage = organization_csf_coverage(personas.city, "2.0")

    assert coverage.systems == 0 and coverage.systems_not_started == 2
    assert coverage.counts.total == 0 and coverage.counts.covered_percent is None
    assert "started" in subcategory(coverage, "PR.AT-01").summary


# --- a fixed number of queries --------------------------------------------------------------


def _systems_with_work(personas, count: int, prefix: str) -> None:
    for n in range(count):
        system = make_system(personas.agency, f"{prefix} {n}", f"{prefix}{n}")
        authorization = cycle(system)
        at2 = select(authorization, "at-2", "implemented")
        select(authorization, "at-3", ["implemented", "partial", "planned"][n % 3])
        select(authorization, "si-4", "implemented")
        if n % 2:
            determine(assessment(authorization), at2, DeterminationResult.SATISFIED)


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def test_queries_do_not_grow_with_the_number_of_systems(personas):
    _systems_with_work(personas, 2, "A")
    small = _queries(lambda: organization_csf_coverage(personas.city, "2.0"))
    small_hints = _queries(lambda: organization_subcategory_hints(personas.city, "2.0"))
    _systems_with_work(personas, 18, "B")
    large = _queries(lambda: organization_csf_coverage(personas.city, "2.0"))
    large_hints = _queries(lambda: organization_subcategory_hints(personas.city, "2.0"))

    assert organization_csf_coverage(personas.city, "2.0").systems == 20
    assert small == large <= 6
    assert small_hints == large_hints == small


def test_system_coverage_queries_do_not_grow_with_its_controls(personas, django_assert_num_queries):
    authorization = cycle(personas.system)
    select(authorization, "at-2", "implemented")
    with CaptureQueriesContext(connection) as small:
        system_csf_coverage(personas.system, "2.0")
    for control_id in ("at-3", "ia-12", "cm-8", "pm-5", "si-4", "au-6", "cp-9", "cp-6"):
        select(authorization, control_id, "implemented")
    with django_assert_num_queries(len(small)):
        system_csf_coverage(personas.system, "2.0")
