"""The benchmark computations (csf/benchmarks/frames.py): pandas frames in, frames out, checked
against small cases whose results are worked out by hand in the comments, and against
csf.scoring.rollup and the assessment carry on random and real cases."""

import math
import random
from statistics import fmean

import numpy as np
import pandas as pd
import pytest

from csf.benchmarks.frames import (
    CHANGE_COLUMNS,
    SCORE_COLUMNS,
    against_target,
    carry_to_csf20,
    in_csf20_terms,
    most_declined,
    most_improved,
    peer_stats,
    scores_by_level,
    tree_frame,
    year_over_year,
)
from csf.benchmarks.summary import summary_sentences
from csf.scoring import CoreTree, gaps, rollup
from csf.services.assessments import round_half_up
from tests.benchmark_steps import NaN, answers, by_identifier, change, history, score_of, tree

# ----------------------------------------------------------------------------- the tree


def test_the_tree_frame_lists_every_element_in_the_core_order():
    frame = tree_frame(tree())
    assert frame["identifier"].tolist() == [
        "overall",
        "F1",
        "C1",
        "a1",
        "a2",
        "a3",
        "C2",
        "a4",
        "F2",
        "C3",
        "b1",
        "b2",
        "C4",
        "F3",
    ]
    assert frame["order"].tolist() == list(range(14))
    assert set(frame["framework"]) == {"2.0"}
    row = frame.loc[frame["identifier"] == "b2"].iloc[0]
    assert (row["level"], row["category"], row["function"]) == ("subcategory", "C3", "F2")
    row = frame.loc[frame["identifier"] == "C4"].iloc[0]
    assert (row["level"], row["category"], row["function"]) == ("category", "C4", "F2")


# ----------------------------------------------------------------------------- scores


def test_scores_roll_up_by_the_rule_and_skipped_subcategories_are_left_out():
    frame = scores_by_level(
        answers(
            [
                # a3 saved without a score, b2 never answered: both left out, not zero.
                ("A", 2021, {"a1": 2, "a2": 4, "a3": None, "a4": 5, "b1": 3}),
                # An answer of a withdrawn subcategory (outside the tree) changes nothing.
                ("B", 2021, {"a1": 7, "withdrawn-1": 1}),
                # Assessed, nothing scored yet: the year is there, with no score anywhere.
                ("C", 2022, {"a1": None}),
            ]
        ),
        tree_frame(tree()),
    )
    assert list(frame.columns) == SCORE_COLUMNS
    assert len(frame) == 3 * 14  # every element for each organization's year
    a = frame.loc[frame["organization"] == "A"]
    # C1 = (2 + 4) / 2 = 3; C2 = 5; F1 = (3 + 5) / 2 = 4; C3 = 3 (b2 left out); C4 nothing;
    # F2 = 3; F3 nothing; overall = (4 + 3) / 2 = 3.5.
    assert by_identifier(a) == {
        "overall": 3.5,
        "F1": 4.0,
        "C1": 3.0,
        "a1": 2.0,
        "a2": 4.0,
        "a3": None,
        "C2": 5.0,
        "a4": 5.0,
        "F2": 3.0,
        "C3": 3.0,
        "b1": 3.0,
        "b2": None,
        "C4": None,
        "F3": None,
    }
    b = frame.loc[frame["organization"] == "B"]
    # C1 = 7, F1 = 7, overall = 7: the withdrawn answer is ignored.
    assert score_of(b, "overall") == 7.0 and score_of(b, "C1") == 7.0
    assert "withdrawn-1" not in set(frame["identifier"])
    c = frame.loc[frame["organization"] == "C"]
    assert c["score"].isna().all() and set(c["year"]) == {2022}
    assert not frame["carried"].any()


def random_tree(rng: random.Random) -> CoreTree:
    core = CoreTree(version="2.0")
    for f in range(rng.randint(1, 4)):
        function = f"F{f}"
        core.functions.append(function)
        for c in range(rng.randint(0, 4)):  # some functions have no category
            category = f"{function}.C{c}"
            core.categories.setdefault(function, []).append(category)
            count = rng.randint(0, 5)  # some categories have no subcategory
            if count:
                core.subcategories[category] = [f"{category}-{s}" for s in range(count)]
    return core


