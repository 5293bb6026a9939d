"""Managing the POA&M after the assessment (SP 800-37 A-6, M-3, M-4): items added by hand, and
the three ways an item is settled.

- The system team (EDIT_RMF) adds items for weaknesses found outside the assessment (a scan, an
  incident, a change) and completes an item WITH evidence from the organization's library and
  a closure note.
- The authorizing official (AUTHORIZE) accepts the risk of an item, with a rationale.
- An assessor assigned to the cycle re-checks an item: satisfied completes it; otherwise it
  stays open, the note kept in its history. That is the only way an assessor closes an item.

A settled item (risk accepted or completed) is kept as it was decided: no reopening. A weakness
found again is a new item, so the record of each decision stays as it was made.

Every function is keyword-only and runs in one transaction with its audit record; refusals are
django ValidationErrors (a dict keyed by field where one applies); a save by someone else since
`expected_version` raises `PoamItemConflict`.
"""

from collections.abc import Sequence
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from assets.models import Organization
from assets.roles import EDIT_RMF
from assets.selectors import user_can
from rmf.models import (
    STEP_ORDER,
    AssessorAssignment,
    Authorization,
    DeterminationResult,
    Evidence,
    Finding,
    PoamItem,
    PoamMilestone,
    RiskScale,
    SelectedControl,
    Step,
)
from rmf.services.assessment._common import (
    audit,
    require_assigned_assessor,
    require_authorizing_official,
    signed_in,
)
from rmf.services.assessment.errors import PoamItemConflict
from rmf.services.assessment.findings import finding_reassess
from rmf.services.assessment.poam import EDITABLE, poam_item_values
from rmf.services.workflow import ensure_open, lock_authorization

ACTIVE = (SelectedControl.Tailoring.BASELINE, SelectedControl.Tailoring.ADDED)
SATISFIED = DeterminationResult.SATISFIED.value
OTHER_THAN_SATISFIED = DeterminationResult.OTHER_THAN_SATISFIED.value
MAX_TEXT = 5000

STEP_MESSAGES = {
    Step.ASSESS: "The POA&M is kept from the Assess step on. Move the cycle on to Assess once "
    "its implementation is documented.",
    Step.AUTHORIZE: "The authorizing official accepts the risk of a POA&M item from the "
    "Authorize step on, once the assessment is done.",
}


def _open(authorization: Authorization, *, from_step: str) -> Authorization:
    authorization = lock_authorization(authorization)
    ensure_open(authorization)
    if STEP_ORDER.index(authorization.step) < STEP_ORDER.index(from_step):
        raise ValidationError(STEP_MESSAGES[from_step])
    return authorization


def _require_team(actor, authorization: Authorization, what: str) -> None:
    """The system team, never an assessor of the cycle (separation of duties: an assessor
    closes an item only by re-checking it)."""
    if actor is not None and (
        AssessorAssignment.objects.filter(authorization=authorization, assessor=actor).exists()
    ):
        raise ValidationError(
            f"Separation of duties: an assessor of this cycle never {what}. An assessor "
            "closes an item only by re-checking it."
        )
    if actor is None or not user_can(actor, EDIT_RMF, authorization.system):
        raise ValidationError(f"Only the system team of {authorization.system} {what}.")


def _settleable(item: PoamItem, expected_version: int | None) -> PoamItem:
    """The item locked, still open or ongoing, and unchanged since `expected_version`."""
    item = (
        PoamItem.objects.select_for_update(of=("self",)).select_related("finding").get(pk=item.pk)
    )
    if item.status not in EDITABLE:
        raise ValidationError(
            f"{item.code} is {item.get_status_display().lower()}: it is kept as the record of "
            "what was decided."
        )
    if expected_version and expected_version != item.version:
        raise PoamItemConflict(current=poam_item_values(item), current_version=item.version)
    return item


def _text(value: str | None) -> str:
    return (value or "").strip()


def _too_long(value: str, errors: dict, field: str, what: str) -> None:
    if len(value) > MAX_TEXT:
        errors[field] = f"Keep the {what} under {MAX_TEXT} characters."


# --- adding an item by hand ------------------------------------------------------------------


