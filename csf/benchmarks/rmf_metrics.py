"""RMF programme metrics by year, per organization and rolled up: plain functions from pandas
data frames to data frames, with no database reads (csf.benchmarks.data_rmf reads the counts).

The database gives additive counts of each organization's own systems; ratios are worked out
only after the counts are summed over an organization's subtree (`rolled_up`), so a city's
share of authorized systems is the share over all its agencies' systems, not a mean of the
agencies' shares.

Frames (columns in this order):

COUNTS: one row per organization, year and count metric (COUNT_METRICS), own systems only.
    organization  any hashable id (the Organization's pk in the app)
    year          int
    metric        a key of COUNT_METRICS
    value         int64

ORGANIZATIONS: the organizations to roll up over.
    organization  the id
    parent        the parent's id; None/NaN for a root, or for a parent outside the frame

METRICS (programme_metrics): COUNTS plus the derived metrics (DERIVED_METRICS), value float64;
NaN where a ratio has nothing to divide by (no systems, no decision signed, no control).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from csf.benchmarks.frames import check_columns

COLUMNS = ["organization", "year", "metric", "value"]
ORGANIZATION_COLUMNS = ["organization", "parent"]
AGING_KEYS = ("0-30", "31-90", "91-180", "181+")  # rmf.selectors.monitor_facts.AGING_BUCKETS

# Additive counts, as the database read gives them; "at year end" means at the end of 31
# December, or today for the current year.
COUNT_METRICS: dict[str, str] = {
    "systems": "Systems in the inventory at year end (disposed systems left out)",
    "systems_authorized": "Systems with a current authorization at year end",
    "decisions": "Authorizations signed in the year (decisions that permit operation)",
    "days_to_authorize": "Days from cycle start to signed decision, summed over the year",
    "poam_opened": "POA&M items opened in the year",
    "poam_closed": "POA&M items completed in the year",
    "poam_risk_accepted": "POA&M items whose risk was accepted in the year",
    "poam_open": "POA&M items open or ongoing at year end",
    "poam_overdue": "POA&M items overdue at year end",
    **{f"poam_aging_{key}": f"Open POA&M items {key} days old at year end" for key in AGING_KEYS},
    "controls_selected": "Selected controls in force at year end",
    "controls_assessed": "Of them, assessed in the 365 days before year end",
}
DERIVED_METRICS: dict[str, str] = {
    "authorized_percent": "Share of systems with a current authorization (%)",
    "average_days_to_authorize": "Average days from cycle start to signed decision",
    "coverage_percent": "Share of selected controls assessed in the last 365 days (%)",
}
METRICS: dict[str, str] = {**COUNT_METRICS, **DERIVED_METRICS}
# Derived metric -> (numerator, denominator, factor).
RATIOS: dict[str, tuple[str, str, float]] = {
    "authorized_percent": ("systems_authorized", "systems", 100.0),
    "average_days_to_authorize": ("days_to_authorize", "decisions", 1.0),
    "coverage_percent": ("controls_assessed", "controls_selected", 100.0),
}


def _metric_order(metrics: pd.Series) -> pd.Series:
    order = {name: index for index, name in enumerate(METRICS)}
    return metrics.map(order).fillna(len(order))


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return (
        frame.assign(_order=_metric_order(frame["metric"]))
        .sort_values(["organization", "year", "_order"], kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)[COLUMNS]
    )


def counts_frame(rows: dict[tuple, int], organizations, years) -> pd.DataFrame:
    """COUNTS from {(organization, year, metric): value}, with a 0 for every organization,
    year and count metric not given (a quiet year is a year of zeros, not a missing one).
    Rows of an organization or year not listed are left out."""
    unknown = {key[2] for key in rows} - set(COUNT_METRICS)
    if unknown:
        raise ValueError(f"counts: unknown metric(s) {', '.join(sorted(unknown))}")
    index = pd.MultiIndex.from_product(
        [list(organizations), sorted(set(years)), list(COUNT_METRICS)],
        names=["organization", "year", "metric"],
    )
    if rows:
        given = pd.Series(rows, dtype="int64")
        given.index.names = index.names
        values = given.reindex(index, fill_value=0)
    else:
        values = pd.Series(0, index=index, dtype="int64")
    frame = values.astype("int64").rename("value").reset_index()
    frame["year"] = frame["year"].astype("int64")
    return _sorted(frame)


def subtree_pairs(organizations: pd.DataFrame) -> pd.DataFrame:
    """(ancestor, organization) for every organization of ORGANIZATIONS and each of its
    ancestors inside the frame, itself included: whose counts each organization sums."""
    check_columns(organizations, ORGANIZATION_COLUMNS, "organizations")
    if organizations["organization"].duplicated().any():
        raise ValueError("organizations: an organization appears twice")
    known = set(organizations["organization"])
    parent_of = {
        organization: parent
        for organization, parent in zip(
            organizations["organization"], organizations["parent"], strict=True
        )
        if not pd.isna(parent) and parent in known
    }
    pairs = []
    for organization in organizations["organization"]:
        ancestor, seen = organization, set()
        while ancestor is not None:
            if ancestor in seen:
                raise ValueError("organizations: the parents go round in a circle")
            seen.add(ancestor)
            pairs.append((ancestor, organization))
            ancestor = parent_of.get(ancestor)
    return pd.DataFrame(pairs, columns=["ancestor", "organization"])


def rolled_up(counts: pd.DataFrame, organizations: pd.DataFrame) -> pd.DataFrame:
    """COUNTS of each organization of ORGANIZATIONS summed with those of its descendants in
    the frame (a state counts its cities and their agencies, a city its agencies, an agency
    itself), for every year and metric of `counts`. Counts of organizations outside the frame
    are left out; an organization without counts of its own still gets its subtree's."""
    check_columns(counts, COLUMNS, "counts")
    pairs = subtree_pairs(organizations)
    merged = counts.merge(pairs, on="organization", how="inner")
    totals = merged.groupby(["ancestor", "year", "metric"], sort=False)["value"].sum()
    years = sorted(counts["year"].unique())
    metrics = list(dict.fromkeys(counts["metric"]))
    index = pd.MultiIndex.from_product(
        [list(organizations["organization"]), years, metrics],
        names=["organization", "year", "metric"],
    )
    totals.index.names = index.names
    frame = totals.reindex(index, fill_value=0).astype("int64").rename("value").reset_index()
    return _sorted(frame)


