"""Import an OSCAL system security plan (JSON, OSCAL 1.0 to 1.2, from this tool or another)
into a system's current cycle: the implementation status of each control, a narrative per
statement part and the parameter values; and, into the system's record, the laws, regulations
and policies the plan names (this tool's `law-regulation-policy` props) that the record does not
list yet: added, never removed, as narratives the file does not describe are kept.

All or nothing: the whole file is checked first and every problem is reported (a control
unknown to the catalog or not in the cycle's control set, a statement id that is not a part of
the control's statement, a status OSCAL does not define, a parameter the control does not
have); nothing is written while one remains. A dry run reports what would change without
writing. Same rules as the Implement services: open cycle in Implement or later, planners only
(EDIT_RMF), never the cycle's assessors; every change audited in the same transaction.
"""

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from assets.audit import audit_record, audit_records_bulk, snapshot
from assets.models import System
from assets.services.inventory import SYSTEM_FIELDS
from rmf.documents.oscal.common import OSCAL_TO_STATUS, PROJECT_NS
from rmf.documents.oscal.ssp import LAW_PROP
from rmf.models import (
    Authorization,
    Control,
    ControlImplementation,
    ControlParameter,
    ControlPart,
    Designation,
    ImplementationNarrative,
    ParameterValue,
    SelectedControl,
)
from rmf.selectors.pages import organization_path_ids, parameter_defaults_for
from rmf.services.implementation import (
    ACTIVE,
    STATEMENT_PART_NAMES,
    _editable,
    _not_an_assessor,
    _signed_in,
)

MAX_BYTES = 25 * 1024 * 1024
# Components whose narratives describe another system's share (the provider's), not ours.
OTHER_SYSTEM_TYPES = ("system", "leveraged-system", "interconnection")


@dataclass
class ImportReport:
    dry_run: bool
    controls: int = 0  # controls of the file matched to the cycle
    statuses: int = 0  # changes that were (or would be) written
    narratives: int = 0
    parameters: int = 0
    laws: int = 0  # laws, regulations and policies added to the system's record
    problems: list[str] = field(default_factory=list)
    not_in_file: list[str] = field(default_factory=list)  # active controls the file omits

    @property
    def changes(self) -> int:
        return self.statuses + self.narratives + self.parameters + self.laws


class SspImportRefused(Exception):
    """The file could not be mapped in full: nothing was written; `report.problems` says why."""

    def __init__(self, report: ImportReport):
        self.report = report
        super().__init__(
            f"Nothing was imported: {len(report.problems)} problem(s) to fix in the file first."
        )


def oscal_ssp_parse(raw: bytes) -> dict[str, Any]:
    """The SSP object of an OSCAL JSON file; ValidationError when it is not one."""
    if len(raw) > MAX_BYTES:
        raise ValidationError({"file": "The file is larger than 25 MB."})
    try:
        document = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValidationError({"file": f"This is not a JSON file ({error})."}) from error
    return ssp_root(document)


def ssp_root(document: Any) -> dict[str, Any]:
    root = document.get("system-security-plan") if isinstance(document, dict) else None
    if not isinstance(root, dict):
        raise ValidationError(
            {"file": "This is not an OSCAL system security plan: no “system-security-plan”."}
        )
    requirements = (root.get("control-implementation") or {}).get("implemented-requirements")
    if not isinstance(requirements, list) or not requirements:
        raise ValidationError({"file": "The plan has no implemented requirements to import."})
    return root


@dataclass
class _Planned:
    status: dict[int, str] = field(default_factory=dict)  # selected id -> status
    narratives: dict[tuple[int, str], str] = field(default_factory=dict)
    parameters: dict[tuple[int, str], str] = field(default_factory=dict)


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _state(entry: dict) -> str | None:
    status = entry.get("implementation-status")
    if isinstance(status, dict) and status.get("state"):
        return str(status["state"])
    for item in _list(entry.get("props")):  # OSCAL 1.0 / FedRAMP style
        if isinstance(item, dict) and item.get("name") == "implementation-status":
            return str(item.get("value", ""))
    return None


