"""The benchmark computations: plain functions from pandas data frames to data frames. There are
no database reads here: the selectors build the input frames, and the pages, the PDF and the Excel
workbook show what these functions return (csf.benchmarks.summary puts them into words).

Two existing rules are reused here:
- Scores roll up by csf.scoring.RULE: a category is the mean of its answered subcategories, a
  function the mean of its scored categories, the overall score the mean of the scored
  functions. An unanswered subcategory is left out, never counted as zero. The results match
  csf.scoring.rollup (tests compare them on random cases).
- A CSF 1.1 year is carried into CSF 2.0 terms by the rule used when an assessment is carried
  into 2.0 (csf.services.assessments.start.CARRY_RULE): a 2.0 subcategory takes the mean of the
  scored 1.1 subcategories that NIST's crosswalk maps into it, halves rounded up.

Frames (columns in this order; each function checks the columns it needs):

ANSWERS: one row per answer of an assessment.
    organization  any hashable id (the Organization's pk in the app)
    year          int
    framework     "1.1" or "2.0"
    subcategory   str, "PR.AA-01"
    score         float, NaN for an answer saved without a score
    carried       bool, optional (False when absent): carried from CSF 1.1 (carry_to_csf20)
    An organization's year is in the series when it has at least one answer row, scored or not.
    The app uses one assessment per organization and year, so there is one framework per year.

TREE (tree_frame): one row per active element of one CSF version, overall row first, then the
core's order.
    framework     the version
    level         "overall", "function", "category" or "subcategory"
    identifier    "PR.AA-01"; "overall" for the overall row
    category      the category of a subcategory; a category's own identifier; "" above
    function      the function of a category or subcategory; a function's own identifier; ""
                  for the overall row
    order         int, position in the core (overall 0): sort by it for the core's order

CROSSWALK: NIST's links from CSF 1.1 subcategories to CSF 2.0 subcategories, in the 1.1 core's
order (it orders `carried_from`).
    source        CSF 1.1 subcategory, "PR.AC-1"
    target        CSF 2.0 subcategory, "PR.AA-01"

SCORES (scores_by_level): every element of the tree for every assessed organization and year.
    organization, year, framework, carried    of the assessment
    level, identifier, category, function, order    of the element (TREE)
    score         float, NaN where nothing under the element was scored

CHANGES (year_over_year): SCORES of one organization, without its id, plus:
    previous_year     Int64, the latest earlier year in which the element had a score
    previous_score    its score then
    change            score - previous_score
    first_year        Int64, the first year in which the element had a score
    first_score       its score then
    change_from_first score - first_score; NaN in the first year itself

TARGETS: an organization's own targets; a subcategory without one aims at the recommended
minimum (csf.maturity.RECOMMENDED_TARGET), as the profile page says.
    organization, subcategory, target

Equal values: means of means reached by different paths differ in their last bits (8/3 as
(7/3 + 3) / 2 or directly), so changes and gaps are rounded to PRECISION decimals, and ties,
percentiles and targets met are decided on values rounded so, as csf.scoring.prioritized_gaps
does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from csf.maturity import RECOMMENDED_TARGET
from csf.scoring import CoreTree

OVERALL = "overall"
FUNCTION = "function"
CATEGORY = "category"
SUBCATEGORY = "subcategory"
LEVELS = (OVERALL, FUNCTION, CATEGORY, SUBCATEGORY)
V11, V20 = "1.1", "2.0"

PRECISION = 9
# Quartiles: pandas' (and numpy's) default "linear" interpolation, Hyndman and Fan's type 7:
# the q-quantile of n sorted values sits at position q * (n - 1), between two values linearly.
QUANTILE_METHOD = "linear"
PEER_MINIMUM = 5
PEER_LEVELS = (OVERALL, FUNCTION, CATEGORY)

ASSESSMENT = ["organization", "year"]
ELEMENT = ["level", "identifier", "category", "function", "order"]
ANSWER_COLUMNS = ["organization", "year", "framework", "subcategory", "score"]
TREE_COLUMNS = ["framework", *ELEMENT]
CROSSWALK_COLUMNS = ["source", "target"]
SCORE_COLUMNS = ["organization", "year", "framework", "carried", *ELEMENT, "score"]
CHANGE_COLUMNS = [
    "year",
    "framework",
    "carried",
    *ELEMENT,
    "score",
    "previous_year",
    "previous_score",
    "change",
    "first_year",
    "first_score",
    "change_from_first",
]
TARGET_COLUMNS = ["organization", "subcategory", "target"]
PEER_VALUES = ["mean", "median", "q1", "q3", "percentile"]
PEER_COLUMNS = [
    "year",
    "framework",
    "carried",
    *ELEMENT,
    "score",
    "peer_count",
    "suppressed",
    *PEER_VALUES,
]


def check_columns(frame: pd.DataFrame, columns: Iterable[str], name: str) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"{name}: missing column(s) {', '.join(missing)}")


def snapped(values: pd.Series) -> pd.Series:
    """Values rounded to PRECISION decimals: equal values compare equal, a nil change is 0."""
    return values.round(PRECISION)


def _numbers(values: pd.Series) -> pd.Series:
    """Scores as floats, NaN for none (from ints, nullable ints or objects holding None)."""
    return pd.to_numeric(values, errors="raise").astype("float64")


def _one_organization(frame: pd.DataFrame, name: str):
    organizations = frame["organization"].unique()
    if len(organizations) != 1:
        raise ValueError(f"{name}: one organization's scores, not {len(organizations)}'s")
    return organizations[0]


def _with_carried(answers: pd.DataFrame) -> pd.DataFrame:
    if "carried" in answers.columns:
        return answers.assign(carried=answers["carried"].fillna(False).astype(bool))
    return answers.assign(carried=False)


# ----------------------------------------------------------------------------- the tree


def tree_frame(tree: CoreTree) -> pd.DataFrame:
    """TREE of a core (csf.selectors.reference.core_tree): categories without subcategories and
    functions without categories are kept, as csf.scoring.rollup keeps them (never scored)."""
    rows = [(OVERALL, OVERALL, "", "")]
    for function in tree.functions:
        rows.append((FUNCTION, function, "", function))
        for category in tree.categories.get(function, []):
            rows.append((CATEGORY, category, category, function))
            rows.extend(
                (SUBCATEGORY, subcategory, category, function)
                for subcategory in tree.subcategories.get(category, [])
            )
    frame = pd.DataFrame(rows, columns=["level", "identifier", "category", "function"])
    frame.insert(0, "framework", tree.version)
    frame["order"] = np.arange(len(frame), dtype="int64")
    return frame


# ----------------------------------------------------------------------------- scores


def _ordered(tree: pd.DataFrame) -> pd.DataFrame:
    """The TREE in the core's order, indexed 0..n-1 (an element's position), checked."""
    tree = tree.sort_values("order", kind="stable").reset_index(drop=True)
    if tree["identifier"].duplicated().any():
        raise ValueError("tree: an identifier appears twice")
    if (tree["level"] == OVERALL).sum() != 1:
        raise ValueError("tree: one overall row")
    return tree


def _rollup_matrix(
    tree: pd.DataFrame, assessment: np.ndarray, position: np.ndarray, values: np.ndarray, count: int
) -> np.ndarray:
    """[assessment, element position] -> value, for `count` assessments and the elements of
    `tree` (_ordered): the subcategory values given (assessment code, position, value; no NaN)
    and the category, function and overall means by csf.scoring.RULE, NaN where nothing under
    an element has a value. Vectorised: each level is one weighted bincount over
    assessment x element keys, rather than a group-by on strings."""
    size = len(tree)
    identifiers = pd.Index(tree["identifier"])
    level = tree["level"].to_numpy()
    parents = {
        SUBCATEGORY: identifiers.get_indexer(tree["category"]),
        CATEGORY: identifiers.get_indexer(tree["function"]),
        FUNCTION: np.full(size, identifiers.get_loc(OVERALL)),
    }
    matrix = np.full((count, size), np.nan)
    matrix[assessment, position] = values
    for lower in (SUBCATEGORY, CATEGORY, FUNCTION):
        columns = np.flatnonzero(level == lower)
        parent = parents[lower][columns]
        if (parent < 0).any():
            raise ValueError(f"tree: a {lower} whose parent is not in the tree")
        block = matrix[:, columns]
        rows, cols = np.nonzero(~np.isnan(block))
        keys = rows * size + parent[cols]
        totals = np.bincount(keys, weights=block[rows, cols], minlength=count * size)
        counts = np.bincount(keys, minlength=count * size)
        with np.errstate(invalid="ignore", divide="ignore"):
            means = (totals / counts).reshape(count, size)
        uppers = np.unique(parent)
        matrix[:, uppers] = means[:, uppers]
    return matrix


def scores_by_level(answers: pd.DataFrame, tree: pd.DataFrame) -> pd.DataFrame:
    """SCORES from ANSWERS and the TREE of their version: every element for every organization
    and year that has answers, sorted by organization, year and the core's order.

    Answers of subcategories outside the tree (withdrawn) are ignored, as rollup ignores them.
    Answers in another version are refused: carry CSF 1.1 years first (in_csf20_terms)."""
    check_columns(answers, ANSWER_COLUMNS, "answers")
    check_columns(tree, TREE_COLUMNS, "tree")
    versions = tree["framework"].unique()
    if len(versions) != 1:
        raise ValueError("tree: the elements of one CSF version")
    version = versions[0]
    others = sorted(set(answers["framework"].unique()) - {version})
    if others:
        raise ValueError(
            f"answers: CSF {', '.join(others)} answers given with the CSF {version} tree; "
            "carry CSF 1.1 years into 2.0 terms first (in_csf20_terms)"
        )
    tree = _ordered(tree)
    answers = _with_carried(answers).assign(score=_numbers(answers["score"]))
    by_assessment = answers.groupby(ASSESSMENT, sort=True)
    assessments = by_assessment.agg(
        framework=("framework", "first"),
        framework_count=("framework", "nunique"),
        carried=("carried", "any"),
    )
    if (assessments["framework_count"] > 1).any():
        raise ValueError("answers: one CSF version per organization and year")
    assessments = assessments.drop(columns="framework_count").reset_index()
    code = by_assessment.ngroup().to_numpy()
    if (code < 0).any():
        raise ValueError("answers: every row needs its organization and year")
    position = pd.Index(tree["identifier"]).get_indexer(answers["subcategory"])
    inside = (position >= 0) & (tree["level"].to_numpy()[position] == SUBCATEGORY)
    size = len(tree)
    if pd.Series(code[inside] * size + position[inside]).duplicated().any():
        raise ValueError("answers: a subcategory answered twice in one organization's year")
    scored = inside & answers["score"].notna().to_numpy()
    matrix = _rollup_matrix(
        tree, code[scored], position[scored], answers["score"].to_numpy()[scored], len(assessments)
    )
    count = len(assessments)
    frame = pd.concat(
        [
            assessments.take(np.repeat(np.arange(count), size)).reset_index(drop=True),
            tree[ELEMENT].take(np.tile(np.arange(size), count)).reset_index(drop=True),
        ],
        axis=1,
    )
    frame["score"] = matrix.ravel()
    return frame[SCORE_COLUMNS]


# ----------------------------------------------------------------------------- CSF 1.1 -> 2.0


def carry_to_csf20(answers_11: pd.DataFrame, crosswalk: pd.DataFrame) -> pd.DataFrame:
    """ANSWERS in CSF 2.0 terms from CSF 1.1 ANSWERS and the CROSSWALK (CARRY_RULE): each 2.0
    subcategory that a 1.1 answer of the year maps into gets the mean of the scored ones, halves
    rounded up (csf.services.assessments.round_half_up: 3.5 -> 4, 2.5 -> 3); NaN when none of
    them is scored. Rows are marked `carried` (True) and framework "2.0", with
    `carried_from` (str) naming the scored 1.1 subcategories used, in the crosswalk's order.

    2.0 subcategories that no answer maps into get no row: they stay unanswered."""
    check_columns(answers_11, ANSWER_COLUMNS, "answers_11")
    check_columns(crosswalk, CROSSWALK_COLUMNS, "crosswalk")
    if (answers_11["framework"] != V11).any():
        raise ValueError("answers_11: CSF 1.1 answers only")
    links = crosswalk[CROSSWALK_COLUMNS].drop_duplicates().reset_index(drop=True)
    links["link"] = np.arange(len(links))
    target_order = links.groupby("target", sort=False)["link"].min().rename("target_order")
    rows = (
        answers_11[[*ASSESSMENT, "subcategory"]]
        .assign(score=_numbers(answers_11["score"]))
        .merge(links, left_on="subcategory", right_on="source", how="inner")
        .sort_values([*ASSESSMENT, "target", "link"], kind="stable")
    )
    group = [*ASSESSMENT, "target"]
    carried = rows.groupby(group, sort=False)["score"].mean().to_frame("score")
    # round_half_up's floor(x + 0.5) on the whole column: numpy's round() would send halves to
    # the even level (2.5 -> 2), unlike the assessment carry.
    carried["score"] = np.floor(carried["score"] + 0.5)
    # The names joined by a string sum (in row order, so in the crosswalk's order): a Python
    # join per group takes seconds over hundreds of organizations.
    used = rows.loc[rows["score"].notna(), group].assign(source=rows["source"].astype(str) + ", ")
    used = used.groupby(group, sort=False)["source"].sum().str[:-2]
    carried = carried.join(used.rename("carried_from"))
    carried["carried_from"] = carried["carried_from"].fillna("").astype(str)
    carried = (
        carried.reset_index()
        .join(target_order, on="target")
        .sort_values([*ASSESSMENT, "target_order"], kind="stable")
        .rename(columns={"target": "subcategory"})
        .assign(framework=V20, carried=True)
    )
    return carried[[*ANSWER_COLUMNS, "carried", "carried_from"]].reset_index(drop=True)


def in_csf20_terms(answers: pd.DataFrame, crosswalk: pd.DataFrame) -> pd.DataFrame:
    """ANSWERS of CSF 1.1 and 2.0 years as one CSF 2.0 series: the 1.1 years carried
    (carry_to_csf20), the 2.0 years as they are (`carried` False, `carried_from` "")."""
    check_columns(answers, ANSWER_COLUMNS, "answers")
    unknown = sorted(set(answers["framework"].unique()) - {V11, V20})
    if unknown:
        raise ValueError(f"answers: unknown CSF version(s) {', '.join(unknown)}")
    current = _with_carried(answers.loc[answers["framework"] == V20]).assign(carried_from="")
    old = carry_to_csf20(answers.loc[answers["framework"] == V11], crosswalk)
    columns = [*ANSWER_COLUMNS, "carried", "carried_from"]
    return (
        pd.concat([old[columns], current[columns]], ignore_index=True)
        .sort_values(ASSESSMENT, kind="stable")
        .reset_index(drop=True)
    )


# ----------------------------------------------------------------------------- one organization


def year_over_year(scores: pd.DataFrame, *, levels: Sequence[str] = LEVELS) -> pd.DataFrame:
    """CHANGES of one organization's SCORES, for the `levels` asked, sorted by the core's order,
    then year.

    A missing year (not assessed), or a year in which the element was not scored, is skipped:
    the change is measured from the latest earlier year in which the element had a score, and
    `previous_year` says which (compare it with year - 1 to say that a year was skipped)."""
    check_columns(scores, SCORE_COLUMNS, "scores")
    _one_organization(scores, "scores")
    frame = (
        scores.loc[scores["level"].isin(levels)]
        .drop(columns="organization")
        .sort_values(["order", "year"], kind="stable")
        .reset_index(drop=True)
    )
    scored = frame.loc[frame["score"].notna()]
    by_element = scored.groupby(["level", "identifier"], sort=False)
    frame = frame.join(
        pd.DataFrame(
            {
                "previous_year": by_element["year"].shift(),
                "previous_score": by_element["score"].shift(),
                "first_year": by_element["year"].transform("first"),
                "first_score": by_element["score"].transform("first"),
            },
            index=scored.index,
        )
    )
    frame["change"] = snapped(frame["score"] - frame["previous_score"])
    frame["change_from_first"] = snapped(frame["score"] - frame["first_score"]).where(
        frame["first_year"] < frame["year"]
    )
    frame["previous_year"] = frame["previous_year"].astype("Int64")
    frame["first_year"] = frame["first_year"].astype("Int64")
    return frame[CHANGE_COLUMNS]


def _ranked_changes(
    changes: pd.DataFrame, *, year: int | None, level: str, limit: int | None, improved: bool
) -> pd.DataFrame:
    check_columns(changes, CHANGE_COLUMNS, "changes")
    if limit is not None and limit < 1:
        raise ValueError("limit: at least 1, or None for every element")
    if year is None:
        year = changes["year"].max()
    rows = changes.loc[
        (changes["year"] == year) & (changes["level"] == level) & changes["change"].notna()
    ]
    rows = rows.loc[rows["change"] > 0] if improved else rows.loc[rows["change"] < 0]
    key = -rows["change"] if improved else rows["change"]
    rows = rows.assign(key=key).sort_values(["key", "order", "identifier"], kind="stable")
    rows["rank"] = rows["key"].rank(method="min").astype("int64")
    if limit is not None and len(rows) > limit:
        rows = rows.loc[rows["key"] <= rows["key"].iloc[limit - 1]]
    columns = ["rank", "year", "identifier", "function", "order", "score"]
    columns += ["previous_year", "previous_score", "change"]
    return rows[columns].reset_index(drop=True)


def most_improved(
    changes: pd.DataFrame, *, year: int | None = None, level: str = CATEGORY, limit: int | None = 3
) -> pd.DataFrame:
    """The elements of `level` that rose most in `year` (the latest year of CHANGES when None),
    from their previous scored year: rank, year, identifier, function, order, score,
    previous_year, previous_score, change. Largest change first.

    Ties: equal changes share the lower rank ("1, 1, 3") and are listed in the core's order,
    then by identifier; `limit` never splits a tie, so the list may be longer than `limit`.
    Elements that did not rise are not listed."""
    return _ranked_changes(changes, year=year, level=level, limit=limit, improved=True)


def most_declined(
    changes: pd.DataFrame, *, year: int | None = None, level: str = CATEGORY, limit: int | None = 3
) -> pd.DataFrame:
    """As most_improved, for the elements that fell most (largest fall first)."""
    return _ranked_changes(changes, year=year, level=level, limit=limit, improved=False)


def against_target(
    scores: pd.DataFrame, targets: pd.DataFrame, *, default: float = RECOMMENDED_TARGET
) -> pd.DataFrame:
    """SCORES (every level, as scores_by_level gives them) with the organization's targets, for
    every year: the columns of SCORES plus `target`, `gap` and `meets_target`, by the profile
    page's rules (csf.scoring.gaps):
    - a subcategory's target is its own TARGETS row, else `default` (the recommended minimum);
      targets roll up to categories, functions and overall by RULE;
    - a subcategory's gap is target - score, the whole target when unanswered; gaps roll up by
      RULE (so a function's gap is the mean of its categories' gaps);
    - meets_target: gap <= 0.
    Targets have no year: today's targets measure every year of the series."""
    check_columns(scores, SCORE_COLUMNS, "scores")
    check_columns(targets, TARGET_COLUMNS, "targets")
    columns = [*SCORE_COLUMNS, "target", "gap", "meets_target"]
    if scores.empty:
        return scores.assign(target=np.nan, gap=np.nan, meets_target=False)[columns]
    if not set(LEVELS) <= set(scores["level"].unique()):
        raise ValueError("scores: every level (the subcategories hold the targets)")
    if targets.duplicated(["organization", "subcategory"]).any():
        raise ValueError("targets: one target per organization and subcategory")
    tree = _ordered(scores[ELEMENT].drop_duplicates("order"))
    position = tree["order"].searchsorted(scores["order"])
    by_assessment = scores.groupby(ASSESSMENT, sort=False)
    code = by_assessment.ngroup().to_numpy()
    count = by_assessment.ngroups
    subcategory = (scores["level"] == SUBCATEGORY).to_numpy()
    own = pd.Series(
        _numbers(targets["target"]).to_numpy(),
        index=pd.MultiIndex.from_arrays([targets["organization"], targets["subcategory"]]),
    )
    rows = scores.loc[subcategory]
    target = own.reindex(pd.MultiIndex.from_arrays([rows["organization"], rows["identifier"]]))
    target = target.fillna(float(default)).to_numpy()
    gap = target - rows["score"].fillna(0.0).to_numpy()
    frame = scores.copy()
    for name, values in (("target", target), ("gap", gap)):
        matrix = _rollup_matrix(tree, code[subcategory], position[subcategory], values, count)
        frame[name] = matrix[code, position]
    frame["gap"] = snapped(frame["gap"])
    frame["meets_target"] = frame["gap"].le(0).fillna(False).astype(bool)
    return frame[columns]


