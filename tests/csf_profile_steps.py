"""What the CSF profile tests share: approved assessments written straight into the models (the
assessment services are another module's), targets and action items."""

from datetime import date, timedelta

from django.utils import timezone

from csf.models import CsfActionItem, CsfAnswer, CsfAssessment, CsfElement, CsfTarget

TODAY = timezone.localdate()
NEXT_MONTH = TODAY + timedelta(days=30)


def subcategories(version: str = "2.0") -> list[str]:
    """The active subcategories of a version, in the core's order."""
    return list(
        CsfElement.objects.filter(version=version, kind="subcategory", withdrawn=False)
        .order_by("sort_order")
        .values_list("identifier", flat=True)
    )


def element(identifier: str, version: str = "2.0") -> CsfElement:
    return CsfElement.objects.get(version=version, identifier=identifier)


def assessment_with_scores(
    organization,
    scores: dict[str, int | None],
    *,
    year: int = 2025,
    version: str = "2.0",
    status: str = CsfAssessment.Status.APPROVED,
    default: int | None = None,
) -> CsfAssessment:
    """An assessment of `organization` with these answers; `default` scores every other active
    subcategory of the version."""
    assessment = CsfAssessment.objects.create(
        organization=organization,
        year=year,
        framework=version,
        status=status,
        reviewed_at=timezone.now() if status == CsfAssessment.Status.APPROVED else None,
    )
    values = dict.fromkeys(subcategories(version), default) if default is not None else {}
    values.update(scores)
    ids = dict(
        CsfElement.objects.filter(version=version, identifier__in=values).values_list(
            "identifier", "pk"
        )
    )
    CsfAnswer.objects.bulk_create(
        CsfAnswer(assessment=assessment, subcategory_id=ids[identifier], score=score)
        for identifier, score in values.items()
    )
    return assessment


def set_target(organization, identifier: str, score: int, rationale: str = "", version="2.0"):
    return CsfTarget.objects.create(
        organization=organization,
        subcategory=element(identifier, version),
        score=score,
        rationale=rationale,
    )


def action_item(
    organization,
    identifier: str,
    *,
    owner=None,
    status: str = CsfActionItem.Status.OPEN,
    due_date: date | None = NEXT_MONTH,
    version: str = "2.0",
    title: str = "",
) -> CsfActionItem:
    return CsfActionItem.objects.create(
        organization=organization,
        subcategory=element(identifier, version),
        title=title or f"Work on {identifier}",
        owner=owner,
        due_date=due_date,
        status=status,
        current_score=2,
        target_score=5,
    )
