"""Scores of categories (rows) by year (columns) on a sequential colour scale."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from csf.benchmarks.charts.svg import (
    CARRIED_NOTE,
    MUTED,
    NO_DATA,
    TEXT,
    WHITE,
    chart_identifier,
    checked_scale,
    document,
    element,
    escape,
    fit,
    legend_rows,
    listed,
    score_or_none,
    score_text,
    text_at,
    text_width,
    ticks,
    whole_year,
)
from csf.maturity import MAX_LEVEL, MIN_LEVEL

# viridis sampled at eighths: dark for the low end of the scale, light for the high end; its
# lightness rises steadily, so the order survives colour-vision deficiencies and grey print.
SEQUENTIAL = (
    "#440154",
    "#472D7B",
    "#3B528B",
    "#2C728E",
    "#21918C",
    "#28AE80",
    "#5EC962",
    "#ADDC30",
    "#FDE725",
)
EMPTY_CELL = "\u2014"
BLACK = "#000000"


def _hex(rgb: Sequence[float]) -> str:
    return "#" + "".join(f"{round(channel):02X}" for channel in rgb)


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def scale_colour(value: float, low: float = MIN_LEVEL, high: float = MAX_LEVEL) -> str:
    """The heatmap's fill for `value`: viridis, interpolated between its samples."""
    position = min(1.0, max(0.0, (value - low) / (high - low))) * (len(SEQUENTIAL) - 1)
    index = min(int(position), len(SEQUENTIAL) - 2)
    share = position - index
    start, end = _rgb(SEQUENTIAL[index]), _rgb(SEQUENTIAL[index + 1])
    return _hex([a + (b - a) * share for a, b in zip(start, end, strict=True)])


def _luminance(colour: str) -> float:
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(channel) for channel in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two "#RRGGBB" colours."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour(fill: str) -> str:
    """Black or white text, whichever contrasts more with `fill`: pure black, because viridis'
    middle teal reaches 4.5:1 (WCAG AA for small text) with black but not with dark grey."""
    return BLACK if contrast(fill, BLACK) >= contrast(fill, WHITE) else WHITE


def _hatch(pattern_id: str) -> str:
    return element(
        "pattern",
        {
            "id": pattern_id,
            "width": "8",
            "height": "8",
            "patternUnits": "userSpaceOnUse",
            "patternTransform": "rotate(45)",
        },
        element("rect", {"width": "8", "height": "8", "fill": "#F2F2F2"})
        + element(
            "line",
            {"x1": "0", "y1": "0", "x2": "0", "y2": "8", "stroke": "#A6A6A6", "stroke-width": "3"},
        ),
    )


def _heatmap_desc(
    categories: Sequence[str],
    years: Sequence[int],
    cells: Mapping[tuple[str, int], float],
    low: float,
    high: float,
    marked: set[int],
    note: str,
) -> str:
    if not categories or not years:
        return NO_DATA
    span = f"{years[0]}" if len(years) == 1 else f"{years[0]} to {years[-1]}"
    sentences = [
        f"Heatmap of {len(categories)} categories by {len(years)} years ({span}), scores on a "
        f"scale of {low:g} (dark) to {high:g} (light), the score printed in each cell."
    ]
    if cells:
        # The first in reading order among equals, so the sentence does not depend on dict order.
        ordered = [(c, y) for c in categories for y in years if (c, y) in cells]
        best = max(ordered, key=lambda key: cells[key])
        worst = min(ordered, key=lambda key: cells[key])
        sentences.append(f"Highest: {best[0]} in {best[1]}, {score_text(cells[best])}.")
        sentences.append(f"Lowest: {worst[0]} in {worst[1]}, {score_text(cells[worst])}.")
    empty = len(categories) * len(years) - len(cells)
    if empty:
        sentences.append(f"{empty} of {len(categories) * len(years)} cells have no score.")
    shown = sorted(marked.intersection(years))
    if shown:
        sentences.append(f"Years marked *, {listed([str(year) for year in shown])}: {note}.")
    return " ".join(sentences)


