"""A-1, assessor selection: the authorizing official assigns independent assessors to a cycle."""

from django.core.exceptions import ValidationError
from django.db import transaction

from assets.roles import ASSESS
from assets.selectors import user_can
from rmf.models import AssessorAssignment, Authorization, Step
from rmf.selectors.assessment_facts import implementation_authors, sod_problems_for
from rmf.services.assessment._common import (
    audit,
    open_cycle,
    require_authorizing_official,
    signed_in,
)


@transaction.atomic
def assessor_assign(
    *, actor, authorization: Authorization, assessor, is_lead: bool = False
) -> AssessorAssignment:
    """Assign `assessor` to the cycle (A-1). Refused unless the actor holds AUTHORIZE on the
    system and the assessor holds ASSESS and is independent of the system: not its owner, not
    its ISSO, and never an author of its implementation (in any cycle). Assigning someone
    already assigned changes only who leads; there is one lead assessor at most."""
    authorization = open_cycle(authorization, from_step=Step.IMPLEMENT)
    require_authorizing_official(actor, authorization, "assigns assessors")
    system = authorization.system
    name = assessor.get_full_name() or assessor.get_username()
    if not assessor.is_active or not user_can(assessor, ASSESS, system):
        raise ValidationError(
            {
                "assessor": f"{name} cannot assess {system.acronym}: give them the assessor "
                "role in its organization, or grant them this system, first."
            }
        )
    authored = (system.pk, assessor.pk) in implementation_authors([system.pk], [assessor.pk])
    problems = sod_problems_for(system, assessor, authored=authored)
    if problems:
        raise ValidationError(
            {
                "assessor": f"Separation of duties: {'; '.join(problems)}. An assessor must be "
                "independent of the system they assess: choose someone else."
            }
        )
    assignment = (
        AssessorAssignment.objects.select_for_update(of=("self",))
        .filter(authorization=authorization, assessor=assessor)
        .first()
    )
    before = {}
    if assignment is None:
        assignment = AssessorAssignment(
            authorization=authorization,
            assessor=assessor,
            is_lead=is_lead,
            assigned_by=signed_in(actor),
        )
    elif assignment.is_lead == is_lead:
        return assignment
    else:
        before = {"assessor": assessor.get_username(), "is_lead": assignment.is_lead}
        assignment.is_lead = is_lead
    if is_lead:
        AssessorAssignment.objects.filter(authorization=authorization, is_lead=True).exclude(
            assessor=assessor
        ).update(is_lead=False)
    assignment.save()
    audit(
        actor,
        "assessor_assign",
        assignment,
        authorization,
        before=before,
        after={"assessor": assessor.get_username(), "is_lead": is_lead},
    )
    return assignment


@transaction.atomic
def assessor_unassign(*, actor, authorization: Authorization, assessor, reason: str = "") -> None:
    """Remove an assessor from the cycle. Their determinations stay: they were made while
    assigned, and the audit trail shows by whom."""
    authorization = open_cycle(authorization, from_step=Step.IMPLEMENT)
    require_authorizing_official(actor, authorization, "unassigns assessors")
    assignment = AssessorAssignment.objects.filter(
        authorization=authorization, assessor=assessor
    ).first()
    if assignment is None:
        raise ValidationError(
            {"assessor": f"{assessor.get_username()} is not assigned to this cycle."}
        )
    audit(
        actor,
        "assessor_unassign",
        assignment,
        authorization,
        before={"assessor": assessor.get_username(), "is_lead": assignment.is_lead},
        reason=reason.strip(),
    )
    assignment.delete()
