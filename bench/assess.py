"""Time RMF Steps 3 and 4 on a HIGH system, on a throwaway SQLite database.

    .venv/bin/python bench/assess.py [--dir ../shared/nist] [--runs 5]

Walks a HIGH system (370 controls, about 1,460 SP 800-53A objectives) to Implement with the
services, then times, with their query counts: the implementation worklist (selector, page and
API), a bulk status change of every control, the assessment worklist (selector, page and API)
and a control's assessment page, and a full assessment recorded through the REST API (one PUT
of a control's determinations per control, as an assessor's tool would), then cycle_facts of
the assessed cycle. The NIST folder is --dir, else WORKBENCH_NIST_DIR, else ../shared/nist
beside the project.
"""

import statistics
import time

from throwaway import bench_parser, throwaway_django

HIGH = ("D.2.2",)


def main() -> None:
    parser = bench_parser(__doc__)
    parser.add_argument("--runs", type=int, default=5, help="repetitions of each read")
    args = parser.parse_args()

    with throwaway_django(nist_dir=args.dir, label_width=33):
        print()
        Bench(args.runs).run()


class Bench:
    def __init__(self, runs: int) -> None:
        from django.contrib.auth import get_user_model

        from assets.models import Organization, Role
        from assets.services import membership_grant, organization_create, system_assessor_grant

        self.runs = runs
        state = organization_create(actor=None, name="Bench State", kind=Organization.Kind.STATE)
        city = organization_create(
            actor=None, name="Bench City", kind=Organization.Kind.CITY, parent=state
        )
        self.agency = organization_create(
            actor=None, name="Transportation", kind=Organization.Kind.AGENCY, parent=city
        )
        users = get_user_model().objects
        self.planner = users.create_user("planner", password="bench-planner")
        self.ao = users.create_user("ao", password="bench-ao")
        self.assessor = users.create_user("assessor", password="bench-assessor")
        membership_grant(actor=None, organization=city, user=self.planner, role=Role.PLANNER)
        membership_grant(
            actor=None, organization=city, user=self.ao, role=Role.AUTHORIZING_OFFICIAL
        )
        self.system = self.make_system()
        system_assessor_grant(actor=None, system=self.system, user=self.assessor)

    def make_system(self):
        from assets.models import InformationType, System
        from assets.services import component_create, system_create, system_information_type_add

        system = system_create(
            actor=None,
            organization=self.agency,
            name="Traffic signal control",
            acronym="TSC",
            kind=System.Kind.OT,
            system_type=System.SystemType.MAJOR_APPLICATION,
            description="Signals at 238 intersections.",
            boundary_description="Central servers, field network, controllers.",
            system_owner=self.planner,
            authorizing_official=self.ao,
        )
        component_create(actor=None, system=system, name="Server", component_type="hardware")
        for type_id in HIGH:
            system_information_type_add(
                actor=None, system=system, catalog_type=InformationType.objects.get(pk=type_id)
            )
        return system

    def in_implement(self):
        from rmf.models import ControlParameter
        from rmf.services.selection import (
            control_set_select,
            monitoring_frequency_set,
            parameter_values_set,
        )
        from rmf.services.workflow import authorization_advance, authorization_start, task_signoff

        authorization = authorization_start(actor=self.planner, system=self.system)
        task_signoff(actor=self.ao, authorization=authorization, task="C-3")
        authorization = authorization_advance(actor=self.planner, authorization=authorization)
        control_set_select(actor=self.planner, authorization=authorization)
        monitoring_frequency_set(
            actor=self.planner, authorization=authorization, frequency="annual"
        )
        parameter_values_set(
            actor=self.planner,
            authorization=authorization,
            values={
                parameter.pk: parameter.choices[0] if parameter.choices else "as the policy says"
                for parameter in ControlParameter.objects.filter(
                    control__selections__authorization=authorization,
                    control__selections__tailoring__in=["baseline", "added"],
                    aggregates=[],
                )
            },
        )
        task_signoff(actor=self.ao, authorization=authorization, task="S-6")
        return authorization_advance(actor=self.planner, authorization=authorization)

    def write_narratives(self, authorization) -> None:
        """A narrative for every required statement part, written in bulk: the bench times the
        reads and the assessment, not hundreds of form posts."""
        from rmf.models import ControlImplementation, Designation, ImplementationNarrative
        from rmf.selectors.implementation import statement_parts_needing_narratives

        implementations = {
            implementation.selected_control.control_id: implementation
            for implementation in ControlImplementation.objects.filter(
                selected_control__authorization=authorization
            )
            .exclude(selected_control__designation=Designation.COMMON)
            .select_related("selected_control")
        }
        parts = statement_parts_needing_narratives(implementations)
        ImplementationNarrative.objects.bulk_create(
            ImplementationNarrative(
                implementation=implementations[control_id],
                part=part,
                text=f"How the system meets {part.label or part.pk}.",
                updated_by=self.planner,
            )
            for control_id, control_parts in parts.items()
            for part in control_parts
        )

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

    def measure(self, what: str, function, extra: str = "", runs: int | None = None) -> None:
        samples = [self.timed(function)[:2] for _ in range(runs or self.runs)]
        times = [seconds * 1000 for seconds, _ in samples]
        queries = sorted({count for _, count in samples})
        print(
            f"{what:46} median {statistics.median(times):8.1f} ms   min {min(times):8.1f} ms"
            f"   max {max(times):8.1f} ms   queries {'/'.join(map(str, queries))}"
            + (f"   {extra}" if extra else "")
        )

    @staticmethod
    def ok(response, what: str):
        if response.status_code >= 400:
            raise SystemExit(f"{what}: HTTP {response.status_code} {response.content[:300]!r}")
        return response

    def run(self) -> None:
        from django.test import Client
        from django.urls import reverse
        from rest_framework.test import APIClient

        from rmf.models import SelectedControl
        from rmf.selectors.assessment import assessment_worklist, leaf_objectives
        from rmf.selectors.implementation import implementation_worklist
        from rmf.selectors.workflow import cycle_facts
        from rmf.services.assessment import (
            assessment_plan_approve,
            assessment_plan_save,
            assessor_assign,
        )
        from rmf.services.implementation import implementation_status_bulk_set
        from rmf.services.workflow import authorization_advance

        started = time.perf_counter()
        authorization = self.in_implement()
        active = SelectedControl.objects.filter(
            authorization=authorization, tailoring__in=["baseline", "added"]
        )
        ids = list(active.values_list("pk", flat=True))
        print(f"(HIGH system to Implement: {time.perf_counter() - started:.1f} s)\n")

        planner = Client()
        planner.force_login(self.planner)
        planner_api = APIClient()
        planner_api.force_authenticate(self.planner)
        rows = len(implementation_worklist(authorization))
        self.measure(
            "implementation_worklist (selector)",
            lambda: implementation_worklist(authorization),
            f"{rows} controls",
        )
        page = reverse("rmf:implement", args=[authorization.pk])
        self.measure(
            "implementation worklist page", lambda: self.ok(planner.get(page), "worklist page")
        )
        api = f"/api/v1/authorizations/{authorization.pk}/implementation/"
        self.measure(
            "implementation worklist API", lambda: self.ok(planner_api.get(api), "worklist API")
        )
        for status in ("planned", "implemented"):
            self.measure(
                f"bulk status of {len(ids)} controls to {status}",
                lambda s=status: implementation_status_bulk_set(
                    actor=self.planner, authorization=authorization, selected_ids=ids, status=s
                ),
                runs=1,
            )

        self.write_narratives(authorization)
        authorization = authorization_advance(actor=self.planner, authorization=authorization)
        assessor_assign(actor=self.ao, authorization=authorization, assessor=self.assessor)
        assessment = assessment_plan_save(
            actor=self.assessor,
            authorization=authorization,
            title="Initial assessment",
            scope_all=True,
            scoped_control_ids=[],
            starts_on="2026-12-01",
            ends_on="2026-12-31",
            methods=["examine", "interview", "test"],
            assessment_objects="Policies, configurations, administrators.",
            rules_of_engagement="Testing in the maintenance window only.",
        )
        assessment_plan_approve(actor=self.ao, assessment=assessment)

        objectives = leaf_objectives(active.values_list("control", flat=True))
        total = sum(len(parts) for parts in objectives.values())
        print()
        self.measure(
            "assessment_worklist (selector), none recorded",
            lambda: assessment_worklist(assessment),
            f"{len(ids)} controls, {total} objectives",
        )

        assessor_api = APIClient()
        assessor_api.force_authenticate(self.assessor)
        by_control = dict(active.values_list("control", "pk"))
        started = time.perf_counter()
        samples = []
        for number, (control_id, parts) in enumerate(sorted(objectives.items())):
            entries = [
                {
                    "objective_id": part.pk,
                    # One weakness in every 25 controls, to exercise findings.
                    "result": "other_than_satisfied"
                    if number % 25 == 0 and index == 0
                    else "satisfied",
                    "methods": ["examine", "test"],
                    "evidence_examined": "Configuration export of 2026-12-02.",
                    "note": "",
                    "expected_version": 0,
                }
                for index, part in enumerate(parts)
            ]
            url = (
                f"/api/v1/assessments/{assessment.pk}/controls/{by_control[control_id]}"
                "/determinations/"
            )
            samples.append(
                self.timed(
                    lambda u=url, e=entries: self.ok(
                        assessor_api.put(u, {"entries": e}, format="json"), "determinations"
                    )
                )[:2]
            )
        whole = time.perf_counter() - started
        times = [seconds * 1000 for seconds, _ in samples]
        queries = [count for _, count in samples]
        print(
            f"{'full assessment through the API':46} total {whole:8.1f} s    "
            f"{len(samples)} PUTs, median {statistics.median(times):.1f} ms, "
            f"max {max(times):.1f} ms, queries per PUT {min(queries)}-{max(queries)}"
        )

        rows = assessment_worklist(assessment)
        self.measure(
            "assessment_worklist (selector), all recorded",
            lambda: assessment_worklist(assessment),
            f"{sum(row.result == 'other_than_satisfied' for row in rows)} controls with findings",
        )
        assessor = Client()
        assessor.force_login(self.assessor)
        page = reverse("rmf:assessment_controls", args=[assessment.pk])
        self.measure(
            "assessment worklist page", lambda: self.ok(assessor.get(page), "assessment page")
        )
        api = f"/api/v1/assessments/{assessment.pk}/controls/"
        self.measure(
            "assessment worklist API", lambda: self.ok(assessor_api.get(api), "assessment API")
        )
        first = by_control["ac-2"]
        page = reverse("rmf:control_assessment", args=[assessment.pk, first])
        self.measure(
            "control assessment page (AC-2)",
            lambda: self.ok(assessor.get(page), "control assessment page"),
        )
        facts = cycle_facts(authorization)
        self.measure(
            "cycle_facts of the assessed HIGH cycle",
            lambda: cycle_facts(authorization),
            f"{facts.assessment.determined}/{facts.assessment.objectives_in_scope} determined",
        )


if __name__ == "__main__":
    main()
