"""The demo agencies' five years of CSF self-assessments, as plain data: where each agency
starts, how fast each function improves, what set it back, its own targets and the actions it
took, and the words its people write beside their scores.

Fictional, like the rest of the demo city. Levels are on the scale of csf.maturity (1 "not
performed" to 7 "optimized"); function identifiers are CSF 2.0's (GV only exists from the first
CSF 2.0 year on).
"""

from dataclasses import dataclass, field

APPROVED, SUBMITTED, DRAFT = "approved", "submitted", "draft"
YEARS = 5  # the current year and the four before it
FIRST_CSF20 = 2  # index of the first CSF 2.0 year (the two years before it use CSF 1.1)
SEED = 20260127  # one fixed seed: the same demo on every machine and every run
REVIEWER = "admin"  # the city's organization administrator reviews every agency's assessment
APPROVAL_NOTES = (
    "Reviewed with the agency; the scores match the RMF work on record.",
    "Approved. Keep the evidence links current for next year's review.",
    "Approved after walking through the lowest categories with the planner.",
    "Consistent with last year's results and the action items closed since.",
)


@dataclass(frozen=True)
class Event:
    """Something that moved a share of one function's subcategories in one year."""

    year: int  # index of the year, 0 = four years ago
    function: str
    delta: int
    share: float  # chance that each subcategory of the function is affected
    comment: str  # "{year}" is the assessment's year


@dataclass(frozen=True)
class Target:
    subcategory: str  # a CSF 2.0 subcategory
    score: int
    rationale: str


@dataclass(frozen=True)
class AgencyStory:
    short_name: str  # see assets.demo.AGENCIES
    filler: str  # who starts, answers and submits: the agency's planner, or its ISSO if none
    level: dict[str, float]  # where each function starts, on the 1-7 scale
    growth: dict[str, float]  # yearly chance that a subcategory of the function goes up a level
    current: str = APPROVED  # the state of this year's assessment
    events: tuple[Event, ...] = ()
    # Set after last year's approval (CSF 2.0), before its gaps are turned into action items.
    targets: tuple[Target, ...] = ()
    action_owner: str = ""
    # The outcomes of the action items taken from last year's largest gaps, one per item.
    actions: tuple[str, ...] = ()
    new_actions: int = 0  # open items taken from this year's gaps once approved
    approval_notes: tuple[str, ...] = field(default=APPROVAL_NOTES)


