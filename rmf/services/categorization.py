"""Step 1, Categorize: raising or lowering an information type's impact, with a justification."""

from django.core.exceptions import ValidationError
from django.db import transaction

from assets.audit import audit_record
from assets.models import SystemInformationType
from rmf.impact import LEVELS
from rmf.models import Authorization, Categorization, ImpactAdjustment, Objective, Step


def _editable_categorization(authorization: Authorization) -> Categorization:
    authorization = (
        Authorization.objects.select_for_update()
        .select_related("system__organization")
        .get(pk=authorization.pk)
    )
    if not authorization.is_current:
        raise ValidationError("This cycle is closed and kept read-only.")
    if authorization.step != Step.CATEGORIZE:
        raise ValidationError(
            "The categorization can only change in the Categorize step. Go back to Categorize "
            "(with a reason) to change it."
        )
    categorization, _ = Categorization.objects.get_or_create(authorization=authorization)
    if categorization.approved_at is not None:
        raise ValidationError(
            "The categorization is approved and frozen for this cycle. The authorizing official "
            "must withdraw the approval (C-3) before it can change."
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
    """Set an information type's impact on one objective (`level` None returns to the SP 800-60
    provisional level). A changed level needs a justification."""
    if objective not in Objective.values:
        raise ValidationError({"objective": f"“{objective}” is not a security objective."})
    if level is not None and level not in LEVELS:
        raise ValidationError(
            {"level": f"“{level}” is not an impact level: choose LOW, MODERATE or HIGH."}
        )
    if system_information_type.system_id != authorization.system_id:
        raise ValidationError(
            {"system_information_type": "That information type is not one of this system's."}
        )
    categorization = _editable_categorization(authorization)
    existing = ImpactAdjustment.objects.filter(
        categorization=categorization,
        system_information_type=system_information_type,
        objective=objective,
    ).first()
    provisional = getattr(system_information_type.information_type, objective)
    before = {"level": existing.level if existing else provisional}
    if level is None or level == provisional:
        if existing is not None:
            existing.delete()
        adjustment = None
        after = {"level": provisional}
    else:
        if not justification.strip():
            raise ValidationError(
                {
                    "justification": "Explain why this information's impact differs from the "
                    "SP 800-60 provisional level (the special factors)."
                }
            )
        adjustment, _ = ImpactAdjustment.objects.update_or_create(
            categorization=categorization,
            system_information_type=system_information_type,
            objective=objective,
            defaults={"level": level, "justification": justification.strip(), "adjusted_by": actor},
        )
        after = {"level": level, "justification": justification.strip()}
    if (
        before["level"] != after["level"]
        or existing
        and adjustment
        and (existing.justification != adjustment.justification)
    ):
        audit_record(
            actor=actor,
            action="impact_adjust",
            obj=categorization,
            organization=authorization.system.organization,
            before={
                **before,
                "information_type": str(system_information_type),
                "objective": objective,
            },
            after={
                **after,
                "information_type": str(system_information_type),
                "objective": objective,
            },
        )
    return adjustment
