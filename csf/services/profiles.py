"""Writes of an organization's target profile and of the action items that close its gaps.

- Targets: a score from 1 to 7 per subcategory, with a rationale. A target below the
  recommended minimum (5) needs one: it is a deliberate choice the organization must be able
  to explain. A row exists only when it says something the default does not: setting a
  subcategory back to 5 without a rationale deletes its row, so "no row" keeps meaning "the
  recommended minimum" and the target profile lists only the organization's own choices.
  A save is all or nothing; refusals are keyed by subcategory.
- Action items record the current score (from the latest approved assessment) and the target
  of their subcategory when they are created: what they set out to close. A closed item (done
  or cancelled) is kept as it was decided.

The organization's planners (FILL = edit_rmf) write; every function is keyword-only and runs
in one transaction with its audit records. A save by someone else since `expected_version`
raises CsfActionItemConflict with the saved values.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from assets.audit import audit_record
from assets.models import Organization
from csf.maturity import MAX_LEVEL, MIN_LEVEL, RECOMMENDED_TARGET
from csf.models import CsfActionItem, CsfAnswer, CsfAssessment, CsfElement, CsfTarget, CsfVersion
from csf.selectors.profiles import (
    OPEN_STATUSES,
    can_fill,
    latest_approved_assessment,
    owner_candidates,
    person_name,
    profile_get,
)

ActionStatus = CsfActionItem.Status
MAX_RATIONALE = 2000
MAX_TEXT = 5000
MAX_TITLE = 200


class CsfActionItemConflict(Exception):
    """The action item was saved by someone else after the user opened it."""

    def __init__(self, *, current: dict[str, Any], current_version: int):
        self.current = current
        self.current_version = current_version
        super().__init__(
            f"Someone else changed this action item (now version {current_version}) after you "
            "opened it. Your changes were not saved: review theirs and apply yours again."
        )


def _require_planner(actor, organization: Organization) -> None:
    if actor is None or not actor.is_authenticated or not can_fill(actor, organization):
        raise ValidationError(
            f"Only the planners of {organization} change its CSF targets and action items."
        )


def _framework(framework: str) -> str:
    if framework not in CsfVersion.values:
        raise ValidationError({"framework": "Choose CSF 1.1 or CSF 2.0."})
    return framework


def _text(value: str | None) -> str:
    return (value or "").strip()


# ----------------------------------------------------------------------------- targets


@dataclass(frozen=True)
class TargetInput:
    """One subcategory's new target; score None sets it back to the recommended minimum."""

    subcategory: str  # "PR.AA-01"
    score: int | None
    rationale: str = ""


@dataclass
class TargetsSaved:
    changed: list[str] = field(default_factory=list)  # subcategories whose target changed


def _target_error(row: TargetInput) -> str | None:
    score = row.score
    rationale = _text(row.rationale)
    if score is not None and (
        isinstance(score, bool) or not isinstance(score, int) or not MIN_LEVEL <= score <= MAX_LEVEL
    ):
        return f"Choose a target from {MIN_LEVEL} to {MAX_LEVEL}."
    if score is not None and score < RECOMMENDED_TARGET and not rationale:
        return (
            f"Say why a target of {score} is enough here: a target below the recommended "
            f"minimum of {RECOMMENDED_TARGET} needs a rationale."
        )
    if len(rationale) > MAX_RATIONALE:
        return f"Keep the rationale under {MAX_RATIONALE} characters."
    return None


