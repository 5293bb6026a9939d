"""The benchmark reports' database reads (csf/benchmarks/data.py): only approved assessments
count; a member reads their own organization, not a sibling's; peers are compared in aggregate
(anonymous, suppressed below the minimum) and named only for a reader who may see each of them;
the peer groups; CSF 1.1 years carried; constant query counts; and the demo's five years."""

import pandas as pd
import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assets.models import Organization, Role
from assets.services import membership_grant
from csf.benchmarks.data import (
    answers_frame,
    benchmark_organization_get_for_user,
    crosswalk_frame,
    named_peer_scores,
    organization_answers_frame,
    organization_benchmark_get,
    peer_comparison,
    peer_group,
    peer_group_for_user,
    reference_frames,
    series_scores,
    targets_frame,
)
from csf.benchmarks.frames import PEER_COLUMNS
from csf.models import CsfAnswer, CsfAssessment, CsfElement, CsfTarget
from tests.factories import UserFactory, make_organization

Status = CsfAssessment.Status
AGENCY = Organization.Kind.AGENCY
# Three CSF 2.0 subcategories of GV.OC (one category, one function) and one of PR.AA.
GV = ["GV.OC-01", "GV.OC-02", "GV.OC-03"]
PR = "PR.AA-01"


def assess(organization, year: int, scores: dict, *, status=Status.APPROVED, framework="2.0"):
    assessment = CsfAssessment.objects.create(
        organization=organization, year=year, framework=framework, status=status
    )
    elements = dict(
        CsfElement.objects.filter(version=framework, identifier__in=scores).values_list(
            "identifier", "pk"
        )
    )
    assert len(elements) == len(scores), set(scores) - set(elements)
    CsfAnswer.objects.bulk_create(
        CsfAnswer(assessment=assessment, subcategory_id=elements[identifier], score=score)
        for identifier, score in scores.items()
    )
    return assessment


def uniform(score: int) -> dict:
    return dict.fromkeys(GV, score)


def row(frame: pd.DataFrame, identifier: str, year: int) -> pd.Series:
    rows = frame.loc[(frame["identifier"] == identifier) & (frame["year"] == year)]
    assert len(rows) == 1, (identifier, year)
    return rows.iloc[0]


# ----------------------------------------------------------------------------- what is read


@pytest.mark.django_db
def test_only_approved_assessments_are_read(personas):
    assess(personas.agency, 2021, uniform(2), status=Status.RETURNED)
    assess(personas.agency, 2022, {"GV.OC-01": 3, "GV.OC-02": None})
    assess(personas.agency, 2023, uniform(5), status=Status.SUBMITTED)
    assess(personas.agency, 2024, uniform(6), status=Status.DRAFT)
    frame = answers_frame(CsfAssessment.objects.all(), organizations=[personas.agency])
    assert set(frame["year"]) == {2022}
    assert frame.sort_values("subcategory")["score"].tolist()[0] == 3.0
    assert frame["score"].isna().sum() == 1  # saved without a score: kept, not scored
    # The member may open the drafts; the report still reads the approved year only.
    mine = organization_answers_frame(personas.member, [personas.agency])
    assert set(mine["year"]) == {2022}
    assert set(answers_frame(CsfAssessment.objects.all(), years=[2023, 2024])["year"]) == set()


@pytest.mark.django_db
def test_a_member_reads_their_own_organization_and_a_state_viewer_every_agency(personas):
    assess(personas.agency, 2024, uniform(3))
    assess(personas.sibling_agency, 2024, uniform(5))
    both = [personas.agency, personas.sibling_agency]
    organizations = lambda user: set(organization_answers_frame(user, both)["organization"])  # noqa: E731
    assert organizations(personas.member) == {personas.agency.pk}
    assert organizations(personas.sibling) == {personas.sibling_agency.pk}
    assert organizations(personas.viewer) == {personas.agency.pk, personas.sibling_agency.pk}
    assert organizations(personas.authorizing_official) == {o.pk for o in both}
    assert organizations(personas.assessor) == set()  # one system granted: no organization
    assert organizations(personas.outsider) == set()
    assert benchmark_organization_get_for_user(personas.member, personas.agency.pk)
    for user in (personas.sibling, personas.assessor, personas.outsider):
        with pytest.raises(Http404):
            benchmark_organization_get_for_user(user, personas.agency.pk)
        with pytest.raises(Http404):
            organization_benchmark_get(user, personas.agency)
        with pytest.raises(Http404):
            peer_comparison(user, personas.agency)


# ----------------------------------------------------------------------------- peers


@pytest.mark.django_db
def test_peer_groups_are_sibling_agencies_or_the_cities_and_counties_of_the_state(personas):
    state, city = personas.state, personas.city
    other_city = make_organization("Other City", Organization.Kind.CITY, state)
    county = make_organization("Example County", Organization.Kind.COUNTY, state)
    state_agency = make_organization("State Police", AGENCY, state)
    cousin = make_organization("Other City Parks", AGENCY, other_city)
    parks = make_organization("Parks", AGENCY, city)
    assert set(peer_group(personas.agency)) == {personas.sibling_agency, parks}
    assert cousin not in set(peer_group(personas.agency))
    assert set(peer_group(city)) == {other_city, county}  # not the state's own agency
    assert set(peer_group(county)) == {other_city, city}
    assert set(peer_group(state_agency)) == set()  # no other agency of the state itself
    assert set(peer_group(state)) == set()


