"""Saving answers (all or nothing, one category at a time) and the CSF 2.0 tiers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from assets.audit import audit_record
from csf.maturity import MAX_LEVEL, MIN_LEVEL
from csf.models import CsfAnswer, CsfAssessment, CsfElement, CsfTier, CsfVersion
from csf.selectors.access import FILL
from csf.services.assessments._common import (
    TEXT_LIMIT,
    AnswerInput,
    Kind,
    TierInput,
    _answer_state,
    _locked,
    _require,
    _require_editable,
    _text_error,
    _valid_score,
)

# ----------------------------------------------------------------------------- answers


@transaction.atomic
def csf_answers_save(
    *,
    actor,
    assessment: CsfAssessment,
    answers: Iterable[AnswerInput | tuple],
    category: str | None = None,
) -> list[CsfAnswer]:
    """Save the answers given (subcategory, score or None, comment, evidence), all or nothing;
    with `category`, every row must be one of its subcategories. Errors are keyed by the
    subcategory's identifier. Saving an answer confirms it (clears `needs_review`)."""
    assessment = _locked(assessment)
    _require(actor, FILL, assessment.organization, "answer the CSF assessment")
    _require_editable(assessment)
    version = assessment.framework
    rows = [AnswerInput(*row) for row in answers]
    if category is not None:
        category = category.strip().upper()
        exists = CsfElement.objects.filter(
            version=version, kind=Kind.CATEGORY, identifier=category, withdrawn=False
        ).exists()
        if not exists:
            raise ValidationError(f"There is no category {category} in CSF {version}.")
    identifiers = [str(row.subcategory).strip().upper() for row in rows]
    found: dict[str, dict[str, CsfElement]] = {}
    for element in CsfElement.objects.filter(identifier__in=identifiers).select_related("parent"):
        found.setdefault(element.identifier, {})[element.version] = element
    errors: dict[str, list[str]] = {}
    chosen: list[tuple[CsfElement, AnswerInput]] = []
    seen: set[str] = set()
    for identifier, row in zip(identifiers, rows, strict=True):
        problems = []
        element = found.get(identifier, {}).get(version)
        if identifier in seen:
            problems.append(f"{identifier} is given twice: send each subcategory once.")
        elif element is None:
            others = sorted(found.get(identifier, {}))
            if others and found[identifier][others[0]].kind == Kind.SUBCATEGORY:
                problems.append(
                    f"{identifier} is a CSF {others[0]} subcategory; this assessment uses "
                    f"CSF {version}."
                )
            else:
                problems.append(f"There is no subcategory {identifier} in CSF {version}.")
        elif element.kind != Kind.SUBCATEGORY:
            problems.append(
                f"{identifier} is a {element.get_kind_display().lower()}, not a subcategory: "
                "score its subcategories."
            )
        elif element.withdrawn:
            problems.append(
                f"{identifier} was withdrawn from CSF {version} and is no longer answered."
            )
        elif category is not None and element.parent.identifier != category:
            problems.append(
                f"{identifier} belongs to category {element.parent.identifier}, not {category}."
            )
        seen.add(identifier)
        if row.score is not None and not _valid_score(row.score):
            problems.append(
                f"The score of {identifier} must be a maturity level from {MIN_LEVEL} to "
                f"{MAX_LEVEL}, or left empty."
            )
        for value, what in ((row.comment or "", "comment"), (row.evidence or "", "evidence")):
            if problem := _text_error(value, TEXT_LIMIT, what):
                problems.append(problem)
        if problems:
            errors[identifier] = problems
        else:
            chosen.append((element, row))
    if errors:
        raise ValidationError(errors)

    existing = {
        answer.subcategory_id: answer
        for answer in assessment.answers.filter(subcategory__in=[e for e, _ in chosen])
    }
    now = timezone.now()
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    to_create: list[CsfAnswer] = []
    to_update: list[CsfAnswer] = []
    saved: list[CsfAnswer] = []
    for element, row in chosen:
        answer = existing.get(element.pk)
        comment, evidence = (row.comment or "").strip(), (row.evidence or "").strip()
        if answer is None:
            if row.score is None and not comment and not evidence:
                continue  # nothing typed and nothing to clear
            answer = CsfAnswer(assessment=assessment, subcategory=element)
            to_create.append(answer)
        else:
            to_update.append(answer)
        old = _answer_state(answer) if answer.pk else None
        answer.score, answer.comment, answer.evidence = row.score, comment, evidence
        answer.needs_review = False
        if old != _answer_state(answer):
            answer.updated_by, answer.updated_at = actor, now
            before[element.identifier] = old
            after[element.identifier] = _answer_state(answer)
        elif answer.pk:
            to_update.remove(answer)
        saved.append(answer)
    CsfAnswer.objects.bulk_create(to_create)
    CsfAnswer.objects.bulk_update(
        to_update, ["score", "comment", "evidence", "needs_review", "updated_by", "updated_at"]
    )
    if after:
        audit_record(
            actor=actor,
            action="csf_answers_save",
            obj=assessment,
            organization=assessment.organization,
            before=before,
            after=after,
        )
    return saved


