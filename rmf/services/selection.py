"""Step 2, Select: the control set from the SP 800-53B baseline(s), tailoring, allocation to
common control providers, parameter values and the continuous monitoring strategy.

Once the plan is approved (S-6) the control set is frozen for the cycle: a change needs the
approval withdrawn first, so that what the authorizing official approved stays what is recorded.
"""

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from assets.audit import audit_record
from assets.models import Organization, System
from rmf.models import (
    STEP_ORDER,
    Authorization,
    BaselineControl,
    Control,
    ControlFamily,
    ControlParameter,
    ControlSelection,
    Designation,
    MonitoringFrequency,
    OrganizationParameterDefault,
    ParameterValue,
    SelectedControl,
    Step,
    TaskSignoff,
)
from rmf.selectors.workflow import cycle_facts, government_of
from rmf.services.workflow import ensure_open, lock_authorization
from rmf.tasks import TASKS_BY_CODE

Tailoring = SelectedControl.Tailoring
ACTIVE = (Tailoring.BASELINE, Tailoring.ADDED)


def _editable(authorization: Authorization) -> Authorization:
    authorization = lock_authorization(authorization)
    ensure_open(authorization)
    if STEP_ORDER.index(authorization.step) < STEP_ORDER.index(Step.SELECT):
        raise ValidationError(
            "Controls are selected in the Select step, after the categorization is approved."
        )
    if TaskSignoff.objects.filter(authorization=authorization, task="S-6").exists():
        raise ValidationError(
            "The security plan is approved (S-6) and frozen for this cycle. The authorizing "
            "official must withdraw the approval, with a reason, before the control set can "
            "change."
        )
    return authorization


def _audit(actor, action: str, authorization: Authorization, **kwargs) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=authorization,
        organization=authorization.system.organization,
        **kwargs,
    )


def _signed_in(actor):
    return actor if actor is not None and actor.is_authenticated else None


def matching_baselines(authorization: Authorization) -> list[str]:
    """The SP 800-53B baselines the categorization calls for: its overall level, plus PRIVACY
    when the system processes personally identifiable information."""
    return cycle_facts(authorization).matching_baselines


# --- the control set ------------------------------------------------------------------------


