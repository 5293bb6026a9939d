"""The Monitor step's rules, written once: when a POA&M item is overdue, its age bucket, when
each control is next due for assessment, and what the M-* tasks look at for many cycles in a
fixed number of queries. Pages, reports, the dashboard and the task checks all use these.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils import timezone

from rmf.models import (
    MONITORING_DAYS,
    ChangeRecord,
    MonitoringFrequency,
    PoamItem,
    PoamMilestone,
    SelectedControl,
)

ACTIVE = (SelectedControl.Tailoring.BASELINE, SelectedControl.Tailoring.ADDED)
# A POA&M item still to be worked on (risk-accepted and completed items are settled).
POAM_OPEN_STATUSES = (PoamItem.Status.OPEN, PoamItem.Status.ONGOING)
# Age buckets of open POA&M items, in days since the item was created (inclusive bounds).
AGING_BUCKETS: tuple[tuple[str, str, int, int | None], ...] = (
    ("0-30", "0 to 30 days", 0, 30),
    ("31-90", "31 to 90 days", 31, 90),
    ("91-180", "91 to 180 days", 91, 180),
    ("181+", "more than 180 days", 181, None),
)
AGING_BUCKET_KEYS = tuple(bucket[0] for bucket in AGING_BUCKETS)


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def poam_overdue_q(today: date, prefix: str = "") -> Q:
    """POA&M items still open or ongoing whose scheduled completion, or one of whose
    milestones not completed, is before `today`. `prefix` reaches the item from another model
    ("poam_items__")."""
    late_milestone = PoamMilestone.objects.filter(
        item=OuterRef(f"{prefix}pk" if prefix else "pk"),
        completed_on__isnull=True,
        due_on__lt=today,
    )
    return Q(**{f"{prefix}status__in": POAM_OPEN_STATUSES}) & (
        Q(**{f"{prefix}scheduled_completion__lt": today}) | Q(Exists(late_milestone))
    )


def poam_aging_q(bucket: str, today: date, prefix: str = "") -> Q:
    """Open or ongoing POA&M items whose age (days since created, by the local calendar)
    falls in `bucket` (one of AGING_BUCKET_KEYS)."""
    for key, _label, low, high in AGING_BUCKETS:
        if key == bucket:
            # created on day D has age (today - D): age >= low <=> D <= today - low.
            q = Q(**{f"{prefix}status__in": POAM_OPEN_STATUSES}) & Q(
                **{f"{prefix}created_at__lt": _start_of(today - timedelta(days=low - 1))}
            )
            if high is not None:
                q &= Q(**{f"{prefix}created_at__gte": _start_of(today - timedelta(days=high))})
            return q
    raise ValueError(f"Unknown aging bucket {bucket!r}; use one of {AGING_BUCKET_KEYS}.")


def poam_aging_counts(items, today: date) -> dict[str, int]:
    """Open POA&M items of a queryset counted per age bucket, in one query."""
    row = items.aggregate(
        **{key: Count("pk", filter=poam_aging_q(key, today)) for key in AGING_BUCKET_KEYS}
    )
    return {key: row[key] or 0 for key in AGING_BUCKET_KEYS}


def frequency_days(frequency: str) -> int:
    """Days between assessments of a control: its monitoring frequency (S-5), annual when
    none was set."""
    return MONITORING_DAYS.get(frequency or MonitoringFrequency.ANNUAL, 365)


def next_assessment_due(last_assessed: date | None, frequency: str, today: date) -> date:
    """A control is next due one monitoring period after its latest determination; a control
    never assessed in the cycle is due now."""
    if last_assessed is None:
        return today
    return last_assessed + timedelta(days=frequency_days(frequency))


@dataclass
class ScheduleRow:
    authorization_id: int
    selected_control_id: int
    control_id: str  # "ac-2"
    label: str  # "AC-2"
    title: str
    frequency: str
    last_assessed: date | None
    next_due: date

    def overdue(self, today: date) -> bool:
        return self.next_due < today

    def due_within(self, today: date, days: int) -> bool:
        return self.next_due <= today + timedelta(days=days)


def assessment_schedule(authorization_ids: list[int], today: date) -> list[ScheduleRow]:
    """Every active control of the cycles with its latest determination (any assessment of
    its cycle) and next due date, in one query, ordered by due date then control."""
    rows = []
    for pk, authorization_id, control_id, label, title, frequency, last in (
        SelectedControl.objects.filter(authorization__in=authorization_ids, tailoring__in=ACTIVE)
        .annotate(last=Max("determinations__updated_at"))
        .values_list(
            "pk",
            "authorization",
            "control_id",
            "control__label",
            "control__title",
            "monitoring_frequency",
            "last",
        )
        .order_by()
    ):
        last_day = timezone.localdate(last) if last is not None else None
        rows.append(
            ScheduleRow(
                authorization_id=authorization_id,
                selected_control_id=pk,
                control_id=control_id,
                label=label,
                title=title,
                frequency=frequency,
                last_assessed=last_day,
                next_due=next_assessment_due(last_day, frequency, today),
            )
        )
    rows.sort(key=lambda row: (row.next_due, row.label))
    return rows


@dataclass
class MonitorSummary:
    """What the Monitor tasks look at for one cycle."""

    changes_without_analysis: int = 0
    controls_overdue: int = 0
    poam_overdue: int = 0


def monitor_summaries_bulk(authorization_ids: list[int], today: date) -> dict[int, MonitorSummary]:
    """Per cycle, in three queries: change records without an impact analysis, active controls
    overdue for assessment, overdue POA&M items."""
    summaries = {pk: MonitorSummary() for pk in authorization_ids}
    if not authorization_ids:
        return summaries
    for authorization_id, n in (
        ChangeRecord.objects.filter(authorization__in=authorization_ids, impact="")
        .values("authorization")
        .annotate(n=Count("pk"))
        .values_list("authorization", "n")
        .order_by()
    ):
        summaries[authorization_id].changes_without_analysis = n
    overdue: dict[int, int] = defaultdict(int)
    for row in assessment_schedule(authorization_ids, today):
        if row.overdue(today):
            overdue[row.authorization_id] += 1
    for authorization_id, n in overdue.items():
        summaries[authorization_id].controls_overdue = n
    for authorization_id, n in (
        PoamItem.objects.filter(authorization__in=authorization_ids)
        .filter(poam_overdue_q(today))
        .values("authorization")
        .annotate(n=Count("pk"))
        .values_list("authorization", "n")
        .order_by()
    ):
        summaries[authorization_id].poam_overdue = n
    return summaries
