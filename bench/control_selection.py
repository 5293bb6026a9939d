"""Time RMF Step 2 and the cycle reads on a throwaway SQLite database.

    .venv/bin/python bench/control_selection.py [--dir ../shared/nist] [--runs 5]

Creates a government with systems, walks them through the services to different steps, then
times control_set_select (HIGH, and MODERATE + PRIVACY), cycle_facts of a HIGH cycle, a
re-authorization carrying a HIGH cycle forward, and portfolio_rows for 50 systems at various
steps, with the number of queries of each. The NIST folder is --dir, else WORKBENCH_NIST_DIR,
else ../shared/nist beside the project.
"""

import statistics
import time

from throwaway import bench_parser, throwaway_django


def main() -> None:
    parser = bench_parser(__doc__)
    parser.add_argument("--runs", type=int, default=5, help="systems timed per measurement")
    args = parser.parse_args()

    with throwaway_django(nist_dir=args.dir, label_width=33):
        print()
        Bench(args.runs).run()


class Bench:
    def __init__(self, runs: int) -> None:
        from django.contrib.auth import get_user_model

        from assets.models import Organization, Role
        from assets.services import membership_grant, organization_create

        self.runs = runs
        self.count = 0
        state = organization_create(actor=None, name="Bench State", kind=Organization.Kind.STATE)
        self.city = organization_create(
            actor=None, name="Bench City", kind=Organization.Kind.CITY, parent=state
        )
        self.agencies = [
            organization_create(
                actor=None, name=name, kind=Organization.Kind.AGENCY, parent=self.city
            )
            for name in ("Transportation", "Water", "Finance")
        ]
        users = get_user_model().objects
        self.planner = users.create_user("planner", password="bench-planner")
        self.ao = users.create_user("ao", password="bench-ao")
        membership_grant(actor=None, organization=self.city, user=self.planner, role=Role.PLANNER)
        membership_grant(
            actor=None, organization=self.city, user=self.ao, role=Role.AUTHORIZING_OFFICIAL
        )

    # --- walking systems through the steps, with the services -----------------------------

    def system(self, types: tuple[str, ...], pii: bool = False):
        from assets.models import InformationType, System
        from assets.services import component_create, system_create, system_information_type_add

        self.count += 1
        system = system_create(
            actor=None,
            organization=self.agencies[self.count % len(self.agencies)],
            name=f"Bench system {self.count}",
            acronym=f"B{self.count}",
            kind=System.Kind.IT,
            system_type=System.SystemType.MAJOR_APPLICATION,
            description="A system for the benchmark.",
            boundary_description="Its servers.",
            system_owner=self.planner,
            authorizing_official=self.ao,
            processes_pii=pii,
        )
        component_create(actor=None, system=system, name="Server", component_type="hardware")
        for type_id in types:
            system_information_type_add(
                actor=None, system=system, catalog_type=InformationType.objects.get(pk=type_id)
            )
        return system

    def in_categorize(self, types, pii=False):
        from rmf.services.workflow import authorization_start

        return authorization_start(actor=self.planner, system=self.system(types, pii))

    def in_select(self, types, pii=False):
        from rmf.services.workflow import authorization_advance, task_signoff

        authorization = self.in_categorize(types, pii)
        task_signoff(actor=self.ao, authorization=authorization, task="C-3")
        return authorization_advance(actor=self.planner, authorization=authorization)

    def selected(self, types, pii=False, *, share=0.5):
        """In Select, baseline chosen, frequencies set, `share` of the parameters valued."""
        from rmf.services.selection import (
            control_set_select,
            monitoring_frequency_set,
            parameter_values_set,
        )

        authorization = self.in_select(types, pii)
        control_set_select(actor=self.planner, authorization=authorization)
        monitoring_frequency_set(
            actor=self.planner, authorization=authorization, frequency="annual"
        )
        values = self.parameter_values(authorization)
        keep = sorted(values)[: int(len(values) * share)]
        parameter_values_set(
            actor=self.planner,
            authorization=authorization,
            values={key: values[key] for key in keep},
        )
        return authorization

    def in_implement(self, types, pii=False):
        from rmf.services.workflow import authorization_advance, task_signoff

        authorization = self.selected(types, pii, share=1.0)
        task_signoff(actor=self.ao, authorization=authorization, task="S-6")
        return authorization_advance(actor=self.planner, authorization=authorization)

    @staticmethod
    def parameter_values(authorization) -> dict[str, str]:
        from rmf.models import ControlParameter

        return {
            parameter.pk: parameter.choices[0] if parameter.choices else "as the policy says"
            for parameter in ControlParameter.objects.filter(
                control__selections__authorization=authorization,
                control__selections__tailoring__in=["baseline", "added"],
                aggregates=[],
            )
        }

    # --- measurements ---------------------------------------------------------------------

    @staticmethod
    def timed(function):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = function()
            elapsed = time.perf_counter() - started
        return elapsed, len(queries), result

    def report(self, what: str, samples: list[tuple[float, int]], extra: str = "") -> None:
        times = [seconds * 1000 for seconds, _ in samples]
        queries = sorted({count for _, count in samples})
        print(
            f"{what:44} median {statistics.median(times):8.1f} ms   min {min(times):8.1f} ms"
            f"   max {max(times):8.1f} ms   queries {'/'.join(map(str, queries))}"
            + (f"   {extra}" if extra else "")
        )

    def run(self) -> None:
        from rmf.models import SelectedControl, Step
        from rmf.selectors.portfolio import portfolio_rows, portfolio_systems
        from rmf.selectors.workflow import cycle_facts
        from rmf.services.selection import control_set_select
        from rmf.services.workflow import authorization_start

        high, moderate, low = ("D.2.2",), ("C.2.4.1",), ("C.2.1.1",)
        for label, types, pii in (
            ("control_set_select HIGH", high, False),
            ("control_set_select MODERATE + PRIVACY", moderate, True),
            ("control_set_select LOW", low, False),
        ):
            samples, controls = [], 0
            for _ in range(self.runs):
                authorization = self.in_select(types, pii)
                elapsed, queries, _ = self.timed(
                    lambda a=authorization: control_set_select(actor=self.planner, authorization=a)
                )
                samples.append((elapsed, queries))
                controls = SelectedControl.objects.filter(authorization=authorization).count()
            self.report(label, samples, f"{controls} controls")

        authorization = self.selected(high)
        facts = cycle_facts(authorization)
        samples = [self.timed(lambda: cycle_facts(authorization))[:2] for _ in range(20)]
        self.report(
            "cycle_facts HIGH (half the parameters valued)",
            samples,
            f"{facts.selection.parameters} parameters, "
            f"{facts.selection.parameters_without_value} without value",
        )

        samples = []
        for _ in range(self.runs):
            previous = self.selected(high)
            samples.append(
                self.timed(
                    lambda p=previous: authorization_start(actor=self.planner, system=p.system)
                )[:2]
            )
        self.report("re-authorization carrying a HIGH cycle", samples)

        # The portfolio: 50 systems at various steps (the ones above included).
        started = time.perf_counter()
        while self.count < 33:
            self.in_categorize(moderate)
        for types in (high, moderate, low, moderate, high, moderate, moderate):
            self.selected(types, pii=types is moderate)
        for types in (moderate, high, low):
            self.in_implement(types)
        while self.count < 50:
            self.system(low)  # not started
        print(f"\n(portfolio set-up: {time.perf_counter() - started:.1f} s)")
        steps = {}
        for step in ("not_started", Step.CATEGORIZE, Step.SELECT, Step.IMPLEMENT):
            steps[step] = portfolio_systems(self.ao, step=step).count()
        systems = list(portfolio_systems(self.ao))
        samples = [self.timed(lambda: portfolio_rows(systems))[:2] for _ in range(10)]
        self.report(
            f"portfolio_rows, {len(systems)} systems",
            samples,
            ", ".join(f"{count} {step}" for step, count in steps.items()),
        )
        samples = [self.timed(lambda: portfolio_rows(systems[:1]))[:2] for _ in range(10)]
        self.report("portfolio_rows, 1 system", samples)


if __name__ == "__main__":
    main()
