"""Step 1, Categorize: raising or lowering an information type's impact, with a justification.

The levels themselves are never typed: they are computed from the system's information types
(rmf.selectors.workflow). Once the authorizing official approved the categorization (C-3) it is
frozen until the approval is withdrawn, with a reason.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from assets.audit import audit_record
from assets.models import SystemInformationType
from rmf.impact import LEVELS
from rmf.models import Authorization, Categorization, ImpactAdjustment, Objective, Step
from rmf.services.workflow import ensure_open, lock_authorization


def _editable_categorization(authorization: Authorization) -> Categorization:
    authorization = lock_authorization(authorization)
    ensure_open(authorization)
    if authorization.step != Step.CATEGORIZE:
        raise ValidationError(
            "The categorization can only change in the Categorize step. Go back to Categorize "
            "(with a reason) to change it."
        )
    categorization, _ = Categorization.objects.get_or_create(authorization=authorization)
    if categorization.approved_at is not None:
        raise ValidationError(
            "The categorization is approved and frozen for this cycle. The authorizing official "
            "must withdraw the approval (C-3), with a reason, before it can change."
        )
    return categorization


@transaction.atomic
def impact_adjust(
    *,
    actor,
    authorization: Authorization,
    system_information_type: SystemInformationType,
    objective: str,
    level: str | None,
    justification: str = "",
) -> ImpactAdjustment | None:
    """Set an information type's impact on one objective (SP 800-60 Vol 1 §4.2 special
    factors). A level that differs from the SP 800-60 provisional one needs a justification;
    `level` None (or the provisional level) returns to the provisional level. Returns the
    adjustment, or None when none remains."""
    if objective not in Objective.values:
        raise ValidationError(
            {
                "objective": f"“{objective}” is not a security objective: choose confidentiality, "
                "integrity or availability."
            }
        )
    if level is not None and level not in LEVELS:
        raise ValidationError(
            {"level": f"“{level}” is not an impact level: choose LOW, MODERATE or HIGH."}
        )
    if system_information_type.system_id != authorization.system_id:
        raise ValidationError(
            {"system_information_type": "That information type is not one of this system's."}
        )
    categorization = _editable_categorization(authorization)
    organization = categorization.authorization.system.organization
    existing = ImpactAdjustment.objects.filter(
        categorization=categorization,
        system_information_type=system_information_type,
        objective=objective,
    ).first()
    provisional = getattr(system_information_type.information_type, objective)
    justification = justification.strip()
    before = (
        {"level": existing.level, "justification": existing.justification}
        if existing is not None
        else {"level": provisional, "justification": ""}
    )
    if level is None or level == provisional:
        if existing is not None:
            existing.delete()
        adjustment = None
        after = {"level": provisional, "justification": ""}
    else:
        if not justification:
            raise ValidationError(
                {
                    "justification": "Explain why this information's impact differs from the "
                    f"SP 800-60 provisional level ({provisional}): the special factors."
                }
            )
        adjustment, _ = ImpactAdjustment.objects.update_or_create(
            categorization=categorization,
            system_information_type=system_information_type,
            objective=objective,
            defaults={
                "level": level,
                "justification": justification,
                "adjusted_by": actor if actor is not None and actor.is_authenticated else None,
            },
        )
        after = {"level": level, "justification": justification}
    if before != after:
        # Keyed by the type and objective: the audit keeps only what differs between before
        # and after, so the key itself must say what changed.
        key = f"{system_information_type} — {objective}"
        audit_record(
            actor=actor,
            action="impact_adjust",
            obj=categorization,
            organization=organization,
            before={key: before["level"], f"{key} justification": before["justification"]},
            after={key: after["level"], f"{key} justification": after["justification"]},
            reason=justification,
        )
    return adjustment
