"""Helpers of the reporting tests (R-5, M-5, M-6, the dashboard).

`decide` is the documented shortcut of the issue-6 contract for lists of many systems: an
`AuthorizationDecision` row created directly, with a snapshot of `{}` and a placeholder hash,
instead of taking each system through the whole RMF and signing with the service
(`tests.authorize_steps.cycle_in_monitor` does that, for the tests of one system)."""

from datetime import timedelta

from django.utils import timezone

from assets.models import System
from rmf.models import (
    Assessment,
    Authorization,
    AuthorizationDecision,
    Finding,
    PoamItem,
    SelectedControl,
)
from rmf.services.workflow import authorization_start
from tests.factories import make_system

Kind = AuthorizationDecision.Kind


def current_cycle(personas, system: System) -> Authorization:
    """The system's current cycle, started when it has none."""
    authorization = Authorization.objects.filter(system=system, is_current=True).first()
    return authorization or authorization_start(actor=personas.member, system=system)


def _cycle_to_decide(personas, system: System) -> Authorization:
    """A later decision belongs to a later cycle: a new one when the current was decided."""
    authorization = current_cycle(personas, system)
    if hasattr(authorization, "decision"):
        authorization = authorization_start(actor=personas.member, system=system)
    return authorization


def decide(
    personas,
    system: System,
    kind: str = Kind.ATO,
    *,
    days: int | None = 365,
    signed_days_ago: int = 0,
    step: str | None = None,
) -> AuthorizationDecision:
    """A decision signed `signed_days_ago` days ago, ending `days` days after it was signed
    (none for a denial), on a new or the current cycle of `system`."""
    authorization = _cycle_to_decide(personas, system)
    if step is not None:
        Authorization.objects.filter(pk=authorization.pk).update(step=step)
    decided_on = timezone.localdate() - timedelta(days=signed_days_ago)
    termination = None if kind == Kind.DENIAL or days is None else decided_on + timedelta(days=days)
    return AuthorizationDecision.objects.create(
        authorization=authorization,
        kind=kind,
        conditions=["Monthly scans."] if kind == Kind.ATO_WITH_CONDITIONS else [],
        terms="Operate within the described boundary.",
        decision_date=decided_on,
        termination_date=termination,
        signed_by=personas.authorizing_official,
        signer_name=personas.authorizing_official.get_full_name(),
        signed_at=timezone.now() - timedelta(days=signed_days_ago),
        content_hash="0" * 64,
        snapshot={},
    )


def dispose(system: System) -> None:
    """Disposal as recorded on the system (its status and retirement date)."""
    System.objects.filter(pk=system.pk).update(
        status=System.Status.DISPOSED, retirement_date=timezone.localdate()
    )


def agency_systems(personas, count: int, start: int = 0, *, organization=None, prefix="Parking"):
    organization = organization or personas.agency
    return [
        make_system(
            organization,
            f"{prefix} sensors {number}",
            f"{prefix[:2].upper()}{number}",
            kind=System.Kind.IOT,
            system_owner=personas.member if organization == personas.agency else None,
            authorizing_official=personas.authorizing_official,
        )
        for number in range(start, start + count)
    ]


# Findings and POA&M items created directly, for counts over many systems (the assessment
# services that make them are tested in the Assess modules).


def finding(authorization: Authorization, number: int, control_id: str, *, risk="", status=""):
    assessment, _ = Assessment.objects.get_or_create(
        authorization=authorization,
        kind=Assessment.Kind.INITIAL,
        defaults={"title": "Initial assessment"},
    )
    selected, _ = SelectedControl.objects.get_or_create(
        authorization=authorization, control_id=control_id
    )
    return Finding.objects.create(
        assessment=assessment,
        selected_control=selected,
        number=number,
        weakness=f"Weakness {number} of {authorization.system.acronym}",
        risk_level=risk,
        status=status or Finding.Status.OPEN,
    )


def poam_item(
    authorization: Authorization,
    number: int,
    *,
    risk: str = "moderate",
    age_days: int = 0,
    overdue: bool = False,
    status: str = PoamItem.Status.OPEN,
    finding=None,
) -> PoamItem:
    today = timezone.localdate()
    item = PoamItem.objects.create(
        authorization=authorization,
        number=number,
        finding=finding,
        weakness=f"Item {number} of {authorization.system.acronym}",
        source="Added by hand",
        risk_level=risk,
        status=status,
        scheduled_completion=today + timedelta(days=-1 if overdue else 60),
    )
    created = timezone.now() - timedelta(days=age_days)
    PoamItem.objects.filter(pk=item.pk).update(created_at=created)
    item.created_at = created
    return item
