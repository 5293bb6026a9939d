"""Step 6, Monitor: system and environment changes with their security impact analysis (M-1),
ongoing assessments (M-2) and the disposal of a system (M-7).

Change records are kept in the Monitor step only: before the authorization decision the
system team changes the cycle's data directly (nothing is frozen yet, and the package is
assembled from the data as it is), while after the decision a change must be weighed against
what was authorized. A significant change starts a new cycle in the same transaction as its
analysis; the earlier decision stays the system's effective authorization until the new cycle's
decision is signed (`rmf.selectors.decisions` reads the latest signed decision).

Every write locks the cycle (or the system), refuses a closed cycle or a disposed system, and
records its audit entry in the same transaction.
"""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from assets.audit import audit_record
from assets.models import System
from assets.roles import EDIT_RMF
from assets.selectors import user_can
from rmf.models import (
    Assessment,
    AssessmentMethod,
    Authorization,
    AuthorizationDecision,
    Categorization,
    ChangeRecord,
    SelectedControl,
    Step,
    TaskSignoff,
)
from rmf.selectors.assessment_facts import ACTIVE
from rmf.selectors.monitor import default_ongoing_scope
from rmf.selectors.workflow import cycle_facts
from rmf.services.assessment._common import require_assigned_assessor
from rmf.services.workflow import authorization_advance, authorization_start, ensure_open

MONITOR_ONLY = (
    "Changes are recorded in the Monitor step, once the authorizing official has decided: "
    "before the decision, update the cycle's data directly (go back a step if needed)."
)


class ChangeRecordConflict(Exception):
    """The change record was saved by someone else after the user opened it."""

    def __init__(self, *, current: dict[str, Any], current_version: int):
        self.current = current
        self.current_version = current_version
        super().__init__(
            f"Someone else saved this change record (now version {current_version}) after you "
            "opened it. Your changes were not saved: review theirs and apply yours again."
        )


def _signed_in(actor):
    return actor if actor is not None and actor.is_authenticated else None


def _require_edit_rmf(actor, system: System, what: str) -> None:
    if actor is None or not user_can(actor, EDIT_RMF, system):
        raise PermissionDenied(
            f"Only the system owner or a member of the system's team {what} for {system}."
        )


def _monitoring_cycle(authorization: Authorization) -> Authorization:
    """The cycle locked for the transaction, open and in the Monitor step."""
    authorization = (
        Authorization.objects.select_for_update(of=("self",))
        .select_related("system__organization")
        .get(pk=authorization.pk)
    )
    ensure_open(authorization)
    if authorization.step != Step.MONITOR:
        raise ValidationError(MONITOR_ONLY)
    return authorization


def _audit(actor, action: str, obj, authorization: Authorization, **kwargs) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=obj,
        organization=authorization.system.organization,
        **kwargs,
    )


# --- change records (M-1) -------------------------------------------------------------------


def _change_errors(title: str, kind: str, description: str, changed_on) -> dict[str, str]:
    errors = {}
    if not title:
        errors["title"] = "Name the change in a few words, such as “New firewall at the TMC”."
    elif len(title) > 200:
        errors["title"] = "Keep the title under 200 characters."
    if kind not in ChangeRecord.Kind.values:
        errors["kind"] = "Choose what changed: hardware, software, configuration, boundary, ..."
    if not description:
        errors["description"] = (
            "Describe the change: what is added, removed or replaced, and where."
        )
    if changed_on is None:
        errors["changed_on"] = "Give the date the change was made, or is planned."
    return errors


def _change_values(change: ChangeRecord) -> dict[str, Any]:
    return {
        "title": change.title,
        "kind": change.kind,
        "description": change.description,
        "changed_on": change.changed_on,
    }


