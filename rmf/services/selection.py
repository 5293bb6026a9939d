"""Step 2, Select: the control set from the SP 800-53B baseline(s), tailoring, allocation to
common control providers, parameter values and the continuous monitoring strategy.

Once the plan is approved (S-6) the control set is frozen for the cycle: a change needs the
approval withdrawn first, so that what the authorizing official approved stays what is recorded.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from assets.audit import audit_record
from assets.models import Organization, System
from rmf.models import (
    STEP_ORDER,
    Authorization,
    BaselineControl,
    Control,
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
from rmf.selectors.workflow import cycle_facts

Tailoring = SelectedControl.Tailoring
ACTIVE = (Tailoring.BASELINE, Tailoring.ADDED)


def _editable(authorization: Authorization) -> Authorization:
    authorization = (
        Authorization.objects.select_for_update()
        .select_related("system__organization")
        .get(pk=authorization.pk)
    )
    if not authorization.is_current:
        raise ValidationError("This cycle is closed and kept read-only.")
    if STEP_ORDER.index(authorization.step) < STEP_ORDER.index(Step.SELECT):
        raise ValidationError(
            "Controls are selected in the Select step, after the categorization is approved."
        )
    if TaskSignoff.objects.filter(authorization=authorization, task="S-6").exists():
        raise ValidationError(
            "The security plan is approved (S-6) and frozen for this cycle. The authorizing "
            "official must withdraw the approval before the control set can change."
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


def matching_baselines(authorization: Authorization) -> list[str]:
    """The SP 800-53B baselines the categorization calls for: its overall level, plus PRIVACY
    when the system processes personally identifiable information."""
    facts = cycle_facts(authorization)
    baselines = [facts.categorization.overall]
    if facts.system.processes_pii:
        baselines.append("PRIVACY")
    return baselines


@transaction.atomic
def control_set_select(*, actor, authorization: Authorization) -> ControlSelection:
    """Create the control set from the matching baseline(s) in one bulk insert."""
    authorization = _editable(authorization)
    if ControlSelection.objects.filter(authorization=authorization).exists():
        raise ValidationError(
            "A baseline is already selected for this cycle: tailor the control set instead."
        )
    baselines = matching_baselines(authorization)
    control_ids = sorted(
        set(
            BaselineControl.objects.filter(baseline__in=baselines).values_list(
                "control_id", flat=True
            )
        )
    )
    selection = ControlSelection.objects.create(
        authorization=authorization, baselines=baselines, selected_by=actor
    )
    SelectedControl.objects.bulk_create(
        [SelectedControl(authorization=authorization, control_id=pk) for pk in control_ids],
        batch_size=500,
    )
    _audit(
        actor,
        "control_set_select",
        authorization,
        after={"baselines": baselines, "controls": len(control_ids)},
    )
    return selection


def _require_rationale(rationale: str) -> str:
    if not rationale.strip():
        raise ValidationError(
            {"rationale": "Every tailoring decision needs a rationale the assessor can read."}
        )
    return rationale.strip()


@transaction.atomic
def control_tailor_add(
    *, actor, authorization: Authorization, control_id: str, rationale: str
) -> SelectedControl:
    authorization = _editable(authorization)
    rationale = _require_rationale(rationale)
    control = Control.objects.filter(pk=control_id.strip().lower()).first()
    if control is None:
        raise ValidationError({"control": f"There is no control “{control_id}” in SP 800-53."})
    if control.withdrawn:
        targets = ", ".join(control.withdrawn_to) or "no other control"
        raise ValidationError(
            {"control": f"{control.label} is withdrawn from SP 800-53 (see {targets})."}
        )
    if not ControlSelection.objects.filter(authorization=authorization).exists():
        raise ValidationError({"control": "Select the baseline first, then tailor it."})
    existing = SelectedControl.objects.filter(authorization=authorization, control=control).first()
    if existing is not None and existing.is_active:
        raise ValidationError({"control": f"{control.label} is already in the control set."})
    if existing is not None:  # a removed baseline control comes back
        existing.tailoring = Tailoring.BASELINE if existing.in_baseline else Tailoring.ADDED
        existing.tailoring_rationale = "" if existing.in_baseline else rationale
        existing.version += 1
        existing.save()
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
        after={"control": control.label, "rationale": rationale},
    )
    return selected


@transaction.atomic
def control_tailor_remove(
    *, actor, selected_control: SelectedControl, kind: str, rationale: str
) -> SelectedControl:
    authorization = _editable(selected_control.authorization)
    rationale = _require_rationale(rationale)
    if kind not in (Tailoring.SCOPED_OUT, Tailoring.COMPENSATING):
        raise ValidationError({"kind": "Choose scoping or a compensating control."})
    selected = SelectedControl.objects.select_for_update().get(pk=selected_control.pk)
    if not selected.is_active:
        raise ValidationError({"control": "This control is already removed."})
    label = selected.control.label
    if not selected.in_baseline:
        selected.delete()  # an added control simply leaves the set again
    else:
        selected.tailoring = kind
        selected.tailoring_rationale = rationale
        selected.version += 1
        selected.save()
    _audit(
        actor,
        "control_tailor_remove",
        authorization,
        before={"control": label},
        after={"tailoring": Tailoring(kind).label, "rationale": rationale},
    )
    return selected


def _provider_checked(system: System, provider: System | None, designation: str) -> System | None:
    if designation == Designation.SYSTEM_SPECIFIC:
        return None
    if provider is None:
        raise ValidationError(
            {"provider": "Common and hybrid controls need the system that provides them."}
        )
    if provider.pk == system.pk:
        raise ValidationError({"provider": "A system cannot inherit a control from itself."})
    if provider.status == System.Status.DISPOSED:
        raise ValidationError({"provider": f"{provider} is disposed and provides nothing."})
    root = system.organization.path.split("/")[1]
    if provider.organization.path.split("/")[1] != root:
        raise ValidationError({"provider": "The provider must belong to the same government."})
    return provider


@transaction.atomic
def control_allocate(
    *,
    actor,
    authorization: Authorization,
    selected_ids: Iterable[int],
    designation: str,
    provider: System | None = None,
) -> int:
    """Designate controls as system-specific, common or hybrid (S-3), in bulk."""
    authorization = _editable(authorization)
    if designation not in Designation.values:
        raise ValidationError({"designation": "Choose system-specific, common or hybrid."})
    provider = _provider_checked(authorization.system, provider, designation)
    selected = SelectedControl.objects.filter(
        authorization=authorization, pk__in=list(selected_ids)
    )
    labels = list(selected.values_list("control__label", flat=True))
    if not labels:
        raise ValidationError({"controls": "Pick at least one control of this system."})
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
        raise ValidationError({"frequency": "Choose one of the listed frequencies."})
    selected = SelectedControl.objects.filter(authorization=authorization, tailoring__in=ACTIVE)
    if selected_ids is not None:
        selected = selected.filter(pk__in=list(selected_ids))
    if family:
        selected = selected.filter(control__family=family.lower())
    updated = selected.update(monitoring_frequency=frequency)
    if not updated:
        raise ValidationError({"controls": "No control of this system matches."})
    _audit(
        actor,
        "monitoring_frequency_set",
        authorization,
        after={
            "frequency": MonitoringFrequency(frequency).label,
            "family": family or "",
            "controls": updated,
        },
    )
    return updated


def _parameter_of(control: Control, parameter_id: str) -> ControlParameter:
    parameter = ControlParameter.objects.filter(pk=parameter_id, control=control).first()
    if parameter is None:
        raise ValidationError({"parameter": f"{control.label} has no parameter “{parameter_id}”."})
    return parameter


def _check_choice(parameter: ControlParameter, value: str) -> None:
    if parameter.choices and parameter.how_many == "one" and value not in parameter.choices:
        raise ValidationError(
            {"value": "Choose one of: " + "; ".join(str(choice) for choice in parameter.choices)}
        )


@transaction.atomic
def parameter_value_set(
    *, actor, selected_control: SelectedControl, parameter_id: str, value: str
) -> ParameterValue | None:
    """The system's own value for a parameter; an empty value returns to the organization's
    default."""
    authorization = _editable(selected_control.authorization)
    parameter = _parameter_of(selected_control.control, parameter_id)
    value = value.strip()
    existing = ParameterValue.objects.filter(
        selected_control=selected_control, parameter=parameter
    ).first()
    before = existing.value if existing else None
    if not value:
        if existing:
            existing.delete()
        result = None
    else:
        _check_choice(parameter, value)
        result, _ = ParameterValue.objects.update_or_create(
            selected_control=selected_control, parameter=parameter, defaults={"value": value}
        )
    if before != (value or None):
        _audit(
            actor,
            "parameter_value_set",
            authorization,
            before={"parameter": parameter.odp_label or parameter.pk, "value": before},
            after={"parameter": parameter.odp_label or parameter.pk, "value": value or None},
        )
    return result


@transaction.atomic
def organization_parameter_default_set(
    *, actor, organization: Organization, parameter_id: str, value: str
) -> OrganizationParameterDefault | None:
    """A value every system of the organization (and of its agencies) inherits."""
    parameter = ControlParameter.objects.filter(pk=parameter_id).select_related("control").first()
    if parameter is None:
        raise ValidationError({"parameter": f"There is no parameter “{parameter_id}”."})
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
        audit_record(
            actor=actor,
            action="organization_parameter_default_set",
            obj=organization,
            organization=organization,
            before={"parameter": parameter.odp_label or parameter.pk, "value": before},
            after={"parameter": parameter.odp_label or parameter.pk, "value": value or None},
        )
    return result


def parameter_values_effective(
    authorization: Authorization, parameters: Iterable[ControlParameter]
) -> dict[str, tuple[str, str]]:
    """{parameter id: (value, "system" | "organization")} for the given parameters."""
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
        Q(selected_control__authorization=authorization) & Q(parameter__in=ids)
    ):
        result[value.parameter_id] = (value.value, "system")
    return result