# ----------------------------------------------------------------------------- tiers


@transaction.atomic
def csf_tiers_save(
    *, actor, assessment: CsfAssessment, tiers: Iterable[TierInput | tuple]
) -> list[CsfTier]:
    """The CSF 2.0 implementation tier of the functions given, with its rationale: a separate
    judgement, never derived from the scores. A function given without a tier loses it. All or
    nothing; errors keyed by the function's identifier."""
    assessment = _locked(assessment)
    _require(actor, FILL, assessment.organization, "record implementation tiers")
    if assessment.framework != CsfVersion.V2_0:
        raise ValidationError(
            "Implementation tiers are part of CSF 2.0 assessments; this one uses CSF "
            f"{assessment.framework}."
        )
    _require_editable(assessment)
    rows = [TierInput(*row) for row in tiers]
    functions = {
        function.identifier: function
        for function in CsfElement.objects.filter(
            version=CsfVersion.V2_0, kind=Kind.FUNCTION, withdrawn=False
        )
    }
    errors: dict[str, list[str]] = {}
    chosen: list[tuple[CsfElement, TierInput]] = []
    for row in rows:
        identifier = str(row.function).strip().upper()
        function = functions.get(identifier)
        problems = []
        rationale = (row.rationale or "").strip()
        if function is None:
            problems.append(f"There is no function {identifier} in CSF 2.0.")
        elif any(identifier == chosen_function.identifier for chosen_function, _ in chosen):
            problems.append(f"{identifier} is given twice.")
        if row.tier is None:
            if rationale:
                problems.append(
                    f"Choose the tier of {identifier} that the rationale explains, or clear "
                    "the rationale."
                )
        elif row.tier not in CsfTier.Tier.values or isinstance(row.tier, bool):
            problems.append(
                f"The tier of {identifier} is one of 1 (Partial), 2 (Risk Informed), "
                "3 (Repeatable) or 4 (Adaptive)."
            )
        if problem := _text_error(rationale, TEXT_LIMIT, "rationale"):
            problems.append(problem)
        if problems:
            errors.setdefault(identifier, []).extend(problems)
        else:
            chosen.append((function, TierInput(identifier, row.tier, rationale)))
    if errors:
        raise ValidationError(errors)
    existing = {tier.function_id: tier for tier in assessment.tiers.all()}
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    kept: list[CsfTier] = []
    for function, row in chosen:
        current = existing.get(function.pk)
        old = {"tier": current.tier, "rationale": current.rationale} if current else None
        new = {"tier": row.tier, "rationale": row.rationale} if row.tier is not None else None
        if old == new:
            if current:
                kept.append(current)
            continue
        before[function.identifier], after[function.identifier] = old, new
        if new is None:
            current.delete()
            continue
        if current is None:
            current = CsfTier(assessment=assessment, function=function)
        current.tier, current.rationale, current.updated_by = row.tier, row.rationale, actor
        current.save()
        kept.append(current)
    if after:
        audit_record(
            actor=actor,
            action="csf_tiers_save",
            obj=assessment,
            organization=assessment.organization,
            before=before,
            after=after,
        )
    return kept