def _ours(by_components: list, other_systems: set[str]) -> list[dict]:
    return [
        item
        for item in by_components
        if isinstance(item, dict) and item.get("component-uuid") not in other_systems
    ]


def _plan(authorization: Authorization, root: dict) -> tuple[_Planned, ImportReport]:
    report = ImportReport(dry_run=True)
    planned = _Planned()
    components = _list((root.get("system-implementation") or {}).get("components"))
    other_systems = {
        item.get("uuid")
        for item in components
        if isinstance(item, dict) and item.get("type") in OTHER_SYSTEM_TYPES
    }
    requirements = [
        item
        for item in root["control-implementation"]["implemented-requirements"]
        if isinstance(item, dict)
    ]
    control_ids = {_text(item.get("control-id")).lower() for item in requirements}
    selected = {
        item.control_id: item
        for item in SelectedControl.objects.filter(authorization=authorization).select_related(
            "control"
        )
    }
    known = dict(Control.objects.filter(pk__in=control_ids).values_list("pk", "label"))
    parts = defaultdict(set)
    for part_id, control_id in ControlPart.objects.filter(
        control__in=control_ids, name__in=STATEMENT_PART_NAMES
    ).values_list("pk", "control"):
        parts[control_id].add(part_id)
    parameters: dict[str, dict[str, ControlParameter]] = defaultdict(dict)
    for parameter in ControlParameter.objects.filter(control__in=control_ids):
        parameters[parameter.control_id][parameter.pk] = parameter
        if parameter.alt_identifier:
            parameters[parameter.control_id].setdefault(parameter.alt_identifier, parameter)
    seen = set()
    for requirement in requirements:
        control_id = _text(requirement.get("control-id")).lower()
        label = control_id.upper() or "(no control-id)"
        if control_id not in known:
            report.problems.append(f"{label}: no such control in SP 800-53 Rev 5.")
            continue
        item = selected.get(control_id)
        label = known[control_id]
        if item is None:
            report.problems.append(f"{label}: not in this cycle's control set.")
            continue
        label = item.control.label
        if item.tailoring not in ACTIVE:
            report.problems.append(f"{label}: removed by tailoring in this cycle.")
            continue
        if control_id in seen:
            report.problems.append(f"{label}: listed twice in the file.")
            continue
        seen.add(control_id)
        report.controls += 1
        ours = _ours(_list(requirement.get("by-components")), other_systems)
        states = [state for state in [_state(requirement), *map(_state, ours)] if state]
        if states:
            if states[0] not in OSCAL_TO_STATUS:
                report.problems.append(
                    f"{label}: the status “{states[0]}” is not an OSCAL implementation status."
                )
            else:
                planned.status[item.pk] = OSCAL_TO_STATUS[states[0]]
        settings = _list(requirement.get("set-parameters"))
        for by_component in ours:
            settings += _list(by_component.get("set-parameters"))
        for setting in settings:
            if not isinstance(setting, dict):
                continue
            param_id = _text(setting.get("param-id"))
            parameter = parameters[control_id].get(param_id)
            values = [str(value).strip() for value in _list(setting.get("values"))]
            value = "; ".join(value for value in values if value)
            if parameter is None:
                report.problems.append(f"{label}: the control has no parameter “{param_id}”.")
            elif parameter.aggregates:
                report.problems.append(
                    f"{label}: “{param_id}” groups {', '.join(parameter.aggregates)}; "
                    "give their values instead."
                )
            elif (
                parameter.choices and parameter.how_many == "one" and value not in parameter.choices
            ):
                report.problems.append(
                    f"{label}: “{value}” is not one of the choices of {parameter.pk}."
                )
            elif value:
                planned.parameters[(item.pk, parameter.pk)] = value
        for statement in _list(requirement.get("statements")):
            if not isinstance(statement, dict):
                continue
            statement_id = _text(statement.get("statement-id"))
            texts = [
                _text(by_component.get("description"))
                for by_component in _ours(_list(statement.get("by-components")), other_systems)
            ]
            text = "\n\n".join(text for text in texts if text)
            if statement_id not in parts[control_id]:
                report.problems.append(
                    f"{label}: “{statement_id}” is not a part of the control's statement."
                )
            elif text and item.designation == Designation.COMMON:
                report.problems.append(
                    f"{label} is a common control in this cycle: its narrative is the "
                    "providing system's. Make it hybrid to import this system's share."
                )
            elif text:
                planned.narratives[(item.pk, statement_id)] = text
    report.not_in_file = [
        item.control.label
        for control_id, item in sorted(selected.items(), key=lambda pair: pair[1].control.sort_key)
        if item.tailoring in ACTIVE and control_id not in seen
    ]
    return planned, report


