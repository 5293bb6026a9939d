"""Starting an assessment: blank, copied from an earlier year, or carried from CSF 1.1 into
2.0 through NIST's crosswalk (CARRY_RULE)."""

from __future__ import annotations

from statistics import fmean

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from assets.audit import audit_record
from assets.models import Organization
from csf.models import CrosswalkLink, CsfAnswer, CsfAssessment, CsfElement, CsfVersion
from csf.selectors.access import FILL
from csf.services.assessments._common import FIRST_YEAR, Kind, Origin, _require, round_half_up

CARRY_RULE = (
    "Each CSF 2.0 subcategory takes the average of the scores of the CSF 1.1 subcategories "
    "that NIST's crosswalk maps into it, rounded to the nearest level (halves rounded up). "
    "Subcategories that nothing scored maps into are left for you to answer. Every carried "
    "answer is marked to review until you save it."
)


@transaction.atomic
def csf_assessment_start(
    *,
    actor,
    organization: Organization,
    year: int,
    framework: str,
    copy_from: CsfAssessment | None = None,
) -> CsfAssessment:
    """A new draft assessment of `organization` for `year`: blank, or with the answers of an
    earlier assessment of the same organization copied (same version) or carried from CSF 1.1
    into 2.0 through NIST's crosswalk (CARRY_RULE), every one of them to review."""
    _require(actor, FILL, organization, "start a CSF assessment")
    errors: dict[str, str] = {}
    latest = timezone.localdate().year + 1
    if framework not in CsfVersion.values:
        errors["framework"] = "Choose CSF 1.1 or CSF 2.0."
    year_valid = isinstance(year, int) and FIRST_YEAR <= year <= latest
    if not year_valid:
        errors["year"] = f"Give a year from {FIRST_YEAR} to {latest}."
    elif CsfAssessment.objects.filter(organization=organization, year=year).exists():
        errors["year"] = (
            f"{organization} already has a CSF assessment for {year}: open it rather than "
            "starting another one."
        )
    if copy_from is not None:
        if copy_from.organization_id != organization.pk:
            errors["copy_from"] = "Only an earlier assessment of the same organization is copied."
        elif year_valid and copy_from.year >= year:
            errors["copy_from"] = (
                f"Start from an earlier year than {year}: the assessment chosen is of "
                f"{copy_from.year}."
            )
        elif copy_from.framework == CsfVersion.V2_0 and framework == CsfVersion.V1_1:
            errors["copy_from"] = (
                "A CSF 2.0 assessment cannot be carried back into CSF 1.1: start the CSF 1.1 "
                "assessment blank, or use CSF 2.0."
            )
    if errors:
        raise ValidationError(errors)

    if copy_from is None:
        origin = Origin.BLANK
    elif copy_from.framework == framework:
        origin = Origin.COPIED
    else:
        origin = Origin.CROSSWALK
    try:
        with transaction.atomic():
            assessment = CsfAssessment.objects.create(
                organization=organization,
                year=year,
                framework=framework,
                origin=origin,
                copied_from=copy_from,
                created_by=actor,
            )
    except IntegrityError as error:  # started by someone else a moment ago
        raise ValidationError(
            {"year": f"{organization} already has a CSF assessment for {year}."}
        ) from error
    if origin == Origin.COPIED:
        answers = _copied_answers(copy_from, assessment, actor)
    elif origin == Origin.CROSSWALK:
        answers = _carried_answers(copy_from, assessment, actor)
    else:
        answers = []
    CsfAnswer.objects.bulk_create(answers)
    audit_record(
        actor=actor,
        action="csf_assessment_start",
        obj=assessment,
        organization=organization,
        after={
            "year": year,
            "framework": framework,
            "status": assessment.status,
            "origin": origin,
            "copied_from": str(copy_from) if copy_from else None,
            "answers_to_review": len(answers),
            "answers_scored": sum(1 for answer in answers if answer.score is not None),
        },
    )
    return assessment


def _copied_answers(source: CsfAssessment, assessment: CsfAssessment, actor) -> list[CsfAnswer]:
    """Last year's answers of the subcategories still active, as drafts to review."""
    return [
        CsfAnswer(
            assessment=assessment,
            subcategory_id=answer.subcategory_id,
            score=answer.score,
            comment=answer.comment,
            evidence=answer.evidence,
            needs_review=True,
            updated_by=actor,
        )
        for answer in source.answers.filter(
            subcategory__withdrawn=False, subcategory__version=assessment.framework
        ).order_by("subcategory__sort_order")
        if answer.score is not None or answer.comment or answer.evidence
    ]


def _carried_answers(source: CsfAssessment, assessment: CsfAssessment, actor) -> list[CsfAnswer]:
    """Every active CSF 2.0 subcategory, with what the crosswalk carries into it from the CSF
    1.1 answers (CARRY_RULE), flagged to review; those nothing carries into, flagged to
    answer."""
    answers = {
        answer.subcategory.identifier: answer
        for answer in source.answers.select_related("subcategory").filter(
            subcategory__version=CsfVersion.V1_1
        )
    }
    sources_of: dict[int, list[str]] = {}
    links = (
        CrosswalkLink.objects.filter(
            source__version=CsfVersion.V1_1,
            source__kind=Kind.SUBCATEGORY,
            target__version=CsfVersion.V2_0,
            target__kind=Kind.SUBCATEGORY,
        )
        .order_by("source__sort_order")
        .values_list("target_id", "source__identifier")
    )
    for target_id, source_identifier in links:
        sources_of.setdefault(target_id, []).append(source_identifier)
    rows = []
    targets = CsfElement.objects.filter(
        version=CsfVersion.V2_0, kind=Kind.SUBCATEGORY, withdrawn=False
    ).order_by("sort_order")
    for target in targets:
        used = [
            answers[identifier]
            for identifier in sources_of.get(target.pk, [])
            if identifier in answers
            and (
                answers[identifier].score is not None
                or answers[identifier].comment
                or answers[identifier].evidence
            )
        ]
        scores = [answer.score for answer in used if answer.score is not None]
        rows.append(
            CsfAnswer(
                assessment=assessment,
                subcategory=target,
                score=round_half_up(fmean(scores)) if scores else None,
                comment=_joined(used, "comment"),
                evidence=_joined(used, "evidence"),
                needs_review=True,
                carried_from=", ".join(answer.subcategory.identifier for answer in used)[:200],
                updated_by=actor,
            )
        )
    return rows


def _joined(answers: list[CsfAnswer], field: str) -> str:
    """The texts of the answers carried, each under its CSF 1.1 subcategory when several."""
    texts = [(answer.subcategory.identifier, getattr(answer, field)) for answer in answers]
    texts = [(identifier, text) for identifier, text in texts if text]
    if len(texts) == 1 and len(answers) == 1:
        return texts[0][1]
    return "\n".join(f"{identifier} (CSF 1.1): {text}" for identifier, text in texts)
