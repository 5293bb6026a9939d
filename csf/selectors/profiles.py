"""Reads of an organization's CSF profiles and the action items that close their gaps.

- The current profile is the subcategory scores of the organization's latest approved
  assessment in that CSF version (drafts and assessments under review never count).
- The target profile is the organization's CsfTarget rows; a subcategory without one aims at
  the recommended minimum (csf.maturity.RECOMMENDED_TARGET).
- Category, function and overall figures, the gaps and their order all come from csf.scoring,
  so the profile, the API and the reports agree to the last decimal.

Each read costs a fixed number of queries, whatever the number of subcategories or items.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import BooleanField, Case, Count, IntegerField, Q, QuerySet, Value, When

from assets.models import AuditEvent, Organization
from assets.roles import CASCADING_ROLES
from assets.selectors import organization_list_for_user
from csf.maturity import MAX_LEVEL, RECOMMENDED_TARGET, MaturityLevel
from csf.models import (
    CsfActionItem,
    CsfAnswer,
    CsfAssessment,
    CsfElement,
    CsfTarget,
    CsfVersion,
)
from csf.scoring import RULE, CoreTree, Gap, Rollup, gaps, prioritized_gaps, rollup
from csf.selectors.access import FILL, csf_action_item_list_for_user
from csf.selectors.assessments import maturity_scale
from csf.selectors.reference import core_tree

ActionStatus = CsfActionItem.Status
OPEN_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
CLOSED_STATUSES = (ActionStatus.DONE, ActionStatus.CANCELLED)
DEFAULT_VERSION = CsfVersion.V2_0.value


def can_fill(user, organization: Organization) -> bool:
    """Whether `user` prepares the organization's CSF work (targets, action items): once per
    page, to show the forms or not."""
    return organization_list_for_user(user, perm=FILL).filter(pk=organization.pk).exists()


def owner_candidates(organization: Organization) -> QuerySet:
    """Who may own an action item: the active people holding a role in the organization, or a
    role at a city or state above it that reaches down to it."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(memberships__organization=organization)
            | Q(
                memberships__organization_id__in=organization.ancestor_ids,
                memberships__role__in=CASCADING_ROLES,
            )
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def person_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


# ----------------------------------------------------------------------------- profiles


def latest_approved_assessment(organization: Organization, version: str) -> CsfAssessment | None:
    """The assessment the current profile comes from: the latest year approved."""
    return (
        CsfAssessment.objects.filter(
            organization=organization, framework=version, status=CsfAssessment.Status.APPROVED
        )
        .select_related("reviewed_by")
        .order_by("-year", "-reviewed_at")
        .first()
    )


def current_scores(assessment: CsfAssessment | None) -> dict[str, int]:
    """Subcategory identifier -> score of an assessment's scored answers (one query)."""
    if assessment is None:
        return {}
    return dict(
        CsfAnswer.objects.filter(assessment=assessment, score__isnull=False).values_list(
            "subcategory__identifier", "score"
        )
    )


def target_rows(organization: Organization, version: str) -> dict[str, CsfTarget]:
    """The organization's own targets in a version, by subcategory identifier (one query)."""
    rows = CsfTarget.objects.filter(
        organization=organization, subcategory__version=version
    ).select_related("subcategory", "updated_by")
    return {row.subcategory.identifier: row for row in rows}


def target_scores(tree: CoreTree, rows: dict[str, CsfTarget]) -> dict[str, int]:
    """Every active subcategory's target: the organization's own, or the recommended one."""
    return {
        sub: rows[sub].score if sub in rows else RECOMMENDED_TARGET
        for sub in tree.all_subcategories()
    }


def open_action_items(organization: Organization, version: str) -> dict[str, list[int]]:
    """Subcategory identifier -> ids of its open or in-progress action items (one query)."""
    items: dict[str, list[int]] = {}
    rows = (
        CsfActionItem.objects.filter(
            organization=organization, status__in=OPEN_STATUSES, subcategory__version=version
        )
        .order_by("pk")
        .values_list("subcategory__identifier", "pk")
    )
    for identifier, pk in rows:
        items.setdefault(identifier, []).append(pk)
    return items


