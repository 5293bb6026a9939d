"""Reads of Step 6, Monitor: change records (M-1) and their access function, the controls due
for assessment (M-2) and the cycle's ongoing assessments, and the Monitor page of a cycle.

The due dates come from `rmf.selectors.monitor_facts.assessment_schedule` (the one rule); this
module only sorts them into "overdue", "due within 30 days" and "later". Every read takes a
fixed number of queries whatever the number of controls.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from assets.models import AuditEvent
from assets.roles import VIEW
from rmf.models import (
    Assessment,
    Authorization,
    AuthorizationDecision,
    ChangeRecord,
    Determination,
    SelectedControl,
    Step,
)
from rmf.selectors.monitor_facts import ScheduleRow, assessment_schedule
from rmf.selectors.workflow import (
    CycleFacts,
    TaskState,
    authorization_list_for_user,
    cycle_facts,
    tasks_of_step,
)
from workbench.access import get_or_404

# How soon a control counts as due (the page's middle group).
DUE_SOON_DAYS = 30
OVERDUE, SOON, LATER = "overdue", "soon", "later"
DUE_GROUPS = {
    OVERDUE: "Overdue",
    SOON: f"Due within {DUE_SOON_DAYS} days",
    LATER: "Due later",
}
# What the due list shows: one group, the controls due now (overdue or soon), or all.
DUE_NOW, ALL = "due", "all"
DUE_FILTERS = {
    DUE_NOW: f"Overdue or due within {DUE_SOON_DAYS} days",
    **DUE_GROUPS,
    ALL: "All active controls",
}


# --- access ---------------------------------------------------------------------------------


def change_record_list_for_user(user, *, perm: str = VIEW) -> QuerySet[ChangeRecord]:
    return ChangeRecord.objects.filter(
        authorization__in=authorization_list_for_user(user, perm=perm)
    ).select_related(
        "authorization__system__organization", "recorded_by", "analysed_by", "new_cycle"
    )


def change_record_get_for_user(user, pk, *, perm: str = VIEW) -> ChangeRecord:
    """The access function for change records: through the cycle's system, the same 404 for
    missing and not permitted."""
    return get_or_404(change_record_list_for_user(user, perm=perm), pk=pk)


# --- change records -------------------------------------------------------------------------


def _with_affected(changes: QuerySet[ChangeRecord]) -> QuerySet[ChangeRecord]:
    return changes.select_related("recorded_by", "analysed_by", "new_cycle").prefetch_related(
        Prefetch(
            "affected_controls",
            queryset=SelectedControl.objects.select_related("control").order_by(
                "control__sort_key"
            ),
        )
    )


def change_records(authorization: Authorization) -> list[ChangeRecord]:
    """The cycle's change records, newest first, with their affected controls (three
    queries)."""
    return list(
        _with_affected(ChangeRecord.objects.filter(authorization=authorization)).order_by("-number")
    )


def change_record_detail(pk: int) -> ChangeRecord:
    """One change record (already reached through its access function) with what its page
    shows."""
    return _with_affected(
        ChangeRecord.objects.select_related("authorization__system__organization")
    ).get(pk=pk)


def changes_that_started(authorization: Authorization) -> list[ChangeRecord]:
    """The significant changes of the previous cycle that started this one."""
    return list(
        ChangeRecord.objects.filter(new_cycle=authorization).select_related("authorization")
    )


# --- the controls due for assessment --------------------------------------------------------


@dataclass
class DueRow(ScheduleRow):
    group: str = LATER  # OVERDUE, SOON or LATER
    # The ongoing assessments that have it in scope and no determination of it yet.
    in_assessments: list[str] = field(default_factory=list)

    @property
    def group_label(self) -> str:
        return DUE_GROUPS[self.group]


@dataclass
class DueList:
    rows: list[DueRow]  # those the filter keeps
    counts: dict[str, int]  # per group, over all the active controls
    group: str  # the filter: a key of DUE_FILTERS

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def due_now(self) -> int:
        return self.counts[OVERDUE] + self.counts[SOON]

    @property
    def label(self) -> str:
        return DUE_FILTERS[self.group]


def due_group(row: ScheduleRow, today: date) -> str:
    if row.overdue(today):
        return OVERDUE
    if row.due_within(today, DUE_SOON_DAYS):
        return SOON
    return LATER


def due_list(authorization: Authorization, today: date, group: str = ALL) -> DueList:
    """The cycle's active controls with their last assessment and next due date (from the
    monitoring frequency), grouped, and the ongoing assessments that are to assess each; `group` (a
    key of DUE_FILTERS, all by default) keeps some of them. Two queries."""
    covering: dict[int, list[str]] = defaultdict(list)
    through = Assessment.scoped_controls.through
    determined = Determination.objects.filter(
        assessment=OuterRef("assessment"), selected_control=OuterRef("selectedcontrol")
    )
    for selected_id, title in (
        through.objects.filter(
            assessment__authorization=authorization, assessment__kind=Assessment.Kind.ONGOING
        )
        .exclude(Exists(determined))
        .order_by("assessment__created_at", "assessment_id")
        .values_list("selectedcontrol_id", "assessment__title")
    ):
        covering[selected_id].append(title)
    rows = [
        DueRow(
            **vars(row),
            group=due_group(row, today),
            in_assessments=covering.get(row.selected_control_id, []),
        )
        for row in assessment_schedule([authorization.pk], today)
    ]
    counts = dict.fromkeys(DUE_GROUPS, 0)
    for row in rows:
        counts[row.group] += 1
    group = group if group in DUE_FILTERS else ALL
    if group == DUE_NOW:
        rows = [row for row in rows if row.group in (OVERDUE, SOON)]
    elif group in DUE_GROUPS:
        rows = [row for row in rows if row.group == group]
    return DueList(rows=rows, counts=counts, group=group)


def default_ongoing_scope(authorization: Authorization, today: date) -> list[int]:
    """The controls an ongoing assessment covers unless the assessor chooses: those overdue
    or due within 30 days."""
    return [
        row.selected_control_id
        for row in assessment_schedule([authorization.pk], today)
        if row.due_within(today, DUE_SOON_DAYS)
    ]


# --- ongoing assessments --------------------------------------------------------------------


def ongoing_assessments(authorization: Authorization) -> list[Assessment]:
    """The cycle's ongoing assessments, newest first, each with its controls in scope, how
    many of them have a determination, and its findings. Two queries."""
    return list(
        Assessment.objects.filter(authorization=authorization, kind=Assessment.Kind.ONGOING)
        .select_related("created_by", "plan_approved_by")
        .prefetch_related(
            Prefetch(
                "scoped_controls",
                queryset=SelectedControl.objects.select_related("control").order_by(
                    "control__sort_key"
                ),
            )
        )
        .annotate(
            control_count=Count("scoped_controls", distinct=True),
            determined_count=Count("determinations__selected_control", distinct=True),
            finding_count=Count("findings", distinct=True),
            open_finding_count=Count(
                "findings", filter=~Q(findings__status="closed"), distinct=True
            ),
        )
        .order_by("-created_at", "-pk")
    )


# --- disposal -------------------------------------------------------------------------------


@dataclass
class DisposalRecord:
    disposed_on: date | None
    reason: str
    recorded_by: str
    recorded_at: object  # a datetime
    ended_decision: AuthorizationDecision | None


def disposal_record(system) -> DisposalRecord | None:
    """How a disposed system was retired: the date, why, who recorded it (from the audit
    trail), and the decision its disposal ended. Two queries; None while in service."""
    if system.status != system.Status.DISPOSED:
        return None
    event = (
        AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(system),
            object_id=str(system.pk),
            action="system_dispose",
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    decision = (
        AuthorizationDecision.objects.filter(authorization__system=system, ended_on__isnull=False)
        .select_related("authorization")
        .order_by("-signed_at", "-pk")
        .first()
    )
    return DisposalRecord(
        disposed_on=system.retirement_date,
        reason=event.reason if event else "",
        recorded_by=event.actor_name if event else "",
        recorded_at=event.created_at if event else None,
        ended_decision=decision,
    )


# --- the page -------------------------------------------------------------------------------


@dataclass
class MonitorPage:
    authorization: Authorization
    facts: CycleFacts
    tasks: list[TaskState]
    changes: list[ChangeRecord]
    due: DueList
    ongoing: list[Assessment]
    started_by: list[ChangeRecord]
    cycle_decision: AuthorizationDecision | None
    disposal: DisposalRecord | None

    @property
    def in_monitor(self) -> bool:
        return self.authorization.step == Step.MONITOR

    @property
    def changes_pending(self) -> int:
        return sum(1 for change in self.changes if not change.analysed)


def monitor_page(
    authorization: Authorization, today: date, due_filter: str = DUE_NOW
) -> MonitorPage:
    """Everything the Monitor page of a cycle shows, in a fixed number of queries."""
    facts = cycle_facts(authorization)
    return MonitorPage(
        authorization=authorization,
        facts=facts,
        tasks=tasks_of_step(facts, Step.MONITOR),
        changes=change_records(authorization),
        due=due_list(authorization, today, due_filter),
        ongoing=ongoing_assessments(authorization),
        started_by=changes_that_started(authorization),
        cycle_decision=facts.authorize.decision,
        disposal=disposal_record(authorization.system),
    )
