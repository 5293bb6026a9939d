"""Reads of POA&M management: a cycle's items and an organization's, filtered the way the
dashboard links to them (`?status=open`, `?risk=high`, `?overdue=1`, `?aging=31-90`,
`?system=<id>`), flagged overdue by `monitor_facts`' rule, and an item's history from the audit
trail.

The organization's list covers the same items as the status reports: those of the current cycle
of each system the user may see in the organization's subtree, systems disposed left out (their
records are kept read-only, not worked on). Every list is a fixed number of queries whatever the
number of systems: filters, flags and sort keys are database expressions.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from assets.models import AuditEvent, Organization, System
from assets.selectors import in_organization_subtree, system_list_for_user
from rmf.models import Authorization, Evidence, PoamItem, PoamMilestone, RiskScale
from rmf.selectors.monitor_facts import (
    AGING_BUCKET_KEYS,
    AGING_BUCKETS,
    POAM_OPEN_STATUSES,
    poam_aging_q,
    poam_overdue_q,
)

Status = PoamItem.Status
# `?status=`: "open" is every item still to be worked on (open or ongoing), as the dashboard
# counts them; the others are one status each.
STATUS_FILTERS: dict[str, str] = {
    "open": "Open or ongoing",
    Status.ONGOING.value: "Ongoing",
    Status.RISK_ACCEPTED.value: "Risk accepted",
    Status.COMPLETED.value: "Completed",
}
UNRATED = "unrated"
# `?risk=`: a level of risk, highest first, or items not rated yet.
RISK_FILTERS: dict[str, str] = {
    **dict(reversed(RiskScale.choices)),
    UNRATED: "Not rated",
}
AGING_FILTERS: dict[str, str] = {key: label for key, label, _low, _high in AGING_BUCKETS}
# Highest risk first; items not rated last.
RISK_RANK = {value: rank for rank, value in enumerate(reversed(RiskScale.values))}


@dataclass(frozen=True)
class PoamFilters:
    status: str = ""  # a key of STATUS_FILTERS
    risk: str = ""  # a key of RISK_FILTERS
    overdue: bool = False
    aging: str = ""  # a key of AGING_FILTERS (open items only)
    system: int | None = None

    @property
    def active(self) -> bool:
        return bool(self.status or self.risk or self.overdue or self.aging or self.system)


def _status_q(key: str) -> Q:
    if key == "open":
        return Q(status__in=POAM_OPEN_STATUSES)
    return Q(status=key)


def filter_poam_items(items: QuerySet[PoamItem], filters: PoamFilters, today: date):
    if filters.status:
        items = items.filter(_status_q(filters.status))
    if filters.risk == UNRATED:
        items = items.filter(risk_level="")
    elif filters.risk:
        items = items.filter(risk_level=filters.risk)
    if filters.overdue:
        items = items.filter(poam_overdue_q(today))
    if filters.aging:
        items = items.filter(poam_aging_q(filters.aging, today))
    if filters.system is not None:
        items = items.filter(authorization__system=filters.system)
    return items


def with_flags(items: QuerySet[PoamItem], today: date) -> QuerySet[PoamItem]:
    """`is_overdue` (monitor_facts' rule), `next_milestone_due` (the earliest milestone not
    completed) and `risk_rank` (0 for very high), computed by the database for each row."""
    next_due = (
        PoamMilestone.objects.filter(item=OuterRef("pk"), completed_on__isnull=True)
        .order_by("due_on")
        .values("due_on")[:1]
    )
    return items.annotate(
        is_overdue=Case(
            When(poam_overdue_q(today), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        next_milestone_due=Subquery(next_due),
        risk_rank=Case(
            *(When(risk_level=value, then=Value(rank)) for value, rank in RISK_RANK.items()),
            default=Value(len(RISK_RANK)),
            output_field=IntegerField(),
        ),
    )


def age_in_days(item: PoamItem, today: date) -> int:
    """Days since the item was created, by the local calendar (monitor_facts' aging)."""
    return (today - timezone.localdate(item.created_at)).days


# --- counts ----------------------------------------------------------------------------------


@dataclass
class PoamCounts:
    """How many items of a scope fall under each filter, for the filter links."""

    total: int = 0
    statuses: dict[str, int] = field(default_factory=dict)  # keys of STATUS_FILTERS
    risks: dict[str, int] = field(default_factory=dict)  # keys of RISK_FILTERS (open items)
    aging: dict[str, int] = field(default_factory=dict)  # keys of AGING_FILTERS
    overdue: int = 0


def poam_counts(items: QuerySet[PoamItem], today: date) -> PoamCounts:
    """One query."""
    open_q = Q(status__in=POAM_OPEN_STATUSES)
    risk_q = {key: Q(risk_level="" if key == UNRATED else key) for key in RISK_FILTERS}
    row = items.order_by().aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=poam_overdue_q(today)),
        **{f"status_{key}": Count("pk", filter=_status_q(key)) for key in STATUS_FILTERS},
        **{f"risk_{key}": Count("pk", filter=open_q & q) for key, q in risk_q.items()},
        **{
            f"aging_{index}": Count("pk", filter=poam_aging_q(key, today))
            for index, key in enumerate(AGING_BUCKET_KEYS)
        },
    )
    return PoamCounts(
        total=row["total"],
        statuses={key: row[f"status_{key}"] for key in STATUS_FILTERS},
        risks={key: row[f"risk_{key}"] for key in RISK_FILTERS},
        aging={key: row[f"aging_{index}"] for index, key in enumerate(AGING_BUCKET_KEYS)},
        overdue=row["overdue"],
    )


