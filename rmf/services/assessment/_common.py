"""What every write of the Assess step shares: the cycle locked and open in the right step,
who may act, and the audit record in the same transaction."""

from django.core.exceptions import ValidationError

from assets.audit import audit_record
from assets.roles import AUTHORIZE
from assets.selectors import user_can
from rmf.models import STEP_ORDER, Authorization, Step
from rmf.selectors.assessment import is_assigned_assessor
from rmf.services.workflow import ensure_open, lock_authorization

STEP_MESSAGES = {
    Step.IMPLEMENT: "Assessors are assigned and the assessment plan prepared from the Implement "
    "step on, once the security plan is approved (S-6).",
    Step.ASSESS: "Determinations, findings, remediation and the POA&M are recorded from the "
    "Assess step on. Move the cycle on to Assess once its implementation is documented.",
}


def signed_in(actor):
    return actor if actor is not None and actor.is_authenticated else None


def open_cycle(authorization: Authorization, *, from_step: str) -> Authorization:
    """The cycle locked for the transaction, refused when closed or before `from_step`."""
    authorization = lock_authorization(authorization)
    ensure_open(authorization)
    if STEP_ORDER.index(authorization.step) < STEP_ORDER.index(from_step):
        raise ValidationError(STEP_MESSAGES[from_step])
    return authorization


def require_authorizing_official(actor, authorization: Authorization, what: str) -> None:
    if actor is None or not user_can(actor, AUTHORIZE, authorization.system):
        raise ValidationError(
            f"Only an authorizing official of {authorization.system.organization} {what}."
        )


def require_assigned_assessor(actor, authorization: Authorization, what: str) -> None:
    if not is_assigned_assessor(actor, authorization):
        raise ValidationError(
            f"Only an assessor assigned to this cycle by the authorizing official (A-1) {what}."
        )


def audit(
    actor,
    action: str,
    obj,
    authorization: Authorization,
    *,
    before=None,
    after=None,
    reason: str = "",
) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=obj,
        organization=authorization.system.organization,
        before=before,
        after=after,
        reason=reason,
    )
