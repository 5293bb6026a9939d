"""Time `load_catalogs` on a throwaway SQLite database: a first load and a second (idempotent) one.

    .venv/bin/python bench/load_catalogs.py [--dir ../shared/nist]

The NIST folder is --dir, else WORKBENCH_NIST_DIR, else ../shared/nist beside the project.
"""

import io
import time

from throwaway import bench_parser, throwaway_django


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
    args = bench_parser(__doc__).parse_args()

    # The catalogs are loaded here, twice and timed, rather than by throwaway_django.
    with throwaway_django(nist_dir=None, label_width=27):
        from django.core.management import call_command

        from workbench.models import CatalogRelease

        for run in ("first load", "second load"):
            clock = StepClock()
            started = time.perf_counter()
            call_command("load_catalogs", dir=str(args.dir), stdout=clock)
            finished = time.perf_counter()
            print(f"load_catalogs ({run:11}) {finished - started:6.2f} s")
            print(f"    {clock.steps(started, finished)}")

        print()
        for release in CatalogRelease.objects.order_by("key"):
            counts = ", ".join(f"{count} {name}" for name, count in release.row_counts.items())
            print(f"{release.key:28} {release.version:26} {counts}")


if __name__ == "__main__":
    main()
