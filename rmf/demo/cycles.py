"""Where each demo system's first cycle stands, and the work done to get there, as data
(rmf.demo seeds it through the services)."""

from dataclasses import dataclass, field

from rmf.demo.assessment import FINDINGS, TSCS_OBJECTS, TSCS_RULES, DemoFinding
from rmf.demo.authorize import DemoDecision
from rmf.models import (
    AuthorizationDecision,
    Designation,
    ImplementationStatus,
    MonitoringFrequency,
    RiskScale,
    SelectedControl,
    Step,
)

Kind = AuthorizationDecision.Kind
SCOPED_OUT = SelectedControl.Tailoring.SCOPED_OUT
COMPENSATING = SelectedControl.Tailoring.COMPENSATING
Frequency = MonitoringFrequency
Status = ImplementationStatus


@dataclass(frozen=True)
class DemoAdjustment:
    information_type: str  # SP 800-60 id of one of the system's types
    objective: str
    level: str
    justification: str


@dataclass(frozen=True)
class DemoAllocation:
    controls: tuple[str, ...]  # control ids
    designation: str
    provider: str  # acronym of the providing demo system


@dataclass(frozen=True, kw_only=True)
class DemoCycle:
    """Where one demo system's first cycle stands, and the work done to get there."""

    acronym: str
    step: str
    adjustments: tuple[DemoAdjustment, ...] = ()
    # In Categorize: the authorizing official approved, the owner has not moved on yet.
    categorization_approved: bool = False
    removals: tuple[tuple[str, str, str], ...] = ()  # (control, scoped_out/compensating, why)
    additions: tuple[tuple[str, str], ...] = ()  # (control, why)
    allocations: tuple[DemoAllocation, ...] = ()
    # (family or "" for every control, frequency), applied in order.
    frequencies: tuple[tuple[str, str], ...] = ()
    # Families whose parameters get the system's own values; "*" for all of them.
    parameter_families: tuple[str, ...] = ()
    # Implement: (family or "*", status) applied in order, and the families with narratives.
    statuses: tuple[tuple[str, str], ...] = ()
    narrated: tuple[str, ...] = ()
    # Assess: the weaknesses found (the traffic signal system's by default) and the plan.
    findings: tuple[DemoFinding, ...] = FINDINGS
    assessment_objects: str = TSCS_OBJECTS
    rules_of_engagement: str = TSCS_RULES
    # Authorize and on to Monitor.
    decision: DemoDecision | None = None
    note: str = field(default="")


IDENTITY = DemoAllocation(("ia-2", "ia-5", "ac-7"), Designation.HYBRID, "IDP")
NETWORK = DemoAllocation(("sc-7", "sc-5"), Designation.HYBRID, "GSS")
LOGGING = DemoAllocation(("au-6", "si-4"), Designation.HYBRID, "SIEM")
TRAINING = DemoAllocation(("at-2", "at-3"), Designation.COMMON, "HRP")


def _low_cycle(acronym: str, *, findings, objects: str, decision: DemoDecision) -> DemoCycle:
    """A LOW system taken through every step: its own parameter values, annual monitoring,
    everything implemented and narrated, assessed by the demo assessor, authorized."""
    return DemoCycle(
        acronym=acronym,
        step=Step.MONITOR,
        frequencies=(("", Frequency.ANNUAL),),
        parameter_families=("*",),
        statuses=(("*", Status.IMPLEMENTED),),
        narrated=("*",),
        findings=findings,
        assessment_objects=objects,
        rules_of_engagement="Tests announced to the system owner two days ahead; no test "
        "during business hours; the owner may stop any test.",
        decision=decision,
    )