# --- an organization's items -----------------------------------------------------------------


def organization_poam_cycles(user, organization: Organization) -> QuerySet[Authorization]:
    """The current cycle of each system `user` may see in the organization's subtree, systems
    disposed left out."""
    systems = (
        system_list_for_user(user)
        .filter(in_organization_subtree(organization.pk))
        .exclude(status=System.Status.DISPOSED)
    )
    return Authorization.objects.filter(is_current=True, system__in=systems.values("pk"))


def organization_poam_scope(user, organization: Organization) -> QuerySet[PoamItem]:
    return PoamItem.objects.filter(
        authorization__in=organization_poam_cycles(user, organization).values("pk")
    )


def organization_poam_items(
    user, organization: Organization, filters: PoamFilters, today: date
) -> QuerySet[PoamItem]:
    """The organization's POA&M items matching `filters`, highest risk first, then the
    soonest scheduled completion (none last), each flagged (`with_flags`) with its system and
    control joined: ready to paginate."""
    items = filter_poam_items(organization_poam_scope(user, organization), filters, today)
    return (
        with_flags(items, today)
        .select_related("authorization__system__organization", "selected_control__control")
        .order_by(
            "risk_rank",
            F("scheduled_completion").asc(nulls_last=True),
            "authorization__system__acronym",
            "number",
            "pk",
        )
    )


def organization_poam_systems(user, organization: Organization) -> list[tuple[int, str, str]]:
    """(id, acronym, name) of the systems that have items in the organization's list, for the
    system filter. One query."""
    return list(
        System.objects.filter(pk__in=organization_poam_cycles(user, organization).values("system"))
        .filter(authorizations__poam_items__isnull=False, authorizations__is_current=True)
        .distinct()
        .order_by("acronym", "pk")
        .values_list("pk", "acronym", "name")
    )


# --- a cycle's items -------------------------------------------------------------------------


def _item_relations(items: QuerySet[PoamItem]) -> QuerySet[PoamItem]:
    return items.select_related(
        "finding__assessment",
        "selected_control__control",
        "created_by",
        "closed_by",
        "rechecked_by",
        "risk_accepted_by",
    ).prefetch_related(
        "milestones",
        Prefetch("closure_evidence", queryset=_evidence_rows()),
    )


def _evidence_rows() -> QuerySet[Evidence]:
    return Evidence.objects.select_related("organization").order_by("title", "pk")


def cycle_poam_items(authorization: Authorization, filters: PoamFilters, today: date):
    """The cycle's items matching `filters`, in number order, flagged, with their finding,
    control, milestones, people and closure evidence. Three queries."""
    items = filter_poam_items(PoamItem.objects.filter(authorization=authorization), filters, today)
    return list(_item_relations(with_flags(items, today)).order_by("number"))


