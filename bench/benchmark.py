"""Time the benchmark reports' reads and computations on 10 years x 200 organizations, on a
throwaway SQLite database.

    .venv/bin/python bench/benchmark.py [--dir ../shared/nist] [--runs 3] [--years 10]

Builds (in bulk, as synthetic data: no services, so that building takes seconds) a state with
10 cities of 19 agencies each: 200 organizations, every one with an approved CSF assessment in
each of --years years (the first four in CSF 1.1, 108 subcategories; the later ones in CSF 2.0,
106), a few subcategories skipped or saved without a score; and for the RMF metrics, three
systems per agency and one per city, each with two cycles, their decisions, POA&M items
(some completed, some risk-accepted, some with milestones) and selected controls with
determinations at dates spread over the years. Then times, with their query counts: the
set-based reads for 20 and for 200 organizations (the counts must not grow), the pandas
computations over all 200 organizations, and one organization's full report data, as the
agency's planner (anonymous peers) and as the state viewer (named peers). The NIST folder is
--dir, else WORKBENCH_NIST_DIR, else ../shared/nist beside the project.
"""

import random
import time
from contextlib import contextmanager
from datetime import date, datetime, timedelta

from throwaway import bench_parser, throwaway_django, timed

CITIES = 10
AGENCIES_PER_CITY = 19  # 10 cities + 190 agencies = 200 organizations assessed
CSF11_YEARS = 4
SYSTEMS_PER_AGENCY = 3
# The selected controls of every cycle (those with SP 800-53A objectives are kept).
CONTROLS = [
    "ac-2",
    "ac-3",
    "ac-6",
    "au-2",
    "au-6",
    "cm-2",
    "cm-6",
    "cp-2",
    "cp-9",
    "ia-2",
    "ia-5",
    "ir-4",
    "ra-5",
    "sc-7",
    "sc-8",
    "sc-13",
    "si-2",
    "si-3",
    "si-4",
    "ca-7",
]
POAM_PER_CYCLE = 6


def main() -> None:
    parser = bench_parser(__doc__)
    parser.add_argument("--runs", type=int, default=3, help="repetitions of each timing")
    parser.add_argument("--years", type=int, default=10, help="years of assessments")
    args = parser.parse_args()

    with throwaway_django(nist_dir=args.dir, label_width=40):
        from django.utils import timezone

        today = timezone.localdate()
        years = list(range(today.year - args.years + 1, today.year + 1))
        started = time.perf_counter()
        world = build(years, today, seed=7)
        print(f"{'build (bulk)':40}{time.perf_counter() - started:7.2f} s\n")
        run_timings(world, years, today, args.runs)


# ----------------------------------------------------------------------------- building