@transaction.atomic
def csf_targets_save(
    *, actor, organization: Organization, framework: str, targets: Iterable[TargetInput]
) -> TargetsSaved:
    """Set the target of the listed subcategories of one CSF version (the others are left as
    they are). Nothing is saved when a row is refused: the errors are keyed by subcategory."""
    _require_planner(actor, organization)
    framework = _framework(framework)
    rows = list(targets)
    errors: dict[str, str] = {}
    seen: set[str] = set()
    for row in rows:
        if row.subcategory in seen:
            errors[row.subcategory] = f"{row.subcategory} is listed twice; give it once."
        seen.add(row.subcategory)
    elements = {
        element.identifier: element
        for element in CsfElement.objects.filter(
            version=framework, kind=CsfElement.Kind.SUBCATEGORY, identifier__in=seen
        )
    }
    for row in rows:
        element = elements.get(row.subcategory)
        if element is None:
            errors.setdefault(
                row.subcategory, f"{row.subcategory} is not a subcategory of CSF {framework}."
            )
        elif element.withdrawn:
            errors.setdefault(
                row.subcategory,
                f"{row.subcategory} was withdrawn from CSF {framework}: it takes no target.",
            )
        else:
            message = _target_error(row)
            if message:
                errors.setdefault(row.subcategory, message)
    if errors:
        raise ValidationError(errors)

    existing = {
        target.subcategory_id: target
        for target in CsfTarget.objects.select_for_update().filter(
            organization=organization, subcategory__in=[e.pk for e in elements.values()]
        )
    }
    saved = TargetsSaved()
    for row in rows:
        element = elements[row.subcategory]
        score = row.score if row.score is not None else RECOMMENDED_TARGET
        rationale = _text(row.rationale)
        current = existing.get(element.pk)
        before = {
            "score": current.score if current else RECOMMENDED_TARGET,
            "rationale": current.rationale if current else "",
        }
        after = {"score": score, "rationale": rationale}
        if before == after:
            continue
        keep = score != RECOMMENDED_TARGET or bool(rationale)
        if keep and current is None:
            current = CsfTarget.objects.create(
                organization=organization,
                subcategory=element,
                score=score,
                rationale=rationale,
                updated_by=actor,
            )
        elif keep:
            current.score, current.rationale, current.updated_by = score, rationale, actor
            current.save(update_fields=["score", "rationale", "updated_by", "updated_at"])
        audit_record(
            actor=actor,
            action="csf_target_set" if keep else "csf_target_reset",
            obj=current,
            organization=organization,
            before={"subcategory": element.identifier, **before},
            after={"subcategory": element.identifier, **after},
        )
        if not keep:
            current.delete()
        saved.changed.append(element.identifier)
    return saved


# ----------------------------------------------------------------------------- action items


def action_item_values(item: CsfActionItem) -> dict[str, Any]:
    """What a conflict shows and the audit trail records of an item."""
    return {
        "title": item.title,
        "description": item.description,
        "owner": item.owner.get_username() if item.owner else None,
        "owner_name": person_name(item.owner),
        "due_date": item.due_date,
        "status": item.status,
        "closure_note": item.closure_note,
    }


def _owner_error(owner, organization: Organization) -> str | None:
    if owner is None:
        return "Choose who answers for this action."
    if not owner_candidates(organization).filter(pk=owner.pk).exists():
        return f"Choose someone who holds a role in {organization}."
    return None


def _due_error(due_date: date | None) -> str | None:
    if due_date is None:
        return "Give the date it should be done by."
    if due_date < timezone.localdate():
        return "Choose today or a later date."
    return None


def _title_errors(title: str, description: str, errors: dict[str, str]) -> None:
    if not title:
        errors["title"] = 'Say what will be done ("Write the incident response plan").'
    elif len(title) > MAX_TITLE:
        errors["title"] = f"Keep the title under {MAX_TITLE} characters."
    if len(description) > MAX_TEXT:
        errors["description"] = f"Keep the description under {MAX_TEXT} characters."


def _scores_of(
    organization: Organization, subcategory: CsfElement, assessment: CsfAssessment | None
) -> tuple[int | None, int]:
    """The subcategory's current score in `assessment` and its target today."""
    current = None
    if assessment is not None:
        current = (
            CsfAnswer.objects.filter(assessment=assessment, subcategory=subcategory)
            .values_list("score", flat=True)
            .first()
        )
    target = (
        CsfTarget.objects.filter(organization=organization, subcategory=subcategory)
        .values_list("score", flat=True)
        .first()
    )
    return current, target if target is not None else RECOMMENDED_TARGET


def _audit_created(actor, item: CsfActionItem, **extra) -> None:
    audit_record(
        actor=actor,
        action="csf_action_item_create",
        obj=item,
        organization=item.organization,
        after={
            "subcategory": item.subcategory.identifier,
            **action_item_values(item),
            "current_score": item.current_score,
            "target_score": item.target_score,
            **extra,
        },
    )


