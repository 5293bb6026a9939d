"""Reads of Step 3, Implement: the worklist of a cycle's controls with their implementation and
narrative progress, per-family and overall progress, a control's place in a filtered worklist,
evidence access and libraries, and a provider's narratives. One control's page is read by
`rmf.selectors.implementation_page`.

The worklist takes a fixed number of queries whatever the number of controls (370 for HIGH).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from assets.models import Organization, System
from assets.roles import VIEW
from assets.selectors import (
    in_organization_subtree,
    organization_list_for_user,
    system_list_for_user,
)
from rmf.models import (
    STEP_ORDER,
    Authorization,
    ControlFamily,
    ControlImplementation,
    ControlPart,
    Designation,
    Evidence,
    ImplementationNarrative,
    ImplementationStatus,
    SelectedControl,
    Step,
)
from rmf.selectors.control_filters import control_filter_q
from rmf.selectors.workflow import ACTIVE, NARRATED_STATUSES, OWN_NARRATIVE, STATEMENT_PART_NAMES
from workbench.access import get_or_404

NOT_DOCUMENTED = "none"  # the status filter's value for controls without a status yet


def statement_parts_needing_narratives(control_ids: Iterable[str]) -> dict[str, list[ControlPart]]:
    """Per control, the parts of its statement that each need a narrative: the leaves of the
    statement tree (a statement without items, or the items without sub-items), in document
    order. One query."""
    parts: dict[str, list[ControlPart]] = defaultdict(list)
    for part in (
        ControlPart.objects.filter(control__in=list(control_ids), name__in=STATEMENT_PART_NAMES)
        .exclude(
            Exists(ControlPart.objects.filter(parent=OuterRef("pk"), name=ControlPart.Name.ITEM))
        )
        .order_by("sort_order")
    ):
        parts[part.control_id].append(part)
    return parts


@dataclass
class WorklistRow:
    selected_control: SelectedControl
    implementation: ControlImplementation | None
    narratives: int  # narratives written for required parts
    required: int  # statement parts that need one

    @property
    def control(self):
        return self.selected_control.control

    @property
    def status(self) -> str:
        return self.implementation.status if self.implementation else ""

    @property
    def needs_narratives(self) -> bool:
        """Whether I-2 asks this control for narratives: the system describes it (not a common
        control) and its status says something is in place."""
        return (
            self.selected_control.designation in OWN_NARRATIVE and self.status in NARRATED_STATUSES
        )

    @property
    def narratives_complete(self) -> bool:
        return self.narratives >= self.required

    @property
    def missing_narrative(self) -> bool:
        return self.needs_narratives and not self.narratives_complete


def implementation_worklist(
    authorization: Authorization,
    *,
    family: str | None = None,
    status: str | None = None,
    responsible: str | None = None,
    missing_narrative: bool = False,
    **registered: str,
) -> list[WorklistRow]:
    """The cycle's active controls with their implementation, in three queries. `status` is a
    status value, or "none" for controls without one; `responsible` matches part of the
    responsible roles; `missing_narrative` keeps the controls that I-2 still waits for;
    `registered`: values of the registered control filters (`control_filters`)."""
    controls = SelectedControl.objects.filter(
        authorization=authorization, tailoring__in=ACTIVE
    ).select_related("control__family", "implementation", "provider")
    if family:
        controls = controls.filter(control__family=family.lower())
    if status == NOT_DOCUMENTED:
        controls = controls.filter(Q(implementation__isnull=True) | Q(implementation__status=""))
    elif status:
        controls = controls.filter(implementation__status=status)
    if responsible:
        controls = controls.filter(implementation__responsible_roles__icontains=responsible)
    if registered:
        controls = controls.filter(control_filter_q(registered))
    controls = list(controls.order_by("control__sort_key"))
    required = statement_parts_needing_narratives({c.control_id for c in controls})
    written: dict[int, set[str]] = defaultdict(set)
    for selected_id, part_id in (
        ImplementationNarrative.objects.filter(
            implementation__selected_control__in=[c.pk for c in controls]
        )
        .exclude(text="")
        .values_list("implementation__selected_control", "part")
    ):
        written[selected_id].add(part_id)
    rows = []
    for selected in controls:
        parts = {part.pk for part in required.get(selected.control_id, [])}
        try:
            implementation = selected.implementation
        except ControlImplementation.DoesNotExist:
            implementation = None
        row = WorklistRow(
            selected_control=selected,
            implementation=implementation,
            narratives=len(parts & written[selected.pk]),
            required=len(parts),
        )
        if missing_narrative and not row.missing_narrative:
            continue
        rows.append(row)
    return rows


@dataclass
class FamilyProgress:
    family: ControlFamily | None  # None: the whole cycle
    controls: int = 0
    with_status: int = 0
    implemented: int = 0
    needing_narratives: int = 0
    narratives_complete: int = 0

    @property
    def status_percent(self) -> int:
        """Rounded down: 100 only when every control has a status."""
        return self.with_status * 100 // self.controls if self.controls else 0

    @property
    def narratives_percent(self) -> int:
        """Of the controls that need narratives (none may, yet): 0 when none does."""
        if not self.needing_narratives:
            return 0
        return self.narratives_complete * 100 // self.needing_narratives


def _add_row(item: FamilyProgress, row: WorklistRow) -> None:
    item.controls += 1
    item.with_status += bool(row.status)
    item.implemented += row.status == "implemented"
    if row.needs_narratives:
        item.needing_narratives += 1
        item.narratives_complete += row.narratives_complete


def _family_progress(rows: list[WorklistRow]) -> list[FamilyProgress]:
    progress: dict[str, FamilyProgress] = {}
    for row in rows:
        family = row.control.family
        _add_row(progress.setdefault(family.pk, FamilyProgress(family=family)), row)
    return sorted(progress.values(), key=lambda item: item.family.sort_order)


def family_progress(authorization: Authorization) -> list[FamilyProgress]:
    """Per family of the cycle's active controls: how many have a status, how many are
    implemented, and how many of those needing narratives have them all. Fixed queries."""
    return _family_progress(implementation_worklist(authorization))


@dataclass
class StatusCount:
    value: str  # a status, or NOT_DOCUMENTED
    label: str
    count: int


@dataclass
class ImplementationProgress:
    families: list[FamilyProgress]
    overall: FamilyProgress
    by_status: list[StatusCount]  # every status, in the order of the choices, then "none"


def implementation_progress(authorization: Authorization) -> ImplementationProgress:
    """The progress of the whole cycle: per family, overall, and per status. The worklist's
    fixed number of queries."""
    rows = implementation_worklist(authorization)
    overall = FamilyProgress(family=None)
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        _add_row(overall, row)
        counts[row.status or NOT_DOCUMENTED] += 1
    by_status = [
        StatusCount(value, label, counts[value]) for value, label in ImplementationStatus.choices
    ]
    by_status.append(StatusCount(NOT_DOCUMENTED, "Not documented yet", counts[NOT_DOCUMENTED]))
    return ImplementationProgress(
        families=_family_progress(rows), overall=overall, by_status=by_status
    )


@dataclass
class WorklistPosition:
    """Where a control stands in a filtered worklist, for "previous", "next" and "Save and
    next". A control that left the list (its new status no longer matches the filter) has no
    index; its neighbours are still found by catalog order."""

    index: int | None  # 1-based
    count: int
    previous: SelectedControl | None
    next: SelectedControl | None


def worklist_position(
    authorization: Authorization, selected_control: SelectedControl, **filters
) -> WorklistPosition:
    rows = implementation_worklist(authorization, **filters)
    key = selected_control.control.sort_key
    index = next(
        (i for i, row in enumerate(rows) if row.selected_control.pk == selected_control.pk), None
    )
    before = [row.selected_control for row in rows if row.control.sort_key < key]
    after = [row.selected_control for row in rows if row.control.sort_key > key]
    return WorklistPosition(
        index=index + 1 if index is not None else None,
        count=len(rows),
        previous=before[-1] if before else None,
        next=after[0] if after else None,
    )


def implementation_closed_reason(authorization: Authorization) -> str:
    """Why the cycle takes no implementation changes now, or "" when it does: the services'
    rules (the current cycle of a system in service, in Implement or a later step), for pages
    to show instead of forms that would be refused."""
    if not authorization.is_current:
        return f"Cycle {authorization.cycle} is closed and kept read-only."
    if authorization.system.status == System.Status.DISPOSED:
        return f"{authorization.system} is disposed: its RMF records are kept read-only."
    if STEP_ORDER.index(authorization.step) < STEP_ORDER.index(Step.IMPLEMENT):
        return (
            "Implementation details are recorded from the Implement step on, once the "
            "authorizing official approves the security plan (S-6)."
        )
    return ""


# --- evidence -------------------------------------------------------------------------------


def evidence_list_for_user(user) -> QuerySet[Evidence]:
    """The evidence of the organizations the user may see, and the evidence attached to the
    controls of the systems the user may see: a city's policy attached to an agency's system
    is read by the agency's staff, a system's evidence by the assessor granted that system."""
    attached = Evidence.controls.through.objects.filter(
        evidence=OuterRef("pk"),
        selectedcontrol__authorization__system__in=system_list_for_user(user),
    )
    return Evidence.objects.filter(
        Q(organization__in=organization_list_for_user(user)) | Exists(attached)
    ).select_related("organization", "uploaded_by")


def evidence_get_for_user(user, pk, *, perm: str = VIEW) -> Evidence:
    """The access function for evidence (and its download): the same 404 for missing and not
    permitted. Reading is the one permission evidence has (`perm` lets scoped views declare
    it); changes are judged on its organization (`organization_get_for_user`)."""
    if perm != VIEW:
        raise ValueError(f"Evidence is only read through this access function, not {perm}.")
    return get_or_404(evidence_list_for_user(user), pk=pk)


def _evidence_search(evidence: QuerySet[Evidence], q: str) -> QuerySet[Evidence]:
    for word in q.split():
        evidence = evidence.filter(
            Q(title__icontains=word)
            | Q(description__icontains=word)
            | Q(file_name__icontains=word)
            | Q(url__icontains=word)
            | Q(sha256__iexact=word)
        )
    return evidence


def evidence_search(user, *, organization: int | None = None, q: str = "") -> QuerySet[Evidence]:
    """The evidence the user may see, of an organization and its child organizations, and
    matching words of its title, description, file name or link (or its SHA-256)."""
    evidence = evidence_list_for_user(user)
    if organization is not None:
        evidence = evidence.filter(in_organization_subtree(organization))
    return _evidence_search(evidence, q.strip()).order_by("-uploaded_at", "-pk")


def evidence_library(user, organization: Organization, *, q: str = "") -> QuerySet[Evidence]:
    """The evidence an organization's systems may use: its own and that of the organizations
    above it (a city's policy serves its agencies), as far as the user may see it, each with the
    number of controls it documents."""
    return (
        _evidence_search(
            evidence_list_for_user(user).filter(
                organization__in=[*organization.ancestor_ids, organization.pk]
            ),
            q.strip(),
        )
        .annotate(control_count=Count("controls"))
        .order_by("-uploaded_at", "-pk")
    )


def evidence_attachable(user, selected_control: SelectedControl) -> QuerySet[Evidence]:
    """What "attach existing evidence" offers: the library of the system's organization, less
    what the control already has."""
    return evidence_library(user, selected_control.authorization.system.organization).exclude(
        controls=selected_control
    )


def evidence_uses(user, evidence: Evidence) -> list[SelectedControl]:
    """The controls the evidence documents, in the systems the user may see."""
    return list(
        evidence.controls.filter(authorization__system__in=system_list_for_user(user))
        .select_related("control", "authorization__system")
        .order_by("authorization__system__acronym", "-authorization__cycle", "control__sort_key")
    )


# --- inherited controls ---------------------------------------------------------------------


def provider_narratives(selected_control: SelectedControl) -> list[ImplementationNarrative]:
    """For a common or hybrid control: the providing system's narratives of the same control in
    its current cycle, in statement order (empty when there is no provider or none written)."""
    if selected_control.designation == Designation.SYSTEM_SPECIFIC or not (
        selected_control.provider_id
    ):
        return []
    return list(
        ImplementationNarrative.objects.filter(
            implementation__selected_control__authorization__system=selected_control.provider_id,
            implementation__selected_control__authorization__is_current=True,
            implementation__selected_control__control=selected_control.control_id,
        )
        .select_related("part", "updated_by")
        .order_by("part__sort_order")
    )
