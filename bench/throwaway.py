"""What every bench shares: its --dir option and a throwaway Django on a temporary SQLite file.

The bench scripts run as `.venv/bin/python bench/<name>.py`, so this folder is sys.path[0] and
they import this module as `throwaway`; the project root is put on sys.path here, before
Django starts, for the project's apps.
"""

import argparse
import io
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _folder(value: str) -> Path:
    return Path(value).resolve()


def bench_parser(doc: str) -> argparse.ArgumentParser:
    """A parser described by the first line of `doc`, with --dir: the NIST folder (a resolved
    Path), else WORKBENCH_NIST_DIR, else ../shared/nist beside the project."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument(
        "--dir",
        type=_folder,
        default=os.environ.get("WORKBENCH_NIST_DIR") or str(REPO.parent / "shared" / "nist"),
        help="folder with the NIST reference files (default: %(default)s)",
    )
    return parser


@contextmanager
def throwaway_django(*, nist_dir: Path | None, label_width: int) -> Iterator[Path]:
    """Django set up on an empty SQLite database in a temporary folder (yielded), migrated, and
    with the NIST catalogs of `nist_dir` loaded unless it is None; prints how long that took,
    the label padded to `label_width`. The folder and database go when the block ends."""
    with tempfile.TemporaryDirectory(prefix="workbench-bench-") as tmp:
        # Before django.setup(): settings read the database address once, at import.
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        os.environ["WORKBENCH_VAR_DIR"] = tmp
        os.environ["DJANGO_SETTINGS_MODULE"] = "workbench.settings"
        if str(REPO) not in sys.path:
            sys.path.insert(0, str(REPO))

        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        # No bench measures password hashing: the users it creates should cost nothing.
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        # The benches only talk through Django's test clients, whatever DJANGO_ALLOWED_HOSTS says.
        settings.ALLOWED_HOSTS = ["testserver"]

        started = time.perf_counter()
        call_command("migrate", verbosity=0, stdout=io.StringIO())
        label = "migrate"
        if nist_dir is not None:
            call_command("load_catalogs", dir=str(nist_dir), stdout=io.StringIO())
            label = "migrate + load_catalogs"
        print(f"{label:{label_width}}{time.perf_counter() - started:7.2f} s")
        yield Path(tmp)


def bench_city(state, name: str, count: int, *, agencies: int, step: str, rng) -> dict:
    """A city under `state` with `agencies` agencies and `count` systems spread over them (in
    bulk), each with one RMF cycle in `step`; its authorizing official and one agency planner.
    Call inside `throwaway_django`."""
    from assets.models import Organization, Role, System
    from assets.services import membership_grant, organization_create
    from rmf.models import Authorization
    from tests.factories import UserFactory

    city = organization_create(actor=None, name=name, kind=Organization.Kind.CITY, parent=state)
    agency_list = [
        organization_create(
            actor=None, name=f"{name} agency {n}", kind=Organization.Kind.AGENCY, parent=city
        )
        for n in range(agencies)
    ]
    slug = name.lower().replace(" ", "")
    official = UserFactory(username=f"{slug}.ao")
    planner = UserFactory(username=f"{slug}.planner")
    membership_grant(actor=None, organization=city, user=official, role=Role.AUTHORIZING_OFFICIAL)
    membership_grant(actor=None, organization=agency_list[0], user=planner, role=Role.PLANNER)
    systems = System.objects.bulk_create(
        [
            System(
                organization=agency_list[n % agencies],
                name=f"{name} system {n}",
                acronym=f"S{n:05}",
                kind=rng.choice(System.Kind.values),
                system_type=System.SystemType.MAJOR_APPLICATION,
                authorizing_official=official,
            )
            for n in range(count)
        ],
        batch_size=1_000,
    )
    cycles = Authorization.objects.bulk_create(
        [Authorization(system=system, step=step) for system in systems], batch_size=1_000
    )
    return {
        "city": city,
        "agencies": agency_list,
        "official": official,
        "planner": planner,
        "systems": systems,
        "cycles": cycles,
    }


def timed(fn, runs: int):
    """(median seconds, queries of the last run, result of the last run) of `runs` calls."""
    import statistics

    from django.db import connection

    timings, queries, result = [], 0, None
    for _ in range(runs):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            started = time.perf_counter()
            result = fn()
            timings.append(time.perf_counter() - started)
        queries = count
    return statistics.median(timings), queries, result