@transaction.atomic
def change_record_create(
    *,
    actor,
    authorization: Authorization,
    title: str,
    kind: str,
    description: str,
    changed_on: date | None,
) -> ChangeRecord:
    """Record a change to the system or its environment (M-1), numbered CHG-001, CHG-002, ...
    within the cycle. Its security impact analysis follows (`change_record_analyse`)."""
    authorization = _monitoring_cycle(authorization)
    _require_edit_rmf(actor, authorization.system, "records changes")
    title, description = (title or "").strip(), (description or "").strip()
    errors = _change_errors(title, kind, description, changed_on)
    if errors:
        raise ValidationError(errors)
    last = ChangeRecord.objects.filter(authorization=authorization).aggregate(n=Max("number"))
    change = ChangeRecord.objects.create(
        authorization=authorization,
        number=(last["n"] or 0) + 1,
        title=title,
        kind=kind,
        description=description,
        changed_on=changed_on,
        recorded_by=_signed_in(actor),
    )
    _audit(actor, "change_record_create", change, authorization, after=_change_values(change))
    return change


def _lock_change(change: ChangeRecord) -> tuple[ChangeRecord, Authorization]:
    authorization = _monitoring_cycle(change.authorization)
    change = (
        ChangeRecord.objects.select_for_update(of=("self",))
        .select_related("analysed_by")
        .get(pk=change.pk)
    )
    change.authorization = authorization
    return change, authorization


def _refuse_analysed(change: ChangeRecord) -> None:
    if change.analysed:
        by = change.analysed_by.get_username() if change.analysed_by else "someone"
        when = ""
        if change.analysed_at:
            when = f" on {timezone.localdate(change.analysed_at):%Y-%m-%d}"
        raise ValidationError(
            f"{change.code} was analysed by {by}{when}: the analysis is kept as the record of "
            "what was decided. Record a new change if the situation has changed."
        )


def _check_version(change: ChangeRecord, expected_version: int | None, values) -> None:
    if expected_version and expected_version != change.version:
        raise ChangeRecordConflict(current=values(change), current_version=change.version)


@transaction.atomic
def change_record_update(
    *,
    actor,
    change: ChangeRecord,
    title: str,
    kind: str,
    description: str,
    changed_on: date | None,
    expected_version: int | None = None,
) -> ChangeRecord:
    """Correct a change record before its analysis. With `expected_version` (the version the
    user opened), a save by someone else meanwhile raises `ChangeRecordConflict`."""
    change, authorization = _lock_change(change)
    _require_edit_rmf(actor, authorization.system, "changes change records")
    _refuse_analysed(change)
    _check_version(change, expected_version, _change_values)
    title, description = (title or "").strip(), (description or "").strip()
    errors = _change_errors(title, kind, description, changed_on)
    if errors:
        raise ValidationError(errors)
    before = _change_values(change)
    change.title, change.kind = title, kind
    change.description, change.changed_on = description, changed_on
    after = _change_values(change)
    if after == before:
        return change
    change.version += 1
    change.save()
    _audit(actor, "change_record_update", change, authorization, before=before, after=after)
    return change


def _analysis_values(change: ChangeRecord, labels: list[str]) -> dict[str, Any]:
    return {
        "impact": change.impact,
        "analysis": change.analysis,
        "affected_controls": labels,
        "return_to": change.return_to,
    }


def _affected(authorization: Authorization, ids) -> tuple[list[SelectedControl] | None, str]:
    try:
        wanted = {int(pk) for pk in ids or []}
    except (TypeError, ValueError):
        return None, "Choose the affected controls from the list."
    controls = list(
        SelectedControl.objects.filter(
            authorization=authorization, pk__in=wanted, tailoring__in=ACTIVE
        )
        .select_related("control")
        .order_by("control__sort_key")
    )
    if len(controls) != len(wanted):
        return None, (
            f"{len(wanted) - len(controls)} of the chosen controls are not active controls of "
            "this cycle: choose among the cycle's controls."
        )
    return controls, ""


