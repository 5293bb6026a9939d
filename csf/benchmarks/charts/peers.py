"""The organization's scores against its peers' median and interquartile range."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from csf.benchmarks.charts.svg import (
    GRID,
    MUTED,
    NO_DATA,
    TEXT,
    WHITE,
    chart_identifier,
    checked_scale,
    document,
    element,
    fit,
    legend_rows,
    num,
    score_or_none,
    score_text,
    text_at,
    text_width,
    ticks,
)
from csf.maturity import MAX_LEVEL, MIN_LEVEL

BAR_FILL, BAR_STROKE = "#56B4E9", "#0072B2"
SUPPRESSED = "peer group too small"
NOT_SCORED = "not scored"


def _peer_row(row: Mapping[str, object], low: float, high: float) -> dict[str, object]:
    label = str(row["label"])
    suppressed = bool(row.get("suppressed", False))
    found: dict[str, object] = {
        "label": label,
        "suppressed": suppressed,
        "score": score_or_none(row.get("score"), f"{label} score", low, high),
    }
    # A suppressed row's peer figures are never read: nothing of a small group can leak.
    for key in ("median", "q1", "q3"):
        found[key] = (
            None if suppressed else score_or_none(row.get(key), f"{label} {key}", low, high)
        )
    present = [found[key] for key in ("q1", "median", "q3") if found[key] is not None]
    if present != sorted(present):
        raise ValueError(f"{label}: the quartiles must be in order, q1 <= median <= q3.")
    return found


def _peer_text(row: Mapping[str, object]) -> str:
    if row["suppressed"]:
        return SUPPRESSED
    median, q1, q3 = row["median"], row["q1"], row["q3"]
    if median is None and (q1 is None or q3 is None):
        return "no peer scores"
    parts = [] if median is None else [f"median {score_text(median)}"]
    if q1 is not None and q3 is not None:
        parts.append(
            f"({score_text(q1)} to {score_text(q3)})"
            if parts
            else f"{score_text(q1)} to {score_text(q3)}"
        )
    return " ".join(parts)


def _peer_desc(rows: Sequence[Mapping[str, object]], low: float, high: float) -> str:
    if not rows:
        return NO_DATA
    sentences = [
        f"Bar chart of the organization's scores on a scale of {low:g} to {high:g}, each with "
        "its peers' median and middle half (25th to 75th percentile)."
    ]
    for row in rows:
        score = NOT_SCORED if row["score"] is None else score_text(row["score"])
        median, q1, q3 = row["median"], row["q1"], row["q3"]
        if row["suppressed"]:
            peers = "the peer group is too small to show"
        elif median is not None and q1 is not None and q3 is not None:
            peers = f"peer median {score_text(median)}, middle half "
            peers += f"{score_text(q1)} to {score_text(q3)}"
        else:
            peers = _peer_text(row)
        sentences.append(f"{row['label']}: {score}; {peers}.")
    return " ".join(sentences)


def peer_bar_chart(
    rows: Sequence[Mapping[str, object]],
    *,
    title: str,
    low: float = MIN_LEVEL,
    high: float = MAX_LEVEL,
    chart_id: str | None = None,
) -> str:
    """The organization's score per row (function or category) as a horizontal bar from the
    scale's low end, with its peers' median (a tick) and interquartile range (a whisker).

    Rows: {"label", "score", "median", "q1", "q3", "suppressed"}; a missing number is None or
    NaN. A suppressed row (a peer group under the minimum size) shows "peer group too small"
    and none of its peer figures, which are not even read.
    """
    low, high = checked_scale(low, high)
    found = [_peer_row(row, low, high) for row in rows]
    chart_id = chart_identifier(
        "peers", chart_id, (title, low, high, [list(r.items()) for r in found])
    )
    width, margin, row_height, top = 720, 16, 32, 68
    label_width = min(200.0, max([80.0] + [text_width(row["label"]) + 12 for row in found]))
    score_width, peers_width = 84, 190
    plot_x = margin + label_width + score_width
    plot_width = width - plot_x - peers_width - margin
    bottom = top + row_height * max(1, len(found))

    def x_of(value: float) -> float:
        return plot_x + (value - low) / (high - low) * plot_width

    body = [
        text_at(plot_x - 8, top - 10, "Score", text_anchor="end", fill=MUTED, font_size="11"),
        text_at(
            plot_x + plot_width + 12,
            top - 10,
            "Peer median (middle half)",
            fill=MUTED,
            font_size="11",
        ),
    ]
    for tick in ticks(low, high):
        x = x_of(tick)
        body.append(
            element(
                "line", {"x1": x, "y1": float(top), "x2": x, "y2": float(bottom), "stroke": GRID}
            )
        )
        body.append(text_at(x, bottom + 16, f"{tick:g}", text_anchor="middle", fill=TEXT))
    for index, row in enumerate(found):
        centre = top + row_height * (index + 0.5)
        parts = [
            text_at(
                margin, centre + 4, fit(row["label"], label_width - 12), fill=TEXT, class_="label"
            ),
            text_at(
                plot_x - 8,
                centre + 4,
                NOT_SCORED if row["score"] is None else score_text(row["score"]),
                text_anchor="end",
                fill=MUTED if row["score"] is None else TEXT,
                class_="score",
            ),
        ]
        if row["score"] is not None:
            bar = max(2.0, x_of(row["score"]) - plot_x)
            parts.append(
                element(
                    "rect",
                    {
                        "class": "bar",
                        "x": float(plot_x),
                        "y": centre - 8,
                        "width": bar,
                        "height": 16.0,
                        "fill": BAR_FILL,
                        "stroke": BAR_STROKE,
                    },
                )
            )
        if not row["suppressed"]:
            parts += _peer_marks(row, centre, x_of)
        peers_text = _peer_text(row)
        parts.append(
            text_at(
                plot_x + plot_width + 12,
                centre + 4,
                peers_text,
                fill=MUTED if row["suppressed"] else TEXT,
                class_="suppressed" if row["suppressed"] else "peers",
            )
        )
        body.append(element("g", {"class": "row"}, "".join(parts)))
    if not found:
        body.append(
            text_at(
                plot_x + plot_width / 2,
                top + row_height / 2 + 4,
                NO_DATA,
                text_anchor="middle",
                fill=MUTED,
            )
        )
    legend = [
        (
            element(
                "rect",
                {
                    "x": "0",
                    "y": "0",
                    "width": "28",
                    "height": "14",
                    "fill": BAR_FILL,
                    "stroke": BAR_STROKE,
                },
            ),
            "Score",
        ),
        ("".join(_median_tick(14.0, 7.0, 9.0)), "Peer median"),
        ("".join(_whisker(2.0, 26.0, 7.0)), "Peers' middle half (25th to 75th percentile)"),
    ]
    legend_markup, height = legend_rows(legend, plot_x, bottom + 34, width - plot_x - margin)
    body += legend_markup
    return document(chart_id, width, height + 8, title, _peer_desc(found, low, high), body)


def _median_tick(x: float, centre: float, half: float) -> list[str]:
    # A white halo keeps the black tick visible over the bar.
    return [
        element(
            "line",
            {
                "x1": x,
                "y1": centre - half,
                "x2": x,
                "y2": centre + half,
                "stroke": WHITE,
                "stroke-width": "6",
            },
        ),
        element(
            "line",
            {
                "class": "median",
                "x1": x,
                "y1": centre - half,
                "x2": x,
                "y2": centre + half,
                "stroke": TEXT,
                "stroke-width": "3",
            },
        ),
    ]


def _whisker(x1: float, x2: float, centre: float) -> list[str]:
    d = (
        f"M{num(x1)},{num(centre - 5)} L{num(x1)},{num(centre + 5)} "
        f"M{num(x1)},{num(centre)} L{num(x2)},{num(centre)} "
        f"M{num(x2)},{num(centre - 5)} L{num(x2)},{num(centre + 5)}"
    )
    return [
        element(
            "path", {"class": "iqr", "d": d, "fill": "none", "stroke": TEXT, "stroke-width": "2"}
        )
    ]


def _peer_marks(
    row: Mapping[str, object], centre: float, x_of: Callable[[float], float]
) -> list[str]:
    marks = []
    if row["q1"] is not None and row["q3"] is not None:
        marks += _whisker(x_of(row["q1"]), x_of(row["q3"]), centre)
    if row["median"] is not None:
        marks += _median_tick(x_of(row["median"]), centre, 11.0)
    return marks