@transaction.atomic
def csf_action_item_create(
    *,
    actor,
    organization: Organization,
    subcategory: CsfElement,
    title: str,
    description: str,
    owner,
    due_date: date | None,
    assessment: CsfAssessment | None = None,
) -> CsfActionItem:
    """An action to close the gap of one subcategory, with its owner and due date. It records
    the subcategory's current score (from `assessment`, by default the latest approved one of
    its CSF version) and its target."""
    _require_planner(actor, organization)
    errors: dict[str, str] = {}
    title, description = _text(title), _text(description)
    if subcategory.kind != CsfElement.Kind.SUBCATEGORY:
        errors["subcategory"] = "Choose a subcategory (such as PR.AA-01)."
    elif subcategory.withdrawn:
        errors["subcategory"] = (
            f"{subcategory.identifier} was withdrawn from CSF {subcategory.version}."
        )
    if assessment is None:
        assessment = latest_approved_assessment(organization, subcategory.version)
    elif (
        assessment.organization_id != organization.pk
        or assessment.status != CsfAssessment.Status.APPROVED
        or assessment.framework != subcategory.version
    ):
        errors["assessment"] = (
            f"Choose an approved CSF {subcategory.version} assessment of {organization}."
        )
    _title_errors(title, description, errors)
    if message := _owner_error(owner, organization):
        errors["owner"] = message
    if message := _due_error(due_date):
        errors["due_date"] = message
    if errors:
        raise ValidationError(errors)
    current, target = _scores_of(organization, subcategory, assessment)
    item = CsfActionItem.objects.create(
        organization=organization,
        subcategory=subcategory,
        assessment=assessment,
        title=title,
        description=description,
        owner=owner,
        due_date=due_date,
        current_score=current,
        target_score=target,
        created_by=actor,
    )
    _audit_created(actor, item)
    return item


@dataclass
class GapItemsCreated:
    created: list[CsfActionItem] = field(default_factory=list)
    # Subcategories left out because an open or in-progress item already addresses them.
    skipped: list[str] = field(default_factory=list)


def _gap_title(identifier: str, current: float | None, target: float) -> str:
    if current is None:
        return f"{identifier}: reach {target:g} (not scored yet)"
    return f"{identifier}: raise from {current:g} to {target:g}"


@transaction.atomic
def csf_action_items_from_gaps(
    *,
    actor,
    organization: Organization,
    framework: str,
    subcategories: Sequence[str],
    owner,
    due_date: date | None,
) -> GapItemsCreated:
    """Turn chosen gaps of the prioritized list into action items at once, all owned by
    `owner` and due on `due_date`. A subcategory that already has an open or in-progress item
    is skipped and reported; a subcategory not on the gap list refuses the whole request."""
    _require_planner(actor, organization)
    framework = _framework(framework)
    errors: dict[str, str] = {}
    chosen = list(dict.fromkeys(subcategories))
    if not chosen:
        errors["subcategories"] = "Choose at least one gap to turn into an action item."
    if message := _owner_error(owner, organization):
        errors["owner"] = message
    if message := _due_error(due_date):
        errors["due_date"] = message
    if errors:
        raise ValidationError(errors)
    profile = profile_get(organization, framework)
    if profile.assessment is None:
        raise ValidationError(
            f"There is no approved CSF {framework} assessment of {organization} yet: the gaps "
            "are measured from the latest approved one."
        )
    lines = {line.subcategory: line for line in profile.prioritized}
    not_gaps = [identifier for identifier in chosen if identifier not in lines]
    if not_gaps:
        raise ValidationError(
            {
                "subcategories": f"{', '.join(not_gaps)} "
                f"{'is' if len(not_gaps) == 1 else 'are'} not on the gap list of CSF "
                f"{framework}: only a subcategory below its target can be turned into an "
                "action item."
            }
        )
    elements = {
        element.identifier: element
        for element in CsfElement.objects.filter(
            version=framework, kind=CsfElement.Kind.SUBCATEGORY, identifier__in=chosen
        ).select_related("parent")
    }
    open_now = set(
        CsfActionItem.objects.select_for_update()
        .filter(
            organization=organization,
            status__in=OPEN_STATUSES,
            subcategory__in=[element.pk for element in elements.values()],
        )
        .values_list("subcategory__identifier", flat=True)
    )
    result = GapItemsCreated()
    for identifier in chosen:
        if identifier in open_now:
            result.skipped.append(identifier)
            continue
        line = lines[identifier]
        element = elements[identifier]
        item = CsfActionItem.objects.create(
            organization=organization,
            subcategory=element,
            assessment=profile.assessment,
            title=_gap_title(identifier, line.gap.current, line.gap.target),
            description=(
                f"{line.text}\n\nCategory {line.category} of {line.function_title} "
                f"({line.gap.function}). Gap of {line.gap.gap:g} in the {profile.assessment.year} "
                "assessment."
            ),
            owner=owner,
            due_date=due_date,
            current_score=line.gap.current,
            target_score=line.gap.target,
            created_by=actor,
        )
        _audit_created(actor, item, from_gap=True)
        result.created.append(item)
    return result


