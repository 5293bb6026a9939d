"""A-6, the plan of action and milestones: one item per weakness not closed by the end of the
assessment, with who answers for it, the resources it needs, when it will be done and the
milestones on the way. The system team (EDIT_RMF) keeps it from the Assess step on, through
Authorize and Monitor, while an item is open or ongoing. Settling an item (adding one by hand,
accepting its risk, completing it with evidence or an assessor's re-check) is in
`rmf.services.poam_management`; a settled item is kept as it was decided."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from assets.audit import audit_records_bulk
from rmf.models import Authorization, Finding, PoamItem, PoamMilestone, Step
from rmf.selectors.workflow import cycle_facts
from rmf.services.assessment._common import audit, open_cycle, signed_in
from rmf.services.assessment.errors import PoamItemConflict
from rmf.tasks import TASKS_BY_CODE

EDITABLE = (PoamItem.Status.OPEN, PoamItem.Status.ONGOING)


@transaction.atomic
def poam_items_generate(*, actor, authorization: Authorization) -> int:
    """Create a POA&M item for each finding of the cycle's assessments that is not closed and
    has none yet: its weakness, risk level and control, and where it comes from ("TSC initial
    assessment 2026, finding F-003"). Numbers continue within the cycle. The assessment report
    must be complete first (A-4). Returns how many were created."""
    authorization = open_cycle(authorization, from_step=Step.ASSESS)
    missing = TASKS_BY_CODE["A-4"].check(cycle_facts(authorization))
    if missing:
        raise ValidationError(
            "The POA&M is prepared from a complete assessment report (A-4). Still needed: "
            f"{'; '.join(missing)}."
        )
    findings = list(
        Finding.objects.filter(assessment__authorization=authorization, poam_item__isnull=True)
        .exclude(status=Finding.Status.CLOSED)
        .select_related("assessment", "selected_control__control")
        .order_by("assessment__created_at", "assessment_id", "number")
    )
    if not findings:
        return 0
    last = PoamItem.objects.filter(authorization=authorization).aggregate(n=Max("number"))["n"]
    author = signed_in(actor)
    items = PoamItem.objects.bulk_create(
        [
            PoamItem(
                authorization=authorization,
                number=(last or 0) + index,
                finding=finding,
                selected_control=finding.selected_control,
                weakness=finding.weakness,
                source=f"{finding.assessment.title}, finding {finding.code}"[:300],
                risk_level=finding.risk_level,
                created_by=author,
            )
            for index, finding in enumerate(findings, start=1)
        ]
    )
    organization = authorization.system.organization
    audit_records_bulk(
        actor=actor,
        action="poam_item_create",
        records=[
            (
                item,
                organization,
                {},
                {
                    "source": item.source,
                    "control": item.finding.selected_control.control.label,
                    "weakness": item.weakness,
                    "risk_level": item.risk_level,
                },
            )
            for item in items
        ],
    )
    return len(items)


def _lock_item(item: PoamItem) -> PoamItem:
    return PoamItem.objects.select_for_update(of=("self",)).get(pk=item.pk)


def _editable_item(item: PoamItem) -> tuple[PoamItem, Authorization]:
    authorization = open_cycle(item.authorization, from_step=Step.ASSESS)
    item = _lock_item(item)
    if item.status not in EDITABLE:
        raise ValidationError(
            f"{item.code} is {item.get_status_display().lower()}: it is kept as the record of "
            "what was decided."
        )
    return item, authorization


def poam_item_values(item: PoamItem) -> dict[str, Any]:
    """What a conflict shows of the item as saved."""
    return {
        "point_of_contact": item.point_of_contact,
        "resources": item.resources,
        "scheduled_completion": item.scheduled_completion,
        "status": item.status,
    }


@transaction.atomic
def poam_item_update(
    *,
    actor,
    item: PoamItem,
    point_of_contact: str,
    resources: str,
    scheduled_completion: date | None,
    status: str,
    expected_version: int | None = None,
) -> PoamItem:
    """Who answers for the item, what it needs, when it will be done, and whether work is
    under way (open or ongoing). A changed completion date cannot be in the past. With
    `expected_version`, a save by someone else meanwhile raises `PoamItemConflict`."""
    item, authorization = _editable_item(item)
    if expected_version and expected_version != item.version:
        raise PoamItemConflict(current=poam_item_values(item), current_version=item.version)
    errors = {}
    point_of_contact = (point_of_contact or "").strip()
    if len(point_of_contact) > 200:
        errors["point_of_contact"] = "Keep the point of contact under 200 characters."
    if status not in EDITABLE:
        errors["status"] = (
            "Set an item open or ongoing here. Completing it (with evidence, or an assessor's "
            "re-check) and accepting its risk (the authorizing official) are separate actions "
            "on its page, in the Monitor step."
        )
    if (
        scheduled_completion is not None
        and scheduled_completion != item.scheduled_completion
        and scheduled_completion < timezone.localdate()
    ):
        errors["scheduled_completion"] = "Schedule the completion for today or later."
    if errors:
        raise ValidationError(errors)
    before = poam_item_values(item)
    item.point_of_contact = point_of_contact
    item.resources = (resources or "").strip()
    item.scheduled_completion = scheduled_completion
    item.status = status
    after = poam_item_values(item)
    if after == before:
        return item
    item.version += 1
    item.save()
    audit(actor, "poam_item_update", item, authorization, before=before, after=after)
    return item


@transaction.atomic
def poam_milestone_add(*, actor, item: PoamItem, description: str, due_on: date) -> PoamMilestone:
    item, authorization = _editable_item(item)
    errors = {}
    description = (description or "").strip()
    if not description:
        errors["description"] = "Say what will be done by this milestone."
    elif len(description) > 500:
        errors["description"] = "Keep the milestone under 500 characters."
    if due_on is None:
        errors["due_on"] = "Give the date the milestone is due."
    elif due_on < timezone.localdate():
        errors["due_on"] = "A new milestone is due today or later."
    if errors:
        raise ValidationError(errors)
    milestone = PoamMilestone.objects.create(item=item, description=description, due_on=due_on)
    audit(
        actor,
        "poam_milestone_add",
        milestone,
        authorization,
        # The item's id lets its history find the milestone even once it is removed.
        after={"item": item.code, "item_id": item.pk, "description": description, "due_on": due_on},
    )
    return milestone


def _locked_milestone(milestone: PoamMilestone) -> tuple[PoamMilestone, Authorization]:
    item, authorization = _editable_item(milestone.item)
    milestone = PoamMilestone.objects.select_for_update(of=("self",)).get(pk=milestone.pk)
    milestone.item = item
    return milestone, authorization


@transaction.atomic
def poam_milestone_complete(
    *, actor, milestone: PoamMilestone, completed_on: date
) -> PoamMilestone:
    milestone, authorization = _locked_milestone(milestone)
    if milestone.completed_on is not None:
        raise ValidationError(f"This milestone was completed on {milestone.completed_on:%Y-%m-%d}.")
    if completed_on is None:
        raise ValidationError({"completed_on": "Give the date the milestone was reached."})
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": "A milestone is completed today or earlier."})
    milestone.completed_on = completed_on
    milestone.save(update_fields=["completed_on"])
    audit(
        actor,
        "poam_milestone_complete",
        milestone,
        authorization,
        before={"item": milestone.item.code, "completed_on": None},
        after={"item": milestone.item.code, "completed_on": completed_on},
    )
    return milestone


@transaction.atomic
def poam_milestone_remove(*, actor, milestone: PoamMilestone) -> None:
    """Remove a milestone not reached yet (a completed one is the record of progress)."""
    milestone, authorization = _locked_milestone(milestone)
    if milestone.completed_on is not None:
        raise ValidationError("A completed milestone is kept as the record of progress.")
    audit(
        actor,
        "poam_milestone_remove",
        milestone,
        authorization,
        before={
            "item": milestone.item.code,
            "item_id": milestone.item_id,
            "description": milestone.description,
            "due_on": milestone.due_on,
        },
    )
    milestone.delete()