def peers_city(personas) -> list[Organization]:
    """The agency and five sibling agencies (the sibling and four more), all approved in 2024
    with every GV.OC answer at their level: agency 4; peers 1, 2, 4, 6, 7. In 2023 only four
    peers (levels 2, 3, 3, 5) and the agency (3)."""
    peers = [personas.sibling_agency] + [
        make_organization(f"Agency {n}", AGENCY, personas.city) for n in range(4)
    ]
    assess(personas.agency, 2024, uniform(4))
    for peer, level in zip(peers, (1, 2, 4, 6, 7), strict=True):
        assess(peer, 2024, uniform(level))
    assess(personas.agency, 2023, uniform(3))
    for peer, level in zip(peers[:4], (2, 3, 3, 5), strict=True):
        assess(peer, 2023, uniform(level))
    assess(peers[4], 2023, uniform(7), status=Status.SUBMITTED)  # not approved: not a peer
    return peers


@pytest.mark.django_db
def test_peers_are_compared_in_aggregate_and_suppressed_below_five(personas):
    peers = peers_city(personas)
    frame = peer_comparison(personas.member, personas.agency)
    assert list(frame.columns) == PEER_COLUMNS  # no organization column
    assert set(frame["level"]) == {"overall", "function", "category"}
    # 2024: peers 1, 2, 4, 6, 7: median 4, linear quartiles 2 and 6, mean 4; the agency at 4:
    # 2 below, 1 equal: (2 + 0.5) / 5 = 50%.
    gv = row(frame, "GV.OC", 2024)
    assert (gv["peer_count"], gv["suppressed"]) == (5, False)
    assert (gv["median"], gv["q1"], gv["q3"], gv["mean"]) == (4.0, 2.0, 6.0, 4.0)
    assert gv["percentile"] == 50.0
    # 2023: four approved peers only: nothing shown but the count.
    gv = row(frame, "GV.OC", 2023)
    assert gv["suppressed"] and gv["peer_count"] == 4
    assert gv[["mean", "median", "q1", "q3", "percentile"]].isna().all()
    # PR was answered by nobody: no peer at all.
    assert row(frame, "PR", 2024)["peer_count"] == 0
    # No peer name, nor the codes standing for the peers, anywhere in what comes back (ids are
    # small numbers, like the counts: the missing organization column is what keeps them out).
    shown = {str(value) for value in frame.to_numpy().ravel()}
    assert not shown & {peer.name for peer in peers}
    assert not any(value.startswith("peer-") for value in shown)
    with pytest.raises(ValueError, match="at least 5"):
        peer_comparison(personas.member, personas.agency, minimum=4)
    with pytest.raises(ValueError, match="levels"):
        peer_comparison(personas.member, personas.agency, levels=["subcategory"])
    stricter = peer_comparison(personas.member, personas.agency, minimum=6)
    assert row(stricter, "GV.OC", 2024)["suppressed"]


@pytest.mark.django_db
def test_peers_are_named_only_for_a_reader_who_may_see_each_of_them(personas):
    peers = peers_city(personas)
    group = peer_group_for_user(personas.member, personas.agency)
    assert (group.size, group.named, group.names) == (5, False, {})
    assert named_peer_scores(personas.member, personas.agency) is None
    for reader in (personas.viewer, personas.authorizing_official):
        scores = named_peer_scores(reader, personas.agency)
        assert set(scores["name"]) == {peer.name for peer in peers}
        assert set(scores["organization"]) == {peer.pk for peer in peers}
        assert row(scores.loc[scores["name"] == "Agency 3"], "GV.OC", 2024)["score"] == 7.0
    # A planner of two of the agencies still does not see the other peers by name.
    membership_grant(
        actor=None, organization=personas.sibling_agency, user=personas.member, role=Role.PLANNER
    )
    assert not peer_group_for_user(personas.member, personas.agency).named


# ----------------------------------------------------------------------------- frames


@pytest.mark.django_db
def test_csf_1_1_years_are_carried_into_2_0_terms_through_the_crosswalk(personas):
    crosswalk = crosswalk_frame()
    link = crosswalk.iloc[0]
    assess(personas.agency, 2022, {link["source"]: 5}, framework="1.1")
    assess(personas.agency, 2023, {link["target"]: 2})
    reference = reference_frames()
    scores = series_scores(
        organization_answers_frame(personas.member, [personas.agency]), reference
    )
    carried = row(scores, link["target"], 2022)
    assert carried["carried"] and carried["framework"] == "2.0" and carried["score"] == 5.0
    assert not row(scores, link["target"], 2023)["carried"]
    assert set(reference.tree["framework"]) == {"2.0"}
    active = CsfElement.objects.filter(
        version="2.0", kind=CsfElement.Kind.SUBCATEGORY, withdrawn=False
    ).count()
    assert len(reference.tree.loc[reference.tree["level"] == "subcategory"]) == active