def _locked(item: CsfActionItem, expected_version: int | None) -> CsfActionItem:
    """The item locked and unchanged since `expected_version`."""
    item = (
        CsfActionItem.objects.select_for_update(of=("self",))
        .select_related("organization", "subcategory", "owner")
        .get(pk=item.pk)
    )
    if expected_version is not None and expected_version != item.version:
        raise CsfActionItemConflict(current=action_item_values(item), current_version=item.version)
    if item.status not in OPEN_STATUSES:
        raise ValidationError(
            f"This action item is {item.get_status_display().lower()}: it is kept as the "
            "record of what was decided."
        )
    return item


@transaction.atomic
def csf_action_item_update(
    *,
    actor,
    item: CsfActionItem,
    expected_version: int | None,
    title: str | None = None,
    description: str | None = None,
    owner=None,
    due_date: date | None = None,
    status: str | None = None,
) -> CsfActionItem:
    """Change an open item's title, description, owner, due date, or mark it in progress (or
    back to open); None leaves a field as it is. Closing goes through csf_action_item_close."""
    _require_planner(actor, item.organization)
    item = _locked(item, expected_version)
    before = action_item_values(item)
    errors: dict[str, str] = {}
    if title is not None:
        item.title = _text(title)
    if description is not None:
        item.description = _text(description)
    _title_errors(item.title, item.description, errors)
    if owner is not None and owner.pk != item.owner_id:
        if message := _owner_error(owner, item.organization):
            errors["owner"] = message
        item.owner = owner
    if due_date is not None and due_date != item.due_date:
        if message := _due_error(due_date):
            errors["due_date"] = message
        item.due_date = due_date
    if status is not None:
        if status not in OPEN_STATUSES:
            errors["status"] = (
                'Choose "Open" or "In progress". To finish or cancel the item, close it with a '
                "note."
            )
        item.status = status
    if errors:
        raise ValidationError(errors)
    after = action_item_values(item)
    if after == before:
        return item
    item.version += 1
    item.save()
    audit_record(
        actor=actor,
        action="csf_action_item_update",
        obj=item,
        organization=item.organization,
        before=before,
        after=after,
    )
    return item


CLOSE_NOTE_MISSING = {
    ActionStatus.DONE: "Say what was done, and where the proof of it can be found.",
    ActionStatus.CANCELLED: "Say why the action is cancelled.",
}


@transaction.atomic
def csf_action_item_close(
    *, actor, item: CsfActionItem, outcome: str, note: str, expected_version: int | None
) -> CsfActionItem:
    """Close an open item: done, with a note on what was done, or cancelled, with the reason.
    A closed item is kept as it was decided."""
    _require_planner(actor, item.organization)
    item = _locked(item, expected_version)
    note = _text(note)
    errors: dict[str, str] = {}
    if outcome not in CLOSE_NOTE_MISSING:
        errors["outcome"] = 'Choose "Done" or "Cancelled".'
    elif not note:
        errors["note"] = CLOSE_NOTE_MISSING[outcome]
    if len(note) > MAX_TEXT:
        errors["note"] = f"Keep the note under {MAX_TEXT} characters."
    if errors:
        raise ValidationError(errors)
    before = {"status": item.status, "closure_note": item.closure_note}
    item.status = outcome
    item.closure_note = note
    item.closed_at = timezone.now()
    item.version += 1
    item.save()
    audit_record(
        actor=actor,
        action="csf_action_item_close",
        obj=item,
        organization=item.organization,
        before=before,
        after={"status": item.status, "closure_note": note},
    )
    return item