def test_scores_equal_csf_scoring_rollup_on_random_cases():
    rng = random.Random(9)
    for _case in range(40):
        core = random_tree(rng)
        subcategories = core.all_subcategories()
        rows, expected = [], {}
        for organization in ("x", "y", "z"):
            for year in rng.sample(range(2018, 2026), rng.randint(1, 4)):
                scores = {
                    sub: rng.choice([None, 1, 2, 3, 4, 5, 6, 7])
                    for sub in subcategories
                    if rng.random() < 0.7  # others skipped: no row at all
                }
                if not scores:
                    scores = {"outside": 3}  # assessed, nothing in the tree
                rows.append((organization, year, scores))
                expected[organization, year] = rollup(core, scores)
        frame = scores_by_level(answers(rows), tree_frame(core))
        for (organization, year), result in expected.items():
            got = frame.loc[(frame["organization"] == organization) & (frame["year"] == year)]
            got = {
                (level, identifier): score
                for level, identifier, score in zip(
                    got["level"], got["identifier"], got["score"], strict=True
                )
            }
            want = {("overall", "overall"): result.overall}
            for level, values in (
                ("function", result.functions),
                ("category", result.categories),
                ("subcategory", result.subcategories),
            ):
                want.update({(level, key): value for key, value in values.items()})
            assert set(got) == set(want)
            for key, value in want.items():
                if value is None:
                    assert math.isnan(got[key]), key
                else:
                    assert got[key] == pytest.approx(value, abs=1e-12), key


def test_scores_refuse_another_version_twice_answered_subcategories_and_missing_columns():
    with pytest.raises(ValueError, match="carry CSF 1.1 years"):
        scores_by_level(answers([("A", 2019, {"a1": 2})], framework="1.1"), tree_frame(tree()))
    twice = pd.concat([answers([("A", 2021, {"a1": 2})])] * 2)
    with pytest.raises(ValueError, match="answered twice"):
        scores_by_level(twice, tree_frame(tree()))
    with pytest.raises(ValueError, match="missing column"):
        scores_by_level(answers([("A", 2021, {"a1": 2})]).drop(columns="year"), tree_frame(tree()))


# ----------------------------------------------------------------------------- CSF 1.1 -> 2.0


def crosswalk() -> pd.DataFrame:
    return pd.DataFrame(
        [
            ("x1", "A-01"),
            ("x2", "A-01"),
            ("x3", "A-02"),
            ("x4", "A-02"),
            ("x4", "A-03"),  # one 1.1 subcategory into two 2.0 ones
            ("x5", "B-01"),
            ("x6", "A-04"),
            ("x7", "A-04"),
        ],
        columns=["source", "target"],
    )


def test_csf_1_1_answers_are_carried_into_2_0_terms_and_marked_so():
    carried = carry_to_csf20(
        answers(
            [("A", 2019, {"x1": 3, "x2": 4, "x3": 2, "x4": None, "x6": 2, "x7": 3})],
            framework="1.1",
        ),
        crosswalk(),
    )
    assert carried["subcategory"].tolist() == ["A-01", "A-02", "A-03", "A-04"]
    # A-01 = (3 + 4) / 2 = 3.5 -> 4 (halves up); A-02 = x3 alone = 2 (x4 has no score);
    # A-03 = x4 only, unscored -> no score; A-04 = (2 + 3) / 2 = 2.5 -> 3, where Python's
    # round() would give 2. B-01: x5 not answered, so no row: it stays unanswered.
    assert by_identifier(carried.rename(columns={"subcategory": "identifier"})) == {
        "A-01": 4.0,
        "A-02": 2.0,
        "A-03": None,
        "A-04": 3.0,
    }
    assert carried["carried_from"].tolist() == ["x1, x2", "x3", "", "x6, x7"]
    assert carried["carried"].all() and set(carried["framework"]) == {"2.0"}
    assert set(carried["organization"]) == {"A"} and set(carried["year"]) == {2019}


def test_the_carry_rounds_as_the_assessment_carry_does():
    rng = random.Random(11)
    rows, links, expected = {}, [], {}
    for target in range(300):
        sources = [f"s{target}-{n}" for n in range(rng.randint(1, 7))]
        links += [(source, f"t{target}") for source in sources]
        scores = {source: rng.randint(1, 7) for source in sources}
        rows.update(scores)
        expected[f"t{target}"] = round_half_up(fmean(scores.values()))
    carried = carry_to_csf20(
        answers([("A", 2019, rows)], framework="1.1"),
        pd.DataFrame(links, columns=["source", "target"]),
    )
    assert dict(zip(carried["subcategory"], carried["score"], strict=True)) == expected


def test_empty_1_1_answers_carry_nothing():
    carried = carry_to_csf20(answers([], framework="1.1"), crosswalk())
    assert carried.empty and "carried_from" in carried.columns


