"""The downloadable forms of a benchmark report, each `render(report, *, subcategories) ->
Rendered` (workbench.exports): the pages and the API offer exactly these."""

from collections.abc import Callable
from dataclasses import dataclass

from csf.benchmarks.pdf import render_pdf
from csf.benchmarks.xlsx import render_xlsx
from workbench.exports import Rendered


@dataclass(frozen=True)
class ReportFormat:
    name: str
    render: Callable[..., Rendered]


REPORT_FORMATS = {
    "pdf": ReportFormat("PDF", render_pdf),
    "xlsx": ReportFormat("Excel", render_xlsx),
}