def _law_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _new_laws(system: System, root: dict) -> list[str]:
    """The laws, regulations and policies of the file the system's record does not list yet
    (compared by name, in any case), in the file's order."""
    characteristics = root.get("system-characteristics")
    props = _list(characteristics.get("props")) if isinstance(characteristics, dict) else []
    known = {_law_key(law) for law in system.laws_regulations_list}
    new = []
    for item in props:
        if not isinstance(item, dict) or item.get("name") != LAW_PROP:
            continue
        if item.get("ns") != PROJECT_NS:
            continue  # another tool's prop of the same name means something else
        law = _text(item.get("value"))
        if law and _law_key(law) not in known:
            known.add(_law_key(law))
            new.append(law)
    return new


def _add_laws(actor, system: System, laws: list[str]) -> None:
    """Written on the record directly rather than through `system_update`, whose checks of the
    whole record (people's roles, dates) are not this file's business."""
    before = snapshot(system, SYSTEM_FIELDS)
    system.laws_regulations = "\n".join([*system.laws_regulations_list, *laws])
    system.version += 1
    system.save(update_fields=["laws_regulations", "version", "updated_at"])
    audit_record(
        actor=actor,
        action="system_update",
        obj=system,
        organization=system.organization,
        before=before,
        after=snapshot(system, SYSTEM_FIELDS),
    )


def _changes(authorization: Authorization, planned: _Planned) -> _Planned:
    """Only what differs from the cycle's current data."""
    statuses = dict(
        ControlImplementation.objects.filter(
            selected_control__authorization=authorization
        ).values_list("selected_control", "status")
    )
    narratives = {
        (selected_id, part_id): text
        for selected_id, part_id, text in ImplementationNarrative.objects.filter(
            implementation__selected_control__authorization=authorization
        ).values_list("implementation__selected_control", "part", "text")
    }
    own = {
        (selected_id, parameter_id): value
        for selected_id, parameter_id, value in ParameterValue.objects.filter(
            selected_control__authorization=authorization
        ).values_list("selected_control", "parameter", "value")
    }
    defaults = parameter_defaults_for(
        organization_path_ids(authorization.system.organization),
        {parameter_id for _, parameter_id in planned.parameters},
    )

    def differs(key: tuple[int, str], value: str) -> bool:
        if key in own:
            return own[key] != value
        return defaults.get(key[1], ("",))[0] != value  # same as the default: nothing to set

    return _Planned(
        status={pk: s for pk, s in planned.status.items() if statuses.get(pk, "") != s},
        narratives={k: t for k, t in planned.narratives.items() if narratives.get(k) != t},
        parameters={k: v for k, v in planned.parameters.items() if differs(k, v)},
    )


