"""Peer comparison (csf.benchmarks.frames.peer_stats): median, quartiles and percentile with
ties worked out by hand, groups below the minimum suppressed, peers never named."""

import pandas as pd
import pytest

from csf.benchmarks.frames import (
    peer_stats,
    scores_by_level,
    tree_frame,
    without_small_differences,
)
from tests.benchmark_steps import answers, tree


def peer_scores() -> pd.DataFrame:
    """2021: a1 of me 3, of p1..p6 1, 2, 3, 3, 5, 6; b1 of me and p1..p4 only, all 2.
    2022: a1 of me and p1..p5 all 4 (p6 not assessed)."""
    rows = [
        ("me", 2021, {"a1": 3, "b1": 2}),
        ("p1", 2021, {"a1": 1, "b1": 2}),
        ("p2", 2021, {"a1": 2, "b1": 2}),
        ("p3", 2021, {"a1": 3, "b1": 2}),
        ("p4", 2021, {"a1": 3, "b1": 2}),
        ("p5", 2021, {"a1": 5}),
        ("p6", 2021, {"a1": 6}),
        ("me", 2022, {"a1": 4}),
    ]
    rows += [(f"p{n}", 2022, {"a1": 4}) for n in range(1, 6)]
    return scores_by_level(answers(rows), tree_frame(tree()))


def stat(frame: pd.DataFrame, identifier: str, year: int) -> pd.Series:
    rows = frame.loc[(frame["identifier"] == identifier) & (frame["year"] == year)]
    assert len(rows) == 1
    return rows.iloc[0]


def test_peer_median_quartiles_and_percentile_with_ties():
    everyone = peer_scores()
    mine = everyone.loc[everyone["organization"] == "me"]
    frame = peer_stats(mine, everyone)  # "me" is in the group given: it is not its own peer
    row = stat(frame, "C1", 2021)
    # Peers [1, 2, 3, 3, 5, 6]: median (3 + 3) / 2 = 3; linear quartiles at positions
    # 0.25 * 5 = 1.25 -> 2 + 0.25 * (3 - 2) = 2.25 and 0.75 * 5 = 3.75 -> 3 + 0.75 * (5 - 3) = 4.5;
    # mean 20 / 6. Me at 3: 2 peers below, 2 equal: (2 + 2 / 2) / 6 = 50%.
    assert row["peer_count"] == 6 and not row["suppressed"]
    assert (row["median"], row["q1"], row["q3"]) == (3.0, 2.25, 4.5)
    assert row["mean"] == pytest.approx(20 / 6)
    assert row["percentile"] == 50.0
    # F1 = C1 here: the same figures.
    assert stat(frame, "F1", 2021)["percentile"] == 50.0
    # Overall 2021 = (F1 + F2) / 2 where F2 exists (b1 = 2): me 2.5; p1..p4 1.5, 2, 2.5, 2.5;
    # p5 5, p6 6. Below: 1.5 and 2; equal: 2.5 twice -> (2 + 1) / 6 = 50%; median 2.5.
    row = stat(frame, "overall", 2021)
    assert (row["percentile"], row["median"]) == (50.0, 2.5)
    # 2022: five peers, all 4, like me: everyone equal is the middle, 50%.
    row = stat(frame, "C1", 2022)
    assert (row["peer_count"], row["median"], row["q1"], row["q3"]) == (5, 4.0, 4.0, 4.0)
    assert row["percentile"] == 50.0


def test_percentile_at_the_ends():
    rows = [("me", 2021, {"a1": 7})] + [(f"p{n}", 2021, {"a1": n}) for n in range(1, 6)]
    everyone = scores_by_level(answers(rows), tree_frame(tree()))
    frame = peer_stats(everyone.loc[everyone["organization"] == "me"], everyone)
    assert stat(frame, "C1", 2021)["percentile"] == 100.0  # 5 below of 5
    rows = [("me", 2021, {"a1": 1})] + [(f"p{n}", 2021, {"a1": n + 1}) for n in range(1, 6)]
    everyone = scores_by_level(answers(rows), tree_frame(tree()))
    frame = peer_stats(everyone.loc[everyone["organization"] == "me"], everyone)
    assert stat(frame, "C1", 2021)["percentile"] == 0.0


