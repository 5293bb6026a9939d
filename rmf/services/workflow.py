"""RMF cycles: starting one (carrying the previous cycle forward), sign-offs, moving between
steps through the gates."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from assets.audit import audit_record
from assets.models import System
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
from rmf.selectors.workflow import cycle_facts, gate_missing, task_states
from rmf.tasks import TASKS_BY_CODE


def _locked(authorization: Authorization) -> Authorization:
    return (
        Authorization.objects.select_for_update()
        .select_related("system__organization")
        .get(pk=authorization.pk)
    )


def _audit(actor, action: str, authorization: Authorization, **kwargs) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=authorization,
        organization=authorization.system.organization,
        **kwargs,
    )


@transaction.atomic
def authorization_start(*, actor, system: System) -> Authorization:
    """Start the system's first RMF cycle, or a new one (re-authorization) that carries the
    previous cycle's categorization adjustments, control set and parameter values forward for
    review. Approvals and sign-offs are never carried: they must be given again."""
    system = System.objects.select_for_update().select_related("organization").get(pk=system.pk)
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
        started_by=actor if actor is not None and actor.is_authenticated else None,
    )
    categorization = Categorization.objects.create(authorization=authorization)
    carried = _carry_forward(previous, authorization, categorization) if previous else {}
    _audit(
        actor,
        "authorization_start",
        authorization,
        after={"cycle": authorization.cycle, "step": authorization.step, **carried},
    )
    return authorization


def _carry_forward(
    previous: Authorization, authorization: Authorization, categorization: Categorization
) -> dict:
    old = Categorization.objects.filter(authorization=previous).first()
    adjustments = []
    if old is not None:
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
                for adjustment in old.adjustments.all()
            ]
        )
    controls = list(SelectedControl.objects.filter(authorization=previous))
    old_selection = ControlSelection.objects.filter(authorization=previous).first()
    if old_selection is not None:
        ControlSelection.objects.create(
            authorization=authorization,
            baselines=old_selection.baselines,
            selected_by_id=old_selection.selected_by_id,
            default_frequency=old_selection.default_frequency,
        )
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
    copy_of = {old.control_id: new for old, new in zip(controls, copies, strict=True)}
    if not all(copy.pk for copy in copies):  # backends that do not return keys from bulk inserts
        copy_of = {
            item.control_id: item
            for item in SelectedControl.objects.filter(authorization=authorization)
        }
    values = ParameterValue.objects.bulk_create(
        [
            ParameterValue(
                selected_control=copy_of[value.selected_control.control_id],
                parameter_id=value.parameter_id,
                value=value.value,
            )
            for value in ParameterValue.objects.filter(
                selected_control__authorization=previous
            ).select_related("selected_control")
        ]
    )
    return {
        "carried_adjustments": len(adjustments),
        "carried_controls": len(copies),
        "carried_parameter_values": len(values),
    }


@transaction.atomic
def task_signoff(*, actor, authorization: Authorization, task: str, note: str = "") -> TaskSignoff:
    """A responsible role signs a task off. Refused when the task takes no sign-off, when what
    it reviews is incomplete, or when it is already signed."""
    authorization = _locked(authorization)
    spec = TASKS_BY_CODE.get(task)
    if spec is None or spec.signoff_perm is None:
        raise ValidationError({"task": f"{task} is settled by the data, not signed off."})
    if TaskSignoff.objects.filter(authorization=authorization, task=task).exists():
        raise ValidationError({"task": f"{task} is already signed off for this cycle."})
    if spec.step != authorization.step:
        raise ValidationError(
            {
                "task": f"{task} belongs to the {Step(spec.step).label} step; this cycle is in "
                f"{Step(authorization.step).label}."
            }
        )
    states = {state.code: state for state in task_states(cycle_facts(authorization))}
    open_prerequisites = [code for code in spec.signoff_requires if not states[code].done]
    if open_prerequisites:
        details = "; ".join(
            f"{code}: {', '.join(states[code].missing)}" for code in open_prerequisites
        )
        raise ValidationError({"task": f"{task} cannot be signed yet. Still needed — {details}."})
    signoff = TaskSignoff.objects.create(
        authorization=authorization, task=task, signed_by=actor, note=note
    )
    if task == "C-3":
        facts = cycle_facts(authorization)
        Categorization.objects.update_or_create(
            authorization=authorization,
            defaults={
                "approved_by": actor,
                "approved_at": signoff.signed_at,
                "approved_snapshot": facts.categorization.snapshot(),
            },
        )
    _audit(actor, "task_signoff", authorization, after={"task": task, "note": note})
    return signoff


@transaction.atomic
def task_signoff_withdraw(*, actor, authorization: Authorization, task: str, reason: str) -> None:
    """Reopen a signed task (e.g. a categorization that must change). The reason is required."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the sign-off is withdrawn."})
    authorization = _locked(authorization)
    signoff = TaskSignoff.objects.filter(authorization=authorization, task=task).first()
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
        before={"task": task, "signed_by": str(signoff.signed_by)},
        reason=reason,
    )


@transaction.atomic
def authorization_advance(
    *, actor, authorization: Authorization, reason: str = ""
) -> Authorization:
    """Move to the next step when the current step's required tasks are done."""
    authorization = _locked(authorization)
    if not authorization.is_current:
        raise ValidationError("This cycle is closed; work continues in the current cycle.")
    index = STEP_ORDER.index(authorization.step)
    if index == len(STEP_ORDER) - 1:
        raise ValidationError("Monitor is the last step of the cycle.")
    missing = gate_missing(cycle_facts(authorization))
    if missing:
        raise ValidationError(
            "The cycle cannot move on yet. Still needed: "
            + "; ".join(
                f"{state.code} {state.spec.title}: {', '.join(state.missing)}" for state in missing
            )
            + "."
        )
    return _move(actor, authorization, STEP_ORDER[index + 1], reason)


@transaction.atomic
def authorization_step_back(
    *, actor, authorization: Authorization, to_step: str, reason: str
) -> Authorization:
    """Go back to an earlier step, e.g. to re-categorize after a significant change."""
    if not reason.strip():
        raise ValidationError({"reason": "Going back needs a reason, recorded in the audit trail."})
    authorization = _locked(authorization)
    if to_step not in STEP_ORDER or STEP_ORDER.index(to_step) >= STEP_ORDER.index(
        authorization.step
    ):
        raise ValidationError({"to_step": "Choose a step before the current one."})
    return _move(actor, authorization, to_step, reason)


def _move(actor, authorization: Authorization, to_step: str, reason: str) -> Authorization:
    from_step = authorization.step
    authorization.step = to_step
    authorization.save(update_fields=["step"])
    StepTransition.objects.create(
        authorization=authorization,
        from_step=from_step,
        to_step=to_step,
        actor=actor if actor is not None and actor.is_authenticated else None,
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
