"""Step 5, Authorize: the authorizing official's risk determination (R-2), the risk response to
each finding (R-3) and the signed decision (R-4) that freezes the package.

Every write locks the cycle's row and writes its audit record in the same transaction.
"""

from datetime import date
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from assets.roles import AUTHORIZE
from assets.selectors import user_can
from rmf.models import (
    STEP_ORDER,
    Authorization,
    AuthorizationDecision,
    Finding,
    RiskDetermination,
    RiskResponse,
    RiskResponseKind,
    RiskScale,
    Step,
)
from rmf.selectors.package import package_content, package_hash
from rmf.selectors.workflow import cycle_facts, task_states
from rmf.services.assessment._common import audit, signed_in
from rmf.services.workflow import ensure_open, lock_authorization

Kind = AuthorizationDecision.Kind
# Longest terms the workbench accepts, in years from the decision date.
MAX_TERM_YEARS = {Kind.ATO: 5, Kind.ATO_WITH_CONDITIONS: 5, Kind.IATT: 1}
MAX_CONDITION_LENGTH = 1000


class RiskDeterminationConflict(Exception):
    def __init__(self, current: RiskDetermination):
        super().__init__("The risk determination was changed meanwhile.")
        self.current = current


class RiskResponseConflict(Exception):
    def __init__(self, current: RiskResponse):
        super().__init__("The risk response was changed meanwhile.")
        self.current = current


def _open_for_risk(authorization: Authorization, actor, what: str) -> Authorization:
    authorization = lock_authorization(authorization)
    ensure_open(authorization)
    if STEP_ORDER.index(authorization.step) < STEP_ORDER.index(Step.AUTHORIZE):
        raise ValidationError(
            f"The risk is {what} from the Authorize step on, once the assessment is done."
        )
    if actor is None or not user_can(actor, AUTHORIZE, authorization.system):
        raise ValidationError(
            f"Only an authorizing official of {authorization.system.organization} {what} the risk."
        )
    return authorization


def _rationale(rationale: str, errors: dict[str, str], what: str) -> str:
    rationale = (rationale or "").strip()
    if not rationale:
        errors["rationale"] = f"Say why: the rationale is part of the package ({what})."
    return rationale


def _save_versioned(current, create, values: dict, *, expected_version, conflict, stamps: dict):
    """Create the record (`create()`) or update `current` with `values`, checking the version
    the user saw. Returns the record, its values before (None when created) and whether
    anything was written (not when the values are those it holds)."""
    if current is not None and expected_version and expected_version != current.version:
        raise conflict(current)
    before = {name: getattr(current, name) for name in values} if current is not None else None
    if before == values:
        return current, before, False
    record = create() if current is None else current
    if current is not None:
        record.version += 1
    for name, value in {**values, **stamps}.items():
        setattr(record, name, value)
    record.save()
    return record, before, True


@transaction.atomic
def risk_determination_record(
    *,
    actor,
    authorization: Authorization,
    risk_level: str,
    rationale: str,
    expected_version: int | None = None,
) -> RiskDetermination:
    """R-2: the authorizing official's determination of the risk of operating the system, from
    the findings, the POA&M and the aggregated risk. Recorded again when it changes."""
    authorization = _open_for_risk(authorization, actor, "determined")
    errors: dict[str, str] = {}
    if risk_level not in RiskScale.values:
        errors["risk_level"] = "Choose very low, low, moderate, high or very high."
    rationale = _rationale(rationale, errors, "R-2")
    if errors:
        raise ValidationError(errors)
    current = (
        RiskDetermination.objects.select_for_update().filter(authorization=authorization).first()
    )
    record, before, changed = _save_versioned(
        current,
        lambda: RiskDetermination(authorization=authorization),
        {"risk_level": risk_level, "rationale": rationale},
        expected_version=expected_version,
        conflict=RiskDeterminationConflict,
        stamps={"determined_by": signed_in(actor), "determined_at": timezone.now()},
    )
    if changed:
        audit(
            actor,
            "risk_determination_record",
            record,
            authorization,
            before=before,
            after={"risk_level": risk_level, "rationale": rationale, "version": record.version},
        )
    return record