def heatmap(
    categories: Sequence[str],
    years: Sequence[int],
    values: Mapping[tuple[str, int], float | None],
    *,
    title: str,
    low: float = MIN_LEVEL,
    high: float = MAX_LEVEL,
    marked_years: Iterable[int] = (),
    marked_note: str = CARRIED_NOTE,
    chart_id: str | None = None,
) -> str:
    """Categories (rows, in the given order) by years (columns): each cell filled on a sequential
    scale with its score printed in the contrasting text colour; a cell without a score (missing
    key, None or NaN) is hatched and reads "—". Marked years' headings end with "*".
    """
    low, high = checked_scale(low, high)
    categories = [str(category) for category in categories]
    years = [whole_year(year, "years") for year in years]
    if len(set(categories)) != len(categories) or len(set(years)) != len(years):
        raise ValueError("Each category and each year may appear only once.")
    cells: dict[tuple[str, int], float] = {}
    for category in categories:
        for year in years:
            value = score_or_none(values.get((category, year)), f"{category} in {year}", low, high)
            if value is not None:
                cells[(category, year)] = value
    marked = {whole_year(year, "marked_years") for year in marked_years}
    chart_id = chart_identifier(
        "heatmap",
        chart_id,
        (title, low, high, categories, years, sorted(cells.items()), sorted(marked), marked_note),
    )
    margin, top, cell_width, cell_height = 16, 64, 56, 26
    label_width = min(280.0, max([60.0] + [text_width(category) + 12 for category in categories]))
    grid_x = margin + label_width
    note = f"* {marked_note}" if marked.intersection(years) else ""
    width = max(
        grid_x + cell_width * len(years) + margin,
        480.0,
        text_width(title, 15) + 2 * margin,
        text_width(note) + 2 * margin,
    )
    bottom = top + cell_height * len(categories)
    hatch_id = f"{chart_id}-hatch"
    body = [element("defs", {}, _hatch(hatch_id))]
    for column, year in enumerate(years):
        label = f"{year}*" if year in marked else str(year)
        x = grid_x + cell_width * (column + 0.5)
        body.append(text_at(x, top - 8, label, text_anchor="middle", fill=TEXT, class_="year"))
    for row, category in enumerate(categories):
        y = top + cell_height * row
        label = fit(category, label_width - 12)
        body.append(text_at(margin, y + cell_height / 2 + 4, label, fill=TEXT, class_="label"))
        for column, year in enumerate(years):
            x = grid_x + cell_width * column
            value = cells.get((category, year))
            if value is None:
                fill, shown, ink, kind = f"url(#{hatch_id})", EMPTY_CELL, TEXT, "cell empty"
                tip = f"{category}, {year}: no score"
            else:
                fill = scale_colour(value, low, high)
                shown, ink, kind = score_text(value), text_colour(fill), "cell"
                tip = f"{category}, {year}: {shown}"
            body.append(
                element(
                    "g",
                    {},
                    element("title", {}, escape(tip))
                    + element(
                        "rect",
                        {
                            "class": kind,
                            "x": x,
                            "y": float(y),
                            "width": float(cell_width),
                            "height": float(cell_height),
                            "fill": fill,
                            "stroke": WHITE,
                            "stroke-width": "2",
                        },
                    )
                    + text_at(
                        x + cell_width / 2,
                        y + cell_height / 2 + 4,
                        shown,
                        text_anchor="middle",
                        fill=ink,
                        class_="value",
                    ),
                )
            )
    if not categories or not years:
        body.append(text_at(margin, top + 12, NO_DATA, fill=MUTED))
        bottom = top + 24
    legend = [
        (
            element(
                "rect",
                {
                    "width": "28",
                    "height": "14",
                    "fill": scale_colour(tick, low, high),
                    "stroke": MUTED,
                    "stroke-width": "0.5",
                },
            ),
            f"{tick:g}",
        )
        for tick in ticks(low, high)
    ]
    legend.append(
        (
            element(
                "rect",
                {
                    "width": "28",
                    "height": "14",
                    "fill": f"url(#{hatch_id})",
                    "stroke": MUTED,
                    "stroke-width": "0.5",
                },
            ),
            "No score",
        )
    )
    legend_markup, height = legend_rows(legend, margin, bottom + 20, width - 2 * margin)
    body += legend_markup
    if note:
        body.append(text_at(margin, height + 11, note, fill=TEXT))
        height += 22
    desc = _heatmap_desc(categories, years, cells, low, high, marked, marked_note)
    return document(chart_id, width, height + 8, title, desc, body)