def cycle_poam_counts(authorization: Authorization, today: date) -> PoamCounts:
    return poam_counts(PoamItem.objects.filter(authorization=authorization), today)


def poam_item_detail(item: PoamItem, today: date) -> PoamItem:
    """One item (reached through its access function) with everything its page shows."""
    return _item_relations(
        with_flags(PoamItem.objects.filter(pk=item.pk), today).select_related(
            "authorization__system__organization"
        )
    ).get()


# --- an item's history -----------------------------------------------------------------------

ACTION_WORDS = {
    "poam_item_create": "Created from the assessment's finding",
    "poam_item_add": "Added by hand",
    "poam_item_update": "Changed",
    "poam_item_accept_risk": "Risk accepted by the authorizing official",
    "poam_item_complete": "Completed with evidence",
    "poam_item_recheck": "Re-checked by the assessor",
    "poam_milestone_add": "Milestone added",
    "poam_milestone_complete": "Milestone completed",
    "poam_milestone_remove": "Milestone removed",
}
FIELD_WORDS = {
    "status": "Status",
    "risk_level": "Level of risk",
    "point_of_contact": "Point of contact",
    "resources": "Resources required",
    "scheduled_completion": "Scheduled completion",
    "weakness": "Weakness",
    "source": "Source",
    "control": "Control",
    "rationale": "Rationale",
    "note": "Note",
    "evidence": "Evidence",
    "milestones_not_completed": "Milestones not completed",
    "result": "Result",
    "description": "Milestone",
    "due_on": "Due on",
    "completed_on": "Completed on",
}
HIDDEN_FIELDS = {"item", "item_id"}  # what identifies the item, already on its page
VALUE_WORDS = {
    "status": dict(Status.choices),
    "risk_level": dict(RiskScale.choices),
    "result": {
        "satisfied": "Satisfied",
        "other_than_satisfied": "Other than satisfied",
    },
}


@dataclass
class HistoryChange:
    label: str
    before: str
    after: str


@dataclass
class HistoryEntry:
    when: datetime
    who: str
    what: str
    changes: list[HistoryChange]
    reason: str


def _shown(name: str, value) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return "; ".join(str(part) for part in value)
    return str(VALUE_WORDS.get(name, {}).get(value, value))


def _entry(event: AuditEvent) -> HistoryEntry:
    what = ACTION_WORDS.get(event.action, event.action)
    if event.action == "poam_item_recheck":
        result = (event.changes.get("result") or [None, None])[1]
        what = f"{what}: {_shown('result', result).lower()}"
    hidden = HIDDEN_FIELDS | ({"result"} if event.action == "poam_item_recheck" else set())
    changes = [
        HistoryChange(FIELD_WORDS.get(name, name), _shown(name, pair[0]), _shown(name, pair[1]))
        for name, pair in event.changes.items()
        if name not in hidden
    ]
    who = (event.actor.get_full_name() or event.actor.get_username()) if event.actor else ""
    return HistoryEntry(
        event.created_at, who or event.actor_name or "system", what, changes, event.reason
    )


def poam_item_history(item: PoamItem) -> list[HistoryEntry]:
    """Every audited change of the item and of its milestones (removed ones included: their
    records carry the item's id), newest first. Two queries."""
    item_type = ContentType.objects.get_for_model(PoamItem)
    milestone_type = ContentType.objects.get_for_model(PoamMilestone)
    milestone_ids = [str(pk) for pk in item.milestones.values_list("pk", flat=True)]
    # A removed milestone is found by the item's id in its records; that lookup reads JSON,
    # so it is kept to the milestone records of the system's organization.
    removed = Q(
        content_type=milestone_type,
        organization=item.authorization.system.organization_id,
        action__in=("poam_milestone_add", "poam_milestone_remove"),
    ) & (Q(changes__item_id__1=item.pk) | Q(changes__item_id__0=item.pk))
    events = (
        AuditEvent.objects.filter(
            Q(content_type=item_type, object_id=str(item.pk))
            | Q(content_type=milestone_type, object_id__in=milestone_ids)
            | removed
        )
        .select_related("actor")
        .order_by("-created_at", "-pk")
    )
    return [_entry(event) for event in events]
