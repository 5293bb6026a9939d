"""Submitting an assessment, and its review: approve or return."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from assets.audit import audit_record
from csf.models import CsfAssessment
from csf.selectors.access import FILL, REVIEW
from csf.selectors.assessments import assessment_completeness
from csf.services.assessments._common import (
    NOTE_LIMIT,
    Status,
    _check_version,
    _locked,
    _require,
    _state,
    _text_error,
)


def _completeness_errors(assessment: CsfAssessment) -> list[str]:
    return assessment_completeness(assessment).messages()


@transaction.atomic
def csf_assessment_submit(
    *, actor, assessment: CsfAssessment, expected_version: int | None = None
) -> CsfAssessment:
    """Send a complete draft (or a returned assessment) to the reviewers."""
    assessment = _locked(assessment)
    _require(actor, FILL, assessment.organization, "submit the CSF assessment")
    _check_version(assessment, expected_version)
    if not assessment.editable:
        raise ValidationError(
            f"This assessment is already {assessment.get_status_display().lower()}."
        )
    if problems := _completeness_errors(assessment):
        raise ValidationError(["It cannot be submitted yet.", *problems])
    before = _state(assessment)
    assessment.status = Status.SUBMITTED
    assessment.submitted_by, assessment.submitted_at = actor, timezone.now()
    assessment.version += 1
    assessment.save()
    audit_record(
        actor=actor,
        action="csf_assessment_submit",
        obj=assessment,
        organization=assessment.organization,
        before=before,
        after=_state(assessment),
    )
    return assessment


@transaction.atomic
def csf_assessment_approve(
    *, actor, assessment: CsfAssessment, note: str = "", expected_version: int | None = None
) -> CsfAssessment:
    """A reviewer approves a complete submitted assessment; it is read-only from then on and
    becomes the organization's current profile when it is the latest approved."""
    assessment = _locked(assessment)
    _require(actor, REVIEW, assessment.organization, "approve CSF assessments")
    _check_version(assessment, expected_version)
    note = (note or "").strip()
    problems = []
    if assessment.status != Status.SUBMITTED:
        problems.append(
            "Only an assessment submitted for review can be approved; this one is "
            f"{assessment.get_status_display().lower()}."
        )
    incomplete = _completeness_errors(assessment)
    if incomplete:
        problems.extend(["It is not complete.", *incomplete])
    if not problems and assessment.submitted_by_id == actor.pk:
        problems.append(
            "You submitted this assessment, so another reviewer of the organization approves "
            "it. You may still return it with a note."
        )
    if problem := _text_error(note, NOTE_LIMIT, "note"):
        problems.append(problem)
    if problems:
        raise ValidationError(problems)
    return _review(actor, assessment, Status.APPROVED, note, "csf_assessment_approve")


@transaction.atomic
def csf_assessment_return(
    *, actor, assessment: CsfAssessment, note: str, expected_version: int | None = None
) -> CsfAssessment:
    """A reviewer sends a submitted assessment back to its planners, saying what to change."""
    assessment = _locked(assessment)
    _require(actor, REVIEW, assessment.organization, "return CSF assessments")
    _check_version(assessment, expected_version)
    if assessment.status != Status.SUBMITTED:
        raise ValidationError(
            "Only an assessment submitted for review can be returned; this one is "
            f"{assessment.get_status_display().lower()}."
        )
    note = (note or "").strip()
    if not note:
        raise ValidationError(
            {"note": "Say what the planners should change: the note is required."}
        )
    if problem := _text_error(note, NOTE_LIMIT, "note"):
        raise ValidationError({"note": problem})
    return _review(actor, assessment, Status.RETURNED, note, "csf_assessment_return")


def _review(actor, assessment: CsfAssessment, status: str, note: str, action: str):
    before = _state(assessment)
    assessment.status = status
    assessment.reviewed_by, assessment.reviewed_at = actor, timezone.now()
    assessment.review_note = note
    assessment.version += 1
    assessment.save()
    audit_record(
        actor=actor,
        action=action,
        obj=assessment,
        organization=assessment.organization,
        before=before,
        after=_state(assessment),
        reason=note,
    )
    return assessment
