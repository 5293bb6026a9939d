"""Scores over the years, one line per series (the functions, the overall score)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

from csf.benchmarks.charts.svg import (
    CARRIED_NOTE,
    GRID,
    MUTED,
    NO_DATA,
    TEXT,
    WHITE,
    chart_identifier,
    checked_scale,
    document,
    element,
    escape,
    legend_rows,
    listed,
    num,
    score_or_none,
    score_text,
    text_at,
    ticks,
    whole_year,
)
from csf.maturity import MAX_LEVEL, MIN_LEVEL

# Okabe and Ito, ordered so that the first five reach 3:1 against white (the six CSF 2.0
# functions need the sixth, whose markers keep a dark outline for the same reason).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000", "#E69F00", "#56B4E9")


# Marker outlines around (0, 0), radius about 1: the shape, not only the colour, tells the
# lines apart, in the chart and in its legend.
def _star() -> tuple[tuple[float, float], ...]:
    points = []
    for index in range(10):
        radius = 1.25 if index % 2 == 0 else 0.55
        angle = math.pi * index / 5 - math.pi / 2
        points.append((radius * math.cos(angle), radius * math.sin(angle)))
    return tuple(points)


SHAPES: tuple[tuple[str, tuple[tuple[float, float], ...]], ...] = (
    ("circle", ()),
    ("square", ((-0.85, -0.85), (0.85, -0.85), (0.85, 0.85), (-0.85, 0.85))),
    ("triangle", ((0, -1.15), (1.05, 0.8), (-1.05, 0.8))),
    ("diamond", ((0, -1.2), (1.1, 0), (0, 1.2), (-1.1, 0))),
    ("triangle-down", ((0, 1.15), (1.05, -0.8), (-1.05, -0.8))),
    ("star", _star()),
    (
        "plus",
        (
            (-0.4, -1.1), (0.4, -1.1), (0.4, -0.4), (1.1, -0.4), (1.1, 0.4), (0.4, 0.4),
            (0.4, 1.1), (-0.4, 1.1), (-0.4, 0.4), (-1.1, 0.4), (-1.1, -0.4), (-0.4, -0.4),
        ),
    ),
)  # fmt: skip


def _marker(
    index: int, x: float, y: float, colour: str, *, hollow: bool, legend: bool = False
) -> str:
    size = 5
    name, outline = SHAPES[index % len(SHAPES)]
    if outline:
        d = (
            "M"
            + " L".join(f"{num(x + px * size)},{num(y + py * size)}" for px, py in outline)
            + "Z"
        )
    else:
        d = (
            f"M{num(x - size)},{num(y)} a{num(size)},{num(size)} 0 1,0 {num(2 * size)},0 "
            f"a{num(size)},{num(size)} 0 1,0 {num(-2 * size)},0Z"
        )
    paint = (
        {"fill": WHITE, "stroke": colour, "stroke-width": "2"}
        if hollow
        else {"fill": colour, "stroke": TEXT, "stroke-width": "1"}
    )
    kind = ("legend-marker" if legend else "marker") + (" carried" if hollow else "")
    return element("path", {"class": kind, "data-shape": name, "d": d, **paint})


def _line(
    points: Sequence[tuple[float, float]], colour: str, *, carried: bool, name: str | None
) -> str:
    """A series' line through `points`; a legend sample when `name` is None."""
    d = "M" + " L".join(f"{num(x)},{num(y)}" for x, y in points)
    kind = "line" if name is not None else "legend-line"
    return element(
        "path",
        {
            "class": f"{kind} carried" if carried else kind,
            "data-series": name,
            "d": d,
            "fill": "none",
            "stroke": colour,
            "stroke-width": "2.5",
            "stroke-linejoin": "round",
            "stroke-dasharray": "6 4" if carried else None,
        },
    )


def _series_points(name: str, points: Iterable[tuple[object, object]], low: float, high: float):
    found: dict[int, float | None] = {}
    for year, value in points:
        year = whole_year(year, name)
        if year in found:
            raise ValueError(f"{name}: year {year} appears twice.")
        found[year] = score_or_none(value, f"{name} in {year}", low, high)
    return dict(sorted(found.items()))


def _runs(years: Sequence[int], values: Mapping[int, float | None]) -> list[list[int]]:
    """The stretches of consecutive years with a score: a missing year breaks the line."""
    runs: list[list[int]] = []
    current: list[int] = []
    for year in years:
        if values.get(year) is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append(year)
    if current:
        runs.append(current)
    return runs


def _trend_desc(
    lines: Mapping[str, Mapping[int, float | None]],
    years: Sequence[int],
    low: float,
    high: float,
    marked: set[int],
    note: str,
) -> str:
    if not any(value is not None for values in lines.values() for value in values.values()):
        return NO_DATA
    span = f"in {years[0]}" if len(years) == 1 else f"from {years[0]} to {years[-1]}"
    sentences = [
        f"Line chart of scores on a scale of {low:g} to {high:g} {span}, one line per series."
    ]
    for name, values in lines.items():
        scored = [(year, value) for year, value in values.items() if value is not None]
        if not scored:
            sentences.append(f"{name}: no score.")
            continue
        (first, first_value), (last, last_value) = scored[0], scored[-1]
        sentence = f"{name}: {score_text(first_value)} in {first}"
        if last != first:
            sentence += f", {score_text(last_value)} in {last}"
        missing = [str(year) for year in range(first, last + 1) if values.get(year) is None]
        if missing:
            sentence += f"; no score in {listed(missing)}"
        sentences.append(sentence + ".")
    shown = sorted(marked.intersection(years))
    if shown:
        sentences.append(f"Years marked *, {listed([str(year) for year in shown])}: {note}.")
    return " ".join(sentences)