# ----------------------------------------------------------------------------- peers


def peer_stats(
    scores: pd.DataFrame,
    peers: pd.DataFrame,
    *,
    minimum: int = PEER_MINIMUM,
    levels: Sequence[str] = PEER_LEVELS,
) -> pd.DataFrame:
    """One organization's SCORES against its peer group's SCORES, for the `levels` asked, per
    year and element; no peer is named: the result has no organization column at all.

    Columns: year, framework, carried, level, identifier, category, function, order, score (the
    organization's), peer_count, suppressed, mean, median, q1, q3, percentile.

    - The peers are the other organizations of `peers` (the organization itself is dropped from
      it), each counted for a year and element when it has a score for it that year.
    - mean, median, q1 (25%) and q3 (75%) of the peers' scores; quartiles by QUANTILE_METHOD.
    - percentile: 100 * (peers strictly below + half the peers equal) / peer_count; NaN when
      the organization has no score there. 0 below every peer, 50 in the middle or when all are
      equal, 100 above every peer.
    - Fewer than `minimum` peers with a score: `suppressed` True and mean, median, quartiles and
      percentile NaN, so that no peer's score can be read or worked out; peer_count is kept to
      say why."""
    check_columns(scores, SCORE_COLUMNS, "scores")
    check_columns(peers, SCORE_COLUMNS, "peers")
    if minimum < 1:
        raise ValueError("minimum: at least 1")
    subject = _one_organization(scores, "scores")
    keys = ["year", "level", "identifier"]
    own = scores.loc[scores["level"].isin(levels)].drop(columns="organization")
    others = peers.loc[
        (peers["organization"] != subject)
        & peers["level"].isin(levels)
        & peers["score"].notna()
        & peers["year"].isin(own["year"].unique()),
        [*keys, "score"],
    ]
    group = others.groupby(keys, sort=False)["score"]
    stats = group.agg(peer_count="count", mean="mean", median="median")
    quartiles = (
        group.quantile([0.25, 0.75], interpolation=QUANTILE_METHOD)
        .unstack()
        .reindex(columns=[0.25, 0.75])
    )
    stats["q1"] = quartiles[0.25]
    stats["q3"] = quartiles[0.75]
    pairs = others.merge(
        own.loc[own["score"].notna(), [*keys, "score"]].rename(columns={"score": "own"}), on=keys
    )
    peer, mine = snapped(pairs["score"]), snapped(pairs["own"])
    standing = (
        pairs.assign(below=peer < mine, equal=peer == mine)
        .groupby(keys, sort=False)[["below", "equal"]]
        .sum()
    )
    stats = stats.join(standing)
    stats["percentile"] = 100 * (stats["below"] + stats["equal"] / 2) / stats["peer_count"]
    frame = own.merge(stats.drop(columns=["below", "equal"]).reset_index(), on=keys, how="left")
    frame["peer_count"] = frame["peer_count"].fillna(0).astype("int64")
    frame["suppressed"] = frame["peer_count"] < minimum
    frame.loc[frame["suppressed"], PEER_VALUES] = np.nan
    return frame[PEER_COLUMNS].reset_index(drop=True)


def without_small_differences(
    wide: pd.DataFrame, narrow: pd.DataFrame, *, minimum: int = PEER_MINIMUM
) -> pd.DataFrame:
    """peer_stats against a wider peer group (`wide`) with the figures suppressed wherever the
    group it contains (`narrow`, peer_stats of the same organization against the narrower
    group) counts between 1 and `minimum` - 1 fewer peers with a score. Comparing the two
    would otherwise show the few peers that differ: the total of a mean less the other's total
    is their score. No difference (the same peers) or `minimum` and more is kept."""
    check_columns(wide, PEER_COLUMNS, "wide")
    check_columns(narrow, PEER_COLUMNS, "narrow")
    keys = ["year", "level", "identifier"]
    counts = wide[keys].merge(
        narrow[[*keys, "peer_count"]].rename(columns={"peer_count": "narrow"}), on=keys, how="left"
    )["narrow"]
    difference = wide["peer_count"].to_numpy() - counts.fillna(0).to_numpy()
    hidden = (difference > 0) & (difference < minimum)
    frame = wide.copy()
    frame.loc[hidden, "suppressed"] = True
    frame.loc[hidden, PEER_VALUES] = np.nan
    return frame