def display_title(tree: CoreTree, identifier: str) -> str:
    """An element's title as a sentence: NIST writes the functions' in capitals ("PROTECT")."""
    title = tree.titles.get(identifier, "")
    return title.capitalize() if title.isupper() else title


def _percent(score: float | None) -> float:
    """Where a score falls on a bar from 0 to the top of the scale."""
    if score is None:
        return 0.0
    return round(max(0.0, min(float(score), MAX_LEVEL)) / MAX_LEVEL * 100, 1)


@dataclass
class ProfileLine:
    """A function or a category: its current and target scores and the gap between them."""

    identifier: str
    title: str
    current: float | None
    target: float | None
    gap: float | None
    categories: list[ProfileLine] = field(default_factory=list)

    @property
    def current_percent(self) -> float:
        return _percent(self.current)

    @property
    def target_percent(self) -> float:
        return _percent(self.target)

    @property
    def meets_target(self) -> bool:
        return self.gap is not None and self.gap <= 0


@dataclass
class GapLine:
    """A subcategory of the prioritized gap list, with what the page shows beside it."""

    gap: Gap
    text: str
    category: str
    function_title: str
    function_score: float | None
    open_items: list[int]
    rank: int  # 1 for the gap to close first

    @property
    def subcategory(self) -> str:
        return self.gap.subcategory

    @property
    def has_open_item(self) -> bool:
        return bool(self.open_items)


@dataclass
class Profile:
    organization: Organization
    version: str
    tree: CoreTree
    assessment: CsfAssessment | None
    current: dict[str, int]
    target: dict[str, int]
    own_targets: dict[str, CsfTarget]
    current_rollup: Rollup
    target_rollup: Rollup
    gap_rollup: Rollup
    functions: list[ProfileLine]
    prioritized: list[GapLine]
    rule: str = RULE

    @property
    def version_label(self) -> str:
        return str(CsfVersion(self.version).label)

    @property
    def overall(self) -> ProfileLine:
        return ProfileLine(
            identifier="",
            title="Overall",
            current=self.current_rollup.overall,
            target=self.target_rollup.overall,
            gap=self.gap_rollup.overall,
        )

    @property
    def unanswered(self) -> list[str]:
        """Active subcategories the approved assessment left without a score."""
        if self.assessment is None:
            return []
        return [sub for sub in self.tree.all_subcategories() if sub not in self.current]

    def subcategory_lines(self) -> list[dict]:
        """Every active subcategory in the core's order (the API's detail)."""
        category_of = {
            sub: category for category, subs in self.tree.subcategories.items() for sub in subs
        }
        function_of = self.tree.function_of()
        return [
            {
                "subcategory": sub,
                "category": category_of[sub],
                "function": function_of[sub],
                "current": self.current.get(sub),
                "target": self.target[sub],
                "gap": self.gap_rollup.subcategories[sub],
                "own_target": sub in self.own_targets,
            }
            for sub in self.tree.all_subcategories()
        ]


