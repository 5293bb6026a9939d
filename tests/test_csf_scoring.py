"""How CSF scores roll up and how gaps are ranked (csf/scoring.py), on small trees whose
results are computed by hand in the comments."""

import pytest

from csf.scoring import RULE, CoreTree, Gap, gaps, prioritized_gaps, rollup


def tree() -> CoreTree:
    """F1: C1 (a1, a2, a3), C2 (a4); F2: C3 (b1, b2), C4 (no subcategory); F3: no category."""
    return CoreTree(
        version="test",
        functions=["F1", "F2", "F3"],
        categories={"F1": ["C1", "C2"], "F2": ["C3", "C4"]},
        subcategories={"C1": ["a1", "a2", "a3"], "C2": ["a4"], "C3": ["b1", "b2"]},
    )


def test_the_tree_lists_subcategories_in_core_order_with_their_function():
    core = tree()
    assert core.all_subcategories() == ["a1", "a2", "a3", "a4", "b1", "b2"]
    assert core.function_of() == {
        "a1": "F1",
        "a2": "F1",
        "a3": "F1",
        "a4": "F1",
        "b1": "F2",
        "b2": "F2",
    }


def test_unanswered_subcategories_are_left_out_not_counted_as_zero():
    # C1 = (2 + 4) / 2 = 3 (a3 unanswered); C2 = 5; F1 = (3 + 5) / 2 = 4.
    # C3 = 3 (b2 unanswered); C4 has nothing; F2 = 3; F3 has nothing; overall = (4 + 3) / 2.
    result = rollup(tree(), {"a1": 2, "a2": 4, "a3": None, "a4": 5, "b1": 3})
    assert result.subcategories == {
        "a1": 2,
        "a2": 4,
        "a3": None,
        "a4": 5,
        "b1": 3,
        "b2": None,
    }
    assert result.categories == {"C1": 3.0, "C2": 5.0, "C3": 3.0, "C4": None}
    assert result.functions == {"F1": 4.0, "F2": 3.0, "F3": None}
    assert result.overall == 3.5


def test_a_function_is_the_mean_of_its_categories_not_of_its_subcategories():
    # C1 = (1 + 1 + 7) / 3 = 3, C2 = 7: F1 = 5, where the mean of the four answers is 4.
    result = rollup(tree(), {"a1": 1, "a2": 1, "a3": 7, "a4": 7})
    assert result.categories["C1"] == 3.0
    assert result.functions["F1"] == 5.0
    assert result.overall == 5.0  # F2 and F3 unscored: left out


def test_a_category_with_no_answer_is_left_out_of_its_function():
    # C2 unanswered: F1 = C1 = (6 + 4 + 2) / 3 = 4.
    result = rollup(tree(), {"a1": 6, "a2": 4, "a3": 2})
    assert result.categories["C2"] is None
    assert result.functions["F1"] == 4.0


def test_nothing_answered_gives_no_score_anywhere():
    result = rollup(tree(), {})
    assert set(result.categories.values()) == {None}
    assert set(result.functions.values()) == {None}
    assert result.overall is None


def test_scores_of_subcategories_outside_the_tree_are_ignored():
    # A withdrawn subcategory's old answer is not in the tree: it changes nothing.
    result = rollup(tree(), {"a1": 4, "withdrawn-1": 1})
    assert "withdrawn-1" not in result.subcategories
    assert result.categories["C1"] == 4.0


def test_a_function_with_no_category_is_left_out_of_the_overall_score():
    result = rollup(tree(), {"a4": 6, "b1": 2})
    assert result.functions["F3"] is None
    assert result.overall == 4.0  # (6 + 2) / 2


def test_gaps_roll_up_by_the_same_rule_and_an_unanswered_subcategory_owes_its_whole_target():
    target = dict.fromkeys(tree().all_subcategories(), 5) | {"a4": 6}
    # a1: 5-2 = 3, a2: 5-4 = 1, a3 unanswered: 5, a4: 6-7 = -1 (above target);
    # b1: 5-3 = 2, b2 unanswered: 5.
    result = gaps(tree(), {"a1": 2, "a2": 4, "a4": 7, "b1": 3}, target)
    assert result.subcategories == {"a1": 3, "a2": 1, "a3": 5, "a4": -1, "b1": 2, "b2": 5}
    assert result.categories == {"C1": 3.0, "C2": -1.0, "C3": 3.5, "C4": None}
    assert result.functions == {"F1": 1.0, "F2": 3.5, "F3": None}
    assert result.overall == 2.25