# Authorized before the traffic signal system, their decisions dated back (rmf.demo.authorize).
AUTHORIZED_EARLIER = (
    _low_cycle(
        "WEB",
        findings=(
            DemoFinding(
                control="ra-5",
                weakness="The weekly vulnerability scan covers the web servers but not the "
                "content management system's plugins; three plugins were two versions behind.",
                likelihood=RiskScale.MODERATE,
                impact=RiskScale.MODERATE,
                recommendation="Add the CMS plugins to the scan profile and to the monthly "
                "patch cycle.",
                contact="Web services manager",
                resources="Staff time; the scanner licence covers it.",
                milestones=(("Scan profile extended", 30), ("Plugins patched", 60)),
            ),
        ),
        objects="The security plan, the web server and CMS configurations, scan reports; "
        "interviews with the web team.",
        decision=DemoDecision(
            kind=Kind.ATO,
            term_days=3 * 365,
            signed_days_ago=3 * 365 - 55,
            risk_level="low",
            risk_rationale="Public information only; one moderate finding with a plan.",
            terms="Operation of the city website as described in the security plan.",
        ),
    ),
    _low_cycle(
        "BAS",
        findings=(
            DemoFinding(
                control="ia-2",
                weakness="Operators sign in to the building automation workstation with one "
                "shared login.",
                likelihood=RiskScale.MODERATE,
                impact=RiskScale.MODERATE,
                recommendation="Give each operator a named account on the BAS server.",
                contact="Facilities operations supervisor",
                resources="Vendor configuration, 16 hours.",
                milestones=(("Named accounts created", 45),),
            ),
            DemoFinding(
                control="pe-3",
                weakness="The mechanical rooms with BAS controllers are on the general "
                "building key.",
                likelihood=RiskScale.LOW,
                impact=RiskScale.MODERATE,
                recommendation="Re-key the mechanical rooms and log key issue.",
                contact="Facilities locksmith",
                resources="Locks, about $4,000.",
                milestones=(("Mechanical rooms re-keyed", 120),),
            ),
        ),
        objects="The security plan, the BAS server configuration, the controller network "
        "diagram; a walk-through of three buildings.",
        decision=DemoDecision(
            kind=Kind.ATO,
            term_days=3 * 365,
            signed_days_ago=3 * 365 + 20,
            risk_level="moderate",
            risk_rationale="Building controls isolated from the city network; two moderate "
            "findings with a plan.",
            terms="Operation of the building automation system in the city's facilities.",
        ),
    ),
    _low_cycle(
        "SSL",
        findings=(
            DemoFinding(
                control="ia-5",
                weakness="The pilot's luminaire nodes still use the vendor's default "
                "maintenance password.",
                likelihood=RiskScale.HIGH,
                impact=RiskScale.LOW,
                recommendation="Set a unique maintenance credential per node through the "
                "vendor's management platform before the city-wide rollout.",
                contact="Street lighting program manager",
                resources="Included in the vendor contract.",
                milestones=(("Credentials rotated on the pilot nodes", 30),),
            ),
        ),
        objects="The pilot's security plan, the vendor platform configuration, ten luminaire "
        "nodes on Main Street.",
        decision=DemoDecision(
            kind=Kind.IATT,
            term_days=182,
            signed_days_ago=160,
            risk_level="low",
            risk_rationale="A pilot of 120 lights on two streets, with no personal data; the "
            "default credential is the one open weakness.",
            terms="Testing on Main Street and 5th Avenue only, before the city-wide rollout.",
        ),
    ),
)

