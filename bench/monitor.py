"""Time the Monitor step's organization pages on a city of 5,000 authorized systems, on a
throwaway SQLite database.

    .venv/bin/python bench/monitor.py [--dir ../shared/nist] [--runs 5] [--systems 5000]

Builds (in bulk, as synthetic data: no services, so that building takes seconds) a state, a
city with 40 agencies and --systems systems, each with a current cycle in Monitor, a signed
decision of a random kind and age (some expired, some expiring), an initial assessment with
three controls and findings, and four POA&M items of every age with milestones. Then times, with
their query counts, as the city's authorizing official and as one agency's planner: the
organization dashboard, the POA&M list (all, overdue, one age bucket), the authorizations list
(all, expiring within 90 days), the security status report, and their API twins; and the same
pages for a city of a tenth of the systems, to show the query counts do not grow. The NIST
folder is --dir, else WORKBENCH_NIST_DIR, else ../shared/nist beside the project. Pages that do
not exist are skipped and said so.
"""

import random
import time
from datetime import timedelta

from throwaway import bench_city, bench_parser, throwaway_django, timed

AGENCIES = 40
CONTROLS = ("ac-2", "ia-5", "si-2")


def main() -> None:
    parser = bench_parser(__doc__)
    parser.add_argument("--runs", type=int, default=5, help="repetitions of each read")
    parser.add_argument("--systems", type=int, default=5_000, help="systems of the big city")
    args = parser.parse_args()

    with throwaway_django(nist_dir=args.dir, label_width=35):
        state = build_state()
        started = time.perf_counter()
        big = build_city(state, "Big City", args.systems, seed=1)
        small = build_city(state, "Small City", max(args.systems // 10, AGENCIES), seed=2)
        print(f"build both cities                  {time.perf_counter() - started:7.2f} s\n")
        for city in (big, small):
            run_timings(city, args.runs)
            print()


def build_state():
    from assets.models import Organization
    from assets.services import organization_create

    return organization_create(
        actor=None, name="State of Example", kind=Organization.Kind.STATE, parent=None
    )


def build_city(state, name: str, count: int, *, seed: int) -> dict:
    from django.utils import timezone

    from rmf.models import (
        Assessment,
        AuthorizationDecision,
        Finding,
        PoamItem,
        PoamMilestone,
        SelectedControl,
        Step,
    )

    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()
    built = bench_city(state, name, count, agencies=AGENCIES, step=Step.MONITOR, rng=rng)
    city, agencies, official, planner = (
        built["city"],
        built["agencies"],
        built["official"],
        built["planner"],
    )
    systems, cycles = built["systems"], built["cycles"]
    kinds = AuthorizationDecision.Kind
    decisions = []
    for cycle in cycles:
        signed = today - timedelta(days=rng.randint(0, 3 * 365 + 60))
        kind = rng.choices(
            [kinds.ATO, kinds.ATO_WITH_CONDITIONS, kinds.IATT, kinds.DENIAL], [70, 15, 10, 5]
        )[0]
        term = {kinds.IATT: 182, kinds.DENIAL: None}.get(kind, 3 * 365)
        decisions.append(
            AuthorizationDecision(
                authorization=cycle,
                kind=kind,
                conditions=["Report monthly."] if kind == kinds.ATO_WITH_CONDITIONS else [],
                decision_date=signed,
                termination_date=signed + timedelta(days=term) if term else None,
                signed_by=official,
                signer_name=official.username,
                signed_at=now - (today - signed),
                content_hash="0" * 64,
                snapshot={},
            )
        )
    AuthorizationDecision.objects.bulk_create(decisions, batch_size=1_000)
    selected = SelectedControl.objects.bulk_create(
        [
            SelectedControl(authorization=cycle, control_id=control, monitoring_frequency="annual")
            for cycle in cycles
            for control in CONTROLS
        ],
        batch_size=5_000,
    )
    assessments = Assessment.objects.bulk_create(
        [Assessment(authorization=cycle, title="Initial assessment") for cycle in cycles],
        batch_size=1_000,
    )
    levels = ["very_low", "low", "moderate", "high", "very_high"]
    findings = Finding.objects.bulk_create(
        [
            Finding(
                assessment=assessment,
                selected_control=selected[index * len(CONTROLS) + number],
                number=number + 1,
                weakness="A weakness found by the benchmark.",
                likelihood=rng.choice(levels),
                impact=rng.choice(levels),
                risk_level=rng.choice(levels),
                recommendation="Fix it.",
            )
            for index, assessment in enumerate(assessments)
            for number in range(len(CONTROLS))
        ],
        batch_size=5_000,
    )
    statuses = ["open", "ongoing", "ongoing", "risk_accepted", "completed"]
    items = PoamItem.objects.bulk_create(
        [
            PoamItem(
                authorization=finding.assessment.authorization,
                number=finding.number,
                finding=finding,
                selected_control=finding.selected_control,
                weakness=finding.weakness,
                source=f"Initial assessment, finding {finding.code}",
                risk_level=finding.risk_level,
                point_of_contact="The system owner",
                scheduled_completion=today + timedelta(days=rng.randint(-200, 200)),
                status=rng.choice(statuses),
            )
            for finding in findings
        ]
        + [
            PoamItem(
                authorization=cycle,
                number=len(CONTROLS) + 1,
                weakness="Added by hand by the benchmark.",
                source="Added by hand",
                risk_level=rng.choice(levels),
                scheduled_completion=today + timedelta(days=rng.randint(-30, 300)),
                status="open",
            )
            for cycle in cycles
        ],
        batch_size=5_000,
    )
    # Ages spread over two years: bulk_create sets created_at to now, moved back here.
    for item in items:
        item.created_at = now - timedelta(days=rng.randint(0, 730))
    PoamItem.objects.bulk_update(items, ["created_at"], batch_size=5_000)
    PoamMilestone.objects.bulk_create(
        [
            PoamMilestone(
                item=item,
                description="A milestone of the benchmark.",
                due_on=today + timedelta(days=rng.randint(-120, 120)),
                completed_on=today if rng.random() < 0.3 else None,
            )
            for item in items
        ],
        batch_size=5_000,
    )
    print(
        f"    {name}: {len(systems)} systems in {AGENCIES} agencies, {len(decisions)} "
        f"decisions, {len(findings)} findings, {len(items)} POA&M items"
    )
    return {"city": city, "agency": agencies[0], "official": official, "planner": planner}


def exists(path: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(path.split("?")[0])
    except Resolver404:
        return False
    return True


def run_timings(city: dict, runs: int) -> None:
    from django.test import Client

    organization = city["city"].pk
    agency = city["agency"].pk
    pages = (
        ("dashboard", f"/organizations/{organization}/dashboard/"),
        ("POA&M list", f"/organizations/{organization}/poam/"),
        ("POA&M list, overdue", f"/organizations/{organization}/poam/?overdue=1"),
        ("POA&M list, aged 91-180 days", f"/organizations/{organization}/poam/?aging=91-180"),
        ("authorizations", f"/organizations/{organization}/authorizations/"),
        (
            "authorizations, expiring in 90 d",
            f"/organizations/{organization}/authorizations/?expiring=90",
        ),
        ("status report", f"/organizations/{organization}/status-report/"),
        ("API dashboard", f"/api/v1/organizations/{organization}/dashboard/"),
        ("API POA&M list", f"/api/v1/organizations/{organization}/poam/"),
        ("API authorizations", f"/api/v1/organizations/{organization}/authorizations/"),
        ("API status report", f"/api/v1/organizations/{organization}/status-report/"),
    )
    print(f"{city['city'].name}                          median    queries")
    for who, user, scope in (
        ("authorizing official", city["official"], organization),
        ("agency planner", city["planner"], agency),
    ):
        client = Client()
        client.force_login(user)
        print(f"  as the {who}:")
        for label, path in pages:
            path = path.replace(f"/{organization}/", f"/{scope}/")
            if not exists(path):
                print(f"    {label:34} skipped: the page does not exist")
                continue
            seconds, queries, response = timed(lambda p=path, c=client: c.get(p), runs)
            assert response.status_code == 200, (path, response.status_code)
            print(f"    {label:34} {seconds * 1000:7.0f} ms {queries:6} queries")


if __name__ == "__main__":
    main()
