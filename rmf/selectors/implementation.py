"""Reads of Step 3, Implement: the worklist of a cycle's controls with their implementation and
narrative progress, per-family progress, evidence access, and a provider's narratives.

The worklist takes a fixed number of queries whatever the number of controls (370 for HIGH).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from assets.selectors import organization_list_for_user, system_list_for_user
from rmf.models import (
    Authorization,
    ControlFamily,
    ControlImplementation,
    ControlPart,
    Designation,
    Evidence,
    ImplementationNarrative,
    SelectedControl,
)
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
) -> list[WorklistRow]:
    """The cycle's active controls with their implementation, in three queries. `status` is a
    status value, or "none" for controls without one; `responsible` matches part of the
    responsible roles; `missing_narrative` keeps the controls that I-2 still waits for."""
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
    family: ControlFamily
    controls: int = 0
    with_status: int = 0
    implemented: int = 0
    needing_narratives: int = 0
    narratives_complete: int = 0


def family_progress(authorization: Authorization) -> list[FamilyProgress]:
    """Per family of the cycle's active controls: how many have a status, how many are
    implemented, and how many of those needing narratives have them all. Fixed queries."""
    progress: dict[str, FamilyProgress] = {}
    for row in implementation_worklist(authorization):
        family = row.control.family
        item = progress.setdefault(family.pk, FamilyProgress(family=family))
        item.controls += 1
        item.with_status += bool(row.status)
        item.implemented += row.status == "implemented"
        if row.needs_narratives:
            item.needing_narratives += 1
            item.narratives_complete += row.narratives_complete
    return sorted(progress.values(), key=lambda item: item.family.sort_order)


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


def evidence_get_for_user(user, pk) -> Evidence:
    """The access function for evidence (and its download): the same 404 for missing and not
    permitted."""
    return get_or_404(evidence_list_for_user(user), pk=pk)


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
