"""RMF cycles: starting one (carrying the previous cycle forward), sign-offs, moving between
steps through the gates.

Every write locks the cycle's row (only that row: not its system nor organization, so that work
on other systems goes on), checks that the cycle is open (the system's current cycle, system
not disposed), and records who did what, when and why in the audit trail, in one transaction.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from assets.audit import audit_record
from assets.models import System
from assets.roles import AUTHORIZE
from rmf.models import (
    STEP_ORDER,
    Authorization,
    Categorization,
    ControlSelection,
    ImpactAdjustment,
    ParameterValue,
    SelectedControl,
    Step,
    StepTransition,
    TaskSignoff,
)
from rmf.selectors.workflow import can_sign_off, cycle_facts, gate_missing, task_states
from rmf.tasks import TASKS_BY_CODE


def lock_authorization(authorization: Authorization) -> Authorization:
    """The cycle, fresh from the database and locked for the rest of the transaction."""
    return (
        Authorization.objects.select_for_update(of=("self",))
        .select_related("system__organization")
        .get(pk=authorization.pk)
    )


def ensure_open(authorization: Authorization) -> None:
    """Refuse changes to a closed cycle (a re-authorization started a newer one) and to the
    cycles of a disposed system: both are kept read-only as the record of what was."""
    if not authorization.is_current:
        raise ValidationError(
            f"Cycle {authorization.cycle} is closed and kept read-only; work continues in the "
            "system's current cycle."
        )
    if authorization.system.status == System.Status.DISPOSED:
        raise ValidationError(
            f"{authorization.system} is disposed: its RMF records are kept read-only."
        )


def _audit(actor, action: str, authorization: Authorization, **kwargs) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=authorization,
        organization=authorization.system.organization,
        **kwargs,
    )


def _signed_in(actor):
    return actor if actor is not None and actor.is_authenticated else None


@transaction.atomic
def authorization_start(*, actor, system: System, reason: str = "") -> Authorization:
    """Start the system's first RMF cycle, or a new one (re-authorization) that closes the
    current cycle and carries its categorization adjustments, baseline choice, control set
    (tailoring, designation, provider, frequency) and parameter values forward for review.
    Approvals and sign-offs are never carried: they must be given again."""
    # The system's row is locked so that two starts at once make one cycle after the other.
    system = (
        System.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=system.pk)
    )
    if system.status == System.Status.DISPOSED:
        raise ValidationError("A disposed system does not start a new RMF cycle.")
    previous = Authorization.objects.filter(system=system, is_current=True).first()
    if previous is not None:
        previous.is_current = False
        previous.closed_at = timezone.now()
        previous.save(update_fields=["is_current", "closed_at"])
    authorization = Authorization.objects.create(
        system=system,
        cycle=(previous.cycle + 1) if previous else 1,
        previous=previous,
        started_by=_signed_in(actor),
    )
    categorization = Categorization.objects.create(authorization=authorization)
    carried = {}
    if previous is not None:
        carried = {
            "closed_cycle": previous.cycle,
            "closed_in_step": Step(previous.step).label,
            **_carry_forward(previous, authorization, categorization),
        }
    _audit(
        actor,
        "authorization_start",
        authorization,
        after={"cycle": authorization.cycle, "step": authorization.step, **carried},
        reason=reason.strip(),
    )
    return authorization


def _carry_forward(
    previous: Authorization, authorization: Authorization, categorization: Categorization
) -> dict:
    """Copy the previous cycle's decisions into the new one, in bulk. bulk_create sets the
    primary keys of the copies on PostgreSQL and SQLite alike (Django 5.2), so parameter values
    are attached to the copies of their controls without another query."""
    adjustments = ImpactAdjustment.objects.bulk_create(
        [
            ImpactAdjustment(
                categorization=categorization,
                system_information_type_id=adjustment.system_information_type_id,
                objective=adjustment.objective,
                level=adjustment.level,
                justification=adjustment.justification,
                adjusted_by_id=adjustment.adjusted_by_id,
            )
            for adjustment in ImpactAdjustment.objects.filter(
                categorization__authorization=previous
            )
        ]
    )
    old_selection = ControlSelection.objects.filter(authorization=previous).first()
    if old_selection is not None:
        ControlSelection.objects.create(
            authorization=authorization,
            baselines=old_selection.baselines,
            selected_by_id=old_selection.selected_by_id,
            default_frequency=old_selection.default_frequency,
        )
    controls = list(SelectedControl.objects.filter(authorization=previous).order_by("pk"))
    copies = SelectedControl.objects.bulk_create(
        [
            SelectedControl(
                authorization=authorization,
                control_id=item.control_id,
                in_baseline=item.in_baseline,
                tailoring=item.tailoring,
                tailoring_rationale=item.tailoring_rationale,
                designation=item.designation,
                provider_id=item.provider_id,
                monitoring_frequency=item.monitoring_frequency,
            )
            for item in controls
        ]
    )
    copy_of = {old.pk: new.pk for old, new in zip(controls, copies, strict=True)}
    values = ParameterValue.objects.bulk_create(
        [
            ParameterValue(
                selected_control_id=copy_of[value.selected_control_id],
                parameter_id=value.parameter_id,
                value=value.value,
            )
            for value in ParameterValue.objects.filter(selected_control__authorization=previous)
        ]
    )
    return {
        "carried_adjustments": len(adjustments),
        "carried_controls": len(copies),
        "carried_parameter_values": len(values),
    }


def _check_signoff_permission(actor, authorization: Authorization, task: str) -> None:
    if not can_sign_off(actor, authorization, task):
        spec = TASKS_BY_CODE[task]
        who = (
            "an authorizing official"
            if spec.signoff_perm == AUTHORIZE
            else "the system owner or a member of the system's team"
        )
        raise PermissionDenied(
            f"Only {who} of {authorization.system.organization} signs {task} off or withdraws it."
        )


@transaction.atomic
def task_signoff(*, actor, authorization: Authorization, task: str, note: str = "") -> TaskSignoff:
    """A responsible role (the authorizing official for C-3 and S-6) signs a task off.

    Refused when the task takes no sign-off, when the actor lacks its permission, when the task
    belongs to a later step, when what it reviews is incomplete, or when it is already signed
    and what was approved still holds. An approval whose basis changed (the categorization
    after an inventory change) may be given again: it replaces the stale one.
    Approving C-3 stores what was approved, which freezes the categorization."""
    spec = TASKS_BY_CODE.get(task)
    if spec is None or spec.signoff_perm is None:
        raise ValidationError({"task": f"{task} is settled by the data, not signed off."})
    authorization = lock_authorization(authorization)
    ensure_open(authorization)
    _check_signoff_permission(actor, authorization, task)
    if STEP_ORDER.index(spec.step) > STEP_ORDER.index(authorization.step):
        raise ValidationError(
            {
                "task": f"{task} belongs to the {Step(spec.step).label} step; this cycle is in "
                f"{Step(authorization.step).label}."
            }
        )
    states = {state.code: state for state in task_states(cycle_facts(authorization))}
    existing = TaskSignoff.objects.filter(authorization=authorization, task=task).first()
    if existing is not None and states[task].done:
        raise ValidationError(
            {
                "task": f"{task} is already signed off for this cycle (by "
                f"{existing.signed_by.get_username()} on {existing.signed_at:%Y-%m-%d})."
            }
        )
    open_prerequisites = [code for code in spec.signoff_requires if not states[code].done]
    if open_prerequisites:
        details = "; ".join(
            f"{code}: {', '.join(states[code].missing)}" for code in open_prerequisites
        )
        raise ValidationError({"task": f"{task} cannot be signed yet. Still needed — {details}."})
    before = None
    if existing is not None:  # a stale approval, given again
        before = {
            "replaces": f"{task} signed by {existing.signed_by.get_username()} on "
            f"{existing.signed_at:%Y-%m-%d %H:%M}"
        }
        existing.delete()
    signoff = TaskSignoff.objects.create(
        authorization=authorization, task=task, signed_by=actor, note=note.strip()
    )
    after = {"task": task, "signed_by": actor.get_username(), "note": note.strip()}
    if task == "C-3":
        snapshot = cycle_facts(authorization).categorization.snapshot()
        Categorization.objects.update_or_create(
            authorization=authorization,
            defaults={
                "approved_by": actor,
                "approved_at": signoff.signed_at,
                "approved_snapshot": snapshot,
            },
        )
        after["categorization"] = snapshot
    _audit(actor, "task_signoff", authorization, before=before, after=after, reason=note.strip())
    return signoff


@transaction.atomic
def task_signoff_withdraw(*, actor, authorization: Authorization, task: str, reason: str) -> None:
    """Reopen a signed task (e.g. a categorization that must change). The reason is required.
    When the cycle has moved past the task's step, it goes back to that step (a recorded
    transition with the same reason): work continues where the approval is given again."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the sign-off is withdrawn."})
    spec = TASKS_BY_CODE.get(task)
    if spec is None or spec.signoff_perm is None:
        raise ValidationError({"task": f"{task} is settled by the data, not signed off."})
    authorization = lock_authorization(authorization)
    ensure_open(authorization)
    _check_signoff_permission(actor, authorization, task)
    signoff = (
        TaskSignoff.objects.filter(authorization=authorization, task=task)
        .select_related("signed_by")
        .first()
    )
    if signoff is None:
        raise ValidationError({"task": f"{task} is not signed off."})
    signoff.delete()
    if task == "C-3":
        Categorization.objects.filter(authorization=authorization).update(
            approved_by=None, approved_at=None, approved_snapshot={}
        )
    _audit(
        actor,
        "task_signoff_withdraw",
        authorization,
        before={
            "task": task,
            "signed_by": signoff.signed_by.get_username(),
            "signed_at": signoff.signed_at.isoformat(),
        },
        reason=reason.strip(),
    )
    if STEP_ORDER.index(spec.step) < STEP_ORDER.index(authorization.step):
        _move(actor, authorization, spec.step, reason.strip())


