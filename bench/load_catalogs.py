"""Time `load_catalogs` on a throwaway SQLite database: a first load and a second (idempotent) one.

    .venv/bin/python bench/load_catalogs.py [--dir ../shared/nist]

The NIST folder is --dir, else WORKBENCH_NIST_DIR, else ../shared/nist beside the project.
"""

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


class StepClock(io.StringIO):
    """Command output that remembers when each loader started."""

    def __init__(self) -> None:
        super().__init__()
        self.marks: list[tuple[float, str]] = []

    def write(self, text: str) -> int:
        if text.startswith("Loading "):
            self.marks.append((time.perf_counter(), text.split()[1]))
        return super().write(text)

    def steps(self, started: float, finished: float) -> str:
        marks = [(started, "verify hashes"), *self.marks, (finished, "")]
        return ", ".join(
            f"{name} {end - start:.2f}"
            for (start, name), (end, _) in zip(marks, marks[1:], strict=False)
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", default=None, help="folder with the NIST reference files")
    args = parser.parse_args()
    nist_dir = Path(
        args.dir or os.environ.get("WORKBENCH_NIST_DIR") or REPO.parent / "shared" / "nist"
    ).resolve()

    with tempfile.TemporaryDirectory(prefix="workbench-bench-") as tmp:
        # Before django.setup(): settings read the database address once, at import.
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        os.environ["WORKBENCH_VAR_DIR"] = tmp
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workbench.settings")
        sys.path.insert(0, str(REPO))

        import django

        django.setup()
        from django.core.management import call_command

        from workbench.models import CatalogRelease

        started = time.perf_counter()
        call_command("migrate", verbosity=0, stdout=io.StringIO())
        print(f"migrate                     {time.perf_counter() - started:6.2f} s")
        for run in ("first load", "second load"):
            clock = StepClock()
            started = time.perf_counter()
            call_command("load_catalogs", dir=str(nist_dir), stdout=clock)
            finished = time.perf_counter()
            print(f"load_catalogs ({run:11}) {finished - started:6.2f} s")
            print(f"    {clock.steps(started, finished)}")

        print()
        for release in CatalogRelease.objects.order_by("key"):
            counts = ", ".join(f"{count} {name}" for name, count in release.row_counts.items())
            print(f"{release.key:28} {release.version:26} {counts}")


if __name__ == "__main__":
    main()
