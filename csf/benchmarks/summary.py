"""The plain-language summary of a benchmark report: one organization's CHANGES
(csf.benchmarks.frames.year_over_year) put into sentences for planners, not security
specialists: the overall score and how it moved, the strongest and weakest functions."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from csf.benchmarks.frames import (
    CHANGE_COLUMNS,
    FUNCTION,
    OVERALL,
    check_columns,
    snapped,
)
from csf.maturity import MAX_LEVEL


def _name(identifier: str, titles: Mapping[str, str]) -> str:
    title = titles.get(identifier, "")
    if not title:
        return identifier
    # NIST writes the functions' titles in capitals ("PROTECT"), as display_title knows.
    return f"{title.capitalize() if title.isupper() else title} ({identifier})"


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _by(change: float) -> str:
    return f"{abs(change):.1f}" if abs(change) >= 0.05 else "less than 0.1"


def summary_sentences(
    changes: pd.DataFrame, *, titles: Mapping[str, str] | None = None, year: int | None = None
) -> list[str]:
    """Plain-language sentences on one organization's `year` (the latest of CHANGES when None):
    the overall score and its change, the strongest and the weakest functions (ties named
    together, in the core's order), the functions not scored, and whether the year was carried
    from CSF 1.1. `titles` maps identifiers to titles (CoreTree.titles)."""
    check_columns(changes, CHANGE_COLUMNS, "changes")
    titles = titles or {}
    if changes.empty:
        return ["There is no assessment to summarize yet."]
    if year is None:
        year = int(changes["year"].max())
    rows = changes.loc[changes["year"] == year].sort_values("order", kind="stable")
    if rows.empty:
        return [f"There is no assessment for {year}."]
    sentences = []
    overall = rows.loc[rows["level"] == OVERALL]
    if overall.empty or pd.isna(overall["score"].iloc[0]):
        sentences.append(f"Nothing was scored in {year} yet, so there is no score to summarize.")
    else:
        line = overall.iloc[0]
        sentence = f"In {year} the overall score was {line['score']:.1f} out of {MAX_LEVEL}"
        if pd.isna(line["previous_year"]):
            sentence += ", the first year with a score: there is no earlier year to compare with."
        else:
            previous = int(line["previous_year"])
            if line["change"] > 0:
                sentence += f", up {_by(line['change'])} from {previous}"
            elif line["change"] < 0:
                sentence += f", down {_by(line['change'])} from {previous}"
            else:
                sentence += f", the same as in {previous}"
            if previous < year - 1:
                skipped = str(year - 1) if previous == year - 2 else f"{previous + 1} to {year - 1}"
                sentence += f" (nothing was scored in {skipped})"
            sentence += "."
        sentences.append(sentence)

    functions = rows.loc[rows["level"] == FUNCTION]
    scored = functions.loc[functions["score"].notna()]
    if len(scored) == 1:
        line = scored.iloc[0]
        sentences.append(
            f"Only {_name(line['identifier'], titles)} has a score so far "
            f"({line['score']:.1f}): score the other functions to compare them."
        )
    elif len(scored) > 1:
        key = snapped(scored["score"])
        if key.max() == key.min():
            sentences.append(
                f"All {len(scored)} functions scored stand level, at {scored['score'].iloc[0]:.1f}."
            )
        else:
            for word, chosen in (
                ("strongest", scored.loc[key == key.max()]),
                ("weakest", scored.loc[key == key.min()]),
            ):
                names = [_name(identifier, titles) for identifier in chosen["identifier"]]
                score = chosen["score"].iloc[0]
                if len(names) == 1:
                    sentences.append(f"The {word} function is {names[0]}, at {score:.1f}.")
                else:
                    sentences.append(
                        f"The {word} functions are {_listed(names)}, at {score:.1f} each."
                    )
    unscored = functions.loc[functions["score"].isna(), "identifier"].tolist()
    if unscored and len(scored):
        names = [_name(identifier, titles) for identifier in unscored]
        verb = "has" if len(names) == 1 else "have"
        sentences.append(f"{_listed(names)} {verb} no score in {year}.")
    if rows["carried"].any():
        sentences.append(
            f"The {year} scores are CSF 1.1 results carried into CSF 2.0 terms through NIST's "
            "crosswalk."
        )
    return sentences
