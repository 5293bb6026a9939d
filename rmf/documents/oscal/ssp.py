"""The cycle's system security plan as an OSCAL `system-security-plan`.

The system (FIPS 199 categorization with its SP 800-60 information types, people, status,
boundary, inventory, interconnections, the laws, regulations and policies the organization names
for it) and every active control of the cycle with its status,
designation, parameter values and a narrative per statement part. Controls are written for the
system itself (`this-system`) and, when common or hybrid, for the providing system, a component
of type `system` tied to its authorization in force (a leveraged authorization).
"""

from typing import Any

from django.core.exceptions import ValidationError

from rmf.documents.oscal.common import (
    CATALOG_HREF,
    PROFILE_HREF,
    SP800_60,
    STATUS_TO_OSCAL,
    SYSTEM_STATE,
    Parties,
    finish,
    prop,
    stable_uuid,
    timestamp,
)
from rmf.impact import OBJECTIVES
from rmf.models import Authorization, Designation
from rmf.selectors.oscal import ControlRecord, SspSource, ssp_source

COMPONENT_TYPES = {
    "hardware": "hardware",
    "software": "software",
    "firmware": "software",
    "network": "network",
    "iot_device": "hardware",
    "ot_device": "hardware",
}
COMPONENT_STATE = {"disposed": "disposition", "operational": "operational"}
# OSCAL's system-characteristics has no field for the laws, regulations and policies that apply
# (SP 800-18 asks for them): one prop each, in our namespace; the SSP import reads them back.
LAW_PROP = "law-regulation-policy"


def fips_level(level: str) -> str:
    return f"fips-199-{level.lower()}" if level in ("LOW", "MODERATE", "HIGH") else "fips-199-low"


def _impact(item, objective: str) -> dict[str, Any]:
    impact = {"base": fips_level(item.provisional[objective])}
    adjustment = item.adjustments.get(objective)
    if adjustment is not None:
        impact["selected"] = fips_level(item.effective[objective])
        impact["adjustment-justification"] = adjustment.justification
    return impact


def _information_types(source: SspSource) -> list[dict[str, Any]]:
    types = []
    for item in source.categorization.types:
        link = item.link
        information_type = link.information_type
        entry = {
            "uuid": stable_uuid("information-type", source.system.pk, item.identifier),
            "title": item.title,
            "description": link.note or information_type.description or item.title,
            **{f"{objective}-impact": _impact(item, objective) for objective in OBJECTIVES},
        }
        if link.catalog_type_id:
            entry["categorizations"] = [
                {"system": SP800_60, "information-type-ids": [link.catalog_type_id]}
            ]
        else:
            entry["props"] = [prop("organization-information-type", item.identifier)]
        types.append(entry)
    if not types:
        # OSCAL needs one; a cycle not yet categorized says so instead of inventing a type.
        types.append(
            {
                "uuid": stable_uuid("information-type", source.system.pk, "none"),
                "title": "Not yet categorized",
                "description": "No information type has been recorded for this system yet.",
            }
        )
    return types


def _characteristics(source: SspSource, parties: Parties) -> dict[str, Any]:
    system = source.system
    levels = source.categorization.levels
    for role_id, user in (
        ("system-owner", system.system_owner),
        ("information-system-security-officer", system.isso),
        ("authorizing-official", system.authorizing_official),
    ):
        parties.assign(role_id, user)
    decision = getattr(source.authorization, "decision", None)
    return {
        "system-ids": [
            {
                "identifier-type": "https://ietf.org/rfc/rfc4122",
                "id": stable_uuid("system", system.pk),
            }
        ],
        "system-name": system.name,
        "system-name-short": system.acronym,
        "description": system.description or f"{system.name} ({system.get_kind_display()}).",
        "props": [
            prop("system-type", system.get_system_type_display()),
            prop("system-kind", system.kind),
            prop("hosting", system.get_hosting_display()),
            prop("public-facing", "yes" if system.public_facing else "no"),
            prop("processes-pii", "yes" if system.processes_pii else "no"),
            prop("rmf-cycle", source.authorization.cycle),
            prop("rmf-step", source.authorization.step),
            *(prop("baseline", baseline) for baseline in source.baselines),
            *(prop(LAW_PROP, law) for law in system.laws_regulations_list),
        ],
        "date-authorized": decision.decision_date.isoformat()
        if decision is not None and decision.permits_operation
        else "",
        "security-sensitivity-level": fips_level(source.categorization.overall),
        "system-information": {"information-types": _information_types(source)},
        "security-impact-level": {
            f"security-objective-{objective}": fips_level(levels[objective])
            for objective in OBJECTIVES
        },
        "status": {"state": SYSTEM_STATE.get(system.status, "other")},
        "authorization-boundary": {
            "description": system.boundary_description
            or "The authorization boundary has not been described yet."
        },
    }


