"""RMF programme metrics by year (csf/benchmarks/rmf_metrics.py, the reads in data_rmf.py):
hand-computed figures for a few systems with decisions, POA&M items and determinations at known
dates, rolled up to the city; the year-end rules agree with rmf's own today; the reads cost the
same queries for 2 or 8 organizations and 1 or 4 years."""

from datetime import date, datetime, time

import pandas as pd
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assets.models import Organization, System
from csf.benchmarks.data_rmf import (
    poam_aging_on_q,
    poam_overdue_on_q,
    rmf_counts_frame,
    rmf_metrics_for_user,
    rmf_organization_list_for_user,
)
from csf.benchmarks.rmf_metrics import (
    COLUMNS,
    COUNT_METRICS,
    counts_frame,
    metrics_table,
    programme_metrics,
    rolled_up,
)
from rmf.models import (
    Assessment,
    Authorization,
    AuthorizationDecision,
    Determination,
    PoamItem,
    PoamMilestone,
    SelectedControl,
)
from rmf.selectors.assessment import leaf_objectives
from rmf.selectors.monitor_facts import AGING_BUCKET_KEYS, poam_aging_q, poam_overdue_q
from rmf.selectors.poam_lists import organization_poam_scope
from tests.factories import make_organization, make_system

TODAY = date(2025, 6, 30)
YEARS = [2023, 2024, 2025]
Kind = AuthorizationDecision.Kind
Poam = PoamItem.Status
NaN = float("nan")


