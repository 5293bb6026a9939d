"""Reads of the SP 800-60 information types (reference data)."""

from django.db.models import Case, CharField, Q, QuerySet, Value, When
from django.http import Http404

from assets.models import InformationType, ProvisionalImpact

IMPACT_FIELDS = ("confidentiality", "integrity", "availability")


def _high_water_mark() -> Case:
    """The highest of the three provisional impact levels (FIPS 199 high-water mark)."""
    return Case(
        When(_any_at(ProvisionalImpact.HIGH), then=Value(ProvisionalImpact.HIGH)),
        When(_any_at(ProvisionalImpact.MODERATE), then=Value(ProvisionalImpact.MODERATE)),
        When(_any_at(ProvisionalImpact.LOW), then=Value(ProvisionalImpact.LOW)),
        # SP 800-60 rates a few types not applicable on all three objectives.
        default=Value(ProvisionalImpact.NOT_APPLICABLE),
        output_field=CharField(),
    )


def _any_at(level: str) -> Q:
    return Q(confidentiality=level) | Q(integrity=level) | Q(availability=level)


def information_type_list() -> QuerySet[InformationType]:
    """All types in SP 800-60 order, each annotated with its `impact` (high-water mark)."""
    return InformationType.objects.annotate(impact=_high_water_mark()).order_by("sort_order")


def information_type_search(
    *,
    q: str = "",
    category: str = "",
    impact: str = "",
    queryset: QuerySet[InformationType] | None = None,
) -> QuerySet[InformationType]:
    """Types whose id, title or description contains every word of `q`, in `category`, and whose
    high-water mark of confidentiality, integrity and availability is `impact`."""
    queryset = information_type_list() if queryset is None else queryset
    for word in q.split():
        queryset = queryset.filter(
            Q(pk__istartswith=word) | Q(title__icontains=word) | Q(description__icontains=word)
        )
    if category:
        queryset = queryset.filter(category=category)
    if impact:
        queryset = queryset.filter(impact=impact.upper())
    return queryset


def information_type_categories() -> list[str]:
    """The distinct categories, in SP 800-60 order."""
    seen = InformationType.objects.order_by("sort_order").values_list("category", flat=True)
    return list(dict.fromkeys(seen))


def information_type_get(pk: str) -> InformationType:
    try:
        return information_type_list().get(pk=pk)
    except InformationType.DoesNotExist as exc:
        raise Http404("No such information type.") from exc