@pytest.mark.django_db
def test_one_organizations_report_data(personas):
    peers_city(personas)
    CsfTarget.objects.create(
        organization=personas.agency,
        subcategory=CsfElement.objects.get(version="2.0", identifier="GV.OC-01"),
        score=6,
    )
    report = organization_benchmark_get(
        personas.member, personas.agency, today=timezone.localdate()
    )
    assert report.years == [2023, 2024]
    gv = row(report.changes, "GV.OC", 2024)
    assert (gv["previous_year"], gv["change"]) == (2023, 1.0)
    assert report.improved["identifier"].tolist() == ["GV.OC"]
    assert report.declined.empty
    target = report.targets
    assert row(target.loc[target["level"] == "subcategory"], "GV.OC-01", 2024)["gap"] == 2.0
    assert not report.peer_group.named and report.named_peers is None
    assert row(report.peers, "GV.OC", 2024)["percentile"] == 50.0
    assert report.summary[0].startswith("In 2024 the overall score was 4.0")
    assert set(report.rmf["organization"]) == {personas.agency.pk}
    assert list(targets_frame([personas.agency])["target"]) == [6.0]
    # An organization with no approved year: empty frames, no error.
    empty = organization_benchmark_get(personas.viewer, personas.city)
    assert empty.years == [] and empty.changes.empty and empty.peers.empty
    assert empty.summary == ["There is no assessment to summarize yet."]


def city_of(personas, name: str, agencies: int, years: list[int]):
    city = make_organization(name, Organization.Kind.CITY, personas.state)
    members = [make_organization(f"{name} {n}", AGENCY, city) for n in range(agencies)]
    for n, agency in enumerate(members):
        for year in years:
            assess(agency, year, {**uniform(1 + (n + year) % 7), PR: 1 + n % 7})
    planner = UserFactory(username=f"{name.lower()}-planner")
    membership_grant(actor=None, organization=members[0], user=planner, role=Role.PLANNER)
    return members[0], planner


@pytest.mark.django_db
def test_the_report_costs_the_same_queries_for_2_and_8_organizations_and_1_and_4_years(
    personas,
):
    small, small_planner = city_of(personas, "Small", 2, [2024])
    big, big_planner = city_of(personas, "Big", 8, [2021, 2022, 2023, 2024])
    today = timezone.localdate()
    for reader_small, reader_big in (
        (small_planner, big_planner),  # anonymous peers
        (personas.viewer, personas.viewer),  # named peers
    ):
        organization_benchmark_get(reader_small, small, today=today)  # caches warmed
        with CaptureQueriesContext(connection) as few:
            a = organization_benchmark_get(reader_small, small, today=today)
        with CaptureQueriesContext(connection) as many:
            b = organization_benchmark_get(reader_big, big, today=today)
        assert (len(a.years), len(b.years)) == (1, 4)
        assert len(few) == len(many), [q["sql"][:120] for q in many.captured_queries]
        # eleven, one more for named peers, two for the reference, one to name the state
        assert len(many) <= 15
    assert b.named_peers is not None and b.named_peers["organization"].nunique() == 7


# ----------------------------------------------------------------------------- the demo


@pytest.mark.django_db
def test_the_demo_gives_each_agency_year_over_year_rows_and_a_peer_comparison(demo_seeded):
    from django.contrib.auth import get_user_model

    from assets.demo import CITY

    viewer = get_user_model().objects.get(username="viewer")
    city = Organization.objects.get(name=CITY)
    agencies = list(Organization.objects.filter(parent=city, kind=AGENCY))
    assert len(agencies) >= 6
    this_year = timezone.localdate().year
    reference = reference_frames()
    for agency in agencies:
        report = organization_benchmark_get(viewer, agency, reference=reference)
        assert len(report.years) >= 4 and max(report.years) >= this_year - 1, agency
        overall = report.changes.loc[report.changes["level"] == "overall"]
        assert overall["score"].notna().all()
        later = overall.loc[overall["year"] > min(report.years)]
        assert (later["previous_year"] == later["year"] - 1).all(), agency
        # The first two years are CSF 1.1, carried into 2.0 terms and marked so.
        assert overall.sort_values("year")["carried"].tolist()[:2] == [True, True]
        peers = report.peers.loc[report.peers["level"] == "overall"]
        assert (~peers["suppressed"]).any(), agency
        assert report.peer_group.named  # the state viewer sees every agency
    rolled = organization_benchmark_get(viewer, city, reference=reference).rmf
    city_rows = rolled.loc[rolled["organization"] == city.pk]
    systems = city_rows.loc[city_rows["metric"] == "systems"].set_index("year")["value"]
    assert systems.loc[this_year] > 0
