"""Where each system stands with its authorization (R-5, M-6): its effective decision (the
latest signed, whatever its cycle), days to expiry, and whether the package changed since.

The rule is written twice on purpose and kept side by side: in Python for the rows a page shows
(`decision_status_bulk`) and as database expressions for counts over thousands of systems
(`with_authorization_state`). Tests hold them equal.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Case, CharField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from assets.models import System
from rmf.models import AuthorizationDecision
from rmf.selectors.package import SECTIONS, package_changes_bulk

Kind = AuthorizationDecision.Kind

# States of a system's authorization, with their label.
NONE = "none"
AUTHORIZED = "authorized"
CONDITIONS = "conditions"
IATT = "iatt"
DENIED = "denied"
EXPIRED = "expired"
DISPOSED = "disposed"
STATES = {
    NONE: "Not authorized yet",
    AUTHORIZED: "Authorized to operate",
    CONDITIONS: "Authorized with conditions",
    IATT: "Interim authorization to test",
    DENIED: "Authorization denied",
    EXPIRED: "Authorization expired",
    DISPOSED: "Disposed",
}
ACTIVE_STATES = (AUTHORIZED, CONDITIONS, IATT)
EXPIRY_WINDOWS = (30, 60, 90)
_STATE_OF_KIND = {Kind.ATO: AUTHORIZED, Kind.ATO_WITH_CONDITIONS: CONDITIONS, Kind.IATT: IATT}


@dataclass
class DecisionStatus:
    system: System
    decision: AuthorizationDecision | None
    state: str
    days_left: int | None = None  # for an active authorization: days until its termination
    # Sections of the signed package changed since (None: not computed for this row).
    changed_sections: list[str] | None = field(default=None)

    @property
    def label(self) -> str:
        return STATES[self.state]

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES

    @property
    def expiring_within(self) -> int | None:
        """The smallest of 30, 60, 90 days the active authorization ends within, if any."""
        if not self.is_active or self.days_left is None:
            return None
        return next((days for days in EXPIRY_WINDOWS if self.days_left <= days), None)

    @property
    def changed(self) -> bool:
        return bool(self.changed_sections)

    @property
    def changed_labels(self) -> list[str]:
        return [SECTIONS[key] for key in self.changed_sections or []]


def state_of(system: System, decision: AuthorizationDecision | None, today: date) -> str:
    if system.status == System.Status.DISPOSED:
        return DISPOSED
    if decision is None:
        return NONE
    if decision.kind == Kind.DENIAL:
        return DENIED
    if decision.termination_date is not None and decision.termination_date < today:
        return EXPIRED
    return _STATE_OF_KIND[decision.kind]


def decision_status_bulk(
    systems: list[System],
    today: date,
    *,
    with_changes: bool = False,
    known_changes: dict[int, list[str]] | None = None,
) -> dict[int, DecisionStatus]:
    """The status of each system, in one query (plus the package reads with `with_changes`,
    a fixed number whatever the number of systems). `known_changes` holds the package changes
    already compared (by cycle id, from the cycle facts), which are not compared again."""
    latest: dict[int, AuthorizationDecision] = {}
    for decision in (
        AuthorizationDecision.objects.filter(authorization__system__in=[s.pk for s in systems])
        .select_related("authorization__system__organization", "signed_by")
        .order_by("authorization__system", "-signed_at", "-pk")
    ):
        latest.setdefault(decision.authorization.system_id, decision)
    statuses = {}
    for system in systems:
        decision = latest.get(system.pk)
        state = state_of(system, decision, today)
        days_left = None
        if state in ACTIVE_STATES and decision.termination_date is not None:
            days_left = (decision.termination_date - today).days
        statuses[system.pk] = DecisionStatus(system, decision, state, days_left)
    if with_changes:
        changes = dict(known_changes or {})
        decisions = [
            status.decision
            for status in statuses.values()
            if status.decision and status.decision.authorization_id not in changes
        ]
        changes.update(package_changes_bulk(decisions))
        for status in statuses.values():
            if status.decision is not None:
                status.changed_sections = changes[status.decision.authorization_id]
    return statuses


def decision_status(system: System, today: date, *, with_changes: bool = True) -> DecisionStatus:
    return decision_status_bulk([system], today, with_changes=with_changes)[system.pk]


def _latest(field_name: str) -> Subquery:
    return Subquery(
        AuthorizationDecision.objects.filter(authorization__system=OuterRef("pk"))
        .order_by("-signed_at", "-pk")
        .values(field_name)[:1]
    )


def _latest_state(today: date) -> Subquery:
    """The state the latest decision gives (`state_of` for a system not disposed), read in
    one subquery: referencing other annotations would repeat their subqueries in the SQL."""
    return Subquery(
        AuthorizationDecision.objects.filter(authorization__system=OuterRef("pk"))
        .order_by("-signed_at", "-pk")
        .annotate(
            state=Case(
                When(kind=Kind.DENIAL, then=Value(DENIED)),
                When(termination_date__lt=today, then=Value(EXPIRED)),
                When(kind=Kind.ATO, then=Value(AUTHORIZED)),
                When(kind=Kind.ATO_WITH_CONDITIONS, then=Value(CONDITIONS)),
                default=Value(IATT),
                output_field=CharField(),
            )
        )
        .values("state")[:1]
    )


def with_authorization_state(systems: QuerySet[System], today: date) -> QuerySet[System]:
    """`systems` annotated with `decision_id`, `decision_kind`, `termination_date` (of the
    effective decision) and `authorization_state` (one of STATES), computed by the database."""
    return systems.annotate(
        decision_id=_latest("pk"),
        decision_kind=_latest("kind"),
        termination_date=_latest("termination_date"),
        authorization_state=Case(
            When(status=System.Status.DISPOSED, then=Value(DISPOSED)),
            default=Coalesce(_latest_state(today), Value(NONE)),
            output_field=CharField(),
        ),
    )


def expiring_q(today: date, days: int) -> Q:
    """For systems annotated by `with_authorization_state`: active authorizations ending
    within `days` days (today included)."""
    return Q(authorization_state__in=ACTIVE_STATES) & Q(
        termination_date__lte=today + timedelta(days=days)
    )
