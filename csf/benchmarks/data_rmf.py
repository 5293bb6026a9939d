"""The database reads of the RMF programme metrics (csf.benchmarks.rmf_metrics): each
organization's own counts by year, in five queries whatever the number of organizations and
years (the organizations, the systems, the decisions, POA&M items and selected controls each
read once, the years as conditional counts of the same query).

A year is seen at its end (the end of 31 December), or today for the current year; later years
have no figures. The rules are rmf's own:
- Authorization state (rmf.selectors.decisions): the latest decision signed by then
  (`state_of`, applied as it is, on that day); a system counts while it is in the inventory
  (recorded, or its first cycle started) and not disposed (status disposed, from its
  retirement date; a disposed system without one is left out of every year).
- Days to authorize: from the start of a decision's cycle to its signature, for the decisions
  that permit operation (AuthorizationDecision.permits_operation: not a denial), by the year
  signed, in local dates.
- POA&M items (rmf.selectors.monitor_facts): today, `poam_overdue_q` and `poam_aging_q` on the
  current cycles of the systems not disposed, exactly as the POA&M pages count them. For a
  past year end, the status of that day is not stored, so the same rules are applied to the
  status the item's dates give: open from its creation until completed (`closed_at`) or
  risk-accepted (`risk_accepted_at`); a milestone is late when due before the day and not
  completed by it; the items of the cycle in force that day (the latest started by then). On
  today both give the same items (tests hold them equal).
- Assessment coverage: the active selected controls (monitor_facts.ACTIVE) of the cycle in
  force at year end, and of them those with a determination updated in the 365 days up to it
  (one window for every year: a control's monitoring frequency then is not stored).
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

import pandas as pd
from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet
from django.utils import timezone

from assets.models import Organization, System
from assets.selectors import organization_list_for_user
from csf.benchmarks.rmf_metrics import (
    AGING_KEYS,
    COUNT_METRICS,
    counts_frame,
    programme_metrics,
    rolled_up,
)
from rmf.models import AuthorizationDecision, Determination, PoamItem, PoamMilestone
from rmf.models import SelectedControl as Selected
from rmf.selectors.decisions import ACTIVE_STATES, state_of
from rmf.selectors.monitor_facts import (
    ACTIVE,
    AGING_BUCKETS,
    POAM_OPEN_STATUSES,
    poam_aging_q,
    poam_overdue_q,
)

PoamStatus = PoamItem.Status
COVERAGE_DAYS = 365
assert tuple(bucket[0] for bucket in AGING_BUCKETS) == AGING_KEYS, "aging buckets changed"


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _end_of(day: date) -> datetime:
    return _start_of(day + timedelta(days=1))


def snapshot_day(year: int, today: date) -> date:
    """The day a year is seen at: 31 December, or today for the current year."""
    return today if year >= today.year else date(year, 12, 31)


def report_years(years: Iterable[int], today: date) -> list[int]:
    """The years asked that have figures (not after today's), ascending."""
    return sorted({int(year) for year in years if int(year) <= today.year})


def _organization_ids(organizations) -> QuerySet | list:
    if isinstance(organizations, QuerySet):
        return organizations.values("pk")
    return [getattr(item, "pk", item) for item in organizations]


def organization_frame(organizations) -> pd.DataFrame:
    """ORGANIZATIONS (rmf_metrics) of `organizations` (a queryset, or organizations or ids),
    with name, short_name, kind and path, in the tree's order (one query)."""
    rows = (
        Organization.objects.filter(pk__in=_organization_ids(organizations))
        .order_by("path")
        .values_list("pk", "parent_id", "name", "short_name", "kind", "path")
    )
    frame = pd.DataFrame(
        list(rows), columns=["organization", "parent", "name", "short_name", "kind", "path"]
    )
    frame["parent"] = frame["parent"].astype("Int64")
    return frame


# ----------------------------------------------------------------------------- per year rules


def _disposed_by(day: date, prefix: str = "") -> Q:
    """Systems disposed on or before `day` (a disposed system without a date: always)."""
    return Q(**{f"{prefix}status": System.Status.DISPOSED}) & (
        Q(**{f"{prefix}retirement_date__isnull": True})
        | Q(**{f"{prefix}retirement_date__lte": day})
    )


def _cycle_in_force(day: date, today: date, prefix: str = "authorization__") -> Q:
    """Rows of the cycle in force at the end of `day`, of a system not disposed by then:
    today, the current cycles (rmf.selectors.reporting.reported_cycles)."""
    system = f"{prefix}system__"
    if day >= today:
        disposed = Q(**{f"{system}status": System.Status.DISPOSED})
        return Q(**{f"{prefix}is_current": True}) & ~disposed
    end = _end_of(day)
    return (
        Q(**{f"{prefix}started_at__lt": end})
        & (
            Q(**{f"{prefix}next_cycle__isnull": True})
            | Q(**{f"{prefix}next_cycle__started_at__gte": end})
        )
        & ~_disposed_by(day, system)
    )


def _settled_by(day: date) -> Q:
    """POA&M items completed or risk-accepted by the end of `day`, by their dates."""
    end = _end_of(day)
    completed = Q(status=PoamStatus.COMPLETED) & (Q(closed_at__isnull=True) | Q(closed_at__lt=end))
    accepted = Q(status=PoamStatus.RISK_ACCEPTED) & (
        Q(risk_accepted_at__isnull=True) | Q(risk_accepted_at__lt=end)
    )
    return completed | accepted


def poam_open_on_q(day: date, today: date) -> Q:
    """POA&M items open or ongoing at the end of `day`."""
    if day >= today:
        return Q(status__in=POAM_OPEN_STATUSES)
    return Q(created_at__lt=_end_of(day)) & ~_settled_by(day)


def poam_overdue_on_q(day: date, today: date) -> Q:
    """monitor_facts.poam_overdue_q at the end of `day`: itself today."""
    if day >= today:
        return poam_overdue_q(today)
    late_milestone = PoamMilestone.objects.filter(item=OuterRef("pk"), due_on__lt=day).filter(
        Q(completed_on__isnull=True) | Q(completed_on__gt=day)
    )
    return poam_open_on_q(day, today) & (
        Q(scheduled_completion__lt=day) | Q(Exists(late_milestone))
    )


def poam_aging_on_q(bucket: str, day: date, today: date) -> Q:
    """monitor_facts.poam_aging_q at the end of `day`: itself today."""
    if day >= today:
        return poam_aging_q(bucket, today)
    for key, _label, low, high in AGING_BUCKETS:
        if key == bucket:
            oldest = _start_of(day - timedelta(days=low - 1))
            q = poam_open_on_q(day, today) & Q(created_at__lt=oldest)
            if high is not None:
                q &= Q(created_at__gte=_start_of(day - timedelta(days=high)))
            return q
    raise ValueError(f"Unknown aging bucket {bucket!r}; use one of {AGING_KEYS}.")


# ----------------------------------------------------------------------------- the reads


def _add_system_counts(counts, organizations, years: list[int], today: date) -> None:
    """systems, systems_authorized, decisions and days_to_authorize (two queries)."""
    systems = list(
        System.objects.filter(organization__in=organizations)
        .annotate(first_cycle=Min("authorizations__started_at"))
        .order_by()
        .values_list(
            "pk", "organization_id", "status", "retirement_date", "created_at", "first_cycle"
        )
    )
    decisions = defaultdict(list)  # system -> [(signed_at, pk, decision)], signature order
    for system, organization, kind, termination, signed_at, pk, started_at in (
        AuthorizationDecision.objects.filter(authorization__system__organization__in=organizations)
        .order_by()
        .values_list(
            "authorization__system_id",
            "authorization__system__organization_id",
            "kind",
            "termination_date",
            "signed_at",
            "pk",
            "authorization__started_at",
        )
    ):
        decision = SimpleNamespace(kind=kind, termination_date=termination)
        decisions[system].append((signed_at, pk, decision))
        signed = timezone.localdate(signed_at)
        if decision.kind != AuthorizationDecision.Kind.DENIAL and signed.year in years:
            counts[(organization, signed.year, "decisions")] += 1
            days = (signed - timezone.localdate(started_at)).days
            counts[(organization, signed.year, "days_to_authorize")] += days
    for history in decisions.values():
        history.sort(key=lambda row: (row[0], row[1]))
    # The disposal is handled by the year's own rule below: to `state_of` the system is not
    # disposed (its status is today's).
    in_service = SimpleNamespace(status=System.Status.OPERATIONAL)
    for pk, organization, status, retired, created_at, first_cycle in systems:
        since = timezone.localdate(min(created_at, first_cycle or created_at))
        history = decisions.get(pk, [])
        signatures = [row[0] for row in history]
        for year in years:
            day = snapshot_day(year, today)
            disposed = status == System.Status.DISPOSED and (retired is None or retired <= day)
            if since > day or disposed:
                continue
            counts[(organization, year, "systems")] += 1
            latest = bisect.bisect_left(signatures, _end_of(day)) - 1
            decision = history[latest][2] if latest >= 0 else None
            if state_of(in_service, decision, day) in ACTIVE_STATES:
                counts[(organization, year, "systems_authorized")] += 1


def _add_poam_counts(counts, organizations, years: list[int], today: date) -> None:
    """The POA&M counts of every year, in one grouped query."""
    aggregates = {}
    for year in years:
        day = snapshot_day(year, today)
        start, end = _start_of(date(year, 1, 1)), _end_of(day)
        force = _cycle_in_force(day, today)
        aggregates[f"poam_opened-{year}"] = Count(
            "pk", filter=Q(created_at__gte=start, created_at__lt=end)
        )
        aggregates[f"poam_closed-{year}"] = Count(
            "pk",
            filter=Q(status=PoamStatus.COMPLETED, closed_at__gte=start, closed_at__lt=end),
        )
        aggregates[f"poam_risk_accepted-{year}"] = Count(
            "pk",
            filter=Q(
                status=PoamStatus.RISK_ACCEPTED,
                risk_accepted_at__gte=start,
                risk_accepted_at__lt=end,
            ),
        )
        aggregates[f"poam_open-{year}"] = Count("pk", filter=force & poam_open_on_q(day, today))
        aggregates[f"poam_overdue-{year}"] = Count(
            "pk", filter=force & poam_overdue_on_q(day, today)
        )
        for key in AGING_KEYS:
            aggregates[f"poam_aging_{key}-{year}"] = Count(
                "pk", filter=force & poam_aging_on_q(key, day, today)
            )
    rows = (
        PoamItem.objects.filter(authorization__system__organization__in=organizations)
        .order_by()
        .values("authorization__system__organization")
        .annotate(**aggregates)
    )
    _add_grouped(counts, rows, "authorization__system__organization")


def _add_coverage_counts(counts, organizations, years: list[int], today: date) -> None:
    """controls_selected and controls_assessed of every year, in one grouped query."""
    aggregates = {}
    for year in years:
        day = snapshot_day(year, today)
        force = _cycle_in_force(day, today)
        recent = Determination.objects.filter(
            selected_control=OuterRef("pk"),
            updated_at__gte=_start_of(day - timedelta(days=COVERAGE_DAYS - 1)),
            updated_at__lt=_end_of(day),
        )
        aggregates[f"controls_selected-{year}"] = Count("pk", filter=force)
        aggregates[f"controls_assessed-{year}"] = Count("pk", filter=force & Q(Exists(recent)))
    rows = (
        Selected.objects.filter(
            authorization__system__organization__in=organizations, tailoring__in=ACTIVE
        )
        .order_by()
        .values("authorization__system__organization")
        .annotate(**aggregates)
    )
    _add_grouped(counts, rows, "authorization__system__organization")


def _add_grouped(counts, rows, key: str) -> None:
    for row in rows:
        organization = row.pop(key)
        for name, value in row.items():
            metric, year = name.rsplit("-", 1)
            if value:
                counts[(organization, int(year), metric)] += value


def rmf_counts_frame(organizations, years: Iterable[int], *, today: date) -> pd.DataFrame:
    """COUNTS (rmf_metrics) of the organizations' own systems for the `years` asked up to
    today's, with zeros where nothing happened; five queries, whatever the number of
    organizations and years. `organizations` (a queryset, or organizations or ids) are taken
    as given: the caller reached them through their access function (rmf_metrics_for_user)."""
    years = report_years(years, today)
    ids = list(
        Organization.objects.filter(pk__in=_organization_ids(organizations))
        .order_by("path")
        .values_list("pk", flat=True)
    )
    counts: dict[tuple, int] = defaultdict(int)
    if ids and years:
        _add_system_counts(counts, ids, years, today)
        _add_poam_counts(counts, ids, years, today)
        _add_coverage_counts(counts, ids, years, today)
    assert {key[2] for key in counts} <= set(COUNT_METRICS)
    return counts_frame(dict(counts), ids, years)


def rmf_organization_list_for_user(user, organization: Organization) -> QuerySet[Organization]:
    """The organization and its descendants that `user` may see: what its rolled-up figures
    count (an agency member reading the city sees their own agency's figures only)."""
    return organization_list_for_user(user).filter(path__startswith=organization.path)


def rmf_metrics_for_user(
    user, organization: Organization, years: Iterable[int], *, today: date
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """METRICS (rmf_metrics.programme_metrics) of the organization and its descendants that
    `user` may see: (own figures of each, figures rolled up over each one's subtree). Six
    queries."""
    organizations = organization_frame(rmf_organization_list_for_user(user, organization))
    counts = rmf_counts_frame(organizations["organization"].tolist(), years, today=today)
    own = programme_metrics(counts)
    rolled = programme_metrics(rolled_up(counts, organizations[["organization", "parent"]]))
    return own, rolled