@transaction.atomic
def risk_response_record(
    *,
    actor,
    finding: Finding,
    response: str,
    rationale: str,
    expected_version: int | None = None,
) -> RiskResponse:
    """R-3 (M-3 later): how the risk of a finding that is not closed is answered: accepted,
    mitigated (the POA&M item), avoided or shared/transferred."""
    authorization = _open_for_risk(finding.assessment.authorization, actor, "answered")
    finding = Finding.objects.select_for_update(of=("self",)).get(pk=finding.pk)
    errors: dict[str, str] = {}
    if finding.status == Finding.Status.CLOSED:
        raise ValidationError(
            f"{finding.code} is closed (re-assessed satisfied): there is no risk left to answer."
        )
    if response not in RiskResponseKind.values:
        errors["response"] = "Choose accept, mitigate, avoid, or share or transfer."
    rationale = _rationale(rationale, errors, "R-3")
    if errors:
        raise ValidationError(errors)
    current = RiskResponse.objects.select_for_update().filter(finding=finding).first()
    record, before, changed = _save_versioned(
        current,
        lambda: RiskResponse(finding=finding),
        {"response": response, "rationale": rationale},
        expected_version=expected_version,
        conflict=RiskResponseConflict,
        stamps={"decided_by": signed_in(actor), "decided_at": timezone.now()},
    )
    if changed:
        audit(
            actor,
            "risk_response_record",
            record,
            authorization,
            before=before,
            after={
                "finding": finding.code,
                "response": response,
                "rationale": rationale,
                "version": record.version,
            },
        )
    return record