@transaction.atomic
def poam_item_add(
    *,
    actor,
    authorization: Authorization,
    weakness: str,
    source: str,
    risk_level: str,
    point_of_contact: str,
    scheduled_completion: date | None,
    resources: str = "",
    selected_control: SelectedControl | None = None,
    milestone_description: str = "",
    milestone_due_on: date | None = None,
) -> PoamItem:
    """The system team adds a weakness the assessment did not report (a vulnerability scan, an
    incident, a change): what is wrong, where it was found, its level of risk, who answers for
    it and when it will be done; optionally the control concerned and a first milestone. The
    item takes the cycle's next number."""
    authorization = _open(authorization, from_step=Step.ASSESS)
    _require_team(actor, authorization, "adds POA&M items")
    errors: dict[str, str] = {}
    weakness, source = _text(weakness), _text(source)
    point_of_contact, resources = _text(point_of_contact), _text(resources)
    milestone_description = _text(milestone_description)
    today = timezone.localdate()
    if not weakness:
        errors["weakness"] = "Describe the weakness: what is wrong, and what it exposes."
    _too_long(weakness, errors, "weakness", "weakness")
    if not source:
        errors["source"] = 'Say where it was found ("Vulnerability scan of March 2026").'
    elif len(source) > 300:
        errors["source"] = "Keep the source under 300 characters."
    if risk_level not in RiskScale.values:
        errors["risk_level"] = "Choose the level of risk, from very low to very high."
    if not point_of_contact:
        errors["point_of_contact"] = "Name who answers for correcting it."
    elif len(point_of_contact) > 200:
        errors["point_of_contact"] = "Keep the point of contact under 200 characters."
    _too_long(resources, errors, "resources", "resources")
    if scheduled_completion is None:
        errors["scheduled_completion"] = "Give the date it will be corrected by."
    elif scheduled_completion < today:
        errors["scheduled_completion"] = "Schedule the completion for today or later."
    if selected_control is not None and (
        selected_control.authorization_id != authorization.pk
        or selected_control.tailoring not in ACTIVE
    ):
        errors["selected_control"] = "Choose one of the controls selected for this cycle."
    if milestone_description or milestone_due_on is not None:
        if not milestone_description:
            errors["milestone_description"] = "Say what will be done by this milestone."
        elif len(milestone_description) > 500:
            errors["milestone_description"] = "Keep the milestone under 500 characters."
        if milestone_due_on is None:
            errors["milestone_due_on"] = "Give the date the milestone is due."
        elif milestone_due_on < today:
            errors["milestone_due_on"] = "A new milestone is due today or later."
    if errors:
        raise ValidationError(errors)
    last = PoamItem.objects.filter(authorization=authorization).aggregate(n=Max("number"))["n"]
    item = PoamItem.objects.create(
        authorization=authorization,
        number=(last or 0) + 1,
        selected_control=selected_control,
        weakness=weakness,
        source=source,
        risk_level=risk_level,
        point_of_contact=point_of_contact,
        resources=resources,
        scheduled_completion=scheduled_completion,
        created_by=signed_in(actor),
    )
    audit(
        actor,
        "poam_item_add",
        item,
        authorization,
        after={
            "source": source,
            "control": selected_control.control.label if selected_control else None,
            "weakness": weakness,
            "risk_level": risk_level,
            "point_of_contact": point_of_contact,
            "resources": resources,
            "scheduled_completion": scheduled_completion,
            "status": item.status,
        },
    )
    if milestone_description:
        milestone = PoamMilestone.objects.create(
            item=item, description=milestone_description, due_on=milestone_due_on
        )
        audit(
            actor,
            "poam_milestone_add",
            milestone,
            authorization,
            after={
                "item": item.code,
                "item_id": item.pk,
                "description": milestone_description,
                "due_on": milestone_due_on,
            },
        )
    return item


# --- risk acceptance -------------------------------------------------------------------------


@transaction.atomic
def poam_item_accept_risk(
    *, actor, item: PoamItem, rationale: str, expected_version: int | None = None
) -> PoamItem:
    """The authorizing official accepts the risk of an open item instead of its correction,
    and says why (compensating measures, cost, the system's planned retirement). The item is
    then settled: kept as the record of the decision."""
    authorization = _open(item.authorization, from_step=Step.AUTHORIZE)
    require_authorizing_official(actor, authorization, "accepts the risk of a POA&M item")
    item = _settleable(item, expected_version)
    rationale = _text(rationale)
    if not rationale:
        raise ValidationError({"rationale": "Say why the risk is accepted rather than corrected."})
    if len(rationale) > MAX_TEXT:
        raise ValidationError({"rationale": f"Keep the rationale under {MAX_TEXT} characters."})
    before = {"status": item.status}
    item.status = PoamItem.Status.RISK_ACCEPTED
    item.risk_accepted_by = signed_in(actor)
    item.risk_accepted_at = timezone.now()
    item.risk_acceptance_rationale = rationale
    item.version += 1
    item.save()
    audit(
        actor,
        "poam_item_accept_risk",
        item,
        authorization,
        before=before,
        after={"status": item.status, "rationale": rationale},
    )
    return item


# --- completion with evidence ----------------------------------------------------------------