def at(day: date, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


# ----------------------------------------------------------------------------- pure functions


def test_roll_up_sums_each_subtree_and_ratios_are_taken_after_summing():
    organizations = pd.DataFrame(
        {"organization": [1, 2, 3, 4, 5], "parent": [None, 1, 2, 2, 1]}
    )  # state 1 > city 2 > agencies 3, 4; county 5
    rows = {
        (3, 2024, "systems"): 4,
        (3, 2024, "systems_authorized"): 4,
        (4, 2024, "systems"): 1,
        (5, 2024, "systems"): 5,
        (5, 2024, "systems_authorized"): 1,
        (2, 2024, "decisions"): 2,
        (2, 2024, "days_to_authorize"): 30,
        (3, 2024, "decisions"): 1,
        (3, 2024, "days_to_authorize"): 90,
        (9, 2024, "systems"): 7,  # not in the list: left out
    }
    counts = counts_frame(rows, [1, 2, 3, 4, 5], [2024])
    assert list(counts.columns) == COLUMNS
    assert len(counts) == 5 * len(COUNT_METRICS)  # zeros for the rest
    rolled = rolled_up(counts, organizations)
    metrics = programme_metrics(rolled)

    def value(organization, metric):
        rows = metrics.loc[metrics["organization"] == organization]
        rows = rows.loc[rows["metric"] == metric]
        assert len(rows) == 1
        return rows["value"].iloc[0]

    # City 2: agencies 3 and 4 (5 systems, 4 authorized) = 80%, not the mean of 100% and 0%.
    assert value(2, "systems") == 5 and value(2, "authorized_percent") == 80.0
    # Its own two decisions (30 days in all) and agency 3's one (90 days): 120 / 3 = 40 days,
    # every decision weighing the same.
    assert value(2, "average_days_to_authorize") == 40.0
    # The state: 10 systems, 5 authorized.
    assert value(1, "systems") == 10 and value(1, "authorized_percent") == 50.0
    # Agency 4: 1 system, none authorized: 0%; no decision: no average (NaN, not 0).
    assert value(4, "authorized_percent") == 0.0
    assert pd.isna(value(4, "average_days_to_authorize"))
    # No controls anywhere: no coverage figure.
    assert metrics.loc[metrics["metric"] == "coverage_percent", "value"].isna().all()
    table = metrics_table(metrics, 2)
    assert table.index.tolist() == [2024]
    assert list(table.columns[:3]) == ["systems", "systems_authorized", "decisions"]
    assert table.loc[2024, "authorized_percent"] == 80.0


def test_roll_up_refuses_circular_parents_and_duplicates():
    counts = counts_frame({}, [1, 2], [2024])
    with pytest.raises(ValueError, match="circle"):
        rolled_up(counts, pd.DataFrame({"organization": [1, 2], "parent": [2, 1]}))
    with pytest.raises(ValueError, match="twice"):
        rolled_up(counts, pd.DataFrame({"organization": [1, 1], "parent": [None, None]}))
    with pytest.raises(ValueError, match="unknown metric"):
        counts_frame({(1, 2024, "ponies"): 1}, [1], [2024])


# ----------------------------------------------------------------------------- the database


def cycle(system, number: int, started: date, *, current: bool, previous=None) -> Authorization:
    authorization = Authorization.objects.create(
        system=system, cycle=number, is_current=current, previous=previous
    )
    Authorization.objects.filter(pk=authorization.pk).update(started_at=at(started, 9))
    return authorization


def decide(authorization, kind: str, signed: date, termination: date | None, signer):
    AuthorizationDecision.objects.create(
        authorization=authorization,
        kind=kind,
        decision_date=signed,
        termination_date=termination,
        signed_by=signer,
        signer_name=signer.get_username(),
        signed_at=at(signed, 15),
        content_hash="0" * 64,
        snapshot={},
    )


def item(authorization, number, created: date, status=Poam.OPEN, **fields) -> PoamItem:
    poam = PoamItem.objects.create(
        authorization=authorization,
        number=number,
        weakness=f"Weakness {number}",
        source="Initial assessment",
        status=status,
        **fields,
    )
    PoamItem.objects.filter(pk=poam.pk).update(created_at=at(created, 10))
    return poam


def select(authorization, controls: dict[str, date | None], removed=()) -> None:
    """Selected controls of a cycle, each with a determination updated on its date (none for
    None); `removed` are tailored out."""
    objectives = leaf_objectives(controls)
    assessment = Assessment.objects.create(authorization=authorization, title="Assessment")
    for control_id, assessed in controls.items():
        selected = SelectedControl.objects.create(
            authorization=authorization, control_id=control_id
        )
        if assessed is not None:
            determination = Determination.objects.create(
                assessment=assessment,
                selected_control=selected,
                objective=objectives[control_id][0],
                result="satisfied",
            )
            Determination.objects.filter(pk=determination.pk).update(updated_at=at(assessed))
    for control_id in removed:
        SelectedControl.objects.create(
            authorization=authorization,
            control_id=control_id,
            tailoring=SelectedControl.Tailoring.SCOPED_OUT,
        )


def created(system: System, day: date) -> System:
    System.objects.filter(pk=system.pk).update(created_at=at(day, 8))
    return system


@pytest.fixture
def programme(personas):
    """The agency (DOT), its sibling (DMV) and the city, as the comments below date them.

    DOT S1 (recorded 2022): cycle 1 from 2023-02-01, ATO signed 2023-05-11 (99 days), ending
    2024-05-10; cycle 2 from 2024-09-01, ATO with conditions signed 2025-01-20 (141 days).
    DOT S2 (recorded 2021): disposed on 2024-05-01, never authorized. DOT S3: recorded 2025.
    DMV S4 (recorded 2020): cycle 1 from 2022-11-01 denied 2023-03-01; cycle 2 from 2023-06-01,
    IATT signed 2023-08-31 (91 days) ending 2024-02-29. City C1: recorded 2023, no decision."""
    signer = personas.authorizing_official
    s1 = created(personas.system, date(2022, 1, 10))
    s2 = make_system(personas.agency, "Legacy permits", "LEG")
    System.objects.filter(pk=s2.pk).update(
        created_at=at(date(2021, 3, 1)),
        status=System.Status.DISPOSED,
        retirement_date=date(2024, 5, 1),
    )
    created(make_system(personas.agency, "New portal", "NEW"), date(2025, 3, 1))
    s4 = created(personas.sibling_system, date(2020, 1, 1))
    created(make_system(personas.city, "City data hub", "HUB"), date(2023, 1, 1))

    c1 = cycle(s1, 1, date(2023, 2, 1), current=False)
    decide(c1, Kind.ATO, date(2023, 5, 11), date(2024, 5, 10), signer)
    c2 = cycle(s1, 2, date(2024, 9, 1), current=True, previous=c1)
    decide(c2, Kind.ATO_WITH_CONDITIONS, date(2025, 1, 20), date(2028, 1, 20), signer)
    d1 = cycle(s4, 1, date(2022, 11, 1), current=False)
    decide(d1, Kind.DENIAL, date(2023, 3, 1), None, signer)
    d2 = cycle(s4, 2, date(2023, 6, 1), current=True, previous=d1)
    decide(d2, Kind.IATT, date(2023, 8, 31), date(2024, 2, 29), signer)

    # P1: open 2023-03-10 to its completion on 2024-02-15, due 2023-10-01.
    item(
        c1,
        1,
        date(2023, 3, 10),
        Poam.COMPLETED,
        scheduled_completion=date(2023, 10, 1),
        closed_at=at(date(2024, 2, 15)),
    )
    # P2: open since 2023-11-15, due 2026; a milestone due 2023-12-01 done 2024-01-10.
    p2 = item(c1, 2, date(2023, 11, 15), scheduled_completion=date(2026, 1, 1))
    PoamMilestone.objects.create(
        item=p2, description="Patch", due_on=date(2023, 12, 1), completed_on=date(2024, 1, 10)
    )
    # P3: opened 2024-10-01, due 2024-12-15, its risk accepted 2025-02-01.
    item(
        c2,
        1,
        date(2024, 10, 1),
        Poam.RISK_ACCEPTED,
        scheduled_completion=date(2024, 12, 15),
        risk_accepted_at=at(date(2025, 2, 1)),
    )
    # P4: ongoing since 2025-06-01, due 2025-06-15; a milestone due after today.
    p4 = item(c2, 2, date(2025, 6, 1), Poam.ONGOING, scheduled_completion=date(2025, 6, 15))
    PoamMilestone.objects.create(item=p4, description="Test", due_on=date(2025, 7, 15))
    # P5: open since 2025-01-05, no date; its milestone due 2025-06-01 was done 2025-05-30.
    p5 = item(c2, 3, date(2025, 1, 5))
    PoamMilestone.objects.create(
        item=p5, description="Plan", due_on=date(2025, 6, 1), completed_on=date(2025, 5, 30)
    )
    # P6 (DMV): opened 2023-07-01, completed 2023-12-31 at noon.
    item(
        d2,
        1,
        date(2023, 7, 1),
        Poam.COMPLETED,
        scheduled_completion=date(2023, 9, 1),
        closed_at=at(date(2023, 12, 31)),
    )
    # Coverage: cycle 1 assessed ac-1 in 2023, not ac-2; cycle 2 assessed ac-1 on 2024-12-01
    # and ac-2 on 2025-06-29, not ac-3; ac-4 tailored out.
    select(c1, {"ac-1": date(2023, 6, 1), "ac-2": None})
    select(c2, {"ac-1": date(2024, 12, 1), "ac-2": date(2025, 6, 29), "ac-3": None}, ["ac-4"])
    return personas


def figures(frame: pd.DataFrame, organization: Organization) -> dict:
    rows = frame.loc[frame["organization"] == organization.pk]
    return {
        (int(year), metric): value
        for year, metric, value in zip(rows["year"], rows["metric"], rows["value"], strict=True)
    }


EXPECTED_AGENCY = {
    # 2023: S1 (authorized) and S2 (not yet disposed); 2024: S1, its ATO expired 2024-05-10;
    # 2025: S1 (with conditions) and S3.
    "systems": (2, 1, 2),
    "systems_authorized": (1, 0, 1),
    "authorized_percent": (50.0, 0.0, 50.0),
    "decisions": (1, 0, 1),
    "days_to_authorize": (99, 0, 141),
    "average_days_to_authorize": (99.0, NaN, 141.0),
    "poam_opened": (2, 1, 2),  # P1, P2 | P3 | P4, P5
    "poam_closed": (0, 1, 0),  # P1 in 2024
    "poam_risk_accepted": (0, 0, 1),  # P3 in 2025
    # End of 2023: P1 and P2 open, both overdue (P1 past its date, P2's milestone not done
    # by then); P1 296 days old, P2 46. End of 2024: cycle 2 in force, so P2 (cycle 1) is
    # not counted; P3 open (accepted later) and overdue, 91 days old. Today: P4 (overdue,
    # 29 days) and P5 (its milestone done: not overdue, 176 days).
    "poam_open": (2, 1, 2),
    "poam_overdue": (2, 1, 1),
    "poam_aging_0-30": (0, 0, 1),
    "poam_aging_31-90": (1, 0, 0),
    "poam_aging_91-180": (0, 1, 1),
    "poam_aging_181+": (1, 0, 0),
    # 2023: cycle 1, 1 of 2; 2024: cycle 2, ac-1 only of 3; today: ac-1 and ac-2 of 3.
    "controls_selected": (2, 3, 3),
    "controls_assessed": (1, 1, 2),
    "coverage_percent": (50.0, 100 / 3, 200 / 3),
}


def assert_figures(actual: dict, expected: dict) -> None:
    for metric, values in expected.items():
        for year, value in zip(YEARS, values, strict=True):
            got = actual[(year, metric)]
            if pd.isna(value):
                assert pd.isna(got), (metric, year, got)
            else:
                assert got == pytest.approx(value), (metric, year, got)


@pytest.mark.django_db
def test_an_agencys_figures_by_year_end_worked_out_by_hand(programme):
    own, rolled = rmf_metrics_for_user(programme.member, programme.agency, YEARS, today=TODAY)
    assert_figures(figures(own, programme.agency), EXPECTED_AGENCY)
    # The agency has no descendant: rolled up, the same figures.
    assert_figures(figures(rolled, programme.agency), EXPECTED_AGENCY)
    # The member sees their agency only, even when reading the city.
    assert list(rmf_organization_list_for_user(programme.member, programme.city)) == [
        programme.agency
    ]
    own, rolled = rmf_metrics_for_user(programme.member, programme.city, YEARS, today=TODAY)
    assert set(rolled["organization"]) == {programme.agency.pk}


@pytest.mark.django_db
def test_the_city_rolls_up_its_agencies_and_its_own_systems(programme):
    own, rolled = rmf_metrics_for_user(
        programme.authorizing_official, programme.city, YEARS, today=TODAY
    )
    assert set(own["organization"]) == {
        programme.city.pk,
        programme.agency.pk,
        programme.sibling_agency.pk,
    }
    sibling = figures(own, programme.sibling_agency)
    assert_figures(
        sibling,
        {
            # S4: IATT active at the end of 2023, expired 2024-02-29; the denial is no
            # authorization and not counted in the days.
            "systems": (1, 1, 1),
            "systems_authorized": (1, 0, 0),
            "decisions": (1, 0, 0),
            "days_to_authorize": (91, 0, 0),
            # P6 opened and completed in 2023, by noon of 31 December: not open at its end.
            "poam_opened": (1, 0, 0),
            "poam_closed": (1, 0, 0),
            "poam_open": (0, 0, 0),
            "coverage_percent": (NaN, NaN, NaN),
        },
    )
    assert_figures(
        figures(own, programme.city),
        {"systems": (1, 1, 1), "systems_authorized": (0, 0, 0), "poam_opened": (0, 0, 0)},
    )
    assert_figures(
        figures(rolled, programme.city),
        {
            # 2023: S1, S2, S4, C1 (S1 and S4 authorized); 2024: S1, S4, C1, none authorized;
            # 2025: S1, S3, S4, C1 (S1 only).
            "systems": (4, 3, 4),
            "systems_authorized": (2, 0, 1),
            "authorized_percent": (50.0, 0.0, 25.0),
            # 2023: (99 + 91) / 2 days; 2025: S1's 141.
            "average_days_to_authorize": (95.0, NaN, 141.0),
            "poam_opened": (3, 1, 2),
            "poam_closed": (1, 1, 0),
            "poam_overdue": (2, 1, 1),
            "coverage_percent": (50.0, 100 / 3, 200 / 3),
        },
    )
    # The state is above what the authorizing official sees: not in their figures.
    assert programme.state.pk not in set(rolled["organization"])
    own, rolled = rmf_metrics_for_user(programme.viewer, programme.state, YEARS, today=TODAY)
    assert figures(rolled, programme.state)[(2023, "systems")] == 4


@pytest.mark.django_db
def test_on_today_the_year_end_rules_are_rmfs_own(programme):
    """The as-of rules (status from the dates) select on today what monitor_facts' rules
    select from today's status, and the agency's overdue count is the POA&M page's."""
    items = PoamItem.objects.all()
    past = {"today": date(2025, 7, 1)}  # forces the as-of rules on TODAY
    assert set(items.filter(poam_overdue_on_q(TODAY, **past))) == set(
        items.filter(poam_overdue_q(TODAY))
    )
    for bucket in AGING_BUCKET_KEYS:
        assert set(items.filter(poam_aging_on_q(bucket, TODAY, **past))) == set(
            items.filter(poam_aging_q(bucket, TODAY))
        ), bucket
    counts = figures(rmf_counts_frame([programme.agency], [2025], today=TODAY), programme.agency)
    page = organization_poam_scope(programme.member, programme.agency)
    assert counts[(2025, "poam_overdue")] == page.filter(poam_overdue_q(TODAY)).count() == 1
    assert counts[(2025, "poam_open")] == page.filter(status__in=[Poam.OPEN, Poam.ONGOING]).count()


@pytest.mark.django_db
def test_years_after_today_have_no_figures(programme):
    frame = rmf_counts_frame([programme.agency], [2024, 2026], today=TODAY)
    assert set(frame["year"]) == {2024}


def organizations_with_systems(personas, count: int, name: str) -> list[Organization]:
    city = make_organization(name, Organization.Kind.CITY, personas.state)
    agency = Organization.Kind.AGENCY
    agencies = [make_organization(f"{name} agency {n}", agency, city) for n in range(count)]
    for n, agency in enumerate(agencies):
        system = make_system(agency, f"{name} system {n}", f"S{n}")
        first = cycle(system, 1, date(2022, 1, 1), current=True)
        decide(first, Kind.ATO, date(2022, 6, 1), date(2025, 6, 1), personas.authorizing_official)
        item(first, 1, date(2023, 1, 1), scheduled_completion=date(2023, 6, 1))
        select(first, {"ac-1": date(2023, 6, 1)})
    return agencies


@pytest.mark.django_db
def test_the_reads_cost_the_same_queries_for_more_organizations_and_years(personas):
    small = organizations_with_systems(personas, 2, "Small")
    big = organizations_with_systems(personas, 8, "Big")
    rmf_counts_frame(small, [2023], today=TODAY)  # content types and the like, cached
    with CaptureQueriesContext(connection) as few:
        rmf_counts_frame(small, [2023], today=TODAY)
    with CaptureQueriesContext(connection) as many:
        frame = rmf_counts_frame(big, [2022, 2023, 2024, 2025], today=TODAY)
    assert len(few) == len(many) == 5
    assert figures(frame, big[0])[(2023, "poam_overdue")] == 1
    assert figures(frame, big[0])[(2024, "systems_authorized")] == 1
