"""What the CSF assessment services share: limits, inputs, the conflict, checks."""

from __future__ import annotations

import math
from typing import Any, NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError

from assets.models import Organization
from assets.roles import qualified
from csf.maturity import MAX_LEVEL, MIN_LEVEL
from csf.models import CsfAnswer, CsfAssessment, CsfElement
from csf.selectors.access import REVIEW

Status = CsfAssessment.Status
Origin = CsfAssessment.Origin
Kind = CsfElement.Kind


FIRST_YEAR = 2000
TEXT_LIMIT = 10_000  # a comment or evidence: a few pages at most
LABEL_LIMIT = 60
DESCRIPTION_LIMIT = 1_000
NOTE_LIMIT = 5_000


class AnswerInput(NamedTuple):
    subcategory: str  # "PR.AA-01"
    score: int | None
    comment: str = ""
    evidence: str = ""


class TierInput(NamedTuple):
    function: str  # "GV"
    tier: int | None  # None removes the function's tier
    rationale: str = ""


class LabelInput(NamedTuple):
    level: int
    label: str
    description: str


class CsfAssessmentConflict(Exception):
    """Someone changed the assessment's state after the user read it."""

    def __init__(self, *, current: dict[str, Any], current_version: int):
        self.current = current
        self.current_version = current_version
        super().__init__(
            f"Someone else changed this assessment (it is now {current['status_display'].lower()}"
            f", version {current_version}) after you opened it. Nothing was changed: look at "
            "its current state and try again."
        )


def _require(actor, perm: str, organization: Organization, what: str) -> None:
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied(f"Sign in to {what}.")
    if not actor.has_perm(qualified(perm), organization):
        who = "administrators" if perm == REVIEW else "planners"
        raise PermissionDenied(f"Only the organization's {who} {what} for {organization}.")


def _locked(assessment: CsfAssessment) -> CsfAssessment:
    return (
        CsfAssessment.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=assessment.pk)
    )


def _check_version(assessment: CsfAssessment, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != assessment.version:
        raise CsfAssessmentConflict(
            current={
                "status": assessment.status,
                "status_display": assessment.get_status_display(),
                "version": assessment.version,
                "review_note": assessment.review_note,
            },
            current_version=assessment.version,
        )


def _require_editable(assessment: CsfAssessment) -> None:
    if assessment.editable:
        return
    if assessment.status == Status.SUBMITTED:
        raise ValidationError(
            "This assessment is submitted for review, so its answers can no longer be changed. "
            "A reviewer returns it if something must change."
        )
    raise ValidationError("This assessment is approved and kept as it is: nothing can change.")


def _text_error(value: str, limit: int, what: str) -> str | None:
    if len(value) > limit:
        return f"The {what} is {len(value):,} characters long; keep it under {limit:,}."
    return None


def _valid_score(score) -> bool:
    return (
        isinstance(score, int) and not isinstance(score, bool) and MIN_LEVEL <= score <= MAX_LEVEL
    )


def _answer_state(answer: CsfAnswer | None) -> dict[str, Any] | None:
    if answer is None:
        return None
    return {
        "score": answer.score,
        "comment": answer.comment,
        "evidence": answer.evidence,
        "needs_review": answer.needs_review,
    }


def round_half_up(value: float) -> int:
    """3.5 -> 4, 3.49 -> 3: the carry rule's rounding (Python's round() would give 4 for 3.5
    but 2 for 2.5)."""
    return math.floor(value + 0.5)


def _state(assessment: CsfAssessment) -> dict[str, Any]:
    return {
        "status": assessment.status,
        "version": assessment.version,
        "review_note": assessment.review_note,
    }