def test_a_subcategory_without_a_target_has_no_gap():
    result = gaps(tree(), {"a1": 2}, {"a1": 5})
    assert result.subcategories["a1"] == 3
    assert result.subcategories["a2"] is None
    assert result.categories["C2"] is None


def test_the_gap_list_starts_with_the_lowest_function_then_the_largest_gaps():
    # F1 = ((1 + 3 + 4) / 3 + 2) / 2 = 2.33; F2 = (4 + 5) / 2 = 4.5.
    current = {"a1": 1, "a2": 3, "a3": 4, "a4": 2, "b1": 4, "b2": 5}
    target = dict.fromkeys(tree().all_subcategories(), 5) | {"b2": 7}
    ranked = prioritized_gaps(tree(), current, target)
    assert [(row.subcategory, row.gap) for row in ranked] == [
        ("a1", 4),  # F1 first, its largest gap first
        ("a4", 3),
        ("a2", 2),
        ("a3", 1),
        ("b2", 2),  # then F2, largest gap first
        ("b1", 1),
    ]
    assert ranked[0] == Gap(subcategory="a1", function="F1", current=1, target=5, gap=4)
    assert all(row.open for row in ranked)


def test_subcategories_at_or_above_target_are_not_on_the_gap_list():
    current = {"a1": 5, "a2": 6, "a3": 4, "a4": 5, "b1": 5, "b2": 5}
    ranked = prioritized_gaps(tree(), current, dict.fromkeys(tree().all_subcategories(), 5))
    assert [row.subcategory for row in ranked] == ["a3"]


def test_equal_gaps_keep_the_core_order():
    current = {"a1": 3, "a2": 3, "a3": 3, "a4": 3}
    ranked = prioritized_gaps(tree(), current, dict.fromkeys(["a3", "a1", "a4", "a2"], 5))
    assert [row.subcategory for row in ranked] == ["a1", "a2", "a3", "a4"]


def test_an_unscored_function_comes_first_with_its_whole_targets_as_gaps():
    # F2 has no answer at all: nothing is known of it, so it leads.
    current = {"a1": 1, "a2": 1, "a3": 1, "a4": 1}
    ranked = prioritized_gaps(tree(), current, dict.fromkeys(tree().all_subcategories(), 5))
    assert [(row.subcategory, row.current, row.gap) for row in ranked[:2]] == [
        ("b1", None, 5),
        ("b2", None, 5),
    ]
    assert [row.subcategory for row in ranked[2:]] == ["a1", "a2", "a3", "a4"]


def test_functions_tied_on_score_interleave_by_gap_then_core_order():
    # F1 = ((2 + 2 + 3) / 3 + 3) / 2 = 8/3, reached as a mean of means; F2 = (2 + 3 + 3) / 3 =
    # 8/3 directly (one category). A tie: the gaps decide across both functions.
    core = CoreTree(
        version="test",
        functions=["F1", "F2"],
        categories={"F1": ["C1", "C2"], "F2": ["C3"]},
        subcategories={"C1": ["a1", "a2", "a3"], "C2": ["a4"], "C3": ["b1", "b2", "b3"]},
    )
    current = {"a1": 2, "a2": 2, "a3": 3, "a4": 3, "b1": 2, "b2": 3, "b3": 3}
    functions = rollup(core, current).functions
    assert functions["F1"] == pytest.approx(8 / 3) and functions["F2"] == pytest.approx(8 / 3)
    ranked = prioritized_gaps(core, current, dict.fromkeys(core.all_subcategories(), 5))
    assert [(row.subcategory, row.gap) for row in ranked] == [
        ("a1", 3),
        ("a2", 3),
        ("b1", 3),
        ("a3", 2),
        ("a4", 2),
        ("b2", 2),
        ("b3", 2),
    ]


def test_the_rule_says_unanswered_subcategories_are_left_out():
    assert "average of its answered subcategories" in RULE
    assert "not counted as zero" in RULE
