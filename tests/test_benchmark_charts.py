"""The benchmark reports' SVG charts (csf.benchmarks.charts): well-formed, accessible SVG that
breaks lines at missing years, marks carried CSF 1.1 years, hides small peer groups, prints every
heatmap value, escapes labels, comes out the same for the same input, and WeasyPrint draws it."""

import logging
import math
import re
import xml.etree.ElementTree as ET

import pytest
from weasyprint import HTML

from csf.benchmarks.charts import heatmap, peer_bar_chart, trend_chart
from csf.benchmarks.charts.heatmap import contrast, scale_colour
from csf.benchmarks.charts.svg import FONT_FAMILY

NS = {"svg": "http://www.w3.org/2000/svg"}
TRICKY = "R&D <Ops> \"quoted\" 'single'"


def parsed(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 (our own output)


def find(root: ET.Element, path: str) -> list[ET.Element]:
    return root.findall(path, NS)


def with_class(root: ET.Element, tag: str, css_class: str) -> list[ET.Element]:
    return [
        element
        for element in root.iter(f"{{{NS['svg']}}}{tag}")
        if css_class in element.get("class", "").split()
    ]


def texts(root: ET.Element) -> list[str]:
    return [element.text or "" for element in root.iter(f"{{{NS['svg']}}}text")]


def d_points(d: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in re.findall(r"[ML](-?[\d.]+),(-?[\d.]+)", d)]


def lines_of(root: ET.Element, series: str, *, carried: bool | None = None) -> list[ET.Element]:
    found = [path for path in with_class(root, "path", "line") if path.get("data-series") == series]
    if carried is None:
        return found
    return [path for path in found if ("carried" in path.get("class").split()) == carried]


FUNCTIONS = {
    "Govern (GV)": [(2019, 2.0), (2020, 2.5), (2021, None), (2022, 3.0), (2023, 3.5)],
    "Protect (PR)": [(2019, 1.5), (2020, 2.0), (2022, 2.5), (2023, 2.75)],  # 2021 not listed
    "Detect (DE)": [(2019, 3.0), (2020, 3.25), (2021, 3.5), (2022, 4.0), (2023, 4.5)],
    "Respond (RS)": [(2019, 4.0), (2020, math.nan), (2021, 5.0), (2022, None), (2023, 6.0)],
}


def peer(label, score, median=None, q1=None, q3=None, *, suppressed=False):
    return {"label": label, "score": score, "median": median, "q1": q1, "q3": q3,
            "suppressed": suppressed}  # fmt: skip


PEER_ROWS = [
    peer("Govern (GV)", 4.2, 3.8, 3.1, 4.5),
    peer("Identify (ID)", None, 3.6, 2.9, 4.9),
    # A small group's figures, passed by mistake, must not show anywhere.
    peer("Protect (PR)", 5.5, 6.3, 6.1, 6.9, suppressed=True),
]


def check_accessible(svg: str) -> ET.Element:
    root = parsed(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("role") == "img"
    title, desc = find(root, "svg:title"), find(root, "svg:desc")
    assert len(title) == 1 and title[0].text
    assert len(desc) == 1 and desc[0].text
    assert root.get("aria-labelledby").split() == [title[0].get("id"), desc[0].get("id")]
    assert re.fullmatch(r"0 0 \d+ \d+", root.get("viewBox"))
    assert root.get("width") == root.get("viewBox").split()[2]
    assert root.get("height") is None  # the ratio comes from the viewBox when scaled
    assert root.get("font-family") == FONT_FAMILY
    ids = [element.get("id") for element in root.iter() if element.get("id")]
    assert len(ids) == len(set(ids))
    return root


def test_every_chart_is_well_formed_and_labelled():
    charts = [
        trend_chart(FUNCTIONS, title="Scores by function"),
        peer_bar_chart(PEER_ROWS, title="Against peers"),
        heatmap(["ID.AM", "PR.AA"], [2022, 2023], {("ID.AM", 2022): 3.0}, title="Categories"),
        trend_chart({}, title="Nothing yet"),
        peer_bar_chart([], title="Nothing yet"),
        heatmap([], [], {}, title="Nothing yet"),
    ]
    for svg in charts:
        check_accessible(svg)
    for svg in charts[3:]:
        assert "No scores to show." in texts(parsed(svg))
    assert len({parsed(svg).get("id") for svg in charts}) == len(charts)


def test_a_missing_year_breaks_the_line():
    root = check_accessible(trend_chart(FUNCTIONS, title="Scores by function"))
    # Unscored (None), unlisted and NaN years all leave a gap.
    assert len(lines_of(root, "Govern (GV)")) == 2
    assert len(lines_of(root, "Protect (PR)")) == 2
    assert len(lines_of(root, "Detect (DE)")) == 1
    # Respond is scored in 2019, 2021 and 2023 only: three lone markers, no line at all.
    assert lines_of(root, "Respond (RS)") == []
    markers = [g for g in find(root, ".//svg:g[@data-series]") if g.get("data-year")]
    assert sorted(
        int(g.get("data-year")) for g in markers if g.get("data-series") == "Respond (RS)"
    ) == [2019, 2021, 2023]  # noqa: E501
    assert len(markers) == 4 + 4 + 5 + 3

    first, second = (d_points(path.get("d")) for path in lines_of(root, "Govern (GV)"))
    assert len(first) == 2 and len(second) == 2
    ticks = {label.text: float(label.get("x")) for label in with_class(root, "text", "year")}
    assert [x for x, _ in first] == [ticks["2019"], ticks["2020"]]
    assert [x for x, _ in second] == [ticks["2022"], ticks["2023"]]
    # Higher scores are drawn higher up.
    assert first[1][1] < first[0][1]
    desc = find(root, "svg:desc")[0].text
    assert "Govern (GV): 2.0 in 2019, 3.5 in 2023; no score in 2021." in desc
    assert "Respond (RS): 4.0 in 2019, 6.0 in 2023; no score in 2020 and 2022." in desc


def test_a_year_nobody_was_assessed_in_is_still_a_gap():
    root = parsed(trend_chart({"Overall": [(2018, 3.0), (2020, 4.0)]}, title="Overall"))
    assert [label.text for label in with_class(root, "text", "year")] == ["2018", "2019", "2020"]
    assert lines_of(root, "Overall") == []
    one = find(parsed(trend_chart({"Overall": [(2025, 3.0)]}, title="One")), "svg:desc")[0].text
    assert one == (
        "Line chart of scores on a scale of 1 to 7 in 2025, one line per series. "
        "Overall: 3.0 in 2025."
    )


def test_marked_years_are_dashed_hollow_and_explained():
    series = {"Govern (GV)": [(2019, 2.0), (2020, 2.5), (2021, 3.0), (2022, 3.5), (2023, 4.0)]}
    root = check_accessible(trend_chart(series, title="Govern", marked_years={2019, 2020}))
    # Segments touching a carried year are dashed (2019-2020-2021), the rest solid.
    dashed = lines_of(root, "Govern (GV)", carried=True)
    solid = lines_of(root, "Govern (GV)", carried=False)
    assert len(dashed) == 1 and len(solid) == 1
    assert dashed[0].get("stroke-dasharray") and not solid[0].get("stroke-dasharray")
    assert len(d_points(dashed[0].get("d"))) == 3 and len(d_points(solid[0].get("d"))) == 3
    hollow = with_class(root, "path", "marker")
    assert sorted("carried" in marker.get("class") for marker in hollow) == [
        False,
        False,
        False,
        True,
        True,
    ]
    assert all(m.get("fill") == "#FFFFFF" for m in hollow if "carried" in m.get("class"))
    years = [label.text for label in with_class(root, "text", "year")]
    assert years == ["2019*", "2020*", "2021", "2022", "2023"]
    assert any(text.startswith("* CSF 1.1 result carried") for text in texts(root))
    assert "Years marked *, 2019 and 2020: CSF 1.1" in find(root, "svg:desc")[0].text

    plain = parsed(trend_chart(series, title="Govern"))
    assert not [e for e in plain.iter() if "carried" in e.get("class", "")]
    assert not any("*" in text for text in texts(plain))
    assert len(lines_of(plain, "Govern (GV)")) == 1


def test_series_get_distinct_colours_and_marker_shapes():
    root = parsed(trend_chart(FUNCTIONS, title="Scores by function"))
    legend = with_class(root, "path", "legend-marker")
    assert len({marker.get("data-shape") for marker in legend}) == len(FUNCTIONS)
    assert len({marker.get("fill") for marker in legend}) == len(FUNCTIONS)
    for name in FUNCTIONS:
        assert name in texts(root)


def test_peer_bars_show_median_and_quartiles_and_hide_small_groups():
    root = check_accessible(peer_bar_chart(PEER_ROWS, title="Against peers"))
    rows = find(root, ".//svg:g[@class='row']")
    assert len(rows) == 3
    govern, identify, protect = rows
    assert len(with_class(govern, "rect", "bar")) == 1
    assert len(with_class(govern, "line", "median")) == 1
    assert len(with_class(govern, "path", "iqr")) == 1
    assert "median 3.8 (3.1 to 4.5)" in texts(govern)
    # Not scored: no bar, said in words, the peers still shown.
    assert with_class(identify, "rect", "bar") == []
    assert "not scored" in texts(identify)
    assert len(with_class(identify, "line", "median")) == 1

    assert "peer group too small" in texts(protect)
    assert with_class(protect, "line", "median") == [] and with_class(protect, "path", "iqr") == []
    assert len(with_class(protect, "rect", "bar")) == 1
    everything = " ".join(texts(root)) + find(root, "svg:desc")[0].text
    for hidden in ("6.3", "6.1", "6.9"):
        assert hidden not in everything
    assert "Protect (PR): 5.5; the peer group is too small to show." in everything
    assert "Govern (GV): 4.2; peer median 3.8, middle half 3.1 to 4.5." in everything


def test_a_longer_bar_is_a_higher_score():
    root = parsed(peer_bar_chart([peer("A", 2.0), peer("B", 6.0)], title="Bars"))
    a, b = (float(bar.get("width")) for bar in with_class(root, "rect", "bar"))
    assert b == pytest.approx(5 * a, abs=0.05)  # 1 to 2 against 1 to 6 on a scale starting at 1
    assert "no peer scores" in texts(root)


def test_heatmap_has_a_cell_per_category_and_year_with_its_value():
    categories = ["GV.OC", "ID.AM", "PR.AA"]
    years = [2021, 2022, 2023, 2024]
    values = {
        ("GV.OC", 2021): 1.0,
        ("GV.OC", 2022): 2.5,
        ("ID.AM", 2021): 4.0,
        ("ID.AM", 2023): None,
        ("PR.AA", 2024): 7.0,
        ("PR.AA", 2022): math.nan,
        ("DE.CM", 2021): 5.0,  # not a row of the chart: left out
    }
    root = check_accessible(heatmap(categories, years, values, title="Categories by year"))
    cells = with_class(root, "rect", "cell")
    assert len(cells) == len(categories) * len(years)
    empty = with_class(root, "rect", "empty")
    assert len(empty) == len(cells) - 4
    assert all(cell.get("fill").startswith("url(#") for cell in empty)
    assert find(root, ".//svg:pattern")

    printed = [text.text for text in with_class(root, "text", "value")]
    assert printed == [
        "1.0", "2.5", "—", "—",
        "4.0", "—", "—", "—",
        "—", "—", "—", "7.0",
    ]  # fmt: skip
    assert [label.text for label in with_class(root, "text", "label")] == categories
    assert [label.text for label in with_class(root, "text", "year")] == [
        "2021",
        "2022",
        "2023",
        "2024",
    ]  # noqa: E501
    # Low scores dark, high scores light; the text on each cell is readable (WCAG AA).
    low, high = cells[0].get("fill"), cells[11].get("fill")
    assert (low, high) == (scale_colour(1.0), scale_colour(7.0))
    for cell, text in zip(cells, with_class(root, "text", "value"), strict=True):
        if "empty" not in cell.get("class"):
            assert contrast(cell.get("fill"), text.get("fill")) >= 4.5
    assert [t.get("fill") for t in with_class(root, "text", "value")][0] == "#FFFFFF"
    assert [t.get("fill") for t in with_class(root, "text", "value")][11] == "#000000"
    desc = find(root, "svg:desc")[0].text
    assert "Highest: PR.AA in 2024, 7.0. Lowest: GV.OC in 2021, 1.0." in desc
    assert "8 of 12 cells have no score." in desc


def test_every_heatmap_colour_takes_readable_text():
    for step in range(61):
        root = parsed(heatmap(["A"], [2024], {("A", 2024): 1 + step / 10}, title="One"))
        cell, text = with_class(root, "rect", "cell")[0], with_class(root, "text", "value")[0]
        assert contrast(cell.get("fill"), text.get("fill")) >= 4.5


def test_heatmap_marks_carried_years():
    root = parsed(heatmap(["A"], [2023, 2024], {}, title="One", marked_years=[2023]))
    assert [label.text for label in with_class(root, "text", "year")] == ["2023*", "2024"]
    assert any(text.startswith("* CSF 1.1") for text in texts(root))


def test_labels_are_escaped():
    charts = [
        trend_chart({TRICKY: [(2024, 3.0), (2025, 4.0)]}, title=TRICKY),
        peer_bar_chart(
            [{"label": TRICKY, "score": 3.0, "median": 3.0, "q1": 2.0, "q3": 4.0}], title=TRICKY
        ),
        heatmap([TRICKY], [2025], {(TRICKY, 2025): 3.0}, title=TRICKY),
    ]
    for svg in charts:
        assert "<Ops>" not in svg and "R&D " not in svg
        assert "R&amp;D &lt;Ops&gt; &quot;quoted&quot; &#39;single&#39;" in svg
        root = check_accessible(svg)
        assert find(root, "svg:title")[0].text == TRICKY
        assert TRICKY in texts(root)
    # A character XML forbids is dropped rather than breaking the page.
    check_accessible(heatmap(["bad\x00\x1bname"], [2025], {}, title="ctrl\x07"))


def test_same_input_same_svg():
    def charts(values):
        return (
            trend_chart(FUNCTIONS, title="Scores", marked_years={2019}),
            peer_bar_chart(PEER_ROWS, title="Peers"),
            heatmap(["A", "B"], [2024, 2025], values, title="Heat"),
        )

    values = {("A", 2024): 2.0, ("B", 2025): 5.5, ("A", 2025): 3.0}
    first = charts(values)
    assert charts(values) == first
    # The order the values were gathered in does not matter.
    assert charts(dict(reversed(values.items()))) == first
    changed = heatmap(["A", "B"], [2024, 2025], {**values, ("B", 2024): 1.0}, title="Heat")
    assert parsed(changed).get("id") != parsed(first[2]).get("id")
    # A chosen id, e.g. for two copies of one chart on a page.
    named = heatmap(["A"], [2025], {}, title="Heat", chart_id="cats-2025")
    assert parsed(named).get("id") == "cats-2025" and "url(#cats-2025-hatch)" in named


@pytest.mark.parametrize(
    "make",
    [
        lambda: trend_chart({"A": [(2024, 8.0)]}, title="t"),
        lambda: trend_chart({"A": [(2024, 3.0), (2024, 4.0)]}, title="t"),
        lambda: trend_chart({"A": [("2024", 3.0)]}, title="t"),
        lambda: trend_chart({"A": [(2024, 3.0)]}, title="t", y_min=7, y_max=1),
        lambda: peer_bar_chart(
            [{"label": "A", "score": 3, "median": 2, "q1": 3, "q3": 4}], title="t"
        ),  # noqa: E501
        lambda: peer_bar_chart([{"label": "A", "score": "high"}], title="t"),
        lambda: heatmap(["A", "A"], [2024], {}, title="t"),
        lambda: heatmap(["A"], [2024], {("A", 2024): 0.5}, title="t"),
        lambda: heatmap(["A"], [2024], {}, title="t", chart_id="1 bad id"),
    ],
)
def test_bad_input_is_refused(make):
    with pytest.raises(ValueError):
        make()


def test_weasyprint_draws_the_charts_into_a_pdf(caplog):
    charts = [
        trend_chart(FUNCTIONS, title="Scores by function", marked_years={2019}),
        peer_bar_chart(PEER_ROWS, title="Against peers"),
        heatmap(["GV.OC", TRICKY], [2024, 2025], {("GV.OC", 2025): 4.0}, title="Categories"),
    ]
    html = (
        "<!doctype html><html><body><h1>Benchmarks</h1>"
        + "".join(f"<figure>{svg}</figure>" for svg in charts)
        + "</body></html>"
    )
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        document = HTML(string=html).render()
        pdf = document.write_pdf()
    assert pdf.startswith(b"%PDF-")
    assert not [record for record in caplog.records if record.name.startswith("weasyprint")]

    drawn = []

    def walk(box):
        if type(getattr(box, "replacement", None)).__name__ == "SVGImage":
            drawn.append(box)
        for child in getattr(box, "children", None) or []:
            walk(child)

    for page in document.pages:
        walk(page._page_box)
        content_width = page._page_box.children[0].width  # the <html> box
        for box in drawn:
            assert box.width <= content_width + 0.5
    assert len(drawn) == len(charts)
    # Scaled to the page, each chart keeps its viewBox's proportions.
    for box, svg in zip(drawn, charts, strict=True):
        _, _, width, height = (float(v) for v in parsed(svg).get("viewBox").split())
        assert box.width / box.height == pytest.approx(width / height, rel=0.01)