def test_a_series_of_1_1_and_2_0_years_scores_in_2_0_terms_with_the_carried_years_marked():
    mixed = pd.concat(
        [
            answers([("A", 2019, {"x1": 3, "x2": 4})], framework="1.1"),
            answers([("A", 2020, {"A-01": 5})]),
        ]
    )
    core = CoreTree(
        version="2.0",
        functions=["A"],
        categories={"A": ["A.1"]},
        subcategories={"A.1": ["A-01", "A-02"]},
    )
    frame = scores_by_level(in_csf20_terms(mixed, crosswalk()), tree_frame(core))
    # 2019: A-01 carried (3 + 4) / 2 -> 4; 2020: A-01 answered 5 in CSF 2.0.
    assert score_of(frame, "overall", year=2019) == 4.0
    assert score_of(frame, "overall", year=2020) == 5.0
    carried = frame.groupby("year")["carried"].all().to_dict()
    assert carried == {2019: True, 2020: False}
    assert set(frame["framework"]) == {"2.0"}
    sentences = summary_sentences(year_over_year(frame), year=2019)
    assert sentences[-1] == (
        "The 2019 scores are CSF 1.1 results carried into CSF 2.0 terms through NIST's crosswalk."
    )


@pytest.mark.django_db
def test_the_carry_gives_what_carrying_an_assessment_gives_on_the_real_crosswalk(personas):
    from csf.models import CrosswalkLink, CsfAnswer, CsfElement
    from csf.selectors.reference import core_tree
    from csf.services.assessments import csf_answers_save
    from tests.csf_assessment_steps import start, subcategories

    rng = random.Random(5)
    scores = {}
    for identifier in subcategories("1.1"):
        roll = rng.random()
        if roll < 0.15:
            continue  # skipped
        scores[identifier] = None if roll < 0.25 else rng.randint(1, 7)
    old = start(personas, year=2023, framework="1.1")
    csf_answers_save(
        actor=personas.member,
        assessment=old,
        answers=[
            (identifier, score, "" if score is not None else "To look at", "")
            for identifier, score in scores.items()
        ],
    )
    new = start(personas, year=2025, framework="2.0", copy_from=old)
    service = dict(
        CsfAnswer.objects.filter(assessment=new).values_list("subcategory__identifier", "score")
    )

    subcategory = CsfElement.Kind.SUBCATEGORY
    links = pd.DataFrame(
        CrosswalkLink.objects.filter(
            source__version="1.1",
            source__kind=subcategory,
            target__version="2.0",
            target__kind=subcategory,
        )
        .order_by("source__sort_order")
        .values_list("source__identifier", "target__identifier"),
        columns=["source", "target"],
    )
    carried = carry_to_csf20(answers([("agency", 2023, scores)], framework="1.1"), links)
    frames = dict(zip(carried["subcategory"], carried["score"], strict=True))
    assert sum(score is not None for score in service.values()) > 50
    for identifier, score in service.items():
        if score is None:
            assert pd.isna(frames.get(identifier, NaN)), identifier
        else:
            assert frames[identifier] == score, identifier

    # And the real 2.0 core rolls the carried year up as csf.scoring does.
    core = core_tree("2.0")
    frame = scores_by_level(carried, tree_frame(core))
    result = rollup(core, {key: value for key, value in service.items() if value is not None})
    assert score_of(frame, "overall") == pytest.approx(result.overall, abs=1e-12)
    for function, value in result.functions.items():
        assert score_of(frame, function) == pytest.approx(value, abs=1e-12)
    assert frame["carried"].all()


# ----------------------------------------------------------------------------- year over year


