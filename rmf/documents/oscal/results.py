"""The cycle's assessments as an OSCAL `assessment-results`: one result per assessment (the
initial one of the Assess step, then the ongoing ones of Monitor) with the controls it
reviewed, a finding per SP 800-53A objective determined (satisfied or not), an observation of
how it was determined, and the weaknesses found as risks with their likelihood, impact, level
and the authorizing official's response."""

from typing import Any

from django.core.exceptions import ValidationError

from rmf.documents.oscal.common import (
    Parties,
    finish,
    latest,
    prop,
    stable_uuid,
    timestamp,
)
from rmf.models import Authorization, Finding
from rmf.selectors.oscal import AssessmentRecord, ResultsSource, results_source

SP800_30 = "https://doi.org/10.6028/NIST.SP.800-30r1"
RISK_STATUS = {
    Finding.Status.OPEN: "open",
    Finding.Status.REMEDIATION_SUBMITTED: "remediating",
    Finding.Status.CLOSED: "closed",
}
METHODS = {"examine": "EXAMINE", "interview": "INTERVIEW", "test": "TEST"}
RESPONSE_LIFECYCLE = {"accept": "completed", "mitigate": "planned", "avoid": "planned"}


def risk_characterization(party_uuid: str, **levels: str) -> list[dict[str, Any]]:
    facets = [
        {"name": name, "system": SP800_30, "value": value}
        for name, value in levels.items()
        if value
    ]
    if not facets:
        return []
    return [{"origin": {"actors": [{"type": "party", "actor-uuid": party_uuid}]}, "facets": facets}]


def _risk(finding: Finding, party_uuid: str) -> dict[str, Any]:
    control = finding.selected_control.control
    response = getattr(finding, "risk_response", None)
    remediations = []
    if response is not None:
        remediations.append(
            {
                "uuid": stable_uuid("risk-response", response.pk),
                "lifecycle": RESPONSE_LIFECYCLE.get(response.response, "recommendation"),
                "title": response.get_response_display(),
                "description": response.rationale,
            }
        )
    if finding.recommendation:
        remediations.append(
            {
                "uuid": stable_uuid("recommendation", finding.pk),
                "lifecycle": "recommendation",
                "title": "Assessor's recommendation",
                "description": finding.recommendation,
            }
        )
    return {
        "uuid": stable_uuid("risk", "finding", finding.pk),
        "title": f"{finding.code}: {control.label} {control.title}",
        "description": finding.weakness or f"{control.label} is other than satisfied.",
        "statement": finding.weakness or f"{control.label} is other than satisfied.",
        "props": [prop("finding-id", finding.code), prop("control-id", control.pk)],
        "status": RISK_STATUS.get(finding.status, "open"),
        "characterizations": risk_characterization(
            party_uuid,
            likelihood=finding.likelihood,
            impact=finding.impact,
            risk=finding.risk_level,
        ),
        "remediations": remediations,
    }


def _result(record: AssessmentRecord, source: ResultsSource, parties: Parties) -> dict[str, Any]:
    assessment = record.assessment
    system_id = source.system.pk
    lead = next((item for item in source.assessors if item.is_lead), None)
    assessor_uuid = parties.person(lead.assessor) if lead else parties.organization_uuid
    observations = []
    findings = []
    for row in record.determinations:
        observation_uuid = stable_uuid("observation", "determination", row["pk"])
        text = row["note"] or row["evidence_examined"]
        observations.append(
            {
                "uuid": observation_uuid,
                "title": f"Determination of {row['objective__label'] or row['objective']}",
                "description": text or f"Determined {row['result'].replace('_', ' ')}.",
                "methods": [METHODS[m] for m in row["methods"] if m in METHODS] or ["UNKNOWN"],
                "collected": timestamp(row["updated_at"]),
                "remarks": row["evidence_examined"] if row["note"] else "",
            }
        )
        status = {
            "state": "satisfied" if row["result"] != "other_than_satisfied" else "not-satisfied"
        }
        if row["result"] == "not_applicable":
            status["reason"] = "not-applicable"
        findings.append(
            {
                "uuid": stable_uuid(
                    "finding", "objective", system_id, assessment.pk, row["objective"]
                ),
                "title": f"{row['objective__label'] or row['objective']}",
                "description": f"Assessment objective {row['objective']} of "
                f"{row['selected_control__control']}.",
                "target": {
                    "type": "objective-id",
                    "target-id": row["objective"],
                    "status": status,
                },
                "related-observations": [{"observation-uuid": observation_uuid}],
            }
        )
    risks = []
    for finding in record.findings:
        risk = _risk(finding, assessor_uuid)
        risks.append(risk)
        control = finding.selected_control.control
        findings.append(
            {
                "uuid": stable_uuid("finding", "weakness", finding.pk),
                "title": f"{finding.code}: {control.label}",
                "description": finding.weakness or f"{control.label} is other than satisfied.",
                "props": [prop("finding-id", finding.code)],
                "target": {
                    "type": "statement-id",
                    "target-id": f"{control.pk}_smt",
                    "status": {
                        "state": "satisfied"
                        if finding.status == Finding.Status.CLOSED
                        else "not-satisfied"
                    },
                },
                "related-risks": [{"risk-uuid": risk["uuid"]}],
            }
        )
    start = assessment.starts_on or assessment.created_at
    ended = assessment.ends_on
    return {
        "uuid": stable_uuid("result", assessment.pk),
        "title": assessment.title,
        "description": f"{assessment.get_kind_display()} of {source.system.name}, "
        f"plan version {assessment.plan_version}"
        + (", approved by the authorizing official." if assessment.plan_approved else "."),
        "start": timestamp(start),
        "end": timestamp(ended) if ended else "",
        "props": [
            prop("assessment-kind", assessment.kind),
            *(prop("method", method) for method in assessment.methods),
        ],
        "reviewed-controls": {
            "control-selections": [
                {"include-controls": [{"control-id": control_id} for control_id in record.controls]}
            ]
        },
        "observations": observations,
        "risks": risks,
        "findings": findings,
    }


def results_document(authorization: Authorization) -> dict[str, Any]:
    source = results_source(authorization)
    if not source.assessments:
        raise ValidationError(
            "No assessment has been planned for this cycle yet: the assessment results start "
            "with the assessment plan (step Assess)."
        )
    system = source.system
    parties = Parties(system.organization)
    for assignment in source.assessors:
        parties.assign("assessor", assignment.assessor)
    results = [_result(record, source, parties) for record in source.assessments]
    plan_uuid = stable_uuid("assessment-plan", authorization.pk)
    changed = latest(
        authorization.started_at,
        *(record.assessment.updated_at for record in source.assessments),
        *(row["updated_at"] for record in source.assessments for row in record.determinations),
        *(finding.updated_at for record in source.assessments for finding in record.findings),
    )
    body = {
        "metadata": parties.metadata(
            title=f"Security assessment results: {system.name} ({system.acronym})",
            last_modified=timestamp(changed),
            version="",
        ),
        "import-ap": {"href": f"#{plan_uuid}"},
        "results": results,
        "back-matter": {
            "resources": [
                {
                    "uuid": plan_uuid,
                    "title": f"Assessment plan of {system.name}, RMF cycle {authorization.cycle}",
                    "description": "The assessment plans (scope, methods, schedule) recorded in "
                    "the RMF Workbench for this cycle.",
                }
            ]
        },
    }
    return finish("assessment-results", "sar", authorization, body)
