"""What the Authorize tasks (R-1 to R-5) look at, for many cycles in three queries."""

from dataclasses import dataclass

from django.db.models import Count

from rmf.models import AuthorizationDecision, Finding, RiskDetermination


@dataclass
class AuthorizeSummary:
    risk_determination: RiskDetermination | None = None
    decision: AuthorizationDecision | None = None
    # Findings of the cycle's assessments that are not closed and have no risk response.
    findings_without_response: int = 0


def authorize_summaries_bulk(authorization_ids: list[int]) -> dict[int, AuthorizeSummary]:
    summaries = {pk: AuthorizeSummary() for pk in authorization_ids}
    if not authorization_ids:
        return summaries
    for determination in RiskDetermination.objects.filter(
        authorization__in=authorization_ids
    ).select_related("determined_by"):
        summaries[determination.authorization_id].risk_determination = determination
    for decision in AuthorizationDecision.objects.filter(
        authorization__in=authorization_ids
    ).select_related("signed_by"):
        summaries[decision.authorization_id].decision = decision
    for authorization_id, n in (
        Finding.objects.filter(
            assessment__authorization__in=authorization_ids, risk_response__isnull=True
        )
        .exclude(status=Finding.Status.CLOSED)
        .values("assessment__authorization")
        .annotate(n=Count("pk"))
        .values_list("assessment__authorization", "n")
        .order_by()
    ):
        summaries[authorization_id].findings_without_response = n
    return summaries