def test_year_over_year_compares_with_the_last_year_scored_and_says_which():
    changes = year_over_year(history())
    assert list(changes.columns) == CHANGE_COLUMNS
    # 2021 was not assessed: 2022 is compared with 2020. 3.5 - 2.75 = 0.75; from 2019:
    # 3.5 - 1.75 = 1.75.
    row = change(changes, "overall", 2022)
    assert (row["previous_year"], row["previous_score"], row["change"]) == (2020, 2.75, 0.75)
    assert (row["first_year"], row["change_from_first"]) == (2019, 1.75)
    # C2 was skipped in 2022 (a4 not answered): no score, no change that year, and 2023 is
    # compared with 2020: 6 - 4 = 2.
    row = change(changes, "C2", 2022)
    assert pd.isna(row["score"]) and pd.isna(row["change"]) and pd.isna(row["previous_year"])
    row = change(changes, "C2", 2023)
    assert (row["previous_year"], row["previous_score"], row["change"]) == (2020, 4.0, 2.0)
    # F1 2023: 5.25 - 4 = 1.25; from 2019: 5.25 - 2.5 = 2.75. C3 2023: 3 - 3 = 0 exactly.
    row = change(changes, "F1", 2023)
    assert (row["change"], row["change_from_first"]) == (1.25, 2.75)
    assert change(changes, "C3", 2023)["change"] == 0.0
    # The first year has nothing earlier to compare with.
    row = change(changes, "C1", 2019)
    assert pd.isna(row["previous_year"]) and pd.isna(row["change"])
    assert pd.isna(row["change_from_first"]) and row["first_year"] == 2019
    # Core order, then year.
    assert changes["identifier"].tolist()[:5] == ["overall"] * 4 + ["F1"]
    assert changes.loc[changes["identifier"] == "overall", "year"].tolist() == [
        2019,
        2020,
        2022,
        2023,
    ]


def test_year_over_year_is_for_one_organization_and_the_levels_asked():
    two = pd.concat([history(), history().assign(organization="B")])
    with pytest.raises(ValueError, match="one organization"):
        year_over_year(two)
    changes = year_over_year(history(), levels=("function",))
    assert set(changes["identifier"]) == {"F1", "F2", "F3"}


def test_most_improved_and_declined_in_the_last_year():
    changes = year_over_year(history())
    # 2023 against the last year scored: C2 +2 (from 2020), C1 4.5 - 4 = +0.5, C3 0: not listed.
    improved = most_improved(changes)
    assert improved["identifier"].tolist() == ["C2", "C1"]
    assert improved["rank"].tolist() == [1, 2]
    assert improved["change"].tolist() == [2.0, 0.5]
    assert improved["previous_year"].tolist() == [2020, 2022]
    assert most_declined(changes).empty
    assert most_improved(changes, level="function")["identifier"].tolist() == ["F1"]


def ties_tree() -> CoreTree:
    """F: CZ (z1), CB (b1), CA (a1), CY (y1): the core's order is not the alphabetical one."""
    return CoreTree(
        version="2.0",
        functions=["F"],
        categories={"F": ["CZ", "CB", "CA", "CY"]},
        subcategories={"CZ": ["z1"], "CB": ["b1"], "CA": ["a1"], "CY": ["y1"]},
    )


def test_ties_in_most_improved_share_a_rank_in_the_core_order_and_are_never_split():
    changes = year_over_year(
        scores_by_level(
            answers(
                [
                    ("A", 2020, {"z1": 2, "b1": 2, "a1": 2, "y1": 2}),
                    # CB +2; CZ, CA and CY +1 each, a tie.
                    ("A", 2021, {"z1": 3, "b1": 4, "a1": 3, "y1": 3}),
                    # CA -2; CZ and CY -1 each; CB unchanged.
                    ("A", 2022, {"z1": 2, "b1": 4, "a1": 1, "y1": 2}),
                ]
            ),
            tree_frame(ties_tree()),
        )
    )
    improved = most_improved(changes, year=2021, limit=2)
    # The limit of 2 falls inside the tie: all three tied are kept, in the core's order.
    assert improved["identifier"].tolist() == ["CB", "CZ", "CA", "CY"]
    assert improved["rank"].tolist() == [1, 2, 2, 2]
    assert most_improved(changes, year=2021, limit=1)["identifier"].tolist() == ["CB"]
    declined = most_declined(changes, limit=None)
    assert declined["identifier"].tolist() == ["CA", "CZ", "CY"]
    assert declined["rank"].tolist() == [1, 2, 2]
    assert declined["change"].tolist() == [-2.0, -1.0, -1.0]
    with pytest.raises(ValueError):
        most_improved(changes, limit=0)


def test_a_change_between_equal_scores_reached_by_different_means_is_zero():
    core = CoreTree(
        version="2.0",
        functions=["F"],
        categories={"F": ["C1", "C2"]},
        subcategories={"C1": ["a", "b", "c"], "C2": ["d"]},
    )
    # 2020: F = (7/3 + 3) / 2 = 8/3; 2021: F = (4/3 + 4) / 2 = 8/3 too, but the two floats
    # differ in their last bit (2.666666666666667 and 2.6666666666666665).
    assert (7 / 3 + 3) / 2 != (4 / 3 + 4) / 2
    frame = scores_by_level(
        answers(
            [
                ("A", 2020, {"a": 1, "b": 3, "c": 3, "d": 3}),
                ("A", 2021, {"a": 1, "b": 1, "c": 2, "d": 4}),
            ]
        ),
        tree_frame(core),
    )
    changes = year_over_year(frame)
    assert change(changes, "F", 2021)["change"] == 0.0
    assert most_improved(changes, level="function").empty
    assert most_declined(changes, level="function").empty