def this_system_uuid(source: SspSource) -> str:
    return stable_uuid("component", "this-system", source.system.pk)


def provider_uuid(system_id: int) -> str:
    return stable_uuid("component", "system", system_id)


def _implementation(source: SspSource, parties: Parties) -> dict[str, Any]:
    system = source.system
    components = [
        {
            "uuid": this_system_uuid(source),
            "type": "this-system",
            "title": system.name,
            "description": system.description or system.name,
            "status": {"state": COMPONENT_STATE.get(system.status, "under-development")},
        }
    ]
    leveraged = []
    for provider_id, provider in sorted(source.providers.items()):
        component = {
            "uuid": provider_uuid(provider_id),
            "type": "system",
            "title": f"{provider.name} ({provider.acronym})",
            "description": provider.description
            or f"{provider.name}, of {provider.organization.name}, provides common controls.",
            "status": {"state": COMPONENT_STATE.get(provider.status, "operational")},
        }
        decision = source.provider_decisions.get(provider_id)
        if decision is not None:
            leveraged_uuid = stable_uuid("leveraged-authorization", decision.pk)
            organization_uuid = stable_uuid("party", "organization", provider.organization_id)
            parties._add(
                organization_uuid, {"type": "organization", "name": provider.organization.name}
            )
            leveraged.append(
                {
                    "uuid": leveraged_uuid,
                    "title": f"{decision.get_kind_display()}: {provider.name}",
                    "props": [prop("decision-kind", decision.kind)],
                    "party-uuid": organization_uuid,
                    "date-authorized": decision.decision_date.isoformat(),
                }
            )
            component["props"] = [prop("leveraged-authorization-uuid", leveraged_uuid, ns=None)]
        components.append(component)
    for item in source.components:
        components.append(
            {
                "uuid": stable_uuid("component", "inventory", item.pk),
                "type": COMPONENT_TYPES.get(item.component_type, "hardware"),
                "title": item.name,
                "description": item.notes or item.get_component_type_display(),
                "props": [
                    prop("vendor-name", item.vendor.name, ns=None) if item.vendor else {},
                    prop("model", item.product, ns=None) if item.product else {},
                    prop("version", item.version, ns=None) if item.version else {},
                    prop("quantity", item.quantity),
                    prop("cpe-name", item.cpe) if item.cpe else {},
                    prop("internet-reachable", "yes" if item.internet_reachable else "no"),
                ],
                "status": {"state": "operational"},
            }
        )
    for link in source.interconnections:
        other = link.remote_system.name if link.remote_system else link.external_party
        components.append(
            {
                "uuid": stable_uuid("component", "interconnection", link.pk),
                "type": "interconnection",
                "title": f"Interconnection with {other}",
                "description": f"{link.get_direction_display()}: {link.information}.",
                "props": [
                    prop("direction", link.direction),
                    prop("agreement", link.agreement),
                    prop("agreement-reference", link.agreement_reference)
                    if link.agreement_reference
                    else {},
                ],
                "status": {"state": "operational" if link.status == "active" else "other"},
            }
        )
    users = [
        {
            "uuid": stable_uuid("user", system.pk, "users"),
            "title": "System users",
            "description": f"About {system.user_count} people use the system."
            if system.user_count
            else "The people who use the system.",
        }
    ]
    return {"leveraged-authorizations": leveraged, "users": users, "components": components}


def _status(record: ControlRecord) -> dict[str, str]:
    state = STATUS_TO_OSCAL.get(record.status)
    return {"state": state} if state else {}