def _write(actor, authorization: Authorization, changes: _Planned) -> None:
    organization = authorization.system.organization
    author = _signed_in(actor)
    touched = set(changes.status) | {pk for pk, _ in changes.narratives}
    existing = set(
        ControlImplementation.objects.filter(selected_control__in=touched).values_list(
            "selected_control", flat=True
        )
    )
    ControlImplementation.objects.bulk_create(
        [ControlImplementation(selected_control_id=pk) for pk in touched - existing]
    )
    implementations = {
        item.selected_control_id: item
        for item in ControlImplementation.objects.select_for_update(of=("self",)).filter(
            selected_control__in=touched
        )
    }
    records = []
    for selected_id, status in changes.status.items():
        implementation = implementations[selected_id]
        records.append(
            (implementation, organization, {"status": implementation.status}, {"status": status})
        )
        implementation.status = status
    ControlImplementation.objects.filter(
        pk__in=[implementations[pk].pk for pk in changes.status]
    ).update(version=F("version") + 1, updated_by=author)
    ControlImplementation.objects.bulk_update(
        [implementations[pk] for pk in changes.status], ["status"]
    )
    audit_records_bulk(actor=actor, action="implementation_update", records=records)

    current = {
        (item.implementation.selected_control_id, item.part_id): item
        for item in ImplementationNarrative.objects.select_for_update(of=("self",))
        .filter(implementation__in=implementations.values())
        .select_related("implementation")
    }
    new, updated, records = [], [], []
    for (selected_id, part_id), text in changes.narratives.items():
        narrative = current.get((selected_id, part_id))
        if narrative is None:
            new.append(
                ImplementationNarrative(
                    implementation=implementations[selected_id],
                    part_id=part_id,
                    text=text,
                    updated_by=author,
                )
            )
        else:
            records.append(
                (
                    narrative,
                    organization,
                    {"part": part_id, "text": narrative.text},
                    {"part": part_id, "text": text},
                )
            )
            narrative.text = text
            narrative.version += 1
            narrative.updated_by = author
            updated.append(narrative)
    ImplementationNarrative.objects.bulk_update(updated, ["text", "version", "updated_by"])
    for narrative in ImplementationNarrative.objects.bulk_create(new):
        records.append(
            (narrative, organization, {}, {"part": narrative.part_id, "text": narrative.text})
        )
    audit_records_bulk(actor=actor, action="narrative_save", records=records)

    values = {
        (item.selected_control_id, item.parameter_id): item
        for item in ParameterValue.objects.filter(
            selected_control__authorization=authorization,
        )
    }
    new_values, updated_values = [], []
    before = {key[1]: values[key].value if key in values else None for key in changes.parameters}
    for (selected_id, parameter_id), value in changes.parameters.items():
        item = values.get((selected_id, parameter_id))
        if item is None:
            new_values.append(
                ParameterValue(
                    selected_control_id=selected_id, parameter_id=parameter_id, value=value
                )
            )
        else:
            item.value = value
            updated_values.append(item)
    ParameterValue.objects.bulk_update(updated_values, ["value"])
    ParameterValue.objects.bulk_create(new_values)
    if changes.parameters:
        audit_record(
            actor=actor,
            action="parameter_value_set",
            obj=authorization,
            organization=organization,
            before=before,
            after={parameter_id: value for (_, parameter_id), value in changes.parameters.items()},
        )


@transaction.atomic
def ssp_import(
    *, actor, authorization: Authorization, root: dict[str, Any], dry_run: bool = False
) -> ImportReport:
    """Import the SSP `root` (see `ssp_root`) into the cycle. Returns the report; raises
    `SspImportRefused` (nothing written) when something could not be mapped, except in a dry
    run, whose report lists the problems and writes nothing in any case."""
    authorization = _editable(authorization)
    _not_an_assessor(actor, authorization)
    planned, report = _plan(authorization, root)
    changes = _changes(authorization, planned)
    systems = System.objects.select_related(
        "organization", "system_owner", "isso", "authorizing_official"
    )
    if not dry_run:
        systems = systems.select_for_update(of=("self",))
    system = systems.get(pk=authorization.system_id)
    laws = _new_laws(system, root)
    report.statuses = len(changes.status)
    report.narratives = len(changes.narratives)
    report.parameters = len(changes.parameters)
    report.laws = len(laws)
    report.dry_run = dry_run
    if dry_run:
        return report
    if report.problems:
        raise SspImportRefused(report)
    _write(actor, authorization, changes)
    if laws:
        _add_laws(actor, system, laws)
    title = _text((root.get("metadata") or {}).get("title"))
    audit_record(
        actor=actor,
        action="oscal_ssp_import",
        obj=authorization,
        organization=authorization.system.organization,
        after={
            "document": title[:200],
            "controls": report.controls,
            "statuses": report.statuses,
            "narratives": report.narratives,
            "parameters": report.parameters,
            "laws": report.laws,
        },
    )
    return report
