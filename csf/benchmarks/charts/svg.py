"""SVG building blocks shared by the benchmark charts: escaping, elements, the accessible
root element, legends, the checks of the input numbers."""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from numbers import Integral, Real

FONT_FAMILY = "'Liberation Sans', 'DejaVu Sans', sans-serif"
FONT_SIZE = 12
TEXT = "#1A1A1A"
MUTED = "#4D4D4D"  # 8:1 on white
GRID = "#D9D9D9"
WHITE = "#FFFFFF"
CARRIED_NOTE = "CSF 1.1 result carried into CSF 2.0 terms through NIST's crosswalk"
NO_DATA = "No scores to show."

# Characters XML 1.0 forbids: one in a label would make the whole page's SVG unreadable.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
# A sans-serif glyph is about this share of the font size wide on average: labels are measured
# with it to size columns (generous, so that a label never runs into the plot).
_CHAR_WIDTH = 0.6


def escape(text: object) -> str:
    """`text` for XML character data and attribute values, in HTML or in an SVG file."""
    text = _NOT_XML.sub("", str(text))
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


def num(value: float) -> str:
    """A coordinate: two decimals at most, so the output does not depend on float noise."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def score_text(value: float) -> str:
    return f"{value:.1f}"


def _attributes(attrs: Mapping[str, object]) -> str:
    return "".join(
        f' {key}="{escape(num(value) if isinstance(value, float) else value)}"'
        for key, value in attrs.items()
        if value is not None
    )


def element(name: str, attrs: Mapping[str, object], content: str | None = None) -> str:
    """An element; `content` is markup (already escaped), text goes through `text_at`."""
    rendered = _attributes(attrs)
    return f"<{name}{rendered}/>" if content is None else f"<{name}{rendered}>{content}</{name}>"


def text_at(x: float, y: float, text: str, **attrs: object) -> str:
    return element("text", {"x": float(x), "y": float(y), **_attrs(attrs)}, escape(text))


def _attrs(attrs: Mapping[str, object]) -> dict[str, object]:
    """Python keywords as SVG attribute names: text_anchor -> text-anchor, class_ -> class."""
    return {key.rstrip("_").replace("_", "-"): value for key, value in attrs.items()}


def text_width(text: str, size: float = FONT_SIZE) -> float:
    return len(text) * size * _CHAR_WIDTH


def fit(text: str, width: float, size: float = FONT_SIZE) -> str:
    """`text` cut with an ellipsis to fit `width` (the full text stays in the <desc> or in the
    tooltips, and in the data table under the chart)."""
    room = max(1, int(width / (size * _CHAR_WIDTH)))
    return text if len(text) <= room else text[: room - 1].rstrip() + "\u2026"


def chart_identifier(kind: str, chart_id: str | None, payload: object) -> str:
    if chart_id is not None:
        if not _ID.fullmatch(chart_id):
            raise ValueError(f"chart_id {chart_id!r}: a letter, then letters, digits, - or _.")
        return chart_id
    return f"{kind}-{hashlib.sha1(repr(payload).encode()).hexdigest()[:10]}"  # noqa: S324


def score_or_none(value: object, what: str, low: float, high: float) -> float | None:
    """A score on the scale, None when missing (None or NaN: pandas' missing value)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(f"{what}: {value!r} is not a number.")
    number = float(value)
    if math.isnan(number):
        return None
    if not low <= number <= high:
        raise ValueError(f"{what}: {number} is outside the scale {low:g} to {high:g}.")
    return number


def whole_year(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise ValueError(f"{what}: year {value!r} is not a whole number.")
    return int(value)


def checked_scale(low: float, high: float) -> tuple[float, float]:
    low, high = float(low), float(high)
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise ValueError(f"The scale must run from a lower to a higher number: {low}, {high}.")
    return low, high


def ticks(low: float, high: float) -> list[float]:
    step = max(1, math.ceil((high - low) / 10))
    first = math.ceil(low)
    return [float(value) for value in range(first, math.floor(high) + 1, step)]


def listed(words: Sequence[str]) -> str:
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def document(
    chart_id: str, width: float, height: float, title: str, desc: str, body: Iterable[str]
) -> str:
    width, height = math.ceil(width), math.ceil(height)
    opening = (
        "<svg"
        + _attributes(
            {
                "xmlns": "http://www.w3.org/2000/svg",
                "class": "benchmark-chart",
                "id": chart_id,
                "role": "img",
                "aria-labelledby": f"{chart_id}-title {chart_id}-desc",
                "viewBox": f"0 0 {width} {height}",
                "width": str(width),
                # No height, and no `height: auto` in the style: WeasyPrint then makes the
                # chart square; with the width alone both it and browsers keep the ratio.
                "style": "max-width: 100%",
                "font-family": FONT_FAMILY,
                "font-size": str(FONT_SIZE),
            }
        )
        + ">"
    )
    return "\n".join(
        [
            opening,
            element("title", {"id": f"{chart_id}-title"}, escape(title)),
            element("desc", {"id": f"{chart_id}-desc"}, escape(desc)),
            element("rect", {"width": str(width), "height": str(height), "fill": WHITE}),
            text_at(16, 26, title, font_size="15", font_weight="bold", fill=TEXT),
            *body,
            "</svg>",
        ]
    )


def legend_rows(
    items: Sequence[tuple[str, str]], x0: float, y0: float, width: float
) -> tuple[list[str], float]:
    """Legend entries (markup of a 28 x 14 sample drawn at the origin, label) left to right,
    wrapping within `width`; returns the markup and the y below the last line."""
    markup, x, y = [], x0, y0
    for sample, label in items:
        needed = 34 + text_width(label) + 20
        if x > x0 and x + needed > x0 + width:
            x, y = x0, y + 22
        markup.append(element("g", {"transform": f"translate({num(x)},{num(y)})"}, sample))
        markup.append(text_at(x + 34, y + 11, label, fill=TEXT))
        x += needed
    return markup, y + 22
