"""Shared by the benchmark tests: a small CSF tree, answer frames written as dicts, and one
organization's history with a missing year and a skipped subcategory."""

import pandas as pd

from csf.benchmarks.frames import ANSWER_COLUMNS, scores_by_level, tree_frame
from csf.scoring import CoreTree

NaN = float("nan")


def tree() -> CoreTree:
    """F1: C1 (a1, a2, a3), C2 (a4); F2: C3 (b1, b2), C4 (no subcategory); F3: no category."""
    return CoreTree(
        version="2.0",
        functions=["F1", "F2", "F3"],
        categories={"F1": ["C1", "C2"], "F2": ["C3", "C4"]},
        subcategories={"C1": ["a1", "a2", "a3"], "C2": ["a4"], "C3": ["b1", "b2"]},
        titles={"F1": "IDENTIFY", "F2": "Protect the systems", "F3": "Recover"},
    )


def answers(rows, framework: str = "2.0") -> pd.DataFrame:
    """ANSWERS from (organization, year, {subcategory: score}); None is a row without a score."""
    return pd.DataFrame(
        [
            (organization, year, framework, subcategory, NaN if score is None else score)
            for organization, year, scores in rows
            for subcategory, score in scores.items()
        ],
        columns=ANSWER_COLUMNS,
    )


def score_of(frame: pd.DataFrame, identifier: str, **where) -> float:
    rows = frame.loc[frame["identifier"] == identifier]
    for column, value in where.items():
        rows = rows.loc[rows[column] == value]
    assert len(rows) == 1, (identifier, where)
    return rows["score"].iloc[0]


def by_identifier(frame: pd.DataFrame, column: str = "score") -> dict:
    return {
        identifier: (None if pd.isna(value) else value)
        for identifier, value in zip(frame["identifier"], frame[column], strict=True)
    }


def history() -> pd.DataFrame:
    """Organization A in 2019, 2020, 2022 and 2023: not assessed in 2021, a4 skipped in 2022.
    2019: C1 = 2, C2 = 3, F1 = 2.5; C3 = 1, F2 = 1; overall = 1.75.
    2020: C1 = 3, C2 = 4, F1 = 3.5; C3 = 2, F2 = 2; overall = 2.75.
    2022: C1 = 4, C2 none, F1 = 4; C3 = (2 + 4) / 2 = 3, F2 = 3; overall = 3.5.
    2023: C1 = 4.5, C2 = 6, F1 = 5.25; C3 = 3, F2 = 3; overall = 4.125."""
    return scores_by_level(
        answers(
            [
                ("A", 2019, {"a1": 2, "a2": 2, "a4": 3, "b1": 1}),
                ("A", 2020, {"a1": 3, "a2": 3, "a4": 4, "b1": 2}),
                ("A", 2022, {"a1": 4, "a2": 4, "b1": 2, "b2": 4}),
                ("A", 2023, {"a1": 4, "a2": 5, "a4": 6, "b1": 3, "b2": 3}),
            ]
        ),
        tree_frame(tree()),
    )


def change(changes: pd.DataFrame, identifier: str, year: int) -> pd.Series:
    rows = changes.loc[(changes["identifier"] == identifier) & (changes["year"] == year)]
    assert len(rows) == 1
    return rows.iloc[0]
