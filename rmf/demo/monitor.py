"""The demo city's Monitor work on its authorized systems (rmf.demo.authorize signs them).

- Traffic signal system: a firmware change analysed as minor (its SI-2 narrative updated, so
  the package now differs from what was signed), and a vendor remote-access gateway recorded
  but not analysed yet.
- City website: an ongoing assessment of three controls, planned by the assessor and approved
  by the authorizing official, with its determinations; the CMS plugin item completed with
  evidence from the DoIT library.
- Building automation: the risk of the mechanical-room keys accepted by the authorizing
  official (the buildings are being replaced).
- Street lighting pilot: the default-password item re-checked by the assessor, still failing
  on some nodes; a weakness from the monthly scan added by hand, 45 days ago.

Written through the services; the hand-added item's age is set afterwards, as for the older
decisions, so that the POA&M has items of every age.
"""

from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from assets.models import AuditEvent
from rmf.models import (
    Authorization,
    DeterminationResult,
    ImplementationNarrative,
    PoamItem,
    PoamMilestone,
    SelectedControl,
)
from rmf.selectors.assessment import leaf_objectives
from rmf.services.assessment import assessment_plan_approve, control_determinations_save
from rmf.services.implementation import evidence_link_create, narrative_save
from rmf.services.monitor import (
    change_record_analyse,
    change_record_create,
    ongoing_assessment_start,
)
from rmf.services.poam_management import (
    poam_item_accept_risk,
    poam_item_add,
    poam_item_complete_with_evidence,
    poam_item_recheck,
)


def seed_monitoring(*, authorization: Authorization, people: dict) -> None:
    """The Monitor work of one authorized demo system (nothing for the others)."""
    work = {"TSCS": _traffic_signals, "WEB": _website, "BAS": _building, "SSL": _streetlights}
    seeder = work.get(authorization.system.acronym)
    if seeder is not None:
        seeder(authorization, people)


def _control(authorization: Authorization, control_id: str) -> SelectedControl:
    return SelectedControl.objects.select_related("authorization__system", "control").get(
        authorization=authorization, control=control_id
    )


def _item(authorization: Authorization, control_id: str) -> PoamItem:
    return PoamItem.objects.select_related("authorization").get(
        authorization=authorization, selected_control__control=control_id
    )


def _traffic_signals(authorization: Authorization, people: dict) -> None:
    owner, isso = people["owner"], people["isso"]
    today = timezone.localdate()
    firmware = change_record_create(
        actor=owner,
        authorization=authorization,
        title="Controller firmware 4.2 on the preemption corridors",
        kind="software",
        description="The vendor's security release 4.2 installed on the 61 cabinets of the "
        "emergency preemption corridors (POA&M item for SI-2, first milestone).",
        changed_on=today - timedelta(days=2),
    )
    si2 = _control(authorization, "si-2")
    change_record_analyse(
        actor=isso,
        change=firmware,
        impact="minor",
        analysis="Same product and configuration baseline, vendor security fixes only; tested "
        "on two cabinets first. Flaw remediation (SI-2) and the baseline configuration (CM-2) "
        "record the new release; nothing else in the security plan changes.",
        affected_control_ids=[si2.pk, _control(authorization, "cm-2").pk],
    )
    narrative = (
        ImplementationNarrative.objects.filter(implementation__selected_control=si2)
        .order_by("part__sort_order")
        .first()
    )
    narrative_save(
        actor=owner,
        selected_control=si2,
        part_id=narrative.part_id,
        text=narrative.text + " Since CHG-001, the preemption corridors run firmware 4.2; the "
        "other cabinets follow corridor by corridor.",
        expected_version=narrative.version,
    )
    change_record_create(
        actor=owner,
        authorization=authorization,
        title="Vendor remote support gateway",
        kind="boundary",
        description="The signal vendor asks for a support gateway in the TMC so that its "
        "engineers can reach the central system from their office.",
        changed_on=today + timedelta(days=30),
    )


def _website(authorization: Authorization, people: dict) -> None:
    assessor, ao = people["assessor"], people["ao"]
    today = timezone.localdate()
    controls = [_control(authorization, control_id) for control_id in ("ac-2", "ra-5", "si-2")]
    assessment = ongoing_assessment_start(
        actor=assessor,
        authorization=authorization,
        title="Website ongoing assessment, account and flaw management",
        scoped_control_ids=[selected.pk for selected in controls],
        starts_on=today - timedelta(days=10),
        ends_on=today - timedelta(days=3),
        methods=["examine", "test"],
        assessment_objects="Account lists, scan reports, the patch log of the web servers.",
    )
    assessment_plan_approve(actor=ao, assessment=assessment)
    objectives = leaf_objectives([selected.control_id for selected in controls])
    for selected in controls:
        control_determinations_save(
            actor=assessor,
            assessment=assessment,
            selected_control=selected,
            entries=[
                {
                    "objective_id": objective.pk,
                    "result": DeterminationResult.SATISFIED,
                    "methods": ["examine"],
                    "evidence_examined": "Scan reports of the last three months.",
                    "note": "",
                    "expected_version": None,
                }
                for objective in objectives[selected.control_id]
            ],
        )
    evidence = evidence_link_create(
        actor=people["doit-owner"],
        organization=authorization.system.organization,
        title="Website scan profile with the CMS plugins",
        url="https://intranet.riverton.example/doit/scans/website-profile",
        description="Scan profile export showing the plugins in scope since the fix.",
    )
    poam_item_complete_with_evidence(
        actor=people["doit-owner"],
        item=_item(authorization, "ra-5"),
        evidence=[evidence],
        note="The plugins are in the weekly scan and the monthly patch cycle; the last three "
        "scans show no outdated plugin.",
        milestones_explained=True,
    )


def _building(authorization: Authorization, people: dict) -> None:
    poam_item_accept_risk(
        actor=people["ao"],
        item=_item(authorization, "pe-3"),
        rationale="The two buildings with shared keys are replaced in 2027; their mechanical "
        "rooms are alarmed and checked by security at night until then.",
    )


def _streetlights(authorization: Authorization, people: dict) -> None:
    poam_item_recheck(
        actor=people["assessor"],
        item=_item(authorization, "ia-5"),
        result=DeterminationResult.OTHER_THAN_SATISFIED,
        note="Rotated on 96 of 120 nodes; the 24 nodes on 5th Avenue still answer with the "
        "default password.",
    )
    item = poam_item_add(
        actor=people["owner"],
        authorization=authorization,
        weakness="The monthly scan found the gateway's web console reachable from the city "
        "guest Wi-Fi.",
        source="Monthly vulnerability scan",
        risk_level="moderate",
        point_of_contact="Street lighting program manager",
        scheduled_completion=timezone.localdate() + timedelta(days=15),
        resources="Network team, 4 hours.",
        selected_control=_control(authorization, "sc-7"),
        milestone_description="Firewall rule requested",
        milestone_due_on=timezone.localdate() + timedelta(days=5),
    )
    _age(item, days=45)


def _age(item: PoamItem, *, days: int) -> None:
    """The item, its plan and its audit record as if added `days` ago (now overdue)."""
    delta = timedelta(days=days)
    PoamItem.objects.filter(pk=item.pk).update(
        created_at=F("created_at") - delta,
        scheduled_completion=F("scheduled_completion") - delta,
    )
    PoamMilestone.objects.filter(item=item).update(due_on=F("due_on") - delta)
    AuditEvent.objects.filter(action="poam_item_add", object_id=str(item.pk)).update(
        created_at=F("created_at") - delta
    )