# ----------------------------------------------------------------------------- target


def test_against_target_uses_own_targets_else_the_recommended_one_and_rolls_gaps_up():
    scores = scores_by_level(
        answers(
            [
                ("A", 2021, {"a1": 2, "a2": 4, "a4": 5, "b1": 3}),  # a3, b2 unanswered
                ("B", 2021, {"a4": 6}),
            ]
        ),
        tree_frame(tree()),
    )
    targets = pd.DataFrame(
        [("A", "a1", 6), ("A", "b2", 3)], columns=["organization", "subcategory", "target"]
    )
    frame = against_target(scores, targets)
    a = frame.loc[frame["organization"] == "A"]
    # Targets: a1 6 and b2 3 (own), the others 5. C1 = (6 + 5 + 5) / 3 = 16/3; C2 = 5;
    # F1 = (16/3 + 5) / 2 = 31/6; C3 = (5 + 3) / 2 = 4; F2 = 4; overall = (31/6 + 4) / 2 = 55/12.
    target = by_identifier(a, "target")
    assert target["C1"] == pytest.approx(16 / 3) and target["C3"] == 4.0
    assert target["F1"] == pytest.approx(31 / 6) and target["overall"] == pytest.approx(55 / 12)
    assert target["C4"] is None and target["F3"] is None
    # Gaps: a1 6 - 2 = 4, a2 5 - 4 = 1, a3 5 - 0 = 5 (unanswered: the whole target), a4 0,
    # b1 5 - 3 = 2, b2 3 - 0 = 3. C1 = 10/3, C2 = 0, F1 = 5/3; C3 = 2.5, F2 = 2.5;
    # overall = (5/3 + 2.5) / 2 = 25/12.
    gap = by_identifier(a, "gap")
    assert (gap["a3"], gap["a4"], gap["b2"]) == (5.0, 0.0, 3.0)
    assert gap["C1"] == pytest.approx(10 / 3) and gap["F1"] == pytest.approx(5 / 3)
    assert gap["F2"] == 2.5 and gap["overall"] == pytest.approx(25 / 12)
    met = a.loc[a["meets_target"], "identifier"].tolist()
    assert met == ["C2", "a4"]  # gap 0 meets the target; no gap (C4) does not
    # The same figures as the profile page's (csf.scoring.gaps on the same data).
    current = {"a1": 2, "a2": 4, "a4": 5, "b1": 3}
    full = dict.fromkeys(tree().all_subcategories(), 5) | {"a1": 6, "b2": 3}
    expected = gaps(tree(), current, full)
    assert gap["overall"] == pytest.approx(expected.overall, abs=1e-9)
    assert target["overall"] == pytest.approx(rollup(tree(), full).overall, abs=1e-12)
    # B has no own target: 5 everywhere; a4 6 - 5 = -1 meets it.
    b = frame.loc[frame["organization"] == "B"]
    assert set(b.loc[b["level"] == "subcategory", "target"]) == {5.0}
    assert by_identifier(b, "gap")["a4"] == -1.0 and by_identifier(b, "meets_target")["a4"]


# ----------------------------------------------------------------------------- input types


def test_scores_from_the_database_types_nullable_integers_and_integer_ids():
    frame = answers([(7, 2021, {"a1": 2, "a2": None})])
    frame["score"] = frame["score"].astype("Int64")
    scores = scores_by_level(frame, tree_frame(tree()))
    assert score_of(scores, "C1") == 2.0
    assert scores["organization"].unique().tolist() == [7]
    assert np.issubdtype(scores["score"].dtype, np.floating)


def test_empty_inputs_give_empty_frames_and_no_peers_suppress_everything():
    core = tree_frame(tree())
    empty = scores_by_level(answers([]), core)
    assert empty.empty and list(empty.columns) == SCORE_COLUMNS
    targets = pd.DataFrame(columns=["organization", "subcategory", "target"])
    assert against_target(empty, targets).empty
    alone = scores_by_level(answers([("me", 2021, {"a1": 3})]), core)
    frame = peer_stats(alone, alone)  # only itself: no peer at all
    assert frame["suppressed"].all() and (frame["peer_count"] == 0).all()
    assert frame["percentile"].isna().all()
