"""The authorization package (R-1) as data: the system security plan, the assessment, the risk
decisions and the POA&M of a cycle, assembled from the earlier steps, in canonical JSON.

Signing a decision stores this content and its SHA-256 (`package_hash`). Comparing the stored
content with the current one tells whether, and in which sections, the package changed since
authorization. Everything is read in bulk: a fixed number of queries for any number of cycles.
"""

import hashlib
import json
from collections import defaultdict
from typing import Any

from assets.models import Component, Interconnection
from rmf.models import (
    Assessment,
    Authorization,
    AuthorizationDecision,
    ControlImplementation,
    Determination,
    Finding,
    ImplementationNarrative,
    ParameterValue,
    PoamItem,
    PoamMilestone,
    RiskDetermination,
    SelectedControl,
)

# The package's sections, in order, with the words a page uses for each.
SECTIONS: dict[str, str] = {
    "system": "the system description (SSP)",
    "categorization": "the security categorization (SSP)",
    "controls": "the controls and their implementation (SSP)",
    "assessment": "the security assessment (SAR)",
    "risk": "the risk determination and responses",
    "poam": "the plan of action and milestones",
}


def _username(user) -> str:
    return user.get_username() if user is not None else ""


def _system(system, components, interconnections) -> dict[str, Any]:
    section = {
        "name": system.name,
        "acronym": system.acronym,
        "organization": system.organization.name,
        "kind": system.kind,
        "system_type": system.system_type,
        "status": system.status,
        "description": system.description,
        "boundary": system.boundary_description,
        "hosting": system.hosting,
        "hosting_provider": system.hosting_provider,
        "processes_pii": system.processes_pii,
        "public_facing": system.public_facing,
        "system_owner": _username(system.system_owner),
        "isso": _username(system.isso),
        "authorizing_official": _username(system.authorizing_official),
        "components": sorted(components, key=lambda row: json.dumps(row, sort_keys=True)),
        "interconnections": sorted(
            interconnections, key=lambda row: json.dumps(row, sort_keys=True)
        ),
    }
    laws = system.laws_regulations_list
    if laws:
        # Only when named: packages signed before the field existed keep their hash.
        section["laws_regulations"] = laws
    return section