def test_a_peer_group_below_the_minimum_is_suppressed():
    everyone = peer_scores()
    mine = everyone.loc[everyone["organization"] == "me"]
    frame = peer_stats(mine, everyone)
    values = ["mean", "median", "q1", "q3", "percentile"]
    # C3 (b1) 2021: only p1..p4 answered it, 4 < 5: nothing shown but the flag and the count.
    row = stat(frame, "C3", 2021)
    assert row["suppressed"] and row["peer_count"] == 4
    assert row[values].isna().all()
    # C4 has no subcategory: no peer has a score.
    row = stat(frame, "C4", 2021)
    assert row["suppressed"] and row["peer_count"] == 0
    # With a minimum of 6, 2022 (five peers) is suppressed, 2021 (six) is not.
    strict = peer_stats(mine, everyone, minimum=6)
    assert stat(strict, "C1", 2022)["suppressed"]
    assert stat(strict, "C1", 2022)[values].isna().all()
    assert not stat(strict, "C1", 2021)["suppressed"]
    # The organization's own score is still there.
    assert stat(strict, "C1", 2022)["score"] == 4.0


def test_peers_stay_anonymous():
    everyone = peer_scores()
    frame = peer_stats(everyone.loc[everyone["organization"] == "me"], everyone)
    assert "organization" not in frame.columns
    shown = set(frame.astype(str).to_numpy().ravel())
    assert not shown & {"p1", "p2", "p3", "p4", "p5", "p6", "me"}
    assert set(frame["level"]) == {"overall", "function", "category"}  # no subcategories


def test_peer_stats_are_for_one_organization():
    everyone = peer_scores()
    with pytest.raises(ValueError, match="one organization"):
        peer_stats(everyone, everyone)


def test_a_wider_group_hides_figures_that_differ_from_the_narrow_group_by_a_few_peers():
    """Narrow group: p1..p5 (a1 in 2021: 1, 2, 3, 3, 5). Wide group adds q1 (a1 = 6) in 2021,
    and q1..q5 in 2022 where the narrow group has p1..p2 only. b1 is answered by p1..p5 only."""
    narrow_rows = [
        (f"p{n}", 2021, {"a1": score, "b1": 2}) for n, score in enumerate([1, 2, 3, 3, 5], 1)
    ]
    narrow_rows += [("p1", 2022, {"a1": 4}), ("p2", 2022, {"a1": 4})]
    wide_rows = narrow_rows + [("q1", 2021, {"a1": 6})]
    wide_rows += [(f"q{n}", 2022, {"a1": 5}) for n in range(1, 6)]
    me = [("me", 2021, {"a1": 3, "b1": 2}), ("me", 2022, {"a1": 4})]
    shape = tree_frame(tree())
    mine = scores_by_level(answers(me), shape)
    narrow = peer_stats(mine, scores_by_level(answers(narrow_rows), shape))
    wide = peer_stats(mine, scores_by_level(answers(wide_rows), shape))
    frame = without_small_differences(wide, narrow, minimum=5)
    # C1 2021: wide has 6 peers, narrow 5: the one more (q1) would show through the means.
    row = stat(frame, "C1", 2021)
    assert row["suppressed"] and row["peer_count"] == 6 and pd.isna(row["mean"])
    assert pd.isna(row["median"]) and pd.isna(row["percentile"])
    assert not stat(narrow, "C1", 2021)["suppressed"]  # the narrow figure itself is shown
    # C3 2021 (b1): the same five peers in both groups: nothing more to give away.
    row = stat(frame, "C3", 2021)
    assert not row["suppressed"] and row["median"] == 2.0 and row["peer_count"] == 5
    # C1 2022: 7 peers against the narrow group's 2 (itself suppressed): five more is enough.
    row = stat(frame, "C1", 2022)
    assert not row["suppressed"] and row["peer_count"] == 7
    # Peers [4, 4, 5, 5, 5, 5, 5], me 4: none below, two equal: 1 / 7.
    assert row["median"] == 5.0 and row["percentile"] == pytest.approx(100 / 7)
    # Everything else is the wide group's own figure.
    kept = ~frame["suppressed"]
    assert frame.loc[kept, "mean"].equals(wide.loc[kept, "mean"])