def _insert_baseline_controls(authorization: Authorization, baselines: list[str]) -> int:
    """Add every control of `baselines` that the cycle's set does not hold yet, as baseline
    controls with the model's defaults, in one INSERT ... SELECT: one statement whatever the
    size of the baseline (bulk_create would take several batches on SQLite). Returns how
    many were added."""
    quote = connection.ops.quote_name
    overrides = {"authorization_id": authorization.pk, "in_baseline": True}
    columns, params = [], []
    for model_field in SelectedControl._meta.concrete_fields:
        if model_field.primary_key or model_field.attname == "control_id":
            continue
        value = overrides.get(model_field.attname, model_field.get_default())
        if value is None and model_field.null:
            continue  # left to the column's NULL (a literal NULL would be untyped)
        if isinstance(value, str):
            value = str(value)  # a choices enum member as its plain value
        columns.append(model_field.column)
        params.append(model_field.get_db_prep_save(value, connection))
    table = quote(SelectedControl._meta.db_table)
    control_column = quote(SelectedControl._meta.get_field("control").column)
    authorization_column = quote(SelectedControl._meta.get_field("authorization").column)
    baseline_table = quote(BaselineControl._meta.db_table)
    baseline_column = quote(BaselineControl._meta.get_field("baseline").column)
    baseline_control = quote(BaselineControl._meta.get_field("control").column)
    # Identifiers come from the models' metadata, quoted; every value is a query parameter.
    sql = (
        f"INSERT INTO {table} ({', '.join(quote(column) for column in columns)}, "  # noqa: S608
        f"{control_column}) "
        f"SELECT {', '.join(['%s'] * len(params))}, wanted.control_id "
        f"FROM (SELECT DISTINCT {baseline_control} AS control_id FROM {baseline_table} "
        f"WHERE {baseline_column} IN ({', '.join(['%s'] * len(baselines))})) wanted "
        f"WHERE NOT EXISTS (SELECT 1 FROM {table} existing "
        f"WHERE existing.{authorization_column} = %s "
        f"AND existing.{control_column} = wanted.control_id)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *baselines, authorization.pk])
        return cursor.rowcount


@transaction.atomic
def control_set_select(*, actor, authorization: Authorization) -> ControlSelection:
    """Create the control set from the matching baseline(s) (S-1) in one bulk statement.

    When the set exists but the categorization (or the system's handling of PII) now calls for
    other baselines, e.g. a categorization changed after stepping back, or a re-authorization
    whose carried set was selected for another level, the set is re-selected: controls of the
    new baselines are added, baseline controls that the new baselines no longer hold stay as
    additions that need a rationale (or removal), removals of such controls are dropped, and
    every other decision (tailoring, allocation, frequency, parameter values) is kept."""
    authorization = _editable(authorization)
    facts = cycle_facts(authorization)
    stale = TASKS_BY_CODE["C-3"].check(facts)
    if stale:
        raise ValidationError(
            "The baseline follows the approved categorization. Still needed first — C-3: "
            + ", ".join(stale)
            + "."
        )
    baselines = facts.matching_baselines
    selection = ControlSelection.objects.filter(authorization=authorization).first()
    if selection is not None and sorted(selection.baselines) == sorted(baselines):
        raise ValidationError(
            f"The {' + '.join(baselines)} baseline is already selected for this cycle: tailor "
            "the control set instead."
        )
    if selection is None:
        selection = ControlSelection.objects.create(
            authorization=authorization, baselines=baselines, selected_by=_signed_in(actor)
        )
        added = _insert_baseline_controls(authorization, baselines)
        _audit(
            actor,
            "control_set_select",
            authorization,
            after={"baselines": baselines, "controls": added},
        )
        return selection
    previous = selection.baselines
    in_new = BaselineControl.objects.filter(baseline__in=baselines).values("control")
    controls = SelectedControl.objects.filter(authorization=authorization)
    joined = controls.filter(in_baseline=False, control__in=in_new)
    adopted = joined.filter(tailoring=Tailoring.ADDED).update(
        tailoring=Tailoring.BASELINE, tailoring_rationale=""
    )
    joined.update(in_baseline=True)
    left = controls.filter(in_baseline=True).exclude(control__in=in_new)
    dropped, _ = left.exclude(tailoring__in=ACTIVE).delete()
    kept = left.update(in_baseline=False, tailoring=Tailoring.ADDED, tailoring_rationale="")
    added = _insert_baseline_controls(authorization, baselines)
    selection.baselines = baselines
    selection.selected_by = _signed_in(actor)
    selection.save(update_fields=["baselines", "selected_by"])
    _audit(
        actor,
        "control_set_select",
        authorization,
        before={"baselines": previous},
        after={
            "baselines": baselines,
            "controls added from the new baseline": added,
            "additions now in the baseline": adopted,
            "controls no longer in the baseline, kept as additions to justify": kept,
        },
        reason="Re-selected: the categorization calls for other baselines.",
    )
    return selection


def _require_rationale(rationale: str) -> str:
    if not rationale.strip():
        raise ValidationError(
            {"rationale": "Every tailoring decision needs a rationale the assessor can read."}
        )
    return rationale.strip()


def _control_named(name: str) -> Control:
    """A control by its id ("ac-2.1") or label ("AC-2(1)"), or a clear refusal."""
    name = name.strip()
    if not name:
        raise ValidationError({"control": "Name the control, e.g. AC-2 or AC-2(1)."})
    control = Control.objects.filter(Q(pk=name.lower()) | Q(label__iexact=name)).first()
    if control is None:
        raise ValidationError({"control": f"There is no control “{name}” in SP 800-53 Rev 5."})
    if control.withdrawn:
        targets = dict(
            Control.objects.filter(pk__in=control.withdrawn_to).values_list("pk", "label")
        )
        where = ", ".join(targets.get(target, target) for target in control.withdrawn_to)
        raise ValidationError(
            {
                "control": f"{control.label} is withdrawn from SP 800-53"
                + (f" (see {where})." if where else ".")
            }
        )
    return control


@transaction.atomic
def control_tailor_add(
    *, actor, authorization: Authorization, control_id: str, rationale: str
) -> SelectedControl:
    """Add a control to the set (tailoring in), or restore a removed baseline control. An
    added control keeps its rationale; a restored baseline control is as the baseline has it,
    with no tailoring decision left to explain (the reason for restoring it is in the audit
    trail, with the removal's rationale it replaces)."""
    authorization = _editable(authorization)
    rationale = _require_rationale(rationale)
    control = _control_named(control_id)
    if not ControlSelection.objects.filter(authorization=authorization).exists():
        raise ValidationError({"control": "Select the baseline first, then tailor it."})
    existing = SelectedControl.objects.filter(authorization=authorization, control=control).first()
    if existing is not None and existing.is_active:
        raise ValidationError({"control": f"{control.label} is already in the control set."})
    if (
        control.parent_id is not None
        and not SelectedControl.objects.filter(
            authorization=authorization, control_id=control.parent_id, tailoring__in=ACTIVE
        ).exists()
    ):
        base = Control.objects.get(pk=control.parent_id)
        raise ValidationError(
            {
                "control": f"{control.label} enhances {base.label}, which is not in the control "
                f"set: add {base.label} first."
            }
        )
    before = {}
    if existing is not None:  # a removed baseline control comes back
        before = {
            "tailoring": Tailoring(existing.tailoring).label,
            "rationale": existing.tailoring_rationale,
        }
        existing.tailoring = Tailoring.BASELINE if existing.in_baseline else Tailoring.ADDED
        existing.tailoring_rationale = "" if existing.in_baseline else rationale
        existing.version += 1
        existing.save(update_fields=["tailoring", "tailoring_rationale", "version"])
        selected = existing
    else:
        selected = SelectedControl.objects.create(
            authorization=authorization,
            control=control,
            in_baseline=False,
            tailoring=Tailoring.ADDED,
            tailoring_rationale=rationale,
        )
    _audit(
        actor,
        "control_tailor_add",
        authorization,
        before={"control": control.label, **before},
        after={
            "control": control.label,
            "tailoring": Tailoring(selected.tailoring).label,
            "rationale": rationale,
        },
        reason=rationale,
    )
    return selected


@transaction.atomic
def control_tailor_remove(
    *, actor, selected_control: SelectedControl, kind: str, rationale: str
) -> SelectedControl:
    """Remove a control from the set: a baseline control stays listed as scoped out or
    replaced by a compensating control, with the rationale; an added control leaves the set."""
    authorization = _editable(selected_control.authorization)
    rationale = _require_rationale(rationale)
    if kind not in (Tailoring.SCOPED_OUT, Tailoring.COMPENSATING):
        raise ValidationError({"kind": "Choose scoping or a compensating control."})
    selected = (
        SelectedControl.objects.select_for_update(of=("self",))
        .select_related("control")
        .get(pk=selected_control.pk, authorization=authorization)
    )
    if not selected.is_active:
        raise ValidationError({"control": f"{selected.control.label} is already removed."})
    label = selected.control.label
    before = {"tailoring": Tailoring(selected.tailoring).label}
    if not selected.in_baseline:
        selected.delete()  # an added control simply leaves the set again
        after = {"tailoring": "Not in the control set", "rationale": rationale}
    else:
        selected.tailoring = kind
        selected.tailoring_rationale = rationale
        selected.version += 1
        selected.save(update_fields=["tailoring", "tailoring_rationale", "version"])
        after = {"tailoring": Tailoring(kind).label, "rationale": rationale}
    _audit(
        actor,
        "control_tailor_remove",
        authorization,
        before={"control": label, **before},
        after={"control": label, **after},
        reason=rationale,
    )
    return selected


@transaction.atomic
def control_tailoring_rationale_set(
    *, actor, selected_control: SelectedControl, rationale: str
) -> SelectedControl:
    """Explain (or reword) a tailoring decision: an added control, a removed baseline control,
    or a control a re-selection left outside the new baseline."""
    authorization = _editable(selected_control.authorization)
    rationale = _require_rationale(rationale)
    selected = (
        SelectedControl.objects.select_for_update(of=("self",))
        .select_related("control")
        .get(pk=selected_control.pk, authorization=authorization)
    )
    if selected.tailoring == Tailoring.BASELINE:
        raise ValidationError(
            {
                "control": f"{selected.control.label} is in the baseline as it is: there is no "
                "tailoring decision to explain."
            }
        )
    before = selected.tailoring_rationale
    if before != rationale:
        selected.tailoring_rationale = rationale
        selected.version += 1
        selected.save(update_fields=["tailoring_rationale", "version"])
        key = f"{selected.control.label} rationale"
        _audit(
            actor,
            "control_tailoring_rationale_set",
            authorization,
            before={key: before},
            after={key: rationale},
        )
    return selected


# --- allocation and monitoring --------------------------------------------------------------


def _provider_checked(system: System, provider: System | None, designation: str) -> System | None:
    if designation == Designation.SYSTEM_SPECIFIC:
        return None
    if provider is None:
        raise ValidationError(
            {"provider": "Common and hybrid controls need the system that provides them."}
        )
    provider = System.objects.select_related("organization").filter(pk=provider.pk).first()
    if provider is None:
        raise ValidationError({"provider": "That providing system does not exist."})
    if provider.pk == system.pk:
        raise ValidationError({"provider": "A system cannot inherit a control from itself."})
    if provider.status == System.Status.DISPOSED:
        raise ValidationError({"provider": f"{provider} is disposed and provides nothing."})
    government = government_of(system.organization)
    if government_of(provider.organization).pk != government.pk:
        raise ValidationError(
            {"provider": f"The provider must be a system of {government} or of its agencies."}
        )
    return provider


def _chosen(authorization: Authorization, selected_ids: Iterable[int]):
    """The chosen controls of the cycle's active set, all of them or a refusal."""
    try:
        ids = {int(pk) for pk in selected_ids}
    except (TypeError, ValueError) as error:
        raise ValidationError({"controls": "Controls are chosen by their ids."}) from error
    if not ids:
        raise ValidationError({"controls": "Pick at least one control of this system."})
    selected = SelectedControl.objects.filter(
        authorization=authorization, tailoring__in=ACTIVE, pk__in=ids
    )
    found = selected.count()
    if found != len(ids):
        raise ValidationError(
            {
                "controls": f"{len(ids) - found} of the chosen controls are not in this "
                "system's control set."
            }
        )
    return selected


@transaction.atomic
def control_allocate(
    *,
    actor,
    authorization: Authorization,
    selected_ids: Iterable[int],
    designation: str,
    provider: System | None = None,
) -> int:
    """Designate controls as system-specific, common or hybrid (S-3), in bulk. Common and
    hybrid controls name the providing system: of the same government, not this system, not
    disposed."""
    authorization = _editable(authorization)
    if designation not in Designation.values:
        raise ValidationError({"designation": "Choose system-specific, common or hybrid."})
    provider = _provider_checked(authorization.system, provider, designation)
    selected = _chosen(authorization, selected_ids)
    labels = list(selected.order_by("control__sort_key").values_list("control__label", flat=True))
    updated = selected.update(designation=designation, provider=provider)
    _audit(
        actor,
        "control_allocate",
        authorization,
        after={
            "controls": labels,
            "designation": Designation(designation).label,
            "provider": str(provider) if provider else None,
        },
    )
    return updated


@transaction.atomic
def monitoring_frequency_set(
    *,
    actor,
    authorization: Authorization,
    frequency: str,
    selected_ids: Iterable[int] | None = None,
    family: str | None = None,
) -> int:
    """Set how often controls are reassessed (S-5): for chosen controls, a family, or all."""
    authorization = _editable(authorization)
    if frequency not in MonitoringFrequency.values:
        raise ValidationError(
            {
                "frequency": "Choose one of: "
                + ", ".join(str(label) for label in MonitoringFrequency.labels)
                + "."
            }
        )
    if selected_ids is not None:
        selected = _chosen(authorization, selected_ids)
    else:
        selected = SelectedControl.objects.filter(authorization=authorization, tailoring__in=ACTIVE)
    if family:
        family = family.strip().lower()
        if not ControlFamily.objects.filter(pk=family).exists():
            raise ValidationError({"family": f"There is no control family “{family.upper()}”."})
        selected = selected.filter(control__family=family)
    updated = selected.update(monitoring_frequency=frequency)
    if not updated:
        raise ValidationError({"controls": "No control of this system's set matches."})
    _audit(
        actor,
        "monitoring_frequency_set",
        authorization,
        after={
            "frequency": MonitoringFrequency(frequency).label,
            "family": family.upper() if family else "",
            "controls": updated,
        },
    )
    return updated


# --- parameters -----------------------------------------------------------------------------


def _settable(parameter: ControlParameter | None, parameter_id: str, where: str):
    if parameter is None:
        raise ValidationError({"parameter": f"{where} has no parameter “{parameter_id}”."})
    if parameter.aggregates:
        raise ValidationError(
            {
                "parameter": f"“{parameter.label}” groups the parameters "
                f"{', '.join(parameter.aggregates)}: give their values instead."
            }
        )
    return parameter


def _check_choice(parameter: ControlParameter, value: str) -> None:
    if parameter.choices and parameter.how_many == "one" and value not in parameter.choices:
        raise ValidationError(
            {"value": "Choose one of: " + "; ".join(str(choice) for choice in parameter.choices)}
        )


def _lock_organization(organization: Organization) -> None:
    """Serialize changes to one organization's defaults (two at once would both insert)."""
    Organization.objects.select_for_update().filter(pk=organization.pk).first()


def _parameter_key(parameter: ControlParameter) -> str:
    return parameter.odp_label or parameter.pk


@transaction.atomic
def parameter_value_set(
    *, actor, selected_control: SelectedControl, parameter_id: str, value: str
) -> ParameterValue | None:
    """The system's own value for a parameter of one of its active controls; an empty value
    returns to the organization's default (if any)."""
    authorization = _editable(selected_control.authorization)
    selected = (
        SelectedControl.objects.select_related("control")
        .filter(pk=selected_control.pk, authorization=authorization)
        .first()
    )
    if selected is None or not selected.is_active:
        label = selected.control.label if selected else "This control"
        raise ValidationError(
            {"parameter": f"{label} is not in the control set: restore it first."}
        )
    parameter = _settable(
        ControlParameter.objects.filter(pk=parameter_id, control=selected.control).first(),
        parameter_id,
        selected.control.label,
    )
    value = value.strip()
    existing = ParameterValue.objects.filter(selected_control=selected, parameter=parameter).first()
    before = existing.value if existing else None
    if not value:
        if existing:
            existing.delete()
        result = None
    else:
        _check_choice(parameter, value)
        result, _ = ParameterValue.objects.update_or_create(
            selected_control=selected, parameter=parameter, defaults={"value": value}
        )
    if before != (value or None):
        key = _parameter_key(parameter)
        _audit(
            actor,
            "parameter_value_set",
            authorization,
            before={key: before},
            after={key: value or None},
        )
    return result


@transaction.atomic
def organization_parameter_default_set(
    *, actor, organization: Organization, parameter_id: str, value: str
) -> OrganizationParameterDefault | None:
    """A value every system of the organization (and of its agencies) inherits unless it
    sets its own; an empty value removes the default."""
    parameter = _settable(
        ControlParameter.objects.filter(pk=parameter_id).select_related("control").first(),
        parameter_id,
        "SP 800-53",
    )
    _lock_organization(organization)
    value = value.strip()
    existing = OrganizationParameterDefault.objects.filter(
        organization=organization, parameter=parameter
    ).first()
    before = existing.value if existing else None
    if not value:
        if existing:
            existing.delete()
        result = None
    else:
        _check_choice(parameter, value)
        result, _ = OrganizationParameterDefault.objects.update_or_create(
            organization=organization, parameter=parameter, defaults={"value": value}
        )
    if before != (value or None):
        key = _parameter_key(parameter)
        audit_record(
            actor=actor,
            action="organization_parameter_default_set",
            obj=organization,
            organization=organization,
            before={key: before},
            after={key: value or None},
        )
    return result


def _parameters_checked(values: Mapping[str, str]) -> dict[str, ControlParameter]:
    parameters = ControlParameter.objects.select_related("control").in_bulk(list(values))
    errors = []
    unknown = sorted(set(values) - set(parameters))
    if unknown:
        errors.append(f"There is no parameter {', '.join(unknown)}.")
    for parameter_id, value in values.items():
        parameter = parameters.get(parameter_id)
        if parameter is None:
            continue
        try:
            _settable(parameter, parameter_id, parameter.control.label)
            if value.strip():
                _check_choice(parameter, value.strip())
        except ValidationError as error:
            for messages in error.message_dict.values():
                errors.extend(f"{_parameter_key(parameter)}: {message}" for message in messages)
    if errors:
        raise ValidationError({"parameters": errors})
    return parameters


@transaction.atomic
def organization_parameter_defaults_set(
    *, actor, organization: Organization, values: Mapping[str, str]
) -> int:
    """Many organization defaults at once ({parameter id: value}; an empty value removes the
    default), e.g. the values of a policy: checked as one, all or nothing, written in bulk with
    one audit record. Returns how many defaults changed."""
    parameters = _parameters_checked(values)
    _lock_organization(organization)
    existing = {
        default.parameter_id: default
        for default in OrganizationParameterDefault.objects.filter(
            organization=organization, parameter__in=list(parameters)
        )
    }
    now = timezone.now()
    create, update, delete, before, after = [], [], [], {}, {}
    for parameter_id, raw in values.items():
        value, current = raw.strip(), existing.get(parameter_id)
        if (current.value if current else "") == value:
            continue
        key = _parameter_key(parameters[parameter_id])
        before[key], after[key] = (current.value if current else None), (value or None)
        if current is None:
            create.append(
                OrganizationParameterDefault(
                    organization=organization, parameter_id=parameter_id, value=value
                )
            )
        elif not value:
            delete.append(current.pk)
        else:
            current.value, current.updated_at = value, now
            update.append(current)
    OrganizationParameterDefault.objects.bulk_create(create, batch_size=500)
    OrganizationParameterDefault.objects.bulk_update(
        update, ["value", "updated_at"], batch_size=500
    )
    OrganizationParameterDefault.objects.filter(pk__in=delete).delete()
    if after:
        audit_record(
            actor=actor,
            action="organization_parameter_default_set",
            obj=organization,
            organization=organization,
            before=before,
            after=after,
        )
    return len(after)


@transaction.atomic
def parameter_values_set(*, actor, authorization: Authorization, values: Mapping[str, str]) -> int:
    """Many of the system's own parameter values at once ({parameter id: value}; an empty value
    returns to the organization's default), for parameters of the active control set: checked
    as one, all or nothing, with one audit record. Returns how many values changed."""
    authorization = _editable(authorization)
    parameters = _parameters_checked(values)
    selected = {
        item.control_id: item
        for item in SelectedControl.objects.filter(
            authorization=authorization,
            tailoring__in=ACTIVE,
            control__in={parameter.control_id for parameter in parameters.values()},
        )
    }
    outside = sorted(
        {
            parameter.control.label
            for parameter in parameters.values()
            if parameter.control_id not in selected
        }
    )
    if outside:
        raise ValidationError(
            {"parameters": f"Not in the control set: {', '.join(outside)}. Restore or add first."}
        )
    existing = {
        value.parameter_id: value
        for value in ParameterValue.objects.filter(
            selected_control__authorization=authorization, parameter__in=list(parameters)
        )
    }
    create, update, delete, before, after = [], [], [], {}, {}
    for parameter_id, raw in values.items():
        value, current = raw.strip(), existing.get(parameter_id)
        if (current.value if current else "") == value:
            continue
        parameter = parameters[parameter_id]
        key = _parameter_key(parameter)
        before[key], after[key] = (current.value if current else None), (value or None)
        if current is None:
            create.append(
                ParameterValue(
                    selected_control=selected[parameter.control_id],
                    parameter=parameter,
                    value=value,
                )
            )
        elif not value:
            delete.append(current.pk)
        else:
            current.value = value
            update.append(current)
    ParameterValue.objects.bulk_create(create, batch_size=500)
    ParameterValue.objects.bulk_update(update, ["value"], batch_size=500)
    ParameterValue.objects.filter(pk__in=delete).delete()
    if after:
        _audit(actor, "parameter_value_set", authorization, before=before, after=after)
    return len(after)


def parameter_values_effective(
    authorization: Authorization, parameters: Iterable[ControlParameter]
) -> dict[str, tuple[str, str]]:
    """{parameter id: (value, "system" | "organization")} for the given parameters: the
    system's own value, else the default of the nearest organization up the tree."""
    ids = [parameter.pk for parameter in parameters]
    path_ids = [int(p) for p in authorization.system.organization.path.strip("/").split("/")]
    result: dict[str, tuple[str, str]] = {}
    defaults = OrganizationParameterDefault.objects.filter(
        organization__in=path_ids, parameter__in=ids
    ).select_related("organization")
    # The nearest organization's default wins: deeper paths are applied last.
    for default in sorted(defaults, key=lambda item: item.organization.depth):
        result[default.parameter_id] = (default.value, "organization")
    for value in ParameterValue.objects.filter(
        selected_control__authorization=authorization, parameter__in=ids
    ):
        result[value.parameter_id] = (value.value, "system")
    return result
