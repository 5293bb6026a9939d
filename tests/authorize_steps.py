"""Helpers of the Authorize and Monitor tests: take a cycle through Assess (two findings rated,
POA&M kept) into Authorize, then through R-1 to R-4 with the services, as the people would: the
system team submits the package, the authorizing official determines the risk, answers each
finding and signs with their password."""

from datetime import timedelta

from django.utils import timezone

from assets.models import System
from rmf.models import Authorization, AuthorizationDecision, Finding
from rmf.services.authorize import (
    decision_sign,
    risk_determination_record,
    risk_response_record,
)
from rmf.services.workflow import authorization_advance, task_signoff
from tests.assessment_steps import complete_poam, determine_all, plan_approved, rate_findings
from tests.factories import PASSWORD
from tests.test_rmf_cycles import cycle_in_assess

# Two controls of the LOW baseline with one objective each other than satisfied.
FAILING = {"ac-2": 1, "ia-5": 1}


def cycle_in_authorize(personas, system: System | None = None) -> Authorization:
    """A LOW cycle assessed (two findings, rated; POA&M items complete) and moved on to
    Authorize."""
    authorization = cycle_in_assess(personas, system)
    assessment = plan_approved(personas, authorization)
    determine_all(personas, assessment, failing=FAILING)
    rate_findings(personas, assessment)
    complete_poam(personas, authorization)
    return authorization_advance(actor=personas.member, authorization=authorization)


def ready_to_sign(personas, authorization: Authorization) -> Authorization:
    """R-1 to R-3 done: the package submitted, the risk determined, every open finding
    answered."""
    task_signoff(
        actor=personas.member,
        authorization=authorization,
        task="R-1",
        note="Package ready for the authorizing official.",
    )
    risk_determination_record(
        actor=personas.authorizing_official,
        authorization=authorization,
        risk_level="moderate",
        rationale="Two weaknesses in account management, scheduled for remediation.",
    )
    for finding in Finding.objects.filter(assessment__authorization=authorization).exclude(
        status=Finding.Status.CLOSED
    ):
        risk_response_record(
            actor=personas.authorizing_official,
            finding=finding,
            response="mitigate",
            rationale="Remediated through the POA&M within 90 days.",
        )
    return authorization


def sign(personas, authorization: Authorization, *, kind: str = "ato", days: int = 365, **values):
    today = timezone.localdate()
    fields = {
        "kind": kind,
        "conditions": ["Quarterly vulnerability scans reported to the AO."]
        if kind == AuthorizationDecision.Kind.ATO_WITH_CONDITIONS
        else [],
        "terms": "Operation within the boundary described in the security plan.",
        "decision_date": today,
        "termination_date": None
        if kind == AuthorizationDecision.Kind.DENIAL
        else today + timedelta(days=days),
        "password": PASSWORD,
        **values,
    }
    return decision_sign(actor=personas.authorizing_official, authorization=authorization, **fields)


def cycle_in_monitor(
    personas, system: System | None = None, *, kind: str = "ato", days: int = 365
) -> Authorization:
    """A cycle authorized by the authorizing official (an ATO for `days` days by default) and
    moved on to Monitor."""
    authorization = ready_to_sign(personas, cycle_in_authorize(personas, system))
    sign(personas, authorization, kind=kind, days=days)
    return authorization_advance(actor=personas.member, authorization=authorization)