def package_contents_bulk(authorizations: list[Authorization]) -> dict[int, dict[str, Any]]:
    """The package content of each cycle. `authorizations` come with `system__organization`
    selected (the people of the system are loaded here)."""
    from rmf.selectors.workflow import categorizations_bulk  # the workflow selectors import this

    if not authorizations:
        return {}
    ids = [authorization.pk for authorization in authorizations]
    system_ids = {authorization.system_id for authorization in authorizations}
    people = {
        system.pk: system
        for system in type(authorizations[0].system)
        .objects.filter(pk__in=system_ids)
        .select_related("organization", "system_owner", "isso", "authorizing_official")
    }
    components = defaultdict(list)
    for system_id, name, component_type, product, version in Component.objects.filter(
        system__in=system_ids
    ).values_list("system", "name", "component_type", "product", "version"):
        components[system_id].append(
            {"name": name, "type": component_type, "product": product, "version": version}
        )
    interconnections = defaultdict(list)
    for row in Interconnection.objects.filter(system__in=system_ids).values(
        "system", "remote_system", "external_party", "direction", "information", "agreement"
    ):
        interconnections[row.pop("system")].append(row)
    categorizations = categorizations_bulk(authorizations)

    controls: dict[int, dict[int, dict]] = defaultdict(dict)
    for row in (
        SelectedControl.objects.filter(authorization__in=ids)
        .values(
            "pk",
            "authorization",
            "control_id",
            "control__sort_key",
            "in_baseline",
            "tailoring",
            "tailoring_rationale",
            "designation",
            "provider",
            "monitoring_frequency",
        )
        .order_by("control__sort_key")
    ):
        pk = row.pop("pk")
        controls[row.pop("authorization")][pk] = {
            **row,
            "status": "",
            "responsible_roles": "",
            "parameters": {},
            "narratives": {},
        }
    by_selected = {pk: row for rows in controls.values() for pk, row in rows.items()}
    for selected_id, status, roles in ControlImplementation.objects.filter(
        selected_control__authorization__in=ids
    ).values_list("selected_control", "status", "responsible_roles"):
        by_selected[selected_id]["status"] = status
        by_selected[selected_id]["responsible_roles"] = roles
    for selected_id, parameter_id, value in ParameterValue.objects.filter(
        selected_control__authorization__in=ids
    ).values_list("selected_control", "parameter", "value"):
        by_selected[selected_id]["parameters"][parameter_id] = value
    for selected_id, part_id, text in ImplementationNarrative.objects.filter(
        implementation__selected_control__authorization__in=ids
    ).values_list("implementation__selected_control", "part", "text"):
        by_selected[selected_id]["narratives"][part_id] = text

    assessments: dict[int, dict] = {}
    for assessment in Assessment.objects.filter(
        authorization__in=ids, kind=Assessment.Kind.INITIAL
    ).prefetch_related("scoped_controls__control"):
        assessments[assessment.authorization_id] = {
            "title": assessment.title,
            "scope_all": assessment.scope_all,
            "scoped_controls": sorted(c.control_id for c in assessment.scoped_controls.all()),
            "starts_on": assessment.starts_on,
            "ends_on": assessment.ends_on,
            "methods": assessment.methods,
            "plan_version": assessment.plan_version,
            "plan_approved": assessment.plan_approved,
            "determinations": {},
            "findings": [],
        }
    for authorization_id, control_id, objective_id, result in (
        Determination.objects.filter(
            assessment__authorization__in=ids, assessment__kind=Assessment.Kind.INITIAL
        )
        .values_list(
            "assessment__authorization", "selected_control__control", "objective", "result"
        )
        .order_by("objective__sort_order")
    ):
        assessments[authorization_id]["determinations"].setdefault(control_id, {})[objective_id] = (
            result
        )
    for finding in (
        Finding.objects.filter(
            assessment__authorization__in=ids, assessment__kind=Assessment.Kind.INITIAL
        )
        .select_related("selected_control", "risk_response", "assessment")
        .order_by("number")
    ):
        response = getattr(finding, "risk_response", None)
        assessments[finding.assessment.authorization_id]["findings"].append(
            {
                "number": finding.code,
                "control": finding.selected_control.control_id,
                "status": finding.status,
                "weakness": finding.weakness,
                "likelihood": finding.likelihood,
                "impact": finding.impact,
                "risk_level": finding.risk_level,
                "recommendation": finding.recommendation,
                "response": response.response if response else "",
                "response_rationale": response.rationale if response else "",
            }
        )
    determinations = {
        row.authorization_id: {"risk_level": row.risk_level, "rationale": row.rationale}
        for row in RiskDetermination.objects.filter(authorization__in=ids)
    }
    milestones = defaultdict(list)
    for item_id, description, due_on, completed_on in (
        PoamMilestone.objects.filter(item__authorization__in=ids)
        .values_list("item", "description", "due_on", "completed_on")
        .order_by("due_on", "pk")
    ):
        milestones[item_id].append(
            {"description": description, "due_on": due_on, "completed_on": completed_on}
        )
    poam = defaultdict(list)
    for item in (
        PoamItem.objects.filter(authorization__in=ids)
        .select_related("selected_control")
        .order_by("number")
    ):
        poam[item.authorization_id].append(
            {
                "number": item.code,
                "control": item.selected_control.control_id if item.selected_control else "",
                "weakness": item.weakness,
                "source": item.source,
                "risk_level": item.risk_level,
                "point_of_contact": item.point_of_contact,
                "resources": item.resources,
                "scheduled_completion": item.scheduled_completion,
                "status": item.status,
                "milestones": milestones[item.pk],
            }
        )

    contents = {}
    for authorization in authorizations:
        pk = authorization.pk
        content = {
            "system": _system(
                people[authorization.system_id],
                components[authorization.system_id],
                interconnections[authorization.system_id],
            ),
            "categorization": categorizations[pk].snapshot(),
            "controls": [
                {key: value for key, value in row.items() if key != "control__sort_key"}
                for row in controls[pk].values()
            ],
            "assessment": assessments.get(pk, {}),
            "risk": determinations.get(pk, {}),
            "poam": poam[pk],
        }
        # Read back as JSON would be: dates as strings, tuples as lists.
        contents[pk] = json.loads(canonical_json(content))
    return contents


def package_content(authorization: Authorization) -> dict[str, Any]:
    return package_contents_bulk([authorization])[authorization.pk]


def canonical_json(content: Any) -> str:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)


def package_hash(content: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of a package's content."""
    return hashlib.sha256(canonical_json(content).encode()).hexdigest()


def changed_sections(signed: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """The sections (keys of SECTIONS) whose content differs between two package contents."""
    return [
        key
        for key in SECTIONS
        if canonical_json(signed.get(key)) != canonical_json(current.get(key))
    ]


def package_changes_bulk(decisions: list[AuthorizationDecision]) -> dict[int, list[str]]:
    """For each decision (by its cycle id), the sections of its package changed since it was
    signed; empty when the package is as signed. Decisions come with `authorization__system__
    organization` selected."""
    if not decisions:
        return {}
    contents = package_contents_bulk([decision.authorization for decision in decisions])
    changes = {}
    for decision in decisions:
        current = contents[decision.authorization_id]
        if package_hash(current) == decision.content_hash:
            changes[decision.authorization_id] = []
        else:
            changes[decision.authorization_id] = changed_sections(decision.snapshot, current)
    return changes