@transaction.atomic
def change_record_analyse(
    *,
    actor,
    change: ChangeRecord,
    impact: str,
    analysis: str,
    affected_control_ids: list[int] | None = None,
    return_to: str | None = "",
    expected_version: int | None = None,
) -> ChangeRecord:
    """Record the security impact analysis of a change (M-1): its impact (none, minor,
    significant), the analysis, and the cycle's controls it affects. A minor change names the
    controls it touches. A significant change goes back to Categorize or Select: a new cycle
    starts in the same transaction (carrying the decisions forward and closing this one).
    Going back to Select keeps the categorization, so the authorizing official's approval of it
    (C-3) is carried and the new cycle moves on to Select; that is refused when the
    categorization changed since it was approved. An analysis is given once."""
    # The system's row first, as `authorization_start` takes it: two significant changes
    # analysed at once start one cycle after the other, never a deadlock.
    System.objects.select_for_update(of=("self",)).filter(pk=change.authorization.system_id).first()
    change, authorization = _lock_change(change)
    _require_edit_rmf(actor, authorization.system, "records the security impact analysis")
    _refuse_analysed(change)
    _check_version(
        change,
        expected_version,
        lambda c: {**_change_values(c), **_analysis_values(c, [])},
    )
    Impact, ReturnTo = ChangeRecord.Impact, ChangeRecord.ReturnTo
    analysis = (analysis or "").strip()
    return_to = return_to or ""
    errors: dict[str, str] = {}
    if impact not in Impact.values:
        errors["impact"] = "Choose the impact: none, minor or significant."
    if not analysis:
        errors["analysis"] = (
            "Write the security impact analysis: which controls and risks the change touches, "
            "and why the impact is what you chose."
        )
    controls, problem = _affected(authorization, affected_control_ids)
    if problem:
        errors["affected_control_ids"] = problem
    elif impact == Impact.MINOR and not controls:
        errors["affected_control_ids"] = (
            "A minor change is handled within the current authorization: name the controls it "
            "touches, so that their next assessment covers it."
        )
    if impact == Impact.SIGNIFICANT and return_to not in ReturnTo.values:
        errors["return_to"] = (
            "A significant change sends the system back: choose Categorize (what the system "
            "processes or its impact changed) or Select (the controls must change)."
        )
    elif impact in (Impact.NONE, Impact.MINOR) and return_to:
        errors["return_to"] = "Only a significant change sends the system back to a step."
    facts = None
    if not errors and return_to == ReturnTo.SELECT:
        facts = cycle_facts(authorization)
        if not facts.categorization.approved or "C-3" not in facts.signoffs:
            errors["return_to"] = (
                "The categorization of this cycle is not approved: go back to Categorize."
            )
        elif facts.categorization.changed_since_approval:
            errors["return_to"] = (
                "The categorization changed since the authorizing official approved it (the "
                "information types or their impact levels): go back to Categorize so that it "
                "is approved again."
            )
    if errors:
        raise ValidationError(errors)
    change.impact = impact
    change.analysis = analysis
    change.return_to = return_to
    change.analysed_by = _signed_in(actor)
    change.analysed_at = timezone.now()
    change.version += 1
    change.save()
    change.affected_controls.set(controls)
    labels = [selected.control.label for selected in controls]
    _audit(
        actor,
        "change_record_analyse",
        change,
        authorization,
        before={"impact": ""},
        after=_analysis_values(change, labels),
    )
    if impact == Impact.SIGNIFICANT:
        change.new_cycle = _start_cycle_for(actor, change, authorization, facts)
        change.save(update_fields=["new_cycle"])
    return change


