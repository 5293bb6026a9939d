"""The choices a reader makes for a benchmark report, checked the same way on the page, the
downloads and the API: the years, the framework version, the peer group among those the tree
offers (csf.benchmarks.data.peer_scopes) and the detail. The minimum peer group size is not a
choice."""

from dataclasses import dataclass
from datetime import date

from csf.benchmarks.data import ALL, SIBLINGS, OrganizationBenchmark, organization_benchmark_get

FIRST_YEAR = 2000
MAX_SPAN = 20
SUBCATEGORIES = "subcategories"


def year_range(year_from: int | None, year_to: int | None, *, today: date) -> list[int] | None:
    """The years asked, or None for every year assessed. Raises ValueError with a message a
    planner understands."""
    if year_from is None and year_to is None:
        return None
    last = today.year
    year_from = FIRST_YEAR if year_from is None else year_from
    year_to = last if year_to is None else year_to
    for value in (year_from, year_to):
        if not FIRST_YEAR <= value <= last:
            raise ValueError(f"Years run from {FIRST_YEAR} to {last}.")
    if year_from > year_to:
        raise ValueError("The first year must not be after the last year.")
    if year_to - year_from >= MAX_SPAN:
        raise ValueError(f"Choose at most {MAX_SPAN} years.")
    return list(range(year_from, year_to + 1))


@dataclass(frozen=True)
class ReportOptions:
    years: list[int] | None = None
    framework: str = ALL
    peer_scope: str = SIBLINGS
    subcategories: bool = False

    @classmethod
    def from_choices(cls, choices: dict) -> "ReportOptions":
        """From a form's or a serializer's cleaned `years`, `framework`, `peer_group` and
        `detail`, any of them left out or empty for its default."""
        return cls(
            years=choices.get("years"),
            framework=choices.get("framework") or ALL,
            peer_scope=choices.get("peer_group") or SIBLINGS,
            subcategories=choices.get("detail") == SUBCATEGORIES,
        )

    def report(self, user, organization) -> OrganizationBenchmark:
        """The report these options ask for (csf.benchmarks.data.organization_benchmark_get)."""
        return organization_benchmark_get(
            user,
            organization,
            years=self.years,
            framework=self.framework,
            peer_scope=self.peer_scope,
        )
