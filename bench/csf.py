"""Time the CSF coverage derived from RMF work on a city of 5,000 systems, on a throwaway SQLite
database.

    .venv/bin/python bench/csf.py [--dir ../shared/nist] [--runs 3] [--systems 5000] [--controls 30]

Builds (in bulk, as synthetic data: no services, so that building takes seconds) a state, a
city with 40 agencies and --systems systems, each with a current cycle in Assess, --controls
selected controls drawn from those NIST maps to CSF 2.0 subcategories, their implementation
status (implemented, alternative, partial, planned, not applicable, or none yet), and for most
implemented controls an initial assessment's determinations of every SP 800-53A leaf objective
(some with a weakness, some not finished). Then times, with their query counts: the
organization's coverage selector (CSF 2.0 and 1.1), the assessment form's hints, the
organization coverage page and API as the city's authorizing official and as one agency's
planner, and one system's coverage page and API; and the same for a city of a tenth of the
systems, to show the query counts do not grow. The NIST folder is --dir, else
WORKBENCH_NIST_DIR, else ../shared/nist beside the project.
"""

import random
import time

from throwaway import bench_city, bench_parser, throwaway_django, timed

AGENCIES = 40
# Implementation statuses and how often the benchmark gives them ("" = not documented yet).
STATUSES = (
    ("implemented", 50),
    ("alternative", 5),
    ("partial", 15),
    ("planned", 15),
    ("not_applicable", 5),
    ("", 10),
)


def main() -> None:
    parser = bench_parser(__doc__)
    parser.add_argument("--runs", type=int, default=3, help="repetitions of each read")
    parser.add_argument("--systems", type=int, default=5_000, help="systems of the big city")
    parser.add_argument("--controls", type=int, default=30, help="selected controls per system")
    args = parser.parse_args()

    with throwaway_django(nist_dir=args.dir, label_width=35):
        state = build_state()
        started = time.perf_counter()
        big = build_city(state, "Big City", args.systems, args.controls, seed=1)
        small = build_city(
            state, "Small City", max(args.systems // 10, AGENCIES), args.controls, seed=2
        )
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


def mapped_controls() -> list[str]:
    """The controls NIST maps to a CSF 2.0 subcategory that have SP 800-53A objectives."""
    from csf.models import ControlMapping, CsfElement
    from rmf.models import ControlPart

    with_objectives = ControlPart.objects.filter(name=ControlPart.Name.OBJECTIVE).values("control")
    return sorted(
        set(
            ControlMapping.objects.filter(
                element__version="2.0",
                element__kind=CsfElement.Kind.SUBCATEGORY,
                control__withdrawn=False,
                control__in=with_objectives,
            ).values_list("control_id", flat=True)
        )
    )


def build_city(state, name: str, count: int, controls_per_system: int, *, seed: int) -> dict:
    from rmf.models import (
        Assessment,
        ControlImplementation,
        Determination,
        SelectedControl,
        Step,
    )
    from rmf.selectors.assessment import leaf_objectives

    rng = random.Random(seed)
    built = bench_city(state, name, count, agencies=AGENCIES, step=Step.ASSESS, rng=rng)
    city, agencies, official, planner = (
        built["city"],
        built["agencies"],
        built["official"],
        built["planner"],
    )
    systems, cycles = built["systems"], built["cycles"]
    pool = mapped_controls()
    objectives = leaf_objectives(pool)
    selected = SelectedControl.objects.bulk_create(
        [
            SelectedControl(authorization=cycle, control_id=control_id)
            for cycle in cycles
            for control_id in rng.sample(pool, min(controls_per_system, len(pool)))
        ],
        batch_size=5_000,
    )
    statuses, weights = zip(*STATUSES, strict=True)
    implementations = []
    for control in selected:
        status = rng.choices(statuses, weights)[0]
        control.bench_status = status
        if status or rng.random() < 0.5:  # "none yet": with or without an empty record
            implementations.append(ControlImplementation(selected_control=control, status=status))
    ControlImplementation.objects.bulk_create(implementations, batch_size=5_000)
    assessments = {
        assessment.authorization_id: assessment
        for assessment in Assessment.objects.bulk_create(
            [Assessment(authorization=cycle, title="Initial assessment") for cycle in cycles],
            batch_size=1_000,
        )
    }
    determinations = []
    for control in selected:
        if control.bench_status not in ("implemented", "alternative") or rng.random() < 0.3:
            continue
        parts = objectives.get(control.control_id, [])
        outcome = rng.random()
        if outcome < 0.1:
            parts = parts[: len(parts) // 2]  # the assessor has not finished
        for index, part in enumerate(parts):
            result = "other_than_satisfied" if outcome > 0.9 and index == 0 else "satisfied"
            determinations.append(
                Determination(
                    assessment=assessments[control.authorization_id],
                    selected_control=control,
                    objective=part,
                    result=result,
                )
            )
    Determination.objects.bulk_create(determinations, batch_size=5_000)
    print(
        f"    {name}: {len(systems)} systems in {AGENCIES} agencies, {len(selected)} selected "
        f"controls (from {len(pool)} mapped), {len(implementations)} implementation records, "
        f"{len(determinations)} determinations"
    )
    return {
        "city": city,
        "agency": agencies[0],
        "official": official,
        "planner": planner,
        "system": systems[0],
    }


def run_timings(city: dict, runs: int) -> None:
    from django.test import Client

    from csf.selectors.coverage import (
        organization_csf_coverage,
        organization_subcategory_hints,
        system_csf_coverage,
    )

    organization = city["city"]
    print(f"{organization.name}                          median    queries")

    def line(label: str, fn) -> None:
        seconds, queries, _ = timed(fn, runs)
        print(f"    {label:34} {seconds * 1000:7.0f} ms {queries:6} queries")

    coverage = organization_csf_coverage(organization, "2.0")
    print(
        f"  selectors ({coverage.systems} systems, "
        f"{coverage.counts.covered_percent}% of subcategory-system pairs covered):"
    )
    line("organization coverage, CSF 2.0", lambda: organization_csf_coverage(organization, "2.0"))
    line("organization coverage, CSF 1.1", lambda: organization_csf_coverage(organization, "1.1"))
    line("assessment form hints", lambda: organization_subcategory_hints(organization, "2.0"))
    line("one system's coverage", lambda: system_csf_coverage(city["system"], "2.0"))

    def get(client, path):
        def fetch():
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)

        return fetch

    for who, user, scope in (
        ("authorizing official", city["official"], organization.pk),
        ("agency planner", city["planner"], city["agency"].pk),
    ):
        client = Client()
        client.force_login(user)
        print(f"  as the {who}:")
        line("organization page", get(client, f"/organizations/{scope}/csf/coverage/"))
        line("organization API", get(client, f"/api/v1/csf/coverage/organizations/{scope}/"))
        line("system page", get(client, f"/systems/{city['system'].pk}/csf/"))
        line("system API", get(client, f"/api/v1/csf/coverage/systems/{city['system'].pk}/"))


if __name__ == "__main__":
    main()