def _start_cycle_for(
    actor, change: ChangeRecord, authorization: Authorization, facts
) -> Authorization:
    step = ChangeRecord.ReturnTo(change.return_to).label
    reason = (
        f"{change.code} “{change.title}” of cycle {authorization.cycle} is a significant "
        f"change: back to {step}."
    )
    new = authorization_start(actor=actor, system=authorization.system, reason=reason)
    if change.return_to == ChangeRecord.ReturnTo.SELECT:
        _carry_categorization_approval(actor, change, authorization, new, facts)
        try:
            new = authorization_advance(actor=actor, authorization=new, reason=reason)
        except ValidationError as error:
            # Everything rolls back with this error: no cycle, no analysis.
            raise ValidationError(
                {
                    "return_to": "The new cycle cannot move on to Select: "
                    + " ".join(error.messages)
                    + " Go back to Categorize instead."
                }
            ) from error
    return new


def _carry_categorization_approval(
    actor, change: ChangeRecord, old: Authorization, new: Authorization, facts
) -> None:
    """The new cycle keeps the approved categorization: the approval is copied, and the C-3
    sign-off says where it comes from. It stays the approver's decision (signed_by); who
    carried it is in the audit trail."""
    approved = Categorization.objects.select_related("approved_by").get(authorization=old)
    Categorization.objects.filter(authorization=new).update(
        approved_by=approved.approved_by,
        approved_at=approved.approved_at,
        approved_snapshot=approved.approved_snapshot,
    )
    original = facts.signoffs["C-3"]
    note = (
        f"Carried from cycle {old.cycle}: {change.code} did not change the categorization "
        f"(approved by {original.signed_by.get_username()} on {original.signed_at:%Y-%m-%d})."
    )
    TaskSignoff.objects.create(
        authorization=new, task="C-3", signed_by=original.signed_by, note=note
    )
    _audit(
        actor,
        "task_signoff_carry",
        new,
        new,
        after={"task": "C-3", "from_cycle": old.cycle, "change": change.code},
        reason=note,
    )


# --- ongoing assessments (M-2) --------------------------------------------------------------


@transaction.atomic
def ongoing_assessment_start(
    *,
    actor,
    authorization: Authorization,
    title: str,
    scoped_control_ids: list[int] | None,
    starts_on: date | None,
    ends_on: date | None,
    methods: list[str],
    assessment_objects: str = "",
    rules_of_engagement: str = "",
) -> Assessment:
    """An assigned assessor plans an ongoing assessment (M-2) of some of the cycle's active
    controls: those chosen, or by default those overdue or due within 30 days. Its plan is
    approved by the authorizing official (`assessment_plan_approve`), then the determinations,
    findings and worklist are those of the Assess step, for this assessment."""
    authorization = _monitoring_cycle(authorization)
    require_assigned_assessor(actor, authorization, "plans an ongoing assessment")
    errors: dict[str, str] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = (
            f"Give the assessment a title, such as “{authorization.system.acronym} ongoing "
            f"assessment {timezone.localdate():%B %Y}”."
        )
    elif len(title) > 200:
        errors["title"] = "Keep the title under 200 characters."
    if starts_on is None:
        errors["starts_on"] = "Give the day the assessment starts."
    if ends_on is None:
        errors["ends_on"] = "Give the day the assessment ends."
    elif starts_on is not None and ends_on < starts_on:
        errors["ends_on"] = "The assessment ends on or after the day it starts."
    chosen = set(methods or [])
    if not chosen:
        errors["methods"] = "Choose at least one method: examine, interview or test."
    elif chosen - set(AssessmentMethod.values):
        errors["methods"] = "Choose among the SP 800-53A methods: examine, interview and test."
    if scoped_control_ids:
        controls, problem = _affected(authorization, scoped_control_ids)
        if problem:
            errors["scoped_control_ids"] = problem
    else:
        controls, _ = _affected(
            authorization, default_ongoing_scope(authorization, timezone.localdate())
        )
        if not controls:
            errors["scoped_control_ids"] = (
                "No control is overdue or due within 30 days: choose the controls to assess."
            )
    if errors:
        raise ValidationError(errors)
    assessment = Assessment.objects.create(
        authorization=authorization,
        kind=Assessment.Kind.ONGOING,
        title=title,
        scope_all=False,
        starts_on=starts_on,
        ends_on=ends_on,
        methods=[method for method in AssessmentMethod.values if method in chosen],
        assessment_objects=(assessment_objects or "").strip(),
        rules_of_engagement=(rules_of_engagement or "").strip(),
        created_by=_signed_in(actor),
    )
    assessment.scoped_controls.set(controls)
    _audit(
        actor,
        "ongoing_assessment_start",
        assessment,
        authorization,
        after={
            "title": assessment.title,
            "scope": [selected.control.label for selected in controls],
            "starts_on": starts_on,
            "ends_on": ends_on,
            "methods": assessment.methods,
        },
    )
    return assessment


