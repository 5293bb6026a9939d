"""The demo city's Authorize and Monitor work: authorization decisions of different ages.

The traffic signal system (HIGH) is authorized today with conditions. Three LOW systems were
authorized earlier: the city website (an ATO ending in 55 days), the building automation system
(an ATO that expired 20 days ago) and the smart street lighting pilot (an interim authorization
to test ending in 22 days).

Decisions are signed through the services, like every other step; a decision cannot be
backdated there. For the older ones the demo then moves the cycle's history back in time, as if
the work had been done then: the dates of the cycle's records and audit events shift by the same
number of days, and the signed package is taken again so that it matches the shifted data.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from assets.models import AuditEvent
from rmf.models import (
    Assessment,
    AssessorAssignment,
    Authorization,
    AuthorizationDecision,
    Categorization,
    ControlImplementation,
    ControlSelection,
    Determination,
    Finding,
    ImpactAdjustment,
    ImplementationNarrative,
    PoamItem,
    PoamMilestone,
    RemediationAction,
    RiskDetermination,
    RiskResponse,
    StepTransition,
    TaskSignoff,
)
from rmf.selectors.package import package_content, package_hash
from rmf.services.authorize import decision_sign, risk_determination_record, risk_response_record
from rmf.services.workflow import authorization_advance, task_signoff

Kind = AuthorizationDecision.Kind


@dataclass(frozen=True)
class DemoDecision:
    kind: str
    term_days: int  # from the decision date to its termination
    signed_days_ago: int = 0
    risk_level: str = "moderate"
    risk_rationale: str = ""
    response: str = "mitigate"  # the response to every finding not closed
    conditions: tuple[str, ...] = ()
    terms: str = ""


def demo_password(username: str) -> str:
    """The demo users' printed password (assets.demo)."""
    return f"demo-{username}-2026"


def seed_authorization(
    *, authorization: Authorization, owner, ao, decision: DemoDecision, history_since
) -> Authorization:
    """R-1 to R-5 and on to Monitor: the owner submits the package, the authorizing official
    determines the risk, answers each open finding and signs; then, for an older decision, the
    cycle's history (its records, and the audit events written since `history_since`, when its
    seeding began) moves back by `signed_days_ago` days."""
    authorization = authorization_advance(
        actor=owner, authorization=authorization, reason="Assessment complete; POA&M in place."
    )
    task_signoff(
        actor=owner,
        authorization=authorization,
        task="R-1",
        note="Security plan, assessment report and POA&M ready for the authorizing official.",
    )
    risk_determination_record(
        actor=ao,
        authorization=authorization,
        risk_level=decision.risk_level,
        rationale=decision.risk_rationale,
    )
    for finding in Finding.objects.filter(assessment__authorization=authorization).exclude(
        status=Finding.Status.CLOSED
    ):
        risk_response_record(
            actor=ao,
            finding=finding,
            response=decision.response,
            rationale="Remediated through the POA&M item on the schedule agreed with the owner."
            if decision.response == "mitigate"
            else "Accepted for the term of the authorization; reviewed at each POA&M update.",
        )
    today = timezone.localdate()
    decision_sign(
        actor=ao,
        authorization=authorization,
        kind=decision.kind,
        conditions=list(decision.conditions),
        terms=decision.terms,
        decision_date=today,
        termination_date=today + timedelta(days=decision.term_days),
        password=demo_password(ao.get_username()),
    )
    authorization = authorization_advance(
        actor=owner, authorization=authorization, reason="Authorized: continuous monitoring."
    )
    if decision.signed_days_ago:
        _move_history_back(authorization, timedelta(days=decision.signed_days_ago), history_since)
    return authorization


def _move_history_back(authorization: Authorization, delta: timedelta, since) -> None:
    """Shift the dates of a cycle's records, and of the audit events written while it was
    seeded, back by `delta`; then take the signed package again from the shifted data."""
    in_cycle = {"authorization": authorization}
    Authorization.objects.filter(pk=authorization.pk).update(started_at=F("started_at") - delta)
    for model, fields, scope in (
        (StepTransition, ("created_at",), in_cycle),
        (Categorization, ("approved_at",), in_cycle),
        (ImpactAdjustment, ("adjusted_at",), {"categorization__authorization": authorization}),
        (ControlSelection, ("selected_at",), in_cycle),
        (AssessorAssignment, ("assigned_at",), in_cycle),
        (TaskSignoff, ("signed_at",), in_cycle),
        (
            ControlImplementation,
            ("updated_at",),
            {"selected_control__authorization": authorization},
        ),
        (
            ImplementationNarrative,
            ("updated_at",),
            {"implementation__selected_control__authorization": authorization},
        ),
        (
            Assessment,
            ("starts_on", "ends_on", "plan_approved_at", "created_at", "updated_at"),
            in_cycle,
        ),
        (Determination, ("updated_at",), {"assessment__authorization": authorization}),
        (
            Finding,
            ("created_at", "updated_at", "reassessed_at"),
            {"assessment__authorization": authorization},
        ),
        (
            RemediationAction,
            ("completed_on", "recorded_at"),
            {"finding__assessment__authorization": authorization},
        ),
        (
            PoamItem,
            (
                "created_at",
                "updated_at",
                "scheduled_completion",
                "closed_at",
                "rechecked_at",
                "risk_accepted_at",
            ),
            in_cycle,
        ),
        (PoamMilestone, ("due_on", "completed_on"), {"item__authorization": authorization}),
        (RiskDetermination, ("determined_at",), in_cycle),
        (RiskResponse, ("decided_at",), {"finding__assessment__authorization": authorization}),
        (
            AuthorizationDecision,
            ("decision_date", "termination_date", "signed_at"),
            in_cycle,
        ),
    ):
        # The rows are picked first and updated by key: an UPDATE filtered through joins is an
        # IN (subquery) that PostgreSQL may plan as a nested loop over tables it has no
        # statistics for yet (freshly seeded), which took minutes. A date left empty stays
        # empty: NULL minus a duration is NULL.
        keys = list(model.objects.filter(**scope).values_list("pk", flat=True))
        model.objects.filter(pk__in=keys).update(**{name: F(name) - delta for name in fields})
    AuditEvent.objects.filter(created_at__gte=since).update(created_at=F("created_at") - delta)
    decision = AuthorizationDecision.objects.get(authorization=authorization)
    content = package_content(
        Authorization.objects.select_related("system__organization").get(pk=authorization.pk)
    )
    decision.snapshot = content
    decision.content_hash = package_hash(content)
    decision.save(update_fields=["snapshot", "content_hash"])
