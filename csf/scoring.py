"""How CSF scores roll up, and how gaps are measured and ranked: plain functions on plain data,
shared by the assessment pages, the profiles, the API and the benchmark reports.

The rule, as the pages state it (RULE): a category's score is the mean of its answered
subcategories; a function's is the mean of its scored categories; the overall score is the
mean of the scored functions. An unanswered subcategory is left out, never counted as zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import fmean

RULE = (
    "A category's score is the average of its answered subcategories, a function's score is "
    "the average of its categories, and the overall score is the average of the functions. "
    "Subcategories not answered yet are left out of the averages, not counted as zero."
)


@dataclass
class CoreTree:
    """The active (not withdrawn) elements of one CSF version, in the core's order:
    functions -> categories -> subcategories, by identifier."""

    version: str
    functions: list[str] = field(default_factory=list)
    categories: dict[str, list[str]] = field(default_factory=dict)  # function -> categories
    subcategories: dict[str, list[str]] = field(default_factory=dict)  # category -> subcats
    titles: dict[str, str] = field(default_factory=dict)  # identifier -> title (or text)

    def all_subcategories(self) -> list[str]:
        return [
            subcategory
            for function in self.functions
            for category in self.categories.get(function, [])
            for subcategory in self.subcategories.get(category, [])
        ]

    def function_of(self) -> dict[str, str]:
        """subcategory -> its function."""
        return {
            subcategory: function
            for function in self.functions
            for category in self.categories.get(function, [])
            for subcategory in self.subcategories.get(category, [])
        }


@dataclass
class Rollup:
    subcategories: dict[str, float | None]
    categories: dict[str, float | None]
    functions: dict[str, float | None]
    overall: float | None


def _mean(values) -> float | None:
    present = [value for value in values if value is not None]
    return fmean(present) if present else None


def rollup(tree: CoreTree, scores: dict[str, float | None]) -> Rollup:
    """Category, function and overall scores from subcategory scores (RULE)."""
    subcategories = {sub: scores.get(sub) for sub in tree.all_subcategories()}
    categories: dict[str, float | None] = {}
    functions: dict[str, float | None] = {}
    for function in tree.functions:
        for category in tree.categories.get(function, []):
            categories[category] = _mean(
                subcategories[sub] for sub in tree.subcategories.get(category, [])
            )
        functions[function] = _mean(
            categories[category] for category in tree.categories.get(function, [])
        )
    return Rollup(subcategories, categories, functions, _mean(functions.values()))


@dataclass(frozen=True)
class Gap:
    subcategory: str
    function: str
    current: float | None
    target: float
    gap: float  # target - current; an unanswered subcategory's gap is the whole target

    @property
    def open(self) -> bool:
        return self.gap > 0


def gaps(tree: CoreTree, current: dict[str, float | None], target: dict[str, float]) -> Rollup:
    """Gap (target - current) per subcategory, rolled up by the same rule as the scores.
    `target` holds every subcategory's target (the default filled in by the caller)."""
    return rollup(
        tree,
        {
            sub: target[sub] - (current.get(sub) or 0)
            for sub in tree.all_subcategories()
            if sub in target
        },
    )


def prioritized_gaps(
    tree: CoreTree, current: dict[str, float | None], target: dict[str, float]
) -> list[Gap]:
    """The subcategories below their target, the largest gaps in the functions with the lowest
    scores first: by function score (lowest first), then gap (largest first), then the core's
    order."""
    function_scores = rollup(tree, current).functions
    function_of = tree.function_of()
    order = {sub: index for index, sub in enumerate(tree.all_subcategories())}
    rows = [
        Gap(
            subcategory=sub,
            function=function_of[sub],
            current=current.get(sub),
            target=target[sub],
            gap=target[sub] - (current.get(sub) or 0),
        )
        for sub in order
        if sub in target and target[sub] - (current.get(sub) or 0) > 0
    ]

    def rank(row: Gap):
        score = function_scores.get(row.function)
        # Equal function scores reached by different means of means differ in their last bits
        # (8/3 as (7/3 + 3) / 2 or directly): compared rounded, a tie stays a tie and the gap
        # decides, as the rule says.
        key = round(score, 9) if score is not None else -1.0
        return (key, -row.gap, order[row.subcategory])

    return sorted(rows, key=rank)