def profile_get(organization: Organization, version: str) -> Profile:
    """The current and target profiles of an organization in one CSF version, their gaps per
    subcategory, category and function, and the prioritized gap list (five queries)."""
    tree = core_tree(version)
    assessment = latest_approved_assessment(organization, version)
    current = current_scores(assessment)
    own_targets = target_rows(organization, version)
    target = target_scores(tree, own_targets)
    current_rollup = rollup(tree, current)
    target_rollup = rollup(tree, target)
    gap_rollup = gaps(tree, current, target)
    functions = [
        ProfileLine(
            identifier=function,
            title=display_title(tree, function),
            current=current_rollup.functions[function],
            target=target_rollup.functions[function],
            gap=gap_rollup.functions[function],
            categories=[
                ProfileLine(
                    identifier=category,
                    title=tree.titles.get(category, ""),
                    current=current_rollup.categories[category],
                    target=target_rollup.categories[category],
                    gap=gap_rollup.categories[category],
                )
                for category in tree.categories.get(function, [])
            ],
        )
        for function in tree.functions
    ]
    open_items = open_action_items(organization, version)
    category_of = {sub: category for category, subs in tree.subcategories.items() for sub in subs}
    prioritized = [
        GapLine(
            gap=row,
            text=tree.titles.get(row.subcategory, ""),
            category=category_of[row.subcategory],
            function_title=display_title(tree, row.function),
            function_score=current_rollup.functions[row.function],
            open_items=open_items.get(row.subcategory, []),
            rank=rank,
        )
        for rank, row in enumerate(prioritized_gaps(tree, current, target), start=1)
    ]
    return Profile(
        organization=organization,
        version=version,
        tree=tree,
        assessment=assessment,
        current=current,
        target=target,
        own_targets=own_targets,
        current_rollup=current_rollup,
        target_rollup=target_rollup,
        gap_rollup=gap_rollup,
        functions=functions,
        prioritized=prioritized,
    )


# ----------------------------------------------------------------------------- target editing


@dataclass
class TargetLine:
    """One subcategory on the target form: its text, its target and the current score."""

    identifier: str
    text: str
    category: str
    category_title: str
    target: int
    rationale: str
    own: CsfTarget | None
    current: int | None

    @property
    def below_recommended(self) -> bool:
        return self.target < RECOMMENDED_TARGET


@dataclass
class TargetsPage:
    profile: Profile
    function: str
    function_title: str
    lines: list[TargetLine]
    levels: list[MaturityLevel]
    functions: list[tuple[str, str, int]]  # identifier, title, subcategories with own targets

    @property
    def recommended(self) -> int:
        return RECOMMENDED_TARGET


def targets_page(organization: Organization, version: str, function: str) -> TargetsPage:
    """The target form of one function (the first one when `function` is not one of the
    version's), with the current scores as a hint (six queries)."""
    profile = profile_get(organization, version)
    tree = profile.tree
    if function not in tree.functions:
        function = tree.functions[0] if tree.functions else ""
    lines = [
        TargetLine(
            identifier=sub,
            text=tree.titles.get(sub, ""),
            category=category,
            category_title=tree.titles.get(category, ""),
            target=profile.target[sub],
            rationale=profile.own_targets[sub].rationale if sub in profile.own_targets else "",
            own=profile.own_targets.get(sub),
            current=profile.current.get(sub),
        )
        for category in tree.categories.get(function, [])
        for sub in tree.subcategories.get(category, [])
    ]
    function_of = tree.function_of()
    counts = dict.fromkeys(tree.functions, 0)
    for sub in profile.own_targets:
        if sub in function_of:
            counts[function_of[sub]] += 1
    return TargetsPage(
        profile=profile,
        function=function,
        function_title=display_title(tree, function),
        lines=lines,
        levels=maturity_scale(organization),
        functions=[(name, display_title(tree, name), counts[name]) for name in tree.functions],
    )


# ----------------------------------------------------------------------------- action items

# `?status=`: "open" is every item still to be worked on (open or in progress).
STATUS_FILTERS: dict[str, str] = {
    "open": "Open or in progress",
    ActionStatus.IN_PROGRESS.value: "In progress",
    ActionStatus.DONE.value: "Done",
    ActionStatus.CANCELLED.value: "Cancelled",
}


@dataclass(frozen=True)
class ActionItemFilters:
    status: str = ""  # a key of STATUS_FILTERS
    version: str = ""  # "1.1" or "2.0"
    function: str = ""  # "PR"
    overdue: bool = False

    @property
    def active(self) -> bool:
        return bool(self.status or self.version or self.function or self.overdue)


def _status_q(key: str) -> Q:
    if key == "open":
        return Q(status__in=OPEN_STATUSES)
    return Q(status=key)


def overdue_q(today: date) -> Q:
    """Still to be worked on, and due before today."""
    return Q(status__in=OPEN_STATUSES, due_date__lt=today)


