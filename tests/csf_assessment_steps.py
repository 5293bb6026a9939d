"""Shared by the CSF assessment tests: assessments brought to a given state through the
services, the way a planner and a reviewer would."""

from csf.models import CsfAssessment, CsfElement
from csf.services.assessments import (
    csf_answers_save,
    csf_assessment_approve,
    csf_assessment_start,
    csf_assessment_submit,
    csf_tiers_save,
)

SUBCATEGORY = CsfElement.Kind.SUBCATEGORY


def subcategories(version: str = "2.0") -> list[str]:
    return list(
        CsfElement.objects.filter(version=version, kind=SUBCATEGORY, withdrawn=False)
        .order_by("sort_order")
        .values_list("identifier", flat=True)
    )


def functions(version: str = "2.0") -> list[str]:
    return list(
        CsfElement.objects.filter(version=version, kind=CsfElement.Kind.FUNCTION)
        .order_by("sort_order")
        .values_list("identifier", flat=True)
    )


def start(personas, *, year: int = 2025, framework: str = "2.0", copy_from=None):
    return csf_assessment_start(
        actor=personas.member,
        organization=personas.agency,
        year=year,
        framework=framework,
        copy_from=copy_from,
    )


def answer_all(personas, assessment: CsfAssessment, score: int = 4, scores: dict | None = None):
    """Every active subcategory scored `score` (or as `scores` says), with a comment."""
    scores = scores or {}
    rows = [
        (identifier, scores.get(identifier, score), f"Comment on {identifier}", "")
        for identifier in subcategories(assessment.framework)
    ]
    csf_answers_save(actor=personas.member, assessment=assessment, answers=rows)


def tier_all(personas, assessment: CsfAssessment, tier: int = 2):
    csf_tiers_save(
        actor=personas.member,
        assessment=assessment,
        tiers=[
            (function, tier, "Policies approved, not yet everywhere.") for function in functions()
        ],
    )


def complete(personas, assessment: CsfAssessment, score: int = 4) -> CsfAssessment:
    answer_all(personas, assessment, score)
    if assessment.framework == "2.0":
        tier_all(personas, assessment)
    assessment.refresh_from_db()
    return assessment


def submitted(personas, *, year: int = 2025, framework: str = "2.0", score: int = 4):
    assessment = complete(personas, start(personas, year=year, framework=framework), score)
    return csf_assessment_submit(actor=personas.member, assessment=assessment)


def approved(personas, *, year: int = 2025, framework: str = "2.0", score: int = 4):
    assessment = submitted(personas, year=year, framework=framework, score=score)
    return csf_assessment_approve(actor=personas.admin, assessment=assessment)