STORIES: tuple[AgencyStory, ...] = (
    AgencyStory(
        short_name="DOT",
        filler="planner",
        # Strong in Protect (the traffic network is segregated and locked down), weak in
        # Recover: nobody has rehearsed running the signals after losing the central system.
        level={"GV": 3.0, "ID": 3.4, "PR": 4.6, "DE": 3.6, "RS": 3.2, "RC": 2.0},
        growth={"GV": 0.35, "ID": 0.3, "PR": 0.2, "DE": 0.3, "RS": 0.3, "RC": 0.12},
        targets=(
            Target(
                "PR.AA-05",
                6,
                "Signal timing changes are safety-critical: access to the ATMS must be least "
                "privilege and reviewed every month.",
            ),
            Target(
                "PR.PS-04",
                6,
                "The signal system's logs are what reconstructs an incident at an intersection; "
                "they must be complete and kept.",
            ),
            Target(
                "DE.CM-01",
                6,
                "The traffic fiber network reaches 238 street cabinets: it is watched more "
                "closely than the office network.",
            ),
        ),
        action_owner="isso",
        actions=("done", "done", "in_progress", "open"),
        new_actions=2,
    ),
    AgencyStory(
        short_name="DMV",
        filler="dmv",
        level={"GV": 2.8, "ID": 3.0, "PR": 3.8, "DE": 3.0, "RS": 3.6, "RC": 3.0},
        growth={"GV": 0.3, "ID": 0.3, "PR": 0.25, "DE": 0.3, "RS": 0.3, "RC": 0.25},
        current=SUBMITTED,
        events=(
            Event(
                3,
                "RS",
                -1,
                0.8,
                "Lower than last year: our incident response lead left in February {year} and "
                "was not replaced until the autumn; the on-call rotation and the playbook "
                "reviews lapsed.",
            ),
            Event(
                4,
                "RS",
                1,
                0.6,
                "Back up: the new incident response lead restored the on-call rotation and "
                "reviewed every playbook.",
            ),
        ),
    ),
    AgencyStory(
        short_name="CFS",
        filler="cfs-isso",
        # Case records of children: data protection came first, recovery last.
        level={"GV": 3.2, "ID": 2.8, "PR": 3.6, "DE": 2.6, "RS": 2.8, "RC": 2.4},
        growth={"GV": 0.25, "ID": 0.25, "PR": 0.25, "DE": 0.3, "RS": 0.25, "RC": 0.3},
    ),
    AgencyStory(
        short_name="DPW",
        filler="dpw-isso",
        # Started low, improving steadily since the city's security programme reached it.
        level={"GV": 1.8, "ID": 2.0, "PR": 2.4, "DE": 1.8, "RS": 2.0, "RC": 2.2},
        growth={"GV": 0.4, "ID": 0.4, "PR": 0.4, "DE": 0.35, "RS": 0.35, "RC": 0.3},
        targets=(
            Target(
                "GV.SC-10",
                4,
                "Public Works has few technology suppliers, and the city's procurement office "
                "handles the end of supplier relationships for every agency.",
            ),
        ),
    ),
    AgencyStory(
        short_name="DoIT",
        filler="doit-isso",
        # The most mature agency (it runs the city's SOC), set back in Protect by the move of
        # email and file shares to the cloud.
        level={"GV": 3.8, "ID": 4.2, "PR": 4.4, "DE": 4.6, "RS": 4.0, "RC": 3.8},
        growth={"GV": 0.25, "ID": 0.2, "PR": 0.25, "DE": 0.2, "RS": 0.2, "RC": 0.2},
        events=(
            Event(
                1,
                "PR",
                -1,
                0.6,
                "Lower in {year}: moving email and file shares to the cloud left the access "
                "reviews and configuration baselines behind for most of the year.",
            ),
        ),
        targets=(
            Target(
                "PR.DS-11",
                6,
                "Every agency restores from DoIT's backups: they are tested, not assumed.",
            ),
            Target(
                "PR.IR-01",
                6,
                "The city network carries every agency's traffic: its segmentation is tested "
                "every year.",
            ),
            Target(
                "DE.CM-01",
                7,
                "DoIT runs the city's security operations centre; network monitoring is its "
                "core service.",
            ),
        ),
        action_owner="doit-isso",
        actions=("done", "in_progress"),
    ),
    AgencyStory(
        short_name="RWU",
        filler="water-planner",
        # Water utility OT: almost no detection at first, improving fast once a state grant
        # paid for monitoring of the plant's control network.
        level={"GV": 2.6, "ID": 3.0, "PR": 3.2, "DE": 1.4, "RS": 2.6, "RC": 3.0},
        growth={"GV": 0.25, "ID": 0.2, "PR": 0.2, "DE": 0.5, "RS": 0.25, "RC": 0.2},
        current=DRAFT,
        events=(
            Event(
                2,
                "DE",
                1,
                0.6,
                "Up in {year}: OT network monitoring sensors installed at the treatment plant "
                "and the pump stations (state water security grant).",
            ),
        ),
        targets=(
            Target(
                "DE.CM-01",
                6,
                "The SCADA network controls chemical dosing: any unexpected traffic on it must "
                "be seen the same day.",
            ),
            Target(
                "DE.CM-09",
                6,
                "The plant's PLCs and HMIs cannot run antivirus; watching them is how changes "
                "are caught.",
            ),
            Target(
                "PR.IR-01",
                6,
                "The control network must stay separated from the business network and the "
                "internet, as the state's water security rules require.",
            ),
        ),
        action_owner="water-isso",
        actions=("done", "done", "open"),
    ),
)


# ----------------------------------------------------------------------------- words

