"""How a benchmark report is laid out, shared by the web page and the PDF: the charts drawn
from the tables shown under them (csf.benchmarks.charts, inline SVG) and the tables grouped as
the report's sections. Selection and layout only; every figure is csf.benchmarks.tables'."""

from csf.benchmarks.charts import heatmap, peer_bar_chart, trend_chart
from csf.benchmarks.rmf_metrics import METRICS

SHARE_METRICS = ("authorized_percent", "coverage_percent")


def element_label(row: dict) -> str:
    return "Overall" if row["level"] == "overall" else f"{row['identifier']} {row['title']}"


def report_charts(tables: dict) -> dict:
    """The inline SVG charts, drawn by csf.benchmarks.charts from the tables shown under them."""
    changes = tables["changes"]
    series: dict[str, list] = {}
    for row in changes:
        if row["level"] in ("overall", "function"):
            name = "Overall" if row["level"] == "overall" else f"{row['identifier']} {row['title']}"
            series.setdefault(name, []).append((row["year"], row["score"]))
    categories = [row for row in changes if row["level"] == "category"]
    names = list(dict.fromkeys(row["identifier"] for row in categories))
    values = {(row["identifier"], row["year"]): row["score"] for row in categories}
    year = tables["peers_year"]
    peer_rows = [
        {
            "label": element_label(row),
            "score": row["score"],
            "median": row["median"],
            "q1": row["q1"],
            "q3": row["q3"],
            # No peer scored at all is not a group too small: the chart says "no peer scores".
            "suppressed": row["suppressed"] and row["peer_count"] > 0,
        }
        for row in tables["peers"]
        if row["year"] == year and row["level"] in ("overall", "function")
    ]
    marked = tables["carried_years"]
    shares = {
        METRICS[name]: [(row["year"], row["values"].get(name)) for row in tables["rmf"]]
        for name in SHARE_METRICS
    }
    return {
        "rmf": trend_chart(
            shares,
            title="RMF programme: shares by year (%)",
            y_min=0,
            y_max=100,
            y_label="Percent",
        )
        if tables["rmf"]
        else "",
        "trend": trend_chart(series, title="Score per function by year", marked_years=marked)
        if series
        else "",
        "heatmap": heatmap(
            names,
            tables["years"],
            values,
            title="Category scores by year",
            marked_years=marked,
        )
        if names
        else "",
        "peers": peer_bar_chart(peer_rows, title=f"Against peers in {year}") if peer_rows else "",
    }


def report_sections(tables: dict) -> dict:
    """The tables grouped as the page lays them out."""
    by_function: dict[str, list] = {}
    for row in tables["changes"]:
        key = "overall" if row["level"] == "overall" else row["function"]
        by_function.setdefault(key, []).append(row)
    peers_latest = [row for row in tables["peers"] if row["year"] == tables["peers_year"]]
    categories: dict[str, tuple[str, dict]] = {}
    for row in tables["changes"]:
        if row["level"] == "category":
            title, scores = categories.setdefault(row["identifier"], (row["title"], {}))
            scores[row["year"]] = row["score"]
    return {
        "heatmap_rows": [
            (identifier, title, [scores.get(year) for year in tables["years"]])
            for identifier, (title, scores) in categories.items()
        ],
        "changes_by_function": list(by_function.items()),
        "peers_latest": peers_latest,
        # Rows no peer scored are not "too small": there is simply nothing to compare.
        "peers_suppressed": any(row["suppressed"] and row["peer_count"] for row in peers_latest),
        "movers": [
            ("Most improved from their previous year", tables["improved"]),
            ("Most declined from their previous year", tables["declined"]),
        ],
        "rmf_tables": rmf_tables(tables),
    }


def metric_table(rows: list[dict]) -> list[tuple[str, str, list]]:
    """A row per metric (name, description, a value per year): years run across the table."""
    return [
        (name, label, [row["values"].get(name) for row in rows])
        for name, label in METRICS.items()
        if any(name in row["values"] for row in rows)
    ]


def rmf_tables(tables: dict) -> list[tuple[str, list]]:
    """The RMF metric tables, captioned: rolled up and the organization's own systems, or one
    table when both are the same (nothing under it, or nothing under it the reader may see)."""
    if tables["rmf"] == tables["rmf_own"]:
        return [("The organization's systems", metric_table(tables["rmf"]))]
    return [
        (
            "Rolled up over the organization and the organizations under it that you can see",
            metric_table(tables["rmf"]),
        ),
        ("The organization's own systems only", metric_table(tables["rmf_own"])),
    ]


def report_layout(tables: dict) -> dict:
    """The template context of a report beyond `tables`: `charts` and the sections."""
    return {"charts": report_charts(tables), **report_sections(tables)}
