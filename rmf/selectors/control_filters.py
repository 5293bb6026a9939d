"""Filters of control lists that other apps register: rmf knows nothing of them (the CSF
functions come from `csf`, which depends on `rmf` and not the other way round; `CsfConfig.ready`
registers them).

A filter is a query-string key ("csf_function"), a label, its choices (read when a form is
shown or a value is checked) and a function from a valid value to a Q on `rmf.Control`. Every
control list that honours them (the Select step's control set, the implementation and assessment
work lists, and their API twins) narrows its rows with one subquery per filter given, so the
lists keep their fixed number of queries.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q

from rmf.models import Control


@dataclass(frozen=True)
class ControlFilter:
    key: str  # the query-string key, e.g. "csf_function"
    label: str  # e.g. "CSF 2.0 function"
    choices: Callable[[], list[tuple[str, str]]]  # (value, label), in display order
    q: Callable[[str], Q]  # a valid value -> a Q on rmf.Control


_FILTERS: dict[str, ControlFilter] = {}


def register_control_filter(
    key: str,
    label: str,
    choices_fn: Callable[[], list[tuple[str, str]]],
    q_fn: Callable[[str], Q],
) -> None:
    """Add (or replace, on a reload) a filter every control list offers."""
    _FILTERS[key] = ControlFilter(key, label, choices_fn, q_fn)


def control_filters() -> list[ControlFilter]:
    return list(_FILTERS.values())


def control_filter_values(data: Mapping) -> dict[str, str]:
    """The registered filters given in `data` (a query string) and their values; a value that
    is not one of the filter's choices raises a ValidationError naming the filter (the API
    answers 400 with it). One query per filter given."""
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    for control_filter in _FILTERS.values():
        value = (data.get(control_filter.key) or "").strip()
        if not value:
            continue
        choices = control_filter.choices()
        valid = {key.upper(): key for key, _label in choices}
        if value.upper() in valid:
            values[control_filter.key] = valid[value.upper()]
        else:
            offered = ", ".join(key for key, _label in choices)
            errors[control_filter.key] = (
                f'"{value}" is not a {control_filter.label}. Choose one of: {offered}.'
            )
    if errors:
        raise ValidationError(errors)
    return values


def control_filter_q(values: Mapping[str, str | None], *, to_control: str = "control") -> Q:
    """The rows whose control matches every registered filter given in `values` (valid values,
    from `control_filter_values` or a form's cleaned data; empty ones are skipped). `to_control`
    reaches the Control from the listed model ("control" from a SelectedControl)."""
    condition = Q()
    for key, value in values.items():
        if not value:
            continue
        if key not in _FILTERS:
            raise KeyError(f"No control filter {key!r} is registered.")
        matching = Control.objects.filter(_FILTERS[key].q(value)).values("pk")
        condition &= Q(**{f"{to_control}__in": matching})
    return condition
