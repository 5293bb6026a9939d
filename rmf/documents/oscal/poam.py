"""The cycle's plan of action and milestones as an OSCAL `plan-of-action-and-milestones`:
each item is a POA&M item tied to a risk (the weakness, its level, deadline and status) whose
planned remediation lists the milestones as tasks, and to the assessment finding it came
from."""

from typing import Any

from django.core.exceptions import ValidationError

from rmf.documents.oscal.common import (
    Parties,
    filename,
    finish,
    latest,
    prop,
    stable_uuid,
    timestamp,
)
from rmf.documents.oscal.results import risk_characterization
from rmf.models import Authorization, PoamItem
from rmf.selectors.oscal import poam_source

RISK_STATUS = {
    PoamItem.Status.OPEN: "open",
    PoamItem.Status.ONGOING: "remediating",
    PoamItem.Status.RISK_ACCEPTED: "deviation-approved",
    PoamItem.Status.COMPLETED: "closed",
}


def _milestone(milestone) -> dict[str, Any]:
    return {
        "uuid": stable_uuid("poam-milestone", milestone.pk),
        "type": "milestone",
        "title": milestone.description,
        "props": [prop("completed-on", milestone.completed_on.isoformat())]
        if milestone.completed_on
        else [],
        "timing": {"on-date": {"date": timestamp(milestone.due_on)}},
    }


def _item(item: PoamItem, parties: Parties) -> tuple[dict, dict]:
    control = item.selected_control.control if item.selected_control else None
    title = f"{item.code}: {control.label} {control.title}" if control else item.code
    risk_uuid = stable_uuid("risk", "poam", item.pk)
    risk = {
        "uuid": risk_uuid,
        "title": title,
        "description": item.weakness,
        "statement": item.weakness,
        "props": [prop("control-id", control.pk)] if control else [],
        "status": RISK_STATUS.get(item.status, "open"),
        "characterizations": risk_characterization(parties.organization_uuid, risk=item.risk_level),
        "deadline": timestamp(item.scheduled_completion) if item.scheduled_completion else "",
        "remediations": [
            {
                "uuid": stable_uuid("poam-remediation", item.pk),
                "lifecycle": "planned",
                "title": f"Remediation of {item.code}",
                "description": item.resources or "Remediation planned in the POA&M.",
                "props": [prop("resources", item.resources)] if item.resources else [],
                "tasks": [_milestone(milestone) for milestone in item.milestones.all()],
            }
        ],
    }
    if item.status == PoamItem.Status.RISK_ACCEPTED and item.risk_acceptance_rationale:
        risk["remediations"].append(
            {
                "uuid": stable_uuid("poam-acceptance", item.pk),
                "lifecycle": "completed",
                "title": "Risk accepted by the authorizing official",
                "description": item.risk_acceptance_rationale,
            }
        )
    poam_item = {
        "uuid": stable_uuid("poam-item", item.pk),
        "title": title,
        "description": item.weakness,
        "props": [
            prop("POAM-ID", item.code, ns=None),
            prop("source", item.source),
            prop("point-of-contact", item.point_of_contact) if item.point_of_contact else {},
            prop("status", item.status),
            prop("finding-id", item.finding.code) if item.finding else {},
        ],
        "related-findings": [{"finding-uuid": stable_uuid("finding", "weakness", item.finding_id)}]
        if item.finding_id
        else [],
        "related-risks": [{"risk-uuid": risk_uuid}],
    }
    return poam_item, risk


def poam_document(authorization: Authorization) -> dict[str, Any]:
    source = poam_source(authorization)
    if not source.items:
        # OSCAL's POA&M needs at least one item.
        raise ValidationError(
            "The plan of action and milestones has no item yet: there is nothing to export."
        )
    system = source.system
    parties = Parties(system.organization)
    pairs = [_item(item, parties) for item in source.items]
    findings = [
        {
            "uuid": stable_uuid("finding", "weakness", item.finding_id),
            "title": f"{item.finding.code} ({item.finding.assessment.title})",
            "description": item.finding.weakness or item.weakness,
            "target": {
                "type": "statement-id",
                "target-id": f"{item.selected_control.control_id}_smt",
                "status": {"state": "not-satisfied"},
            },
            "related-risks": [{"risk-uuid": stable_uuid("risk", "poam", item.pk)}],
        }
        for item in source.items
        if item.finding_id and item.selected_control_id
    ]
    ssp_uuid = stable_uuid("ssp-resource", authorization.pk)
    body = {
        "metadata": parties.metadata(
            title=f"Plan of action and milestones: {system.name} ({system.acronym})",
            last_modified=timestamp(
                latest(authorization.started_at, *(item.updated_at for item in source.items))
            ),
            version="",
        ),
        "import-ssp": {"href": f"#{ssp_uuid}"},
        "system-id": {
            "identifier-type": "https://ietf.org/rfc/rfc4122",
            "id": stable_uuid("system", system.pk),
        },
        "risks": [risk for _, risk in pairs],
        "findings": findings,
        "poam-items": [poam_item for poam_item, _ in pairs],
        "back-matter": {
            "resources": [
                {
                    "uuid": ssp_uuid,
                    "title": f"System security plan of {system.name}",
                    "rlinks": [
                        {"href": filename(authorization, "ssp"), "media-type": "application/json"}
                    ],
                }
            ]
        },
    }
    return finish("plan-of-action-and-milestones", "poam", authorization, body)