# --- disposal (M-7) -------------------------------------------------------------------------


@transaction.atomic
def system_dispose(*, actor, system: System, disposed_on: date | None, reason: str) -> System:
    """Record the disposal of a system (M-7): its status and retirement date, the end of its
    effective authorization, and the close of its current cycle. Afterwards every RMF record of
    the system is kept read-only (`ensure_open`)."""
    system = (
        System.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=system.pk)
    )
    _require_edit_rmf(actor, system, "records the disposal")
    if system.status == System.Status.DISPOSED:
        raise ValidationError(
            f"{system} is already disposed"
            + (f" (since {system.retirement_date:%Y-%m-%d})." if system.retirement_date else ".")
        )
    reason = (reason or "").strip()
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if disposed_on is None:
        errors["disposed_on"] = "Give the date the system was taken out of service."
    elif disposed_on > today:
        errors["disposed_on"] = (
            "The disposal is recorded once it has happened: the date cannot be in the future."
        )
    elif system.operational_since and disposed_on < system.operational_since:
        errors["disposed_on"] = (
            f"The system went live on {system.operational_since:%Y-%m-%d}: it was disposed of "
            "on or after that day."
        )
    if not reason:
        errors["reason"] = (
            "Say why and how the system was retired (replaced by, data archived or destroyed, "
            "equipment sanitized)."
        )
    elif len(reason) > 2000:
        errors["reason"] = "Keep the reason under 2,000 characters."
    if errors:
        raise ValidationError(errors)
    before = {"status": system.status, "retirement_date": system.retirement_date}
    system.status = System.Status.DISPOSED
    system.retirement_date = disposed_on
    system.version += 1
    system.save(update_fields=["status", "retirement_date", "version", "updated_at"])
    audit_record(
        actor=actor,
        action="system_dispose",
        obj=system,
        organization=system.organization,
        before=before,
        after={"status": system.status, "retirement_date": disposed_on},
        reason=reason,
    )
    decision = (
        AuthorizationDecision.objects.select_for_update(of=("self",))
        .filter(authorization__system=system)
        .order_by("-signed_at", "-pk")
        .first()
    )
    if decision is not None and decision.ended_on is None:
        decision.ended_on = disposed_on
        decision.ended_reason = f"System disposed on {disposed_on:%Y-%m-%d}: {reason}"[:300]
        decision.save(update_fields=["ended_on", "ended_reason"])
        audit_record(
            actor=actor,
            action="authorization_decision_end",
            obj=decision,
            organization=system.organization,
            before={"ended_on": None},
            after={"ended_on": disposed_on, "ended_reason": decision.ended_reason},
            reason=reason,
        )
    current = (
        Authorization.objects.select_for_update(of=("self",))
        .filter(system=system, is_current=True)
        .first()
    )
    if current is not None and current.closed_at is None:
        current.closed_at = timezone.now()
        current.save(update_fields=["closed_at"])
        audit_record(
            actor=actor,
            action="authorization_close",
            obj=current,
            organization=system.organization,
            before={"step": current.step},
            after={"closed_at": current.closed_at, "closed_because": "system disposed"},
            reason=reason,
        )
    return system