def _outside_tree(evidence: Sequence[Evidence], authorization: Authorization) -> list[Evidence]:
    """Evidence not of the system's organization or an organization above it (a city's
    policy serves its agencies; another agency's files never do)."""
    paths = dict(
        Organization.objects.filter(pk__in={e.organization_id for e in evidence}).values_list(
            "pk", "path"
        )
    )
    system_path = authorization.system.organization.path
    return [e for e in evidence if not system_path.startswith(paths.get(e.organization_id, "~"))]


@transaction.atomic
def poam_item_complete_with_evidence(
    *,
    actor,
    item: PoamItem,
    evidence: Sequence[Evidence],
    note: str,
    milestones_explained: bool = False,
    expected_version: int | None = None,
) -> PoamItem:
    """The system team completes an item with at least one piece of evidence from the library
    of the system's organization (or one above it) and a note of what was done. Milestones not
    completed are allowed only when the note says why (`milestones_explained`)."""
    authorization = _open(item.authorization, from_step=Step.ASSESS)
    _require_team(actor, authorization, "completes a POA&M item with evidence")
    item = _settleable(item, expected_version)
    errors: dict[str, str] = {}
    evidence = list(dict.fromkeys(evidence))
    note = _text(note)
    if not evidence:
        errors["evidence"] = (
            "Choose at least one piece of evidence from the library that shows the weakness "
            "is corrected (a scan report, a screenshot, a configuration export)."
        )
    else:
        foreign = _outside_tree(evidence, authorization)
        if foreign:
            names = ", ".join(f"“{e.title}”" for e in foreign)
            errors["evidence"] = (
                f"{names} is not in the library of {authorization.system.organization}: "
                "choose evidence of the system's organization."
            )
    if not note:
        errors["note"] = "Say what was done to correct the weakness."
    _too_long(note, errors, "note", "note")
    unfinished = list(
        PoamMilestone.objects.filter(item=item, completed_on__isnull=True).values_list(
            "description", flat=True
        )
    )
    if unfinished and not milestones_explained:
        errors["milestones_explained"] = (
            f"{len(unfinished)} milestone(s) are not completed. Complete them first, or say in "
            "the note why they are no longer needed and confirm it."
        )
    if errors:
        raise ValidationError(errors)
    before = {"status": item.status}
    item.status = PoamItem.Status.COMPLETED
    item.closed_at = timezone.now()
    item.closed_by = signed_in(actor)
    item.closure_note = note
    item.version += 1
    item.save()
    item.closure_evidence.set(evidence)
    audit(
        actor,
        "poam_item_complete",
        item,
        authorization,
        before=before,
        after={
            "status": item.status,
            "note": note,
            "evidence": [e.title for e in evidence],
            "milestones_not_completed": unfinished or None,
        },
    )
    return item


# --- the assessor's re-check -----------------------------------------------------------------


@transaction.atomic
def poam_item_recheck(
    *,
    actor,
    item: PoamItem,
    result: str,
    note: str = "",
    expected_version: int | None = None,
) -> PoamItem:
    """An assessor assigned to the cycle checks whether the weakness is corrected. Satisfied:
    the item is completed, recording who re-checked it. Other than satisfied: it stays open,
    the note (what still fails) kept in its history for the team. When the item's finding
    awaits re-assessment (its remediation recorded, A-5), the finding is re-assessed with the
    same result, so that both records agree."""
    authorization = _open(item.authorization, from_step=Step.ASSESS)
    require_assigned_assessor(actor, authorization, "re-checks POA&M items")
    item = _settleable(item, expected_version)
    note = _text(note)
    if result not in (SATISFIED, OTHER_THAN_SATISFIED):
        raise ValidationError({"result": "Choose satisfied or other than satisfied."})
    if result == OTHER_THAN_SATISFIED and not note:
        raise ValidationError({"note": "Say what still fails, for the system team."})
    if len(note) > MAX_TEXT:
        raise ValidationError({"note": f"Keep the note under {MAX_TEXT} characters."})
    before = {"status": item.status}
    finding = item.finding
    if finding is not None and finding.status == Finding.Status.REMEDIATION_SUBMITTED:
        # The finding's re-assessment completes the item when satisfied.
        finding_reassess(actor=actor, finding=finding, result=result, note=note)
        item = PoamItem.objects.get(pk=item.pk)
    elif result == SATISFIED:
        now = timezone.now()
        item.status = PoamItem.Status.COMPLETED
        item.closed_at = item.rechecked_at = now
        item.closed_by = item.rechecked_by = signed_in(actor)
        item.closure_note = note
        item.version += 1
        item.save()
    if result == SATISFIED and not item.closure_note and note:
        item.closure_note = note
        item.save(update_fields=["closure_note", "updated_at"])
    audit(
        actor,
        "poam_item_recheck",
        item,
        authorization,
        before={**before, "result": None, "note": None},
        after={"status": item.status, "result": result, "note": note or None},
    )
    return item