def trend_chart(
    series: Mapping[str, Sequence[tuple[int, float | None]]],
    *,
    title: str,
    y_min: float = MIN_LEVEL,
    y_max: float = MAX_LEVEL,
    marked_years: Iterable[int] = (),
    marked_note: str = CARRIED_NOTE,
    chart_id: str | None = None,
    y_label: str = "Score",
) -> str:
    """One line per series (a function, the overall score) over the years.

    The x axis runs through every year from the first to the last of all series, so a year
    nobody was assessed in still shows as a gap; a line stops at a year without a score and
    resumes after it (a lone score is a marker alone). Points of `marked_years` (CSF 1.1 years
    carried into 2.0 terms) have hollow markers, the segments touching them are dashed and their
    year labels end with "*", explained by `marked_note` under the legend.
    """
    low, high = checked_scale(y_min, y_max)
    lines = {
        str(name): _series_points(str(name), points, low, high) for name, points in series.items()
    }
    marked = {whole_year(year, "marked_years") for year in marked_years}
    every_year = [year for values in lines.values() for year in values]
    years = list(range(min(every_year), max(every_year) + 1)) if every_year else []
    chart_id = chart_identifier(
        "trend",
        chart_id,
        (title, y_label, low, high, sorted(marked), marked_note, list(lines.items())),
    )
    width, left, right, top, plot_height = 720, 56, 24, 56, 260
    plot_width = width - left - right
    bottom = top + plot_height

    def y_of(value: float) -> float:
        return top + (high - value) / (high - low) * plot_height

    step = plot_width / max(1, len(years))

    def x_of(year: int) -> float:
        return left + (year - years[0] + 0.5) * step

    body = [text_at(left, top - 12, f"{y_label} ({low:g} to {high:g})", font_size="11", fill=MUTED)]
    for tick in ticks(low, high):
        y = y_of(tick)
        body.append(
            element(
                "line",
                {
                    "x1": float(left),
                    "y1": y,
                    "x2": float(left + plot_width),
                    "y2": y,
                    "stroke": GRID,
                },
            )
        )
        body.append(text_at(left - 8, y + 4, f"{tick:g}", text_anchor="end", fill=TEXT))
    body.append(
        element(
            "line",
            {
                "x1": float(left),
                "y1": float(bottom),
                "x2": float(left + plot_width),
                "y2": float(bottom),
                "stroke": MUTED,
            },
        )
    )
    label_every = max(1, math.ceil(len(years) * 44 / plot_width))
    for index, year in enumerate(years):
        x = x_of(year)
        body.append(
            element(
                "line",
                {"x1": x, "y1": float(bottom), "x2": x, "y2": float(bottom + 4), "stroke": MUTED},
            )
        )
        if index % label_every == 0:
            label = f"{year}*" if year in marked else str(year)
            body.append(
                text_at(x, bottom + 18, label, text_anchor="middle", fill=TEXT, class_="year")
            )

    drawn_lines, markers = [], []
    for index, (name, values) in enumerate(lines.items()):
        colour = PALETTE[index % len(PALETTE)]
        for run in _runs(years, values):
            # Consecutive segments of the same kind (solid, or dashed because they touch a marked
            # year) share one path.
            pieces: list[tuple[bool, list[int]]] = []
            for start, end in zip(run, run[1:], strict=False):
                carried = start in marked or end in marked
                if pieces and pieces[-1][0] == carried:
                    pieces[-1][1].append(end)
                else:
                    pieces.append((carried, [start, end]))
            for carried, piece in pieces:
                points = [(x_of(year), y_of(values[year])) for year in piece]
                drawn_lines.append(_line(points, colour, carried=carried, name=name))
            for year in run:
                hollow = year in marked
                tip = f"{name}, {year}: {score_text(values[year])}" + (
                    f" ({marked_note})" if hollow else ""
                )
                markers.append(
                    element(
                        "g",
                        {"data-series": name, "data-year": str(year)},
                        element("title", {}, escape(tip))
                        + _marker(index, x_of(year), y_of(values[year]), colour, hollow=hollow),
                    )
                )
    body += drawn_lines + markers
    if not drawn_lines and not markers:
        body.append(
            text_at(
                left + plot_width / 2,
                top + plot_height / 2,
                NO_DATA,
                text_anchor="middle",
                fill=MUTED,
            )
        )

    legend = [
        (
            _line([(0, 7), (28, 7)], PALETTE[index % len(PALETTE)], carried=False, name=None)
            + _marker(index, 14, 7, PALETTE[index % len(PALETTE)], hollow=False, legend=True),
            name,
        )
        for index, name in enumerate(lines)
    ]
    if marked.intersection(years):
        sample = _line([(0, 7), (28, 7)], MUTED, carried=True, name=None) + _marker(
            0, 14, 7, MUTED, hollow=True, legend=True
        )
        legend.append((sample, f"* {marked_note}"))
    legend_markup, height = legend_rows(legend, left, bottom + 36, plot_width)
    body += legend_markup
    desc = _trend_desc(lines, years, low, high, marked, marked_note)
    return document(chart_id, width, height + 8, title, desc, body)