def _requirement(source: SspSource, record: ControlRecord) -> dict[str, Any]:
    selected = record.selected
    control = selected.control
    system_id = source.system.pk
    own = this_system_uuid(source)
    provider = provider_uuid(selected.provider_id) if selected.provider_id else None
    common = selected.designation == Designation.COMMON
    shares = {
        Designation.SYSTEM_SPECIFIC: "This system implements the control.",
        Designation.COMMON: "Inherited from the providing system.",
        Designation.HYBRID: "Shared: the providing system and this system each implement part.",
    }
    control_level = []
    if not common:
        control_level.append(
            {
                "component-uuid": own,
                "uuid": stable_uuid("by-component", system_id, control.pk, "this-system"),
                "description": shares[selected.designation],
                "props": [prop("responsible-roles", record.responsible_roles)]
                if record.responsible_roles
                else [],
                "implementation-status": _status(record),
            }
        )
    if provider is not None:
        control_level.append(
            {
                "component-uuid": provider,
                "uuid": stable_uuid("by-component", system_id, control.pk, "provider"),
                "description": f"Provided by {selected.provider.name}.",
                "implementation-status": _status(record) if common else {},
            }
        )
    own_texts = dict(record.narratives)
    part_ids = list(own_texts) + [
        part_id for part_id in record.provider_narratives if part_id not in own_texts
    ]
    statements = []
    for part_id in part_ids:
        by_components = []
        if part_id in own_texts and not common:
            by_components.append(
                {
                    "component-uuid": own,
                    "uuid": stable_uuid("by-component", system_id, part_id, "this-system"),
                    "description": own_texts[part_id],
                }
            )
        if provider is not None and part_id in record.provider_narratives:
            by_components.append(
                {
                    "component-uuid": provider,
                    "uuid": stable_uuid("by-component", system_id, part_id, "provider"),
                    "description": record.provider_narratives[part_id],
                }
            )
        if by_components:
            statements.append(
                {
                    "statement-id": part_id,
                    "uuid": stable_uuid("statement", system_id, part_id),
                    "by-components": by_components,
                }
            )
    props = [
        prop("designation", selected.designation),
        prop("tailoring", selected.tailoring),
        prop("monitoring-frequency", selected.monitoring_frequency)
        if selected.monitoring_frequency
        else {},
        prop("control-label", control.label),
    ]
    return {
        "uuid": stable_uuid("implemented-requirement", system_id, control.pk),
        "control-id": control.pk,
        "props": props,
        "set-parameters": [
            {
                "param-id": setting.parameter_id,
                "values": [setting.value],
                "remarks": f"Default of {setting.default_from}." if setting.default_from else "",
            }
            for setting in record.parameters
        ],
        "by-components": control_level,
        "statements": statements,
        "remarks": selected.tailoring_rationale if selected.tailoring != "baseline" else "",
    }


def ssp_document(authorization: Authorization) -> dict[str, Any]:
    """Raises ValidationError before the control set is selected: OSCAL has no SSP without
    controls."""
    source = ssp_source(authorization)
    if not source.controls:
        raise ValidationError(
            "The security plan has no controls yet: select the control set (step Select) "
            "before exporting it as OSCAL."
        )
    system = source.system
    parties = Parties(system.organization)
    characteristics = _characteristics(source, parties)
    implementation = _implementation(source, parties)
    removed = "; ".join(
        f"{item.control.label} ({item.get_tailoring_display()}: {item.tailoring_rationale})"
        for item in source.removed
    )
    description = (
        f"The controls of {system.name} for RMF cycle {authorization.cycle}"
        + (f", from the {' and '.join(source.baselines)} baseline" if source.baselines else "")
        + "."
        + (f" Removed by tailoring: {removed}." if removed else "")
    )
    baseline = next((name for name in source.baselines if name != "PRIVACY"), None)
    baseline = baseline or (source.baselines[0] if source.baselines else None)
    body = {
        "metadata": parties.metadata(
            title=f"System security plan: {system.name} ({system.acronym})",
            last_modified=timestamp(source.changed_at),
            version="",
        ),
        "import-profile": {
            "href": PROFILE_HREF.format(baseline=baseline) if baseline else CATALOG_HREF
        },
        "system-characteristics": characteristics,
        "system-implementation": implementation,
        "control-implementation": {
            "description": description,
            "implemented-requirements": [
                _requirement(source, record) for record in source.controls
            ],
        },
    }
    return finish("system-security-plan", "ssp", authorization, body)
