"""The demo city's Implement and Assess work (rmf.demo brings the cycles there).

A partial implementation: statuses for some families, narratives for some of those, the rest
still to do, as a planner would find it mid-way. A complete one, then an independent assessment
by the demo "assessor": the plan approved by the authorizing official, a determination on every
SP 800-53A objective, a few weaknesses found with their risk, one of them fixed by the system
team and re-assessed, and the rest in the POA&M with milestones.

Written through the services, as the people of the demo would, so validation, separation of
duties and the audit trail apply.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from rmf.models import (
    Authorization,
    DeterminationResult,
    Finding,
    ImplementationStatus,
    RiskScale,
    SelectedControl,
)
from rmf.selectors.assessment import leaf_objectives
from rmf.selectors.implementation import statement_parts_needing_narratives
from rmf.services.assessment import (
    assessment_plan_approve,
    assessment_plan_save,
    assessor_assign,
    control_determinations_save,
    finding_reassess,
    finding_update,
    poam_item_update,
    poam_items_generate,
    poam_milestone_add,
    remediation_record,
)
from rmf.services.implementation import implementation_status_bulk_set, narratives_bulk_save

ACTIVE = (SelectedControl.Tailoring.BASELINE, SelectedControl.Tailoring.ADDED)
NARRATED = (
    ImplementationStatus.IMPLEMENTED,
    ImplementationStatus.PARTIAL,
    ImplementationStatus.ALTERNATIVE,
)

# How the demo city meets each family's controls, in a sentence a planner could have written.
FAMILY_PRACTICE = {
    "ac": "Accounts are requested through the city's service desk, approved by the system owner "
    "and reviewed every quarter; access follows the roles in the access control standard",
    "at": "Staff complete the city's security awareness course at hiring and every year; "
    "administrators take the role-based module",
    "au": "The system sends its audit records to the city SIEM, where DoIT's security team "
    "reviews alerts daily and keeps records for one year",
    "ca": "Controls are assessed before authorization and then on the continuous monitoring "
    "schedule; results go to the authorizing official",
    "cm": "The approved baseline configuration is kept in the configuration management "
    "database; changes go through the change advisory board",
    "cp": "The contingency plan names the recovery team, the backup schedule and the "
    "alternate site; it is tested every year",
    "ia": "Users sign in through the city identity provider with multi-factor "
    "authentication; devices are identified by certificate",
    "ir": "Incidents are reported to the city SOC hotline and handled under the incident "
    "response plan, tested in a yearly tabletop exercise",
    "ma": "Maintenance is scheduled, logged in the work order system and supervised when "
    "done by the vendor",
    "mp": "Removable media are encrypted, labelled and sanitized before reuse or disposal",
    "pe": "Equipment sits in locked rooms and cabinets with badge or keyed access, alarms and "
    "visitor logs",
    "pl": "The system security plan and rules of behavior are reviewed every year and after "
    "significant changes",
    "pm": "The city information security program sets the policies this system follows",
    "ps": "Staff are screened before access and their access is removed on the day they leave",
    "pt": "Personal information is processed only for the purposes stated in the privacy notice",
    "ra": "Risk is assessed every year and vulnerabilities are scanned monthly",
    "sa": "Acquisitions include the city's security requirements and vendor obligations",
    "sc": "Traffic between zones passes the city firewalls; data in transit is encrypted",
    "si": "Patches are applied within the city's remediation deadlines; malware protection and "
    "monitoring run on every server",
    "sr": "Suppliers are vetted and components bought from authorized resellers",
}


def _narrative(system_name: str, control, part) -> str:
    practice = FAMILY_PRACTICE.get(control.family_id, "The city's standard applies")
    label = part.label or control.label
    return f"{practice}. For {system_name}, this covers {control.label} {label}".rstrip(".") + "."


def seed_implementation(
    *,
    owner,
    authorization: Authorization,
    statuses: tuple[tuple[str, str], ...] = (("*", ImplementationStatus.IMPLEMENTED),),
    narrated: tuple[str, ...] = ("*",),
) -> None:
    """Statuses per family ("*": every control), applied in order, then narratives for every
    required part of the controls of the `narrated` families that have a status in place."""
    active = SelectedControl.objects.filter(
        authorization=authorization, tailoring__in=ACTIVE
    ).select_related("control")
    controls = list(active)
    in_place = set()
    for family, status in statuses:
        chosen = [c for c in controls if family == "*" or c.control.family_id == family]
        implementation_status_bulk_set(
            actor=owner,
            authorization=authorization,
            selected_ids=[selected.pk for selected in chosen],
            status=status,
        )
        ids = {selected.pk for selected in chosen}
        in_place -= ids
        if status in NARRATED:
            in_place |= ids
    controls = [selected for selected in controls if selected.pk in in_place]
    narrated_controls = {
        selected.control_id: selected
        for selected in controls
        if selected.designation != "common"
        and ("*" in narrated or selected.control.family_id in narrated)
    }
    parts = statement_parts_needing_narratives(narrated_controls)
    name = authorization.system.name
    narratives_bulk_save(
        actor=owner,
        authorization=authorization,
        texts={
            (narrated_controls[control_id].pk, part.pk): _narrative(
                name, narrated_controls[control_id].control, part
            )
            for control_id, control_parts in parts.items()
            for part in control_parts
        },
    )


@dataclass(frozen=True)
class DemoFinding:
    control: str
    weakness: str
    likelihood: str
    impact: str
    recommendation: str
    fixed: str = ""  # what the team did, re-assessed satisfied
    contact: str = ""
    resources: str = ""
    milestones: tuple[tuple[str, int], ...] = ()  # (what, days from today)


FINDINGS = (
    DemoFinding(
        control="ac-2",
        weakness="The signal controllers share one 'tmcadmin' account among six technicians, "
        "and controller accounts are not part of the quarterly access review.",
        likelihood=RiskScale.MODERATE,
        impact=RiskScale.HIGH,
        recommendation="Give each technician a named account on the central system, reach the "
        "controllers through it, and add controller accounts to the quarterly review.",
        contact="Traffic Management Center supervisor",
        resources="Vendor professional services, 40 hours; no new licences.",
        milestones=(("Named accounts created in the central system", 30), ("Review done", 90)),
    ),
    DemoFinding(
        control="si-2",
        weakness="Controller firmware is two releases behind the vendor's security release "
        "of March; 61 of 238 cabinets are affected.",
        likelihood=RiskScale.HIGH,
        impact=RiskScale.HIGH,
        recommendation="Schedule the firmware update by corridor in the overnight maintenance "
        "window, starting with the emergency preemption corridors.",
        contact="Signal systems engineer",
        resources="Two field crews for six nights; firmware is covered by the support contract.",
        milestones=(("Preemption corridors updated", 45), ("All cabinets updated", 120)),
    ),
    DemoFinding(
        control="cm-7",
        weakness="Telnet is enabled on the field network switches.",
        likelihood=RiskScale.HIGH,
        impact=RiskScale.MODERATE,
        recommendation="Disable Telnet and manage the switches over SSH only.",
        fixed="Telnet disabled on all 52 field switches; SSH with keys only (change CHG-2291).",
    ),
    DemoFinding(
        control="pe-3",
        weakness="Signal cabinets open with the industry-standard #2 key, available to anyone.",
        likelihood=RiskScale.MODERATE,
        impact=RiskScale.MODERATE,
        recommendation="Re-key the cabinets with restricted keys, starting with the cabinets "
        "on arterials, and keep a key issue log.",
        contact="Signal maintenance manager",
        resources="Restricted locks, about $38,000 in the next capital budget.",
        milestones=(("Locks ordered", 60), ("Arterial cabinets re-keyed", 180)),
    ),
)


TSCS_OBJECTS = (
    "Policies and procedures, the security plan, controller and switch configurations, audit "
    "records; interviews with the TMC supervisor and technicians; tests of account management "
    "and network access in the maintenance window."
)
TSCS_RULES = (
    "Tests on field equipment only in the overnight maintenance window (1 a.m. to 4 a.m.), "
    "announced to the TMC 48 hours ahead; no test may change signal timing; the TMC supervisor "
    "may stop any test."
)


def seed_assessment(
    *,
    authorization: Authorization,
    assessor,
    ao,
    owner,
    findings: tuple[DemoFinding, ...] = FINDINGS,
    assessment_objects: str = TSCS_OBJECTS,
    rules_of_engagement: str = TSCS_RULES,
) -> None:
    """Assign the assessor, approve the plan, determine every objective (weaknesses on the
    `findings` controls), rate the findings, fix those fixed and re-assess them, and put the
    rest in the POA&M with a point of contact, resources, a schedule and milestones."""
    today = date.today()
    assessor_assign(actor=ao, authorization=authorization, assessor=assessor, is_lead=True)
    assessment = assessment_plan_save(
        actor=assessor,
        authorization=authorization,
        title=f"{authorization.system.acronym} initial assessment {today.year}",
        scope_all=True,
        scoped_control_ids=[],
        starts_on=today - timedelta(days=21),
        ends_on=today - timedelta(days=7),
        methods=["examine", "interview", "test"],
        assessment_objects=assessment_objects,
        rules_of_engagement=rules_of_engagement,
    )
    assessment_plan_approve(actor=ao, assessment=assessment)
    weak = {finding.control: finding for finding in findings}
    controls = {
        selected.control_id: selected
        for selected in SelectedControl.objects.filter(
            authorization=authorization, tailoring__in=ACTIVE
        ).select_related("control")
    }
    for control_id, objectives in leaf_objectives(controls).items():
        entries = [
            {
                "objective_id": objective.pk,
                "result": DeterminationResult.OTHER_THAN_SATISFIED
                if control_id in weak and index == 0
                else DeterminationResult.SATISFIED,
                "methods": ["examine", "interview"] if index else ["examine", "test"],
                "evidence_examined": "Security plan, configuration exports, interview notes.",
                "note": weak[control_id].weakness if control_id in weak and index == 0 else "",
                "expected_version": None,
            }
            for index, objective in enumerate(objectives)
        ]
        control_determinations_save(
            actor=assessor,
            assessment=assessment,
            selected_control=controls[control_id],
            entries=entries,
        )
    found = {
        finding.selected_control.control_id: finding
        for finding in Finding.objects.filter(assessment=assessment).select_related(
            "selected_control"
        )
    }
    for demo in findings:
        finding = finding_update(
            actor=assessor,
            finding=found[demo.control],
            weakness=demo.weakness,
            likelihood=demo.likelihood,
            impact=demo.impact,
            recommendation=demo.recommendation,
        )
        if demo.fixed:
            remediation_record(
                actor=owner,
                finding=finding,
                description=demo.fixed,
                completed_on=today - timedelta(days=3),
            )
            finding_reassess(
                actor=assessor,
                finding=finding,
                result=DeterminationResult.SATISFIED,
                note="Checked the configuration of five switches chosen at random: Telnet off.",
            )
    poam_items_generate(actor=owner, authorization=authorization)
    for demo in findings:
        if demo.fixed:
            continue
        item = found[demo.control].poam_item
        poam_item_update(
            actor=owner,
            item=item,
            point_of_contact=demo.contact,
            resources=demo.resources,
            scheduled_completion=today + timedelta(days=max(days for _, days in demo.milestones)),
            status="ongoing",
        )
        for description, days in demo.milestones:
            poam_milestone_add(
                actor=owner, item=item, description=description, due_on=today + timedelta(days)
            )