@contextmanager
def dates_as_given():
    """bulk_create keeps the dates the bench sets on auto_now(_add) fields."""
    from assets.models import System
    from rmf.models import Authorization, Determination, PoamItem

    fields = [
        System._meta.get_field("created_at"),
        Authorization._meta.get_field("started_at"),
        PoamItem._meta.get_field("created_at"),
        Determination._meta.get_field("updated_at"),
    ]
    saved = [(field.auto_now, field.auto_now_add) for field in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, (now, now_add) in zip(fields, saved, strict=True):
            field.auto_now, field.auto_now_add = now, now_add


def aware(day: date, hour: int = 12) -> datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def build(years: list[int], today: date, *, seed: int) -> dict:
    from assets.models import Organization, Role
    from assets.services import membership_grant, organization_create
    from tests.factories import UserFactory

    rng = random.Random(seed)
    state = organization_create(
        actor=None, name="State of Example", kind=Organization.Kind.STATE, parent=None
    )
    cities, agencies = [], []
    for c in range(CITIES):
        city = organization_create(
            actor=None, name=f"City {c}", kind=Organization.Kind.CITY, parent=state
        )
        cities.append(city)
        agencies.append(
            [
                organization_create(
                    actor=None,
                    name=f"City {c} agency {a}",
                    kind=Organization.Kind.AGENCY,
                    parent=city,
                )
                for a in range(AGENCIES_PER_CITY)
            ]
        )
    assessed = [org for c, city in enumerate(cities) for org in (city, *agencies[c])]
    viewer = UserFactory(username="state.viewer")
    planner = UserFactory(username="agency.planner")
    official = UserFactory(username="city.ao")
    membership_grant(actor=None, organization=state, user=viewer, role=Role.VIEWER)
    membership_grant(actor=None, organization=agencies[0][0], user=planner, role=Role.PLANNER)
    membership_grant(
        actor=None, organization=cities[0], user=official, role=Role.AUTHORIZING_OFFICIAL
    )
    answers = build_assessments(assessed, years, rng)
    rmf = build_rmf(cities, agencies, years, today, official, rng)
    print(f"    {len(assessed)} organizations, {len(years)} years: {answers} answers; {rmf}")
    return {
        "state": state,
        "cities": cities,
        "agencies": agencies,
        "assessed": assessed,
        "viewer": viewer,
        "planner": planner,
        "official": official,
    }


def build_assessments(organizations, years: list[int], rng: random.Random) -> int:
    from csf.models import CsfAnswer, CsfAssessment, CsfElement, CsfTarget

    subcategories = {
        version: list(
            CsfElement.objects.filter(
                version=version, kind=CsfElement.Kind.SUBCATEGORY, withdrawn=False
            )
            .order_by("sort_order")
            .values_list("pk", flat=True)
        )
        for version in ("1.1", "2.0")
    }
    assessments = CsfAssessment.objects.bulk_create(
        [
            CsfAssessment(
                organization=organization,
                year=year,
                framework="1.1" if index < CSF11_YEARS else "2.0",
                status=CsfAssessment.Status.APPROVED,
                origin=CsfAssessment.Origin.COPIED if index else CsfAssessment.Origin.BLANK,
            )
            for organization in organizations
            for index, year in enumerate(years)
        ],
        batch_size=1_000,
    )
    level = {organization.pk: rng.uniform(1.5, 4.5) for organization in organizations}
    rows = []
    for assessment in assessments:
        base = level[assessment.organization_id] + 0.25 * (assessment.year - years[0])
        for pk in subcategories[assessment.framework]:
            roll = rng.random()
            if roll < 0.03:
                continue  # skipped
            score = None if roll < 0.05 else max(1, min(7, round(rng.gauss(base, 1.0))))
            rows.append(CsfAnswer(assessment=assessment, subcategory_id=pk, score=score))
    CsfAnswer.objects.bulk_create(rows, batch_size=10_000)
    CsfTarget.objects.bulk_create(
        [
            CsfTarget(organization=organization, subcategory_id=pk, score=rng.randint(3, 6))
            for organization in organizations
            for pk in rng.sample(subcategories["2.0"], 20)
        ],
        batch_size=5_000,
    )
    return len(rows)


def build_rmf(cities, agencies, years, today: date, signer, rng: random.Random) -> str:
    from assets.models import System
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

    first_day = date(years[0], 1, 1)
    span = (today - first_day).days

    def some_day(after: date, within: int) -> date:
        return min(today, after + timedelta(days=rng.randint(0, max(within, 0))))

    owners = [(city, 1) for city in cities] + [
        (agency, SYSTEMS_PER_AGENCY) for group in agencies for agency in group
    ]
    with dates_as_given():
        systems = System.objects.bulk_create(
            [
                System(
                    organization=organization,
                    name=f"{organization.name} system {n}",
                    acronym=f"S{n}",
                    kind=System.Kind.IT,
                    system_type=System.SystemType.MAJOR_APPLICATION,
                    created_at=aware(some_day(first_day - timedelta(days=400), span // 2)),
                )
                for organization, count in owners
                for n in range(count)
            ],
            batch_size=1_000,
        )
        # A few systems disposed along the way.
        for system in rng.sample(systems, len(systems) // 20):
            system.status = System.Status.DISPOSED
            system.retirement_date = some_day(first_day + timedelta(days=span // 2), span // 2)
        System.objects.bulk_update(systems, ["status", "retirement_date"], batch_size=1_000)

        firsts, seconds = [], []
        for system in systems:
            start = some_day(system.created_at.date(), 300)
            firsts.append(Authorization(system=system, cycle=1, is_current=False))
            firsts[-1].started_at = aware(start, 9)
        firsts = Authorization.objects.bulk_create(firsts, batch_size=1_000)
        for first in firsts:
            start = some_day(first.started_at.date() + timedelta(days=900), 400)
            seconds.append(
                Authorization(
                    system=first.system,
                    cycle=2,
                    is_current=True,
                    previous=first,
                    started_at=aware(start, 9),
                )
            )
        seconds = Authorization.objects.bulk_create(seconds, batch_size=1_000)
        cycles = firsts + seconds

        decisions = []
        for cycle in cycles:
            signed = cycle.started_at.date() + timedelta(days=rng.randint(60, 240))
            if signed >= today or rng.random() < 0.1:
                continue  # not decided yet
            kind = rng.choice(["ato", "ato", "ato_conditions", "iatt", "denial"])
            decisions.append(
                AuthorizationDecision(
                    authorization=cycle,
                    kind=kind,
                    decision_date=signed,
                    termination_date=None
                    if kind == "denial"
                    else signed + timedelta(days=365 * 3 if kind != "iatt" else 180),
                    signed_by=signer,
                    signer_name="Bench Official",
                    signed_at=aware(signed, 15),
                    content_hash="0" * 64,
                    snapshot={},
                )
            )
        AuthorizationDecision.objects.bulk_create(decisions, batch_size=1_000)

        items = []
        for cycle in cycles:
            for number in range(1, POAM_PER_CYCLE + 1):
                opened = some_day(cycle.started_at.date() + timedelta(days=60), 700)
                item = PoamItem(
                    authorization=cycle,
                    number=number,
                    weakness="Weakness found by the assessment",
                    source="Initial assessment",
                    scheduled_completion=opened + timedelta(days=rng.randint(30, 365)),
                    created_at=aware(opened, 10),
                )
                roll = rng.random()
                if roll < 0.5:
                    done = some_day(opened + timedelta(days=10), 400)
                    item.status, item.closed_at = PoamItem.Status.COMPLETED, aware(done, 16)
                elif roll < 0.6:
                    done = some_day(opened + timedelta(days=10), 200)
                    item.status = PoamItem.Status.RISK_ACCEPTED
                    item.risk_accepted_at = aware(done, 16)
                elif roll < 0.8:
                    item.status = PoamItem.Status.ONGOING
                items.append(item)
        items = PoamItem.objects.bulk_create(items, batch_size=5_000)
        milestones = [
            PoamMilestone(
                item=item,
                description="Milestone",
                due_on=item.scheduled_completion - timedelta(days=20),
                completed_on=None
                if rng.random() < 0.4
                else item.scheduled_completion - timedelta(days=rng.randint(0, 40)),
            )
            for item in items
            if rng.random() < 0.5
        ]
        PoamMilestone.objects.bulk_create(milestones, batch_size=5_000)

        objectives = leaf_objectives(CONTROLS)
        controls = [control for control in CONTROLS if objectives.get(control)]
        selected = SelectedControl.objects.bulk_create(
            [
                SelectedControl(authorization=cycle, control_id=control)
                for cycle in cycles
                for control in controls
            ],
            batch_size=5_000,
        )
        by_cycle = {
            assessment.authorization_id: assessment
            for assessment in Assessment.objects.bulk_create(
                [Assessment(authorization=cycle, title="Assessment") for cycle in cycles],
                batch_size=1_000,
            )
        }
        started = {cycle.pk: cycle.started_at.date() for cycle in cycles}
        determinations = [
            Determination(
                assessment=by_cycle[control.authorization_id],
                selected_control=control,
                objective=objectives[control.control_id][0],
                result="satisfied",
                updated_at=aware(some_day(started[control.authorization_id], 1_000)),
            )
            for control in selected
            if rng.random() < 0.7
        ]
        Determination.objects.bulk_create(determinations, batch_size=5_000)
    return (
        f"{len(systems)} systems, {len(cycles)} cycles, {len(decisions)} decisions, "
        f"{len(items)} POA&M items, {len(selected)} selected controls, "
        f"{len(determinations)} determinations"
    )


# ----------------------------------------------------------------------------- timing


def run_timings(world: dict, years: list[int], today: date, runs: int) -> None:
    from csf.benchmarks import data, data_rmf, frames, rmf_metrics
    from csf.benchmarks.exports import REPORT_FORMATS
    from csf.benchmarks.summary import summary_sentences
    from csf.models import CsfAssessment

    def line(label: str, fn, *, rows=None):
        seconds, queries, result = timed(fn, runs)
        extra = f"  {rows(result):>9,} rows" if rows else ""
        print(f"    {label:44} {seconds * 1000:8.0f} ms {queries:4} queries{extra}")
        return result

    every = world["assessed"]
    twenty = every[:20]  # the first city and its 19 agencies
    agency = world["agencies"][0][0]
    city = world["cities"][0]
    assessments = CsfAssessment.objects.all()
    print(f"{'':48} median {'':6}queries")
    print("  database reads (set-based: the counts do not grow):")
    reference = line("reference frames (CSF 2.0 tree, crosswalk)", data.reference_frames)
    for label, organizations in (("20", twenty), ("200", every)):
        line(
            f"approved answers, {label} organizations",
            lambda orgs=organizations: data.answers_frame(assessments, organizations=orgs),
            rows=len,
        )
    line(
        "approved answers, 200 organizations, 1 year",
        lambda: data.answers_frame(assessments, organizations=every, years=years[-1:]),
        rows=len,
    )
    line("targets, 200 organizations", lambda: data.targets_frame(every), rows=len)
    for label, organizations in (("20", twenty), ("200", every)):
        line(
            f"RMF counts, {label} organizations, {len(years)} years",
            lambda orgs=organizations: data_rmf.rmf_counts_frame(orgs, years, today=today),
            rows=len,
        )
    line(
        "RMF counts, 200 organizations, 1 year",
        lambda: data_rmf.rmf_counts_frame(every, years[-1:], today=today),
        rows=len,
    )

    answers = data.answers_frame(assessments, organizations=every)
    organizations = data_rmf.organization_frame([world["state"], *every])
    counts = data_rmf.rmf_counts_frame(every, years, today=today)
    print(f"  pandas ({len(every)} organizations x {len(years)} years, {len(answers):,} answers):")
    carried = line(
        "CSF 1.1 years into 2.0 terms (crosswalk)",
        lambda: frames.in_csf20_terms(answers, reference.crosswalk),
        rows=len,
    )
    scores = line(
        "scores of every level, all organizations",
        lambda: frames.scores_by_level(carried, reference.tree),
        rows=len,
    )
    own = scores.loc[scores["organization"] == agency.pk]
    peers = scores.loc[scores["organization"].isin([org.pk for org in world["agencies"][0]])]
    changes = line("year over year, one organization", lambda: frames.year_over_year(own), rows=len)
    line(
        "most improved and declined",
        lambda: (frames.most_improved(changes), frames.most_declined(changes)),
    )
    line(
        "against target (its targets read)",
        lambda: frames.against_target(own, data.targets_frame([agency])),
        rows=len,
    )
    line("peer stats, one agency vs 18 siblings", lambda: frames.peer_stats(own, peers), rows=len)

    def every_agency_against_its_siblings():
        for group in world["agencies"]:
            members = scores.loc[scores["organization"].isin([org.pk for org in group])]
            for _, own_scores in members.groupby("organization"):
                frames.peer_stats(own_scores, members)

    line("peer stats, each of 190 agencies vs siblings", every_agency_against_its_siblings)
    line("summary sentences", lambda: summary_sentences(changes, titles=reference.titles))
    line(
        "RMF roll-up + metrics, 201 organizations",
        lambda: rmf_metrics.programme_metrics(
            rmf_metrics.rolled_up(counts, organizations[["organization", "parent"]])
        ),
        rows=len,
    )

    print("  one organization's full report data (organization_benchmark_get):")
    for label, user, organization, span in (
        ("agency, its planner, 10 years", world["planner"], agency, None),
        ("agency, its planner, 1 year", world["planner"], agency, years[-1:]),
        ("agency, state viewer (named peers)", world["viewer"], agency, None),
        ("city, state viewer (20 orgs rolled up)", world["viewer"], city, None),
        ("city, its authorizing official", world["official"], city, None),
        ("state, state viewer (200 orgs rolled up)", world["viewer"], world["state"], None),
    ):
        report = line(
            label,
            lambda u=user, o=organization, s=span: data.organization_benchmark_get(
                u, o, years=s, today=today, reference=reference
            ),
        )
    line(
        "agency, its planner, state-wide peer group",
        lambda: data.organization_benchmark_get(
            world["planner"], agency, today=today, reference=reference, peer_scope=data.STATE
        ),
    )
    old_terms = data.reference_frames("1.1")
    line(
        "agency, its planner, CSF 1.1 years in 1.1 terms",
        lambda: data.organization_benchmark_get(
            world["planner"], agency, today=today, framework="1.1", reference=old_terms
        ),
    )
    report = data.organization_benchmark_get(world["planner"], agency, today=today)
    print("  the report as files (no queries: the report data is read once, above):")
    for report_format in REPORT_FORMATS.values():
        rendered = line(
            f"{report_format.name}, agency, 10 years",
            lambda render=report_format.render: render(report),
        )
        print(f"    {'':44} {len(rendered[2]) / 1024:8.0f} KB  {rendered[0]}")
    print(f"  e.g. {agency.name}: " + " ".join(report.summary))
    table = rmf_metrics.metrics_table(report.rmf, agency.pk)
    print(
        table[["systems", "authorized_percent", "poam_overdue", "coverage_percent"]]
        .round(1)
        .to_string()
    )


if __name__ == "__main__":
    main()
