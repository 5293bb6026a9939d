"""One organization's benchmark report (csf.benchmarks.data.OrganizationBenchmark) as plain
Python rows: what the web page shows under each chart and what the API returns. Nothing is
computed here but selection and layout; every number is the data module's, NaN as None.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

from csf.benchmarks.data import FRAMEWORKS, OrganizationBenchmark
from csf.benchmarks.frames import CATEGORY, FUNCTION, OVERALL, SUBCATEGORY
from csf.benchmarks.rmf_metrics import METRICS, metrics_table
from rmf.documents.xlsx.workbook import safe_filename

SCORE_LEVELS = (OVERALL, FUNCTION, CATEGORY)
CHANGE_FIELDS = (
    "year",
    "carried",
    "level",
    "identifier",
    "function",
    "score",
    "previous_year",
    "change",
    "first_year",
    "change_from_first",
)
RANK_FIELDS = ("rank", "year", "identifier", "score", "previous_year", "previous_score", "change")
TARGET_FIELDS = ("level", "identifier", "score", "target", "gap", "meets_target")
PEER_FIELDS = (
    "year",
    "carried",
    "level",
    "identifier",
    "score",
    "peer_count",
    "suppressed",
    "mean",
    "median",
    "q1",
    "q3",
    "percentile",
)


def plain(value):
    """A frame's cell as JSON-ready Python: None for NaN/NA, int and float for numpy numbers."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        return None if math.isnan(value) else float(value)
    return value


def _rows(frame: pd.DataFrame, fields: Iterable[str], titles: dict[str, str]) -> list[dict]:
    fields = list(fields)
    rows = []
    for record in frame[fields].itertuples(index=False, name=None):
        row = {name: plain(value) for name, value in zip(fields, record, strict=True)}
        if "identifier" in row:
            identifier = row["identifier"]
            row["title"] = "Overall" if identifier == OVERALL else titles.get(identifier, "")
        rows.append(row)
    return rows


def _in_order(frame: pd.DataFrame, *keys: str) -> pd.DataFrame:
    return frame.sort_values([*keys], kind="stable") if not frame.empty else frame


def benchmark_tables(report: OrganizationBenchmark, *, subcategories: bool = False) -> dict:
    """The report's tables, in the core's order: `changes` per level and year (subcategories
    only when asked), `improved`/`declined`, `targets` of the latest year, `peers` (aggregates
    only; suppressed rows carry the count alone), `named_peers` (None unless the reader may see
    every peer), and the RMF metrics `rmf` (rolled up) and `rmf_own`, one row per year."""
    titles = report.reference.titles
    years = report.years
    latest = years[-1] if years else None
    carried = report.scores.groupby("year")["carried"].any() if years else pd.Series(dtype=bool)
    levels = (*SCORE_LEVELS, SUBCATEGORY) if subcategories else SCORE_LEVELS
    changes = report.changes.loc[report.changes["level"].isin(levels)]
    targets = report.targets.loc[
        (report.targets["year"] == latest) & report.targets["level"].isin(SCORE_LEVELS)
    ]
    peers = report.peers
    named = None
    if report.named_peers is not None:
        frame = report.named_peers.loc[report.named_peers["level"].isin((OVERALL, FUNCTION))]
        named = _rows(
            _in_order(frame, "name", "year", "order"),
            ("name", "year", "carried", "level", "identifier", "score"),
            titles,
        )
    organization = report.organization.pk
    peer_rows = _rows(_in_order(peers, "order", "year"), PEER_FIELDS, titles)
    return {
        "organization": {"id": organization, "name": report.organization.name},
        "filters": report_filters(report, subcategories=subcategories),
        "years": years,
        "carried_years": [int(year) for year, flag in carried.items() if flag],
        "latest_year": latest,
        "summary": list(report.summary),
        "changes": _rows(_in_order(changes, "order", "year"), CHANGE_FIELDS, titles),
        "improved": _rows(report.improved, RANK_FIELDS, titles),
        "declined": _rows(report.declined, RANK_FIELDS, titles),
        "targets": _rows(_in_order(targets, "order"), TARGET_FIELDS, titles),
        "framework": {"key": report.framework, "label": FRAMEWORKS[report.framework]},
        "targets_available": report.targets_available,
        "peer_group": {
            "scope": report.peer_group.scope,
            "description": report.peer_group.description,
            "size": report.peer_group.size,
            "named": report.peer_group.named,
            "choices": [
                {"scope": scope, "description": description}
                for scope, description in report.peer_scopes.items()
            ],
        },
        "peers": peer_rows,
        "peers_year": peers_year(peer_rows, latest),
        "named_peers": named,
        "rmf_years": list(report.rmf_years),
        "rmf": _metric_rows(report.rmf, organization),
        "rmf_own": _metric_rows(report.rmf_own, organization),
    }


def report_filename(report: OrganizationBenchmark, extension: str) -> str:
    """ "DOT-csf-benchmark-2020-2024.pdf": the organization's short name (else its name) and the
    report's first and last years; one year alone, or none when nothing was assessed."""
    organization = report.organization
    stem = f"{safe_filename(organization.short_name or organization.name)}-csf-benchmark"
    years = report.years
    if not years:
        return f"{stem}.{extension}"
    span = str(years[0]) if years[0] == years[-1] else f"{years[0]}-{years[-1]}"
    return f"{stem}-{span}.{extension}"


def peers_year(rows: list[dict], latest: int | None) -> int | None:
    """The year the peer comparison is shown for: the latest with a figure shown, since the
    latest year often has too few approved peers yet; the latest year when none has one."""
    shown = [row["year"] for row in rows if not row["suppressed"]]
    return max(shown) if shown else latest


def report_filters(report: OrganizationBenchmark, *, subcategories: bool) -> list[dict]:
    """What the report was made of, in words, for the reader of a printed or saved copy."""
    asked = report.requested_years
    if asked:
        years = f"{asked[0]} to {asked[-1]}" if len(asked) > 1 else str(asked[0])
    else:
        years = "Every year assessed"
    detail = (
        "Functions, categories and subcategories" if subcategories else ("Functions and categories")
    )
    group = report.peer_group
    peers = group.description or "None: a state has no peer group"
    return [
        {"name": "organization", "label": "Organization", "value": report.organization.name},
        {"name": "years", "label": "Years", "value": years},
        {"name": "framework", "label": "Framework", "value": FRAMEWORKS[report.framework]},
        {"name": "peer_group", "label": "Peer group", "value": peers},
        {"name": "detail", "label": "Detail", "value": detail},
    ]


def _metric_rows(metrics: pd.DataFrame, organization) -> list[dict]:
    """One row per year: {"year", "values": {metric: value}} in METRICS' order."""
    if metrics.empty or not (metrics["organization"] == organization).any():
        return []
    table = metrics_table(metrics, organization)
    return [
        {
            "year": int(year),
            "values": {name: plain(values[name]) for name in METRICS if name in table.columns},
        }
        for year, values in table.iterrows()
    ]