# Why a score, by how high it is (scale of csf.maturity): what a planner writes in a first
# assessment. Generic enough to sit under any subcategory.
WHY_LOW = (
    "Done case by case when someone remembers; nothing is written down.",
    "Depends on one person; when they are out, it does not happen.",
    "We know this is a gap; there was no budget for it this year.",
    "Only for the systems DoIT hosts; the agency's own systems are not covered.",
)
WHY_MID = (
    "A written procedure exists, but the divisions follow it unevenly.",
    "Done for the critical systems; the smaller ones are on the list for next year.",
    "Reviewed once a year; what the review finds is not tracked to closure yet.",
    "In place since the last audit, still manual: mostly spreadsheets.",
)
WHY_HIGH = (
    "Documented, approved and followed; checked every quarter with a report to the director.",
    "Covered by the city's information security standard and measured every month.",
    "Automated and monitored; exceptions are reviewed in the weekly operations meeting.",
)

# Why a score went up, by function, and why one went down.
UP = {
    "GV": (
        "Roles and responsibilities are now in the agency's cybersecurity policy, signed by "
        "the director.",
        "The director reviews cybersecurity risks with the division heads every quarter.",
    ),
    "ID": (
        "Asset inventory reconciled with purchasing records; the Workbench inventory is now "
        "the reference.",
        "Risk assessments now cover every system in an RMF cycle, not only the large ones.",
    ),
    "PR": (
        "Access reviews and standard configurations now applied to every agency system.",
        "Training completion above 90% this year, with a phishing exercise each quarter.",
    ),
    "DE": (
        "Logs of the main systems now reach the city's SIEM; alerts are reviewed every day.",
        "Detection rules tuned with DoIT's security operations centre; fewer false alarms.",
    ),
    "RS": (
        "Incident response playbooks tested in a tabletop exercise with emergency management.",
        "Incidents now logged and analysed in one place, with a review after each one.",
    ),
    "RC": (
        "Restore from backup tested for the critical systems; it worked within the time agreed.",
        "Recovery plan written for the critical services and walked through with their owners.",
    ),
}
UP_ANY = (
    "Improved after the action plan agreed at last year's review.",
    "Now written down and followed: the first full year with records.",
)
DOWN = (
    "Lower than last year: the review slipped while the team was short-staffed.",
    "Scored more strictly this year, after the state's guidance on what counts as documented.",
    "The tool we relied on was retired; its replacement is not fully set up yet.",
)
ACTION_DONE = "Raised after the action item on this gap was completed (see its closure note)."

# Evidence a planner points to, by function; "{year}" is the assessment's year.
EVIDENCE = {
    "GV": (
        "Agency cybersecurity policy, approved by the director in March {year} (SharePoint > "
        "Policies).",
        "Minutes of the quarterly risk review with the division heads, {year}.",
    ),
    "ID": (
        "System inventory export from the Workbench, 30 June {year}.",
        "Risk assessment reports of the major systems, {year} (RMF packages in the Workbench).",
    ),
    "PR": (
        "Access review records, second quarter {year} (service desk queue SEC-ACCESS).",
        "Security awareness training completion report, {year}.",
    ),
    "DE": (
        "SIEM onboarding list and the daily alert review log, {year}.",
        "Monthly vulnerability scan summaries, {year} (DoIT security operations).",
    ),
    "RS": (
        "After-action report of the tabletop exercise, October {year}.",
        "Incident log, {year} (service desk, category Security).",
    ),
    "RC": (
        "Backup restore test records, {year} (DoIT operations runbook).",
        "Recovery plan of the critical services, version of {year}.",
    ),
}

TIER_RATIONALE = {
    1: "Practices are ad hoc and reactive; cybersecurity risk is rarely discussed by management.",
    2: "Practices are approved by management but not yet applied the same way across the agency.",
    3: "Practices are formal policy, applied agency-wide and updated when the risks change.",
    4: "Practices adapt from lessons learned and indicators; cybersecurity risk is part of "
    "every decision.",
}

CLOSURE_NOTES = (
    "Done: the procedure was written, approved by the director and applied to every system; "
    "the records are in the agency's SharePoint (Security > Evidence).",
    "Done: put in place with DoIT and checked in the spring review; proof in the service desk "
    "change records.",
)