def with_overdue(items: QuerySet[CsfActionItem], today: date) -> QuerySet[CsfActionItem]:
    return items.annotate(
        is_overdue=Case(
            When(overdue_q(today), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def action_item_list(
    user, organization: Organization, filters: ActionItemFilters, today: date
) -> QuerySet[CsfActionItem]:
    """The organization's action items `user` may see, filtered; those still to be worked on
    first, then the soonest due."""
    items = csf_action_item_list_for_user(user).filter(organization=organization)
    if filters.status:
        items = items.filter(_status_q(filters.status))
    if filters.version:
        items = items.filter(subcategory__version=filters.version)
    if filters.function:
        items = items.filter(subcategory__parent__parent__identifier=filters.function.upper())
    if filters.overdue:
        items = items.filter(overdue_q(today))
    return (
        with_overdue(items, today)
        .select_related("subcategory__parent__parent", "owner", "assessment")
        .annotate(
            closed_rank=Case(
                When(status__in=CLOSED_STATUSES, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("closed_rank", "due_date", "pk")
    )


@dataclass
class ActionItemCounts:
    total: int = 0
    open: int = 0
    overdue: int = 0
    done: int = 0
    cancelled: int = 0


def action_item_counts(user, organization: Organization, today: date) -> ActionItemCounts:
    """How many of the organization's items fall under each filter link (one query)."""
    row = (
        csf_action_item_list_for_user(user)
        .filter(organization=organization)
        .order_by()
        .aggregate(
            total=Count("pk"),
            open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
            overdue=Count("pk", filter=overdue_q(today)),
            done=Count("pk", filter=Q(status=ActionStatus.DONE)),
            cancelled=Count("pk", filter=Q(status=ActionStatus.CANCELLED)),
        )
    )
    return ActionItemCounts(**row)


def action_item_functions(version: str = "") -> list[tuple[str, str]]:
    """The functions the filter offers: the version's, or CSF 2.0's when none is chosen (its
    identifiers include every CSF 1.1 function's). One query."""
    rows = CsfElement.objects.filter(
        kind=CsfElement.Kind.FUNCTION, withdrawn=False, version=version or DEFAULT_VERSION
    ).order_by("sort_order")
    return [(row.identifier, row.title.capitalize()) for row in rows]


def action_item_detail(pk: int, today: date) -> CsfActionItem:
    """One item with what its page shows (reach it through csf_action_item_get_for_user
    first)."""
    return (
        with_overdue(CsfActionItem.objects.filter(pk=pk), today)
        .select_related(
            "organization", "subcategory__parent__parent", "owner", "assessment", "created_by"
        )
        .get()
    )


HISTORY_ACTIONS = {
    "csf_action_item_create": "Created",
    "csf_action_item_update": "Changed",
    "csf_action_item_close": "Closed",
}
HISTORY_FIELDS = {
    "title": "Title",
    "description": "Description",
    "owner": "Owner",
    "due_date": "Due date",
    "status": "Status",
    "closure_note": "Closure note",
}
STATUS_LABELS = dict(ActionStatus.choices)


@dataclass
class HistoryLine:
    event: AuditEvent
    what: str
    changes: list[tuple[str, object, object]]  # (label, before, after)


def action_item_history(item: CsfActionItem) -> list[HistoryLine]:
    """What happened to the item, newest first, from the audit trail (one query)."""
    content_type = ContentType.objects.get_for_model(CsfActionItem)
    events = AuditEvent.objects.filter(content_type=content_type, object_id=str(item.pk)).order_by(
        "-created_at", "-pk"
    )
    lines = []
    for event in events:
        changes = []
        if event.action != "csf_action_item_create":
            for name, label in HISTORY_FIELDS.items():
                if name in event.changes:
                    before, after = event.changes[name]
                    if name == "status":
                        before, after = STATUS_LABELS.get(before, before), STATUS_LABELS.get(after)
                    changes.append((label, before, after))
        lines.append(HistoryLine(event, HISTORY_ACTIONS.get(event.action, event.action), changes))
    return lines