def programme_metrics(counts: pd.DataFrame) -> pd.DataFrame:
    """METRICS: the COUNTS (own or rolled up) as floats, with the derived metrics of each
    organization's year after them (RATIOS): the shares in percent, the average days. A ratio
    whose denominator is 0 is NaN: no systems is not 0% authorized."""
    check_columns(counts, COLUMNS, "counts")
    wide = counts.pivot_table(
        index=["organization", "year"], columns="metric", values="value", aggfunc="sum"
    )
    derived = {}
    for name, (numerator, denominator, factor) in RATIOS.items():
        if numerator not in wide or denominator not in wide:
            continue
        below = wide[denominator].astype("float64")
        with np.errstate(invalid="ignore", divide="ignore"):
            derived[name] = (factor * wide[numerator] / below).where(below > 0)
    frame = counts.assign(value=counts["value"].astype("float64"))
    if derived:
        extra = pd.DataFrame(derived, index=wide.index)
        extra.columns.name = "metric"
        extra = extra.stack().rename("value").reset_index()
        frame = pd.concat([frame, extra], ignore_index=True)
    return _sorted(frame)


def metrics_table(metrics: pd.DataFrame, organization) -> pd.DataFrame:
    """One organization's METRICS as a table: a row per year (ascending), a column per
    metric in METRICS' order."""
    check_columns(metrics, COLUMNS, "metrics")
    rows = metrics.loc[metrics["organization"] == organization]
    table = rows.pivot(index="year", columns="metric", values="value").sort_index()
    columns = [name for name in METRICS if name in table.columns]
    table = table[columns]
    table.columns.name = None
    return table
