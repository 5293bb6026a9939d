"""Findings (A-4), remediation (A-5) and re-assessment. The assessor rates each finding: the
weakness, its likelihood and impact (SP 800-30), which give its risk through the
organization's risk table, and a recommendation. The system team records what it fixed; the
assessor re-assesses: satisfied closes the finding, otherwise it is open again."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from assets.audit import audit_records_bulk
from rmf.models import (
    AssessorAssignment,
    Authorization,
    Determination,
    DeterminationResult,
    Finding,
    PoamItem,
    RemediationAction,
    Step,
)
from rmf.risk import risk_level_for
from rmf.services.assessment._common import (
    audit,
    open_cycle,
    require_assigned_assessor,
    signed_in,
)
from rmf.services.assessment.errors import FindingConflict

OPEN_ITEM = (PoamItem.Status.OPEN, PoamItem.Status.ONGOING)


def _lock(finding: Finding) -> Finding:
    return (
        Finding.objects.select_for_update(of=("self",))
        .select_related("updated_by", "selected_control__control", "assessment")
        .get(pk=finding.pk)
    )


def _finding_values(finding: Finding) -> dict[str, Any]:
    return {
        "weakness": finding.weakness,
        "likelihood": finding.likelihood,
        "impact": finding.impact,
        "risk_level": finding.risk_level,
        "recommendation": finding.recommendation,
    }


def _item_of(finding: Finding) -> PoamItem | None:
    return PoamItem.objects.select_for_update(of=("self",)).filter(finding=finding).first()


@transaction.atomic
def finding_update(
    *,
    actor,
    finding: Finding,
    weakness: str,
    likelihood: str,
    impact: str,
    recommendation: str,
    expected_version: int | None = None,
) -> Finding:
    """The assigned assessor describes and rates a finding. The risk level follows from the
    likelihood and impact through the risk table of the system's organization (or the nearest
    one above it, else SP 800-30's); it stays empty until both are rated. An open POA&M item
    of the finding follows the new risk level."""
    authorization = open_cycle(finding.assessment.authorization, from_step=Step.ASSESS)
    require_assigned_assessor(actor, authorization, "describes and rates findings")
    finding = _lock(finding)
    if expected_version and expected_version != finding.version:
        raise FindingConflict(
            current=_finding_values(finding),
            current_version=finding.version,
            current_author=finding.updated_by,
        )
    likelihood = likelihood or ""
    impact = impact or ""
    risk_level = risk_level_for(authorization.system.organization, likelihood, impact)
    before = _finding_values(finding)
    finding.weakness = (weakness or "").strip()
    finding.likelihood = likelihood
    finding.impact = impact
    finding.risk_level = risk_level
    finding.recommendation = (recommendation or "").strip()
    after = _finding_values(finding)
    if after == before:
        return finding
    finding.version += 1
    finding.updated_by = signed_in(actor)
    finding.save()
    audit(actor, "finding_update", finding, authorization, before=before, after=after)
    if before["risk_level"] != risk_level:
        item = _item_of(finding)
        if item is not None and item.status in OPEN_ITEM:
            old = item.risk_level
            item.risk_level = risk_level
            item.version += 1
            item.save(update_fields=["risk_level", "version", "updated_at"])
            audit(
                actor,
                "poam_item_update",
                item,
                authorization,
                before={"risk_level": old},
                after={"risk_level": risk_level},
                reason=f"The risk of {finding.code} was rated again.",
            )
    return finding


@transaction.atomic
def remediation_record(
    *, actor, finding: Finding, description: str, completed_on: date
) -> RemediationAction:
    """The system team records what it did about an open finding (A-5); the finding then
    awaits the assessor's re-assessment. An assessor of the cycle does not record remediation
    (separation of duties)."""
    authorization = open_cycle(finding.assessment.authorization, from_step=Step.ASSESS)
    if actor is not None and (
        AssessorAssignment.objects.filter(authorization=authorization, assessor=actor).exists()
    ):
        raise ValidationError(
            "Separation of duties: an assessor of this cycle does not record remediation. The "
            "system team records it, and the assessor re-assesses the finding."
        )
    finding = _lock(finding)
    if finding.status == Finding.Status.REMEDIATION_SUBMITTED:
        raise ValidationError(
            f"A remediation of {finding.code} is already awaiting the assessor's re-assessment."
        )
    if finding.status == Finding.Status.CLOSED:
        raise ValidationError(f"{finding.code} is closed: it was re-assessed satisfied.")
    errors = {}
    description = (description or "").strip()
    if not description:
        errors["description"] = "Describe what was done to correct the weakness."
    if completed_on is None:
        errors["completed_on"] = "Give the date the remediation was completed."
    elif completed_on > timezone.localdate():
        errors["completed_on"] = (
            "Record a remediation once it is done: the date cannot be in the future. Planned "
            "work goes in the POA&M."
        )
    if errors:
        raise ValidationError(errors)
    remediation = RemediationAction.objects.create(
        finding=finding,
        description=description,
        completed_on=completed_on,
        recorded_by=signed_in(actor),
    )
    finding.status = Finding.Status.REMEDIATION_SUBMITTED
    finding.version += 1
    finding.save(update_fields=["status", "version", "updated_at"])
    audit(
        actor,
        "remediation_record",
        remediation,
        authorization,
        before={"finding": finding.code, "status": Finding.Status.OPEN.value},
        after={
            "finding": finding.code,
            "control": finding.selected_control.control.label,
            "description": description,
            "completed_on": completed_on,
            "status": finding.status,
        },
    )
    return remediation


def _close(actor, finding: Finding, authorization: Authorization, reason: str) -> None:
    """A finding re-assessed satisfied: its objectives' determinations become satisfied and
    its POA&M item is completed."""
    now = timezone.now()
    author = signed_in(actor)
    determinations = list(
        Determination.objects.select_for_update(of=("self",))
        .filter(assessment=finding.assessment_id, objective__in=finding.objectives.all())
        .exclude(result=DeterminationResult.SATISFIED)
        .select_related("objective")
    )
    records = []
    for determination in determinations:
        label = determination.objective.label or determination.objective_id
        records.append(
            (
                determination,
                authorization.system.organization,
                {"objective": label, "result": determination.result},
                {"objective": label, "result": DeterminationResult.SATISFIED.value},
            )
        )
        determination.result = DeterminationResult.SATISFIED
        determination.version += 1
        determination.updated_by = author
        determination.updated_at = now
    Determination.objects.bulk_update(
        determinations, ["result", "version", "updated_by", "updated_at"]
    )
    audit_records_bulk(actor=actor, action="determination_save", records=records, reason=reason)
    item = _item_of(finding)
    if item is not None and item.status in OPEN_ITEM:
        before = item.status
        item.status = PoamItem.Status.COMPLETED
        item.closed_at = item.rechecked_at = now
        item.closed_by = item.rechecked_by = author  # the assessor's re-check closed it
        item.version += 1
        item.save(
            update_fields=[
                "status",
                "closed_at",
                "closed_by",
                "rechecked_at",
                "rechecked_by",
                "version",
                "updated_at",
            ]
        )
        audit(
            actor,
            "poam_item_update",
            item,
            authorization,
            before={"status": before},
            after={"status": item.status},
            reason=reason,
        )


@transaction.atomic
def finding_reassess(*, actor, finding: Finding, result: str, note: str = "") -> Finding:
    """The assigned assessor re-assesses a finding whose remediation was recorded. Satisfied:
    the finding is closed, its objectives are determined satisfied and its POA&M item is
    completed. Other than satisfied: the finding is open again, with the assessor's note of
    what still fails."""
    authorization = open_cycle(finding.assessment.authorization, from_step=Step.ASSESS)
    require_assigned_assessor(actor, authorization, "re-assesses findings")
    finding = _lock(finding)
    if finding.status != Finding.Status.REMEDIATION_SUBMITTED:
        raise ValidationError(
            f"{finding.code} has no remediation awaiting re-assessment: the system team "
            "records one first (A-5)."
        )
    note = (note or "").strip()
    satisfied = DeterminationResult.SATISFIED.value
    other = DeterminationResult.OTHER_THAN_SATISFIED.value
    if result not in (satisfied, other):
        raise ValidationError({"result": "Choose satisfied or other than satisfied."})
    if result == other and not note:
        raise ValidationError({"note": "Say what still fails, for the system team."})
    before = {"status": finding.status}
    finding.status = Finding.Status.CLOSED if result == satisfied else Finding.Status.OPEN
    finding.reassessed_at = timezone.now()
    finding.reassessed_by = signed_in(actor)
    finding.reassessment_note = note
    finding.version += 1
    finding.updated_by = signed_in(actor)
    finding.save()
    reason = f"Re-assessment of {finding.code}: {DeterminationResult(result).label.lower()}."
    if result == satisfied:
        _close(actor, finding, authorization, reason)
    audit(
        actor,
        "finding_reassess",
        finding,
        authorization,
        before=before,
        after={"status": finding.status, "result": result, "note": note},
        reason=reason,
    )
    return finding
