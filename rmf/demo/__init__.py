"""The demo city's RMF work: its systems at different steps of their first cycle.

Fictional, like the rest of the demo (assets.demo, assets.demo_inventory). Some systems have not
started; several are in Categorize with part of the work done (adjusted impacts, one approval
waiting for the owner to move on); some are in Select with the baseline chosen and part of the
tailoring, allocation, frequencies and parameter values done; after the authorizing official
("ao") approved their categorization (C-3) and plan (S-6), the city's general support system is
half-way through Implement. Four systems went through every step to Monitor: the traffic
signal system, assessed by the demo assessor (findings, a remediation re-assessed, the POA&M;
rmf.demo.assessment) and authorized today with conditions, and three smaller systems authorized
earlier, one of them now expired (rmf.demo.authorize); their Monitor work (changes, an ongoing
assessment, POA&M progress) is in rmf.demo.monitor. The cycles themselves are data
(rmf.demo.cycles).

Everything is written through the rmf services, as the people of the demo would (owners start
and categorize, ISSOs tailor, the city administrator sets the city's parameter defaults, the
authorizing official signs off), so validation, gates and the audit trail apply.
`seed_rmf()` is idempotent: a system that already has a cycle is left as it is.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from assets.demo import CITY, STATE
from assets.demo_inventory import (
    AGENCY_PEOPLE,
    ASSESSOR_USERNAME,
    AUTHORIZING_OFFICIAL,
    SYSTEMS,
)
from assets.models import Organization, System
from rmf.demo.assessment import seed_assessment, seed_implementation
from rmf.demo.authorize import seed_authorization
from rmf.demo.cycles import CYCLES, DemoCycle
from rmf.demo.monitor import seed_monitoring
from rmf.models import (
    Authorization,
    BaselineControl,
    ControlParameter,
    SelectedControl,
    Step,
)
from rmf.services.categorization import impact_adjust
from rmf.services.selection import (
    control_allocate,
    control_set_select,
    control_tailor_add,
    control_tailor_remove,
    monitoring_frequency_set,
    organization_parameter_defaults_set,
    parameter_values_set,
)
from rmf.services.workflow import authorization_advance, authorization_start, task_signoff

CITY_ADMIN = "admin"


@dataclass
class RmfSummary:
    created: int = 0
    skipped: list[str] = field(default_factory=list)  # "ACRONYM: why"
    steps: Counter = field(default_factory=Counter)  # step of every current demo cycle
    not_started: int = 0
    missing_catalogs: bool = False

    def line(self) -> str:
        if self.missing_catalogs:
            return (
                "RMF: skipped, the SP 800-53 catalog is not loaded. Run `manage.py "
                "load_catalogs` first, then seed_demo again."
            )
        steps = ", ".join(
            f"{count} in {Step(step).label}"
            for step in Step.values
            if (count := self.steps.get(step, 0))
        )
        return (
            f"RMF: {sum(self.steps.values())} cycles ({steps or 'none'}), "
            f"{self.not_started} systems not started "
            + (
                f"(created now: {self.created} cycle{'' if self.created == 1 else 's'})"
                if self.created
                else "(nothing new to create)"
            )
            + "."
        )


def demo_parameter_value(parameter: ControlParameter) -> str:
    """A plausible value for an organization-defined parameter of the demo city."""
    plain_choices = [str(choice) for choice in parameter.choices if "{{" not in str(choice)] or [
        str(choice) for choice in parameter.choices
    ]
    if plain_choices:
        return plain_choices[0] if parameter.how_many == "one" else "; ".join(plain_choices[:2])
    label = parameter.label.strip().lower()
    known = {
        "frequency": "annually and after a significant change",
        "frequencies": "annually and after a significant change",
        "time period": "24 hours",
        "personnel or roles": "the system owner and the information system security officer",
        "personnel": "the system owner and the information system security officer",
        "roles": "system administrators",
        "official": "the City of Riverton Chief Information Security Officer",
        "events": "logons, privilege changes, configuration changes and failed access attempts",
        "automated mechanisms": "the city's endpoint management and SIEM tools",
        "number": "3",
    }
    if label in known:
        return known[label]
    what = label or "value"
    return f"{what}: as set in the City of Riverton Information Security Standard (ISS-2025)"


def _people() -> dict[str, object]:
    usernames = {AUTHORIZING_OFFICIAL, CITY_ADMIN, ASSESSOR_USERNAME}
    for owner, isso in AGENCY_PEOPLE.values():
        usernames |= {owner, isso}
    return {user.username: user for user in get_user_model().objects.filter(username__in=usernames)}


def _city_defaults(city: Organization, admin) -> None:
    """The city's policy values: every parameter of the policy and procedures controls
    (AC-1, AT-1, ...) is set once for every system of every agency."""
    parameters = ControlParameter.objects.filter(
        control__id__regex=r"^[a-z]{2}-1$", aggregates=[]
    ).order_by("pk")
    organization_parameter_defaults_set(
        actor=admin,
        organization=city,
        values={parameter.pk: demo_parameter_value(parameter) for parameter in parameters},
    )


def _parameters_to_fill(authorization: Authorization, families: tuple[str, ...]) -> dict:
    parameters = ControlParameter.objects.filter(
        control__selections__authorization=authorization,
        control__selections__tailoring__in=[
            SelectedControl.Tailoring.BASELINE,
            SelectedControl.Tailoring.ADDED,
        ],
        aggregates=[],
    ).exclude(control__id__regex=r"^[a-z]{2}-1$")  # the city's defaults cover those
    if "*" not in families:
        parameters = parameters.filter(control__family__in=families)
    return {parameter.pk: demo_parameter_value(parameter) for parameter in parameters}


def _seed_cycle(demo: DemoCycle, system: System, people: dict, systems: dict) -> Authorization:
    started = timezone.now()
    owner_name, isso_name = AGENCY_PEOPLE[_agency_of(demo.acronym)]
    owner, isso, ao = people[owner_name], people[isso_name], people[AUTHORIZING_OFFICIAL]
    authorization = authorization_start(actor=owner, system=system)
    links = {link.catalog_type_id: link for link in system.information_types.all()}
    for adjustment in demo.adjustments:
        impact_adjust(
            actor=owner,
            authorization=authorization,
            system_information_type=links[adjustment.information_type],
            objective=adjustment.objective,
            level=adjustment.level,
            justification=adjustment.justification,
        )
    if demo.step == Step.CATEGORIZE and not demo.categorization_approved:
        return authorization
    task_signoff(
        actor=ao,
        authorization=authorization,
        task="C-3",
        note="Reviewed the information types and the adjustments with the system owner.",
    )
    if demo.step == Step.CATEGORIZE:
        return authorization
    authorization = authorization_advance(
        actor=owner, authorization=authorization, reason="Categorization approved."
    )
    control_set_select(actor=owner, authorization=authorization)
    for control_id, kind, rationale in demo.removals:
        control_tailor_remove(
            actor=isso,
            selected_control=SelectedControl.objects.select_related("authorization").get(
                authorization=authorization, control=control_id
            ),
            kind=kind,
            rationale=rationale,
        )
    for control_id, rationale in demo.additions:
        control_tailor_add(
            actor=isso, authorization=authorization, control_id=control_id, rationale=rationale
        )
    for allocation in demo.allocations:
        control_allocate(
            actor=isso,
            authorization=authorization,
            selected_ids=SelectedControl.objects.filter(
                authorization=authorization,
                control__in=allocation.controls,
                tailoring__in=[
                    SelectedControl.Tailoring.BASELINE,
                    SelectedControl.Tailoring.ADDED,
                ],
            ).values_list("pk", flat=True),
            designation=allocation.designation,
            provider=systems[allocation.provider],
        )
    for family, frequency in demo.frequencies:
        monitoring_frequency_set(
            actor=isso, authorization=authorization, frequency=frequency, family=family or None
        )
    if demo.parameter_families:
        parameter_values_set(
            actor=owner,
            authorization=authorization,
            values=_parameters_to_fill(authorization, demo.parameter_families),
        )
    if demo.step == Step.SELECT:
        return authorization
    task_signoff(
        actor=ao,
        authorization=authorization,
        task="S-6",
        note="Security plan reviewed with the ISSO; common controls confirmed with DoIT.",
    )
    authorization = authorization_advance(
        actor=owner, authorization=authorization, reason="Security plan approved."
    )
    if demo.statuses:
        seed_implementation(
            owner=owner,
            authorization=authorization,
            statuses=demo.statuses,
            narrated=demo.narrated,
        )
    if demo.step == Step.IMPLEMENT:
        return authorization
    authorization = authorization_advance(
        actor=owner, authorization=authorization, reason="Implementation documented."
    )
    seed_assessment(
        authorization=authorization,
        assessor=people[ASSESSOR_USERNAME],
        ao=ao,
        owner=owner,
        findings=demo.findings,
        assessment_objects=demo.assessment_objects,
        rules_of_engagement=demo.rules_of_engagement,
    )
    if demo.step == Step.ASSESS:
        return authorization
    authorization = seed_authorization(
        authorization=authorization,
        owner=owner,
        ao=ao,
        decision=demo.decision,
        history_since=started,
    )
    seed_monitoring(authorization=authorization, people=people)
    return authorization


_AGENCY_BY_ACRONYM = {demo.acronym: demo.agency for demo in SYSTEMS}


def _agency_of(acronym: str) -> str:
    return _AGENCY_BY_ACRONYM[acronym]


def seed_rmf() -> RmfSummary:
    """Start the demo systems' cycles that do not exist yet and bring each to its step.

    Needs the demo city and inventory (assets.demo, assets.demo_inventory) and the NIST
    catalogs. A system whose work cannot be done (e.g. its information types are missing
    because the SP 800-60 catalog was not loaded) is skipped and named, nothing half-done."""
    summary = RmfSummary()
    if not BaselineControl.objects.exists():
        summary.missing_catalogs = True
        return summary
    city = Organization.objects.get(name=CITY, parent__name=STATE, parent__parent=None)
    systems = {
        system.acronym: system
        for system in System.objects.filter(organization__path__startswith=city.path)
        .select_related("organization")
        .filter(acronym__in=list(_AGENCY_BY_ACRONYM))
    }
    people = _people()
    with transaction.atomic():
        _city_defaults(city, people.get(CITY_ADMIN))
    started = set(
        Authorization.objects.filter(system__in=systems.values()).values_list(
            "system__acronym", flat=True
        )
    )
    for demo in CYCLES:
        system = systems.get(demo.acronym)
        if system is None or demo.acronym in started:
            continue
        try:
            with transaction.atomic():
                _seed_cycle(demo, system, people, systems)
        except (ValidationError, KeyError) as error:
            message = "; ".join(error.messages) if isinstance(error, ValidationError) else error
            summary.skipped.append(f"{demo.acronym}: {message}")
            continue
        summary.created += 1
    current = Authorization.objects.filter(system__in=systems.values(), is_current=True)
    summary.steps = Counter(current.values_list("step", flat=True))
    summary.not_started = (
        len(systems)
        - current.count()
        - sum(1 for system in systems.values() if system.status == System.Status.DISPOSED)
    )
    return summary