CYCLES: list[DemoCycle] = [
    # --------------------------------------------------------------- Implement (C-3 and S-6)
    DemoCycle(
        acronym="GSS",
        step=Step.IMPLEMENT,
        removals=(
            (
                "pe-17",
                SCOPED_OUT,
                "No city staff work on the network from alternate work sites; remote "
                "administration goes through the identity provider's privileged access.",
            ),
        ),
        additions=(
            (
                "sc-7.18",
                "The data center firewalls fail closed: a city policy for every boundary device.",
            ),
        ),
        allocations=(
            DemoAllocation(("ia-2", "ia-5"), Designation.HYBRID, "IDP"),
            LOGGING,
            TRAINING,
        ),
        frequencies=(
            ("", Frequency.ANNUAL),
            ("ac", Frequency.QUARTERLY),
            ("au", Frequency.CONTINUOUS),
            ("si", Frequency.MONTHLY),
        ),
        parameter_families=("*",),
        # Half-way: the access, audit, identification and network families documented, the
        # contingency plan still planned, supply chain partly in place.
        statuses=(
            ("ac", Status.IMPLEMENTED),
            ("au", Status.IMPLEMENTED),
            ("ia", Status.IMPLEMENTED),
            ("sc", Status.IMPLEMENTED),
            ("cm", Status.PARTIAL),
            ("cp", Status.PLANNED),
            ("sr", Status.PARTIAL),
        ),
        narrated=("ac", "au", "ia"),
    ),
    DemoCycle(
        acronym="TSCS",
        step=Step.MONITOR,
        adjustments=(
            DemoAdjustment(
                "D.11.1",
                "availability",
                "HIGH",
                "Dark or flashing signals at the 238 intersections stop emergency-vehicle "
                "preemption and endanger pedestrians: loss of availability is severe.",
            ),
        ),
        removals=(
            (
                "ac-18.5",
                SCOPED_OUT,
                "The signal cabinets have no wireless radios; the traffic network is fiber.",
            ),
            (
                "pe-8.1",
                COMPENSATING,
                "Cabinets are locked with keyed alarms reported to the Traffic Management "
                "Center (PE-6 monitoring) instead of automated visitor records.",
            ),
        ),
        additions=(
            (
                "sc-45",
                "Signal coordination along corridors depends on synchronized controller clocks.",
            ),
        ),
        allocations=(IDENTITY, NETWORK, LOGGING, TRAINING),
        frequencies=(
            ("", Frequency.ANNUAL),
            ("si", Frequency.MONTHLY),
            ("cm", Frequency.QUARTERLY),
        ),
        parameter_families=("*",),
        statuses=(("*", Status.IMPLEMENTED),),
        narrated=("*",),
        decision=DemoDecision(
            kind=Kind.ATO_WITH_CONDITIONS,
            term_days=3 * 365,
            risk_level="moderate",
            risk_rationale="Two high findings (shared controller account, firmware behind the "
            "security release) and one moderate (cabinet keys), all with funded POA&M items; "
            "the signal network is segmented from the city network and the internet.",
            conditions=(
                "Complete the controller firmware update (POA&M item for SI-2) by its "
                "scheduled date; report each corridor done.",
                "Report POA&M progress to the authorizing official every month.",
                "No remote vendor access to the controllers until named accounts are in place.",
            ),
            terms="Operation of the traffic signal system as described in the security plan, "
            "within the boundary of the Traffic Management Center and the field network.",
        ),
    ),
    *AUTHORIZED_EARLIER,
    # --------------------------------------------------------------- Select, partly done
    DemoCycle(
        acronym="IDP",
        step=Step.SELECT,
        allocations=(NETWORK, LOGGING),
        frequencies=(("", Frequency.ANNUAL), ("ia", Frequency.QUARTERLY)),
        parameter_families=("ac", "ia", "au"),
    ),
    DemoCycle(
        acronym="DRVS",
        step=Step.SELECT,
        removals=(
            (
                "pe-16",
                SCOPED_OUT,
                "The renewal system is hosted in the city data center; DoIT's general "
                "support system delivers and removes its equipment.",
            ),
        ),
        allocations=(IDENTITY,),
        frequencies=(("ac", Frequency.QUARTERLY), ("ia", Frequency.QUARTERLY)),
        parameter_families=("ac", "ia"),
    ),
    DemoCycle(
        acronym="CCWIS",
        step=Step.SELECT,
        adjustments=(
            DemoAdjustment(
                "D.10.3",
                "confidentiality",
                "HIGH",
                "Child abuse reports identify children and reporters; disclosure could "
                "endanger them (state confidentiality statute).",
            ),
        ),
        allocations=(IDENTITY, TRAINING),
        parameter_families=("ac", "pt"),
    ),
    DemoCycle(
        acronym="WSCADA",
        step=Step.SELECT,
        removals=(
            (
                "ac-18.5",
                SCOPED_OUT,
                "The plant network has no wireless; remote sites report over licensed radio "
                "outside the SCADA boundary.",
            ),
        ),
        frequencies=(("", Frequency.ANNUAL),),
    ),
    DemoCycle(
        acronym="DMVO",
        step=Step.SELECT,
        allocations=(IDENTITY,),
        frequencies=(("", Frequency.ANNUAL),),
        parameter_families=("ac", "au", "ia", "sc"),
    ),
    DemoCycle(acronym="PRMT", step=Step.SELECT, parameter_families=("ac",)),
    DemoCycle(acronym="ERP", step=Step.SELECT, allocations=(IDENTITY, TRAINING)),
    DemoCycle(acronym="AMI", step=Step.SELECT),
    # --------------------------------------------------------------- Categorize
    DemoCycle(acronym="PAY", step=Step.CATEGORIZE, categorization_approved=True),
    DemoCycle(acronym="R311", step=Step.CATEGORIZE, categorization_approved=True),
    DemoCycle(
        acronym="PARK",
        step=Step.CATEGORIZE,
        adjustments=(
            DemoAdjustment(
                "C.2.5.2",
                "confidentiality",
                "MODERATE",
                "Card data pass through the meters to the card processor: PCI DSS applies.",
            ),
        ),
    ),
    DemoCycle(
        acronym="PCM",
        step=Step.CATEGORIZE,
        adjustments=(
            DemoAdjustment(
                "C.2.5.1",
                "integrity",
                "MODERATE",
                "Altered citations would bill the wrong residents and be challenged in court.",
            ),
        ),
    ),
    DemoCycle(
        acronym="CFSH",
        step=Step.CATEGORIZE,
        adjustments=(
            DemoAdjustment(
                "D.10.3",
                "confidentiality",
                "HIGH",
                "The hotline records reporters' identities, protected by state law.",
            ),
            DemoAdjustment(
                "D.4.4",
                "availability",
                "HIGH",
                "The hotline must take reports around the clock.",
            ),
        ),
    ),
    DemoCycle(acronym="HRP", step=Step.CATEGORIZE),
    DemoCycle(acronym="M365", step=Step.CATEGORIZE),
    DemoCycle(acronym="DMVQ", step=Step.CATEGORIZE),
    DemoCycle(acronym="TCAM", step=Step.CATEGORIZE),
    DemoCycle(acronym="WAM", step=Step.CATEGORIZE),
    DemoCycle(acronym="FLEET", step=Step.CATEGORIZE),
    DemoCycle(acronym="SIEM", step=Step.CATEGORIZE),
]
# The other demo systems have not started their first cycle (CASH is disposed: it never will).