@transaction.atomic
def authorization_advance(
    *, actor, authorization: Authorization, reason: str = ""
) -> Authorization:
    """Move to the next step when the current step's required tasks are done; otherwise say
    plainly what is missing and change nothing."""
    authorization = lock_authorization(authorization)
    ensure_open(authorization)
    index = STEP_ORDER.index(authorization.step)
    if index == len(STEP_ORDER) - 1:
        raise ValidationError("Monitor is the last step of the cycle.")
    facts = cycle_facts(authorization)
    missing = gate_missing(facts)
    decision = facts.authorize.decision
    if not missing and decision is not None and not decision.permits_operation:
        raise ValidationError(
            "The authorizing official denied the authorization on "
            f"{decision.decision_date:%Y-%m-%d}: the system does not move on to Monitor. "
            "Remediate the weaknesses and start a new cycle for a new decision."
        )
    if missing:
        raise ValidationError(
            f"The cycle cannot move on to {Step(STEP_ORDER[index + 1]).label} yet. Still needed: "
            + "; ".join(
                f"{state.code} {state.spec.title}: {', '.join(state.missing)}" for state in missing
            )
            + "."
        )
    return _move(actor, authorization, STEP_ORDER[index + 1], reason.strip())


@transaction.atomic
def authorization_step_back(
    *, actor, authorization: Authorization, to_step: str, reason: str
) -> Authorization:
    """Go back to an earlier step, e.g. to re-categorize after a significant change. Sign-offs
    stay; what they approved is checked again on the way forward."""
    if not reason.strip():
        raise ValidationError({"reason": "Going back needs a reason, recorded in the audit trail."})
    authorization = lock_authorization(authorization)
    ensure_open(authorization)
    if to_step not in STEP_ORDER or STEP_ORDER.index(to_step) >= STEP_ORDER.index(
        authorization.step
    ):
        raise ValidationError({"to_step": "Choose a step before the current one."})
    return _move(actor, authorization, to_step, reason.strip())


def _move(actor, authorization: Authorization, to_step: str, reason: str) -> Authorization:
    from_step = authorization.step
    authorization.step = to_step
    authorization.save(update_fields=["step"])
    StepTransition.objects.create(
        authorization=authorization,
        from_step=from_step,
        to_step=to_step,
        actor=_signed_in(actor),
        reason=reason,
    )
    _audit(
        actor,
        "authorization_step_change",
        authorization,
        before={"step": from_step},
        after={"step": to_step},
        reason=reason,
    )
    return authorization
