"""Time the authorization package documents of a HIGH system, on a throwaway SQLite database.

    .venv/bin/python bench/reports.py [--dir ../shared/nist] [--matrices 20] [--skip-pdf]

Walks a HIGH system (370 controls) to Implement with the services (bench/assess.py) and writes
a narrative for every statement part, then prints the time and the peak Python memory
(tracemalloc, measured in a second, traced run so the timing is not slowed by the tracing) of:

- the SSP PDF and the whole-package PDF, and for each the time WeasyPrint alone takes on the
  same HTML (the rest is our part: reading the data and building the HTML);
- the XLSX control implementation matrix: one HIGH matrix, then --matrices more, extrapolated
  to 1,000 systems (each system's matrix is a separate render reading a constant number of
  queries, so 1,000 systems cost 1,000 renders; the memory of a streamed workbook stays flat);
- the OSCAL SSP (JSON).

The NIST folder is --dir, else WORKBENCH_NIST_DIR, else ../shared/nist beside the project.
"""

import time
import tracemalloc

from assess import Bench
from throwaway import bench_parser, throwaway_django

SYSTEMS = 1_000


def main() -> None:
    parser = bench_parser(__doc__)
    parser.add_argument(
        "--matrices", type=int, default=20, help="XLSX matrices rendered to extrapolate from"
    )
    parser.add_argument("--skip-pdf", action="store_true", help="leave out the PDF documents")
    args = parser.parse_args()

    with throwaway_django(nist_dir=args.dir, label_width=38):
        started = time.perf_counter()
        bench = Bench(runs=1)
        authorization = bench.in_implement()
        bench.write_narratives(authorization)
        print(f"HIGH system in Implement, narratives {time.perf_counter() - started:8.2f} s\n")
        Reports(authorization, matrices=args.matrices, pdf=not args.skip_pdf).run()


def consume(rendered) -> int:
    """The size of a rendered document, reading a streamed body to its end."""
    _, _, body = rendered
    if isinstance(body, bytes):
        return len(body)
    return sum(len(chunk) for chunk in body)


def timed(function) -> tuple[float, object]:
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def peak_memory(function) -> int:
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


class Reports:
    def __init__(self, authorization, *, matrices: int, pdf: bool) -> None:
        self.authorization = authorization
        self.matrices = max(1, matrices)
        self.pdf = pdf

    def line(self, what: str, seconds: float, peak: int | None, extra: str = "") -> None:
        memory = f"{peak / 2**20:8.1f} MB peak" if peak is not None else " " * 16
        print(f"{what:38s} {seconds:8.2f} s  {memory}  {extra}".rstrip())

    def document(self, kind: str, format: str):
        from rmf.documents import document_render

        return lambda: consume(document_render(self.authorization, kind, format))

    def run(self) -> None:
        from rmf.documents import document_spec
        from rmf.models import SelectedControl

        controls = SelectedControl.objects.filter(authorization=self.authorization).count()
        print(f"{controls} controls in the cycle\n")
        if self.pdf:
            for kind, title in (("ssp", "SSP PDF"), ("package", "Whole package PDF")):
                if document_spec(kind, "pdf") is None:
                    print(f"{title}: skipped, no PDF renderer is registered (rmf.documents.pdf)")
                    continue
                self.pdf_lines(kind, title)
        else:
            print("PDF documents: skipped (--skip-pdf)")
        self.matrix_lines()
        if document_spec("ssp", "json") is None:
            print("OSCAL SSP: skipped, no OSCAL renderer is registered")
        else:
            seconds, size = timed(self.document("ssp", "json"))
            peak = peak_memory(self.document("ssp", "json"))
            self.line("OSCAL SSP (JSON)", seconds, peak, f"{size / 2**20:.1f} MB")

    def pdf_lines(self, kind: str, title: str) -> None:
        from rmf.documents.pdf.documents import document_html
        from rmf.documents.pdf.render import pdf_from_html

        # The traced run first: it also warms WeasyPrint up (fonts, the print stylesheet), so
        # the timed runs compare like with like.
        peak = peak_memory(self.document(kind, "pdf"))
        seconds, size = timed(self.document(kind, "pdf"))
        html_seconds, html = timed(lambda: document_html(self.authorization, kind))
        weasy_seconds, pdf = timed(lambda: pdf_from_html(html))
        self.line(title, seconds, peak, f"{size / 2**20:.1f} MB")
        self.line(
            "  of which: our data + HTML",
            html_seconds,
            None,
            f"{len(html) / 2**20:.1f} MB of HTML ({html_seconds / seconds:.0%} of the total)",
        )
        self.line(
            "  WeasyPrint alone on the same HTML",
            weasy_seconds,
            None,
            f"overhead beyond WeasyPrint: {seconds - weasy_seconds:.2f} s "
            f"({(seconds - weasy_seconds) / seconds:.0%})",
        )

    def matrix_lines(self) -> None:
        from rmf.documents import document_spec

        if document_spec("ssp", "xlsx") is None:
            print("XLSX matrix: skipped, no workbook renderer is registered")
            return
        render = self.document("ssp", "xlsx")
        seconds, size = timed(render)
        peak = peak_memory(render)
        self.line("XLSX matrix, one HIGH system", seconds, peak, f"{size / 2**20:.1f} MB")
        started = time.perf_counter()
        for _ in range(self.matrices):
            render()
        each = (time.perf_counter() - started) / self.matrices
        self.line(
            f"XLSX matrix, {SYSTEMS:,} HIGH systems",
            each * SYSTEMS,
            None,
            f"extrapolated from {self.matrices} renders at {each:.2f} s each",
        )


if __name__ == "__main__":
    main()