def years_after(day: date, years: int) -> date:
    """The same day `years` later (February 29 becomes February 28)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _decision_errors(
    *,
    kind: str,
    conditions: list[str],
    decision_date: date | None,
    termination_date: date | None,
    today: date,
) -> tuple[dict[str, str], list[str]]:
    errors: dict[str, str] = {}
    if kind not in Kind.values:
        errors["kind"] = (
            "Choose an authorization to operate, with conditions, an interim authorization to "
            "test, or a denial."
        )
    conditions = [condition.strip() for condition in conditions or [] if condition.strip()]
    if kind == Kind.ATO_WITH_CONDITIONS and not conditions:
        errors["conditions"] = "List the conditions of the authorization, one per line."
    elif conditions and kind != Kind.ATO_WITH_CONDITIONS:
        errors["conditions"] = (
            "Conditions go with an authorization to operate with conditions: choose that "
            "decision, or remove them."
        )
    elif any(len(condition) > MAX_CONDITION_LENGTH for condition in conditions):
        errors["conditions"] = f"Keep each condition under {MAX_CONDITION_LENGTH} characters."
    if decision_date is None:
        errors["decision_date"] = "Give the decision date: today."
    elif decision_date < today:
        errors["decision_date"] = (
            f"A decision cannot be backdated: it is dated the day it is signed ({today:%Y-%m-%d})."
        )
    elif decision_date > today:
        errors["decision_date"] = (
            f"A decision is dated the day it is signed ({today:%Y-%m-%d}); its terms may say "
            "when operation starts."
        )
    if kind == Kind.DENIAL:
        if termination_date is not None:
            errors["termination_date"] = "A denial has no termination date: leave it empty."
    elif kind in MAX_TERM_YEARS and decision_date is not None and "decision_date" not in errors:
        if termination_date is None:
            errors["termination_date"] = "Give the date the authorization ends (its expiry)."
        elif termination_date <= decision_date:
            errors["termination_date"] = "The authorization ends after the decision date."
        elif termination_date > (longest := years_after(decision_date, MAX_TERM_YEARS[kind])):
            errors["termination_date"] = (
                f"{Kind(kind).label} ends on {longest:%Y-%m-%d} at the latest."
            )
    return errors, conditions


def _ensure_signable(actor, authorization: Authorization) -> None:
    system = authorization.system
    if (
        actor is None
        or system.authorizing_official_id != actor.pk
        or not user_can(actor, AUTHORIZE, system)
    ):
        name = ""
        if system.authorizing_official is not None:
            official = system.authorizing_official
            name = f" ({official.get_full_name() or official.get_username()})"
        raise ValidationError(
            f"Only the authorizing official of {system.acronym}{name} signs its decision."
        )
    if authorization.step != Step.AUTHORIZE:
        raise ValidationError(
            f"The decision is signed in the Authorize step; this cycle is in "
            f"{Step(authorization.step).label}."
        )
    existing = (
        AuthorizationDecision.objects.filter(authorization=authorization)
        .select_related("signed_by")
        .first()
    )
    if existing is not None:
        raise ValidationError(
            f"This cycle's decision was signed by {existing.signer_name} on "
            f"{existing.signed_at:%Y-%m-%d %H:%M}: a signed decision is final. A new decision "
            "needs a new cycle."
        )
    open_tasks = [
        state
        for state in task_states(cycle_facts(authorization))
        if state.spec.required
        and STEP_ORDER.index(state.spec.step) <= STEP_ORDER.index(Step.AUTHORIZE)
        and state.code not in ("R-4", "R-5")
        and not state.done
    ]
    if open_tasks:
        raise ValidationError(
            "The decision cannot be signed yet. Still needed: "
            + "; ".join(
                f"{state.code} {state.spec.title}: {', '.join(state.missing)}"
                for state in open_tasks
            )
            + "."
        )


@transaction.atomic
def decision_sign(
    *,
    actor,
    authorization: Authorization,
    kind: str,
    conditions: list[str],
    terms: str,
    decision_date: date | None,
    termination_date: date | None,
    password: str,
) -> AuthorizationDecision:
    """R-4: the system's authorizing official signs the decision, re-entering their password.
    The package content is frozen with the decision (its SHA-256 stored); the system's
    previous decision, from an earlier cycle, ends. Refused, with nothing written, when the
    signer is not the system's authorizing official, the password is wrong, the cycle is not
    in Authorize, a decision was already signed, a required task is open, or the dates are
    backdated or out of bounds."""
    authorization = lock_authorization(authorization)
    ensure_open(authorization)
    _ensure_signable(actor, authorization)
    _check_password(actor, password)
    today = timezone.localdate()
    errors, conditions = _decision_errors(
        kind=kind,
        conditions=conditions,
        decision_date=decision_date,
        termination_date=termination_date,
        today=today,
    )
    if errors:
        raise ValidationError(errors)
    content = package_content(authorization)
    content_hash = package_hash(content)
    signer_name = actor.get_full_name() or actor.get_username()
    decision = AuthorizationDecision.objects.create(
        authorization=authorization,
        kind=kind,
        conditions=conditions,
        terms=(terms or "").strip(),
        decision_date=decision_date,
        termination_date=termination_date,
        signed_by=actor,
        signer_name=signer_name,
        signed_at=timezone.now(),
        content_hash=content_hash,
        snapshot=content,
    )
    ended = _end_previous(actor, authorization, decision, today)
    after: dict[str, Any] = {
        "kind": kind,
        "conditions": conditions,
        "terms": decision.terms,
        "decision_date": decision_date,
        "termination_date": termination_date,
        "signed_by": actor.get_username(),
        "content_hash": content_hash,
    }
    if ended:
        after["ends"] = ended
    audit(actor, "decision_sign", decision, authorization, after=after)
    return decision


def _check_password(actor, password: str) -> None:
    """The signer's password, with the login page's limit on wrong guesses: after
    AXES_FAILURE_LIMIT wrong passwords, signing is refused for AXES_COOLOFF_TIME. The count
    lives in the cache, outside the transaction that a wrong password rolls back."""
    key = f"decision-sign-failures:{actor.pk}"
    failures = cache.get(key, 0)
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    if failures >= settings.AXES_FAILURE_LIMIT:
        raise ValidationError(
            {
                "password": f"Too many wrong passwords: signing is locked for {minutes} "
                "minutes. Try again later, or reset your password."
            }
        )
    if not password or not actor.check_password(password):
        cache.set(key, failures + 1, timeout=settings.AXES_COOLOFF_TIME.total_seconds())
        raise ValidationError({"password": "The password is not right: enter yours to sign."})
    cache.delete(key)


def _end_previous(
    actor, authorization: Authorization, decision: AuthorizationDecision, today: date
) -> list[str]:
    """End the system's decisions of earlier cycles still in force: the new one replaces them."""
    ended = []
    for previous in (
        AuthorizationDecision.objects.select_for_update()
        .filter(authorization__system=authorization.system_id, ended_on__isnull=True)
        .exclude(pk=decision.pk)
        .select_related("authorization")
    ):
        previous.ended_on = today
        previous.ended_reason = (
            f"Superseded by the decision of cycle {authorization.cycle} on {today:%Y-%m-%d}."
        )
        previous.save(update_fields=["ended_on", "ended_reason"])
        ended.append(f"cycle {previous.authorization.cycle}: {previous.get_kind_display()}")
        audit(
            actor,
            "decision_end",
            previous,
            authorization,
            before={"ended_on": None},
            after={"ended_on": today, "ended_reason": previous.ended_reason},
        )
    return ended
