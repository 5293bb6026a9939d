"""What the organization and its authorizing officials read about many systems at once: the
list of authorizations with their expiry (R-5, M-6), the security status reports (M-5) and the
organization's dashboard.

Everything is counted by the database over querysets (never by looping over cycles in Python),
so an organization of thousands of systems costs the same fixed number of queries as one of
five. The rules themselves are not written here: the authorization state comes from
`rmf.selectors.decisions`, overdue and aging POA&M items from `rmf.selectors.monitor_facts`.
Assessment coverage is the one rule restated, set-based, for many cycles: `coverage_counts`
equals what `monitor_facts.assessment_schedule` says control by control (tests hold them equal).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from assets.models import Organization, System
from assets.selectors import in_organization_subtree, system_list_for_user
from rmf.models import (
    MONITORING_DAYS,
    RISK_ORDER,
    Authorization,
    Determination,
    Finding,
    ImplementationStatus,
    MonitoringFrequency,
    PoamItem,
    RiskScale,
    SelectedControl,
    Step,
)
from rmf.selectors.decisions import (
    EXPIRED,
    EXPIRY_WINDOWS,
    STATES,
    expiring_q,
    with_authorization_state,
)
from rmf.selectors.implementation import NOT_DOCUMENTED
from rmf.selectors.monitor_facts import (
    ACTIVE,
    AGING_BUCKETS,
    POAM_OPEN_STATUSES,
    frequency_days,
    poam_aging_counts,
    poam_overdue_q,
)

NOT_STARTED = "not_started"
UNRATED = "unrated"
HIGHEST_RISKS = 10
# The order the authorization states are counted and offered as filters in.
STATE_ORDER = tuple(STATES)


@dataclass
class Tally:
    """One number of a report, with what it counts and the key its list is filtered by."""

    key: str
    label: str
    count: int


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


# --- the systems an organization's reports cover --------------------------------------------


def organization_systems(user, organization: Organization) -> QuerySet[System]:
    """The systems of the organization and its agencies that `user` may see: an agency member
    reading the city's reports sees their agency's systems only."""
    return system_list_for_user(user).filter(in_organization_subtree(organization.pk))


def reported_cycles(systems: QuerySet[System]) -> QuerySet[Authorization]:
    """The cycles a status report covers: the current cycle of each system not disposed (a
    disposed system's history is kept, not reported on)."""
    return Authorization.objects.filter(
        is_current=True,
        system__in=systems.exclude(status=System.Status.DISPOSED).values("pk"),
    )


# --- R-5 and M-6: the organization's authorizations ------------------------------------------


def authorization_list(
    user,
    organization: Organization,
    today: date,
    *,
    state: str = "",
    expiring: int | None = None,
) -> QuerySet[System]:
    """Every system `user` may see in the organization's subtree, annotated with its effective
    decision (`with_authorization_state`), filtered by the database, soonest termination
    first (systems without a termination date last)."""
    systems = with_authorization_state(organization_systems(user, organization), today)
    if state:
        systems = systems.filter(authorization_state=state)
    if expiring:
        systems = systems.filter(expiring_q(today, expiring))
    return systems.select_related("organization", "authorizing_official").order_by(
        F("termination_date").asc(nulls_last=True), "organization__path", "acronym", "pk"
    )


@dataclass
class AuthorizationCounts:
    total: int
    states: list[Tally]  # one per state of `decisions.STATES`, in that order
    expiring: list[Tally]  # key "30", "60", "90": active authorizations ending within

    @property
    def expired(self) -> int:
        return next(tally.count for tally in self.states if tally.key == EXPIRED)


def authorization_counts(systems: QuerySet[System], today: date) -> AuthorizationCounts:
    """How many systems are in each authorization state and expire within 30, 60 and 90 days
    (each window includes the shorter ones), in one query. `systems` come from
    `with_authorization_state`, unfiltered by state."""
    row = systems.order_by().aggregate(
        total=Count("pk"),
        **{f"state_{key}": Count("pk", filter=Q(authorization_state=key)) for key in STATES},
        **{f"within_{n}": Count("pk", filter=expiring_q(today, n)) for n in EXPIRY_WINDOWS},
    )
    return AuthorizationCounts(
        total=row["total"],
        states=[Tally(key, STATES[key], row[f"state_{key}"]) for key in STATE_ORDER],
        expiring=[
            Tally(str(days), f"Within {days} days", row[f"within_{days}"])
            for days in EXPIRY_WINDOWS
        ],
    )


# --- M-5: security status reports ------------------------------------------------------------


def coverage_counts(cycles: QuerySet[Authorization], today: date) -> tuple[int, int]:
    """(assessed within their monitoring frequency, active controls) over many cycles, in one
    query. A control counts as assessed when its latest determination is recent enough that it
    is not yet due again (`monitor_facts.next_assessment_due`: last + frequency >= today); a
    control never assessed is not."""
    by_days: dict[int, list[str]] = defaultdict(list)
    for frequency in MonitoringFrequency.values:
        by_days[frequency_days(frequency)].append(frequency)
    annual = frequency_days("")
    covered = Q(pk__in=[])
    for days, frequencies in by_days.items():
        recent = Determination.objects.filter(
            selected_control=OuterRef("pk"), updated_at__gte=_start_of(today - timedelta(days=days))
        )
        if days == annual:
            # The default period applies to every frequency without a period of its own.
            others = [f for f in MONITORING_DAYS if frequency_days(f) != annual]
            frequency_q = ~Q(monitoring_frequency__in=others)
        else:
            frequency_q = Q(monitoring_frequency__in=frequencies)
        covered |= frequency_q & Q(Exists(recent))
    row = (
        SelectedControl.objects.filter(authorization__in=cycles, tailoring__in=ACTIVE)
        .order_by()
        .aggregate(total=Count("pk"), covered=Count("pk", filter=covered))
    )
    return row["covered"], row["total"]


def _risk_rank(field_name: str = "risk_level") -> Case:
    return Case(
        *(When(**{field_name: level}, then=Value(rank)) for rank, level in enumerate(RISK_ORDER)),
        default=Value(-1),
        output_field=IntegerField(),
    )


@dataclass
class StatusReport:
    """M-5 for one system or an organization: the state of its controls, weaknesses and
    monitoring, over the current cycles of the systems not disposed."""

    today: date
    cycles: int
    controls: list[Tally]
    findings: list[Tally]
    aging: list[Tally]
    poam_overdue: int
    assessed: int
    active_controls: int
    overdue_items: list[PoamItem] = field(default_factory=list)

    @property
    def controls_total(self) -> int:
        return sum(tally.count for tally in self.controls)

    @property
    def findings_total(self) -> int:
        return sum(tally.count for tally in self.findings)

    @property
    def poam_open(self) -> int:
        return sum(tally.count for tally in self.aging)

    @property
    def coverage_percent(self) -> int | None:
        if not self.active_controls:
            return None
        return round(100 * self.assessed / self.active_controls)


def status_report(
    cycles: QuerySet[Authorization], today: date, *, with_items: bool = False
) -> StatusReport:
    """The report over `cycles` in six queries whatever their number (seven `with_items`:
    the overdue POA&M items themselves, for one system's report)."""
    statuses = dict(
        SelectedControl.objects.filter(authorization__in=cycles, tailoring__in=ACTIVE)
        .annotate(
            state=Case(
                When(
                    implementation__status__in=ImplementationStatus.values,
                    then=F("implementation__status"),
                ),
                default=Value(NOT_DOCUMENTED),
                output_field=CharField(),
            )
        )
        .values("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
        .order_by()
    )
    controls = [
        Tally(key, label, statuses.get(key, 0)) for key, label in ImplementationStatus.choices
    ]
    controls.append(Tally(NOT_DOCUMENTED, "Not documented yet", statuses.get(NOT_DOCUMENTED, 0)))

    risks = dict(
        Finding.objects.filter(assessment__authorization__in=cycles)
        .exclude(status=Finding.Status.CLOSED)
        .values("risk_level")
        .annotate(n=Count("pk"))
        .values_list("risk_level", "n")
        .order_by()
    )
    findings = [
        Tally(level, label, risks.get(level, 0)) for level, label in reversed(RiskScale.choices)
    ]
    findings.append(Tally(UNRATED, "Not rated yet", risks.get("", 0)))

    items = PoamItem.objects.filter(authorization__in=cycles)
    aging_counts = poam_aging_counts(items, today)
    aging = [Tally(key, label, aging_counts[key]) for key, label, _low, _high in AGING_BUCKETS]
    overdue = items.filter(poam_overdue_q(today))
    assessed, active = coverage_counts(cycles, today)
    report = StatusReport(
        today=today,
        cycles=cycles.count(),
        controls=controls,
        findings=findings,
        aging=aging,
        poam_overdue=overdue.count(),
        assessed=assessed,
        active_controls=active,
    )
    if with_items:
        report.overdue_items = list(
            overdue.select_related("authorization", "finding").order_by(
                F("scheduled_completion").asc(nulls_last=True), "number"
            )
        )
    return report


def system_status_report(system: System, today: date) -> StatusReport:
    cycles = reported_cycles(System.objects.filter(pk=system.pk))
    return status_report(cycles, today, with_items=True)


def organization_status_report(user, organization: Organization, today: date) -> StatusReport:
    return status_report(reported_cycles(organization_systems(user, organization)), today)


# --- the organization's dashboard ------------------------------------------------------------


@dataclass
class RiskRow:
    """A weakness not settled: a finding not closed, or a POA&M item added by hand still open."""

    risk_level: str
    risk_label: str
    rank: int
    system: System
    code: str  # "F-001" or "POAM-003"
    weakness: str
    finding: Finding | None = None
    poam_item: PoamItem | None = None  # the item itself, or the finding's plan
    overdue: bool = False  # the POA&M item is overdue (monitor_facts' rule)


@dataclass
class Dashboard:
    today: date
    systems: int
    steps: list[Tally]
    authorizations: AuthorizationCounts
    poam_overdue: int
    aging: list[Tally]
    risks: list[RiskRow]

    @property
    def poam_open(self) -> int:
        return sum(tally.count for tally in self.aging)


def step_counts(systems: QuerySet[System]) -> list[Tally]:
    """Systems by the step of their current cycle, in one query, counted the way the
    portfolio lists them (`portfolio_systems`): "not started" leaves disposed systems out."""
    current_step = Subquery(
        Authorization.objects.filter(system=OuterRef("pk"), is_current=True).values("step")[:1]
    )
    row = (
        systems.order_by()
        .annotate(current_step=current_step)
        .aggregate(
            **{
                NOT_STARTED: Count(
                    "pk",
                    filter=Q(current_step__isnull=True) & ~Q(status=System.Status.DISPOSED),
                )
            },
            **{step: Count("pk", filter=Q(current_step=step)) for step in Step.values},
        )
    )
    return [
        Tally(NOT_STARTED, "Not started", row[NOT_STARTED]),
        *(Tally(step, label, row[step]) for step, label in Step.choices),
    ]


def _overdue(today: date, prefix: str = "") -> Case:
    return Case(
        When(poam_overdue_q(today, prefix), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def highest_risks(
    cycles: QuerySet[Authorization], today: date, limit: int = HIGHEST_RISKS
) -> list[RiskRow]:
    """The `limit` highest weaknesses not settled, highest risk first, in two queries: findings
    not closed, and POA&M items added by hand (without a finding) still open or ongoing; each
    flagged when its POA&M item is overdue."""
    labels = dict(RiskScale.choices)
    findings = (
        Finding.objects.filter(assessment__authorization__in=cycles)
        .exclude(status=Finding.Status.CLOSED)
        .annotate(rank=_risk_rank(), plan_overdue=_overdue(today, "poam_item__"))
        .select_related(
            "assessment__authorization__system", "selected_control__control", "poam_item"
        )
        .order_by("-rank", "created_at", "pk")[:limit]
    )
    items = (
        PoamItem.objects.filter(
            authorization__in=cycles, finding__isnull=True, status__in=POAM_OPEN_STATUSES
        )
        .annotate(rank=_risk_rank(), plan_overdue=_overdue(today))
        .select_related("authorization__system")
        .order_by("-rank", "created_at", "pk")[:limit]
    )
    rows = [
        RiskRow(
            risk_level=finding.risk_level,
            risk_label=labels.get(finding.risk_level, "Not rated yet"),
            rank=finding.rank,
            system=finding.assessment.authorization.system,
            code=finding.code,
            weakness=finding.weakness or finding.selected_control.control.title,
            finding=finding,
            poam_item=getattr(finding, "poam_item", None),  # its plan, when there is one
            overdue=finding.plan_overdue,
        )
        for finding in findings
    ]
    rows += [
        RiskRow(
            risk_level=item.risk_level,
            risk_label=labels.get(item.risk_level, "Not rated yet"),
            rank=item.rank,
            system=item.authorization.system,
            code=item.code,
            weakness=item.weakness,
            poam_item=item,
            overdue=item.plan_overdue,
        )
        for item in items
    ]
    rows.sort(key=lambda row: -row.rank)  # stable: each query's own order is kept within a rank
    return rows[:limit]


def organization_dashboard(user, organization: Organization, today: date) -> Dashboard:
    """Every number of the dashboard in a fixed number of queries, whatever the number of
    systems: the database counts, Python only labels."""
    systems = organization_systems(user, organization)
    cycles = reported_cycles(systems)
    items = PoamItem.objects.filter(authorization__in=cycles)
    aging_counts = poam_aging_counts(items, today)
    authorizations = authorization_counts(with_authorization_state(systems, today), today)
    return Dashboard(
        today=today,
        systems=authorizations.total,
        steps=step_counts(systems),
        authorizations=authorizations,
        poam_overdue=items.filter(poam_overdue_q(today)).count(),
        aging=[Tally(key, label, aging_counts[key]) for key, label, _low, _high in AGING_BUCKETS],
        risks=highest_risks(cycles, today),
    )
