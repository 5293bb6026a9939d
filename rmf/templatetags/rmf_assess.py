"""Template helpers of the Assess pages: statement and objective prose with the values the
system uses in place of its parameters, labels of the results and risk levels, and a row's
determination values."""

from collections.abc import Mapping

from django import template
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString

from rmf.models import ControlParameter, DeterminationResult, RiskScale
from rmf.selectors.catalog import PARAM_PLACEHOLDER_RE
from rmf.templatetags.rmf_catalog import prose_html

register = template.Library()

RESULT_LABELS = {
    **dict(DeterminationResult.choices),
    "not_assessed": "Not assessed",
    "in_progress": "In progress",
}
RISK_LABELS = dict(RiskScale.choices)


def prose_with_values(
    prose: str, params: Mapping[str, ControlParameter], values: Mapping[str, str]
) -> SafeString:
    """Prose whose parameters the system has a value for read with that value (an assessor
    checks the system against what it chose); the others as SP 800-53 prints them."""
    pieces: list[SafeString] = []
    position = 0
    for match in PARAM_PLACEHOLDER_RE.finditer(prose):
        pieces.append(conditional_escape(prose[position : match.start()]))
        parameter = params.get(match.group(1))
        value = values.get(parameter.pk) if parameter is not None else None
        if value:
            pieces.append(
                format_html(
                    '<span class="param value" title="{}, the value this system uses">{}</span>',
                    parameter.odp_label or parameter.pk,
                    value,
                )
            )
        else:
            pieces.append(prose_html(match.group(0), params))
        position = match.end()
    pieces.append(conditional_escape(prose[position:]))
    return format_html_join("", "{}", ((piece,) for piece in pieces))


@register.filter
def with_values(prose: str | None, page) -> SafeString:
    """`{{ part.prose|with_values:page }}`, `page` carrying `params` and `values`."""
    return prose_with_values(str(prose or ""), page.params, page.values)


@register.filter
def result_label(result: str | None) -> str:
    return RESULT_LABELS.get(result or "", result or "")


@register.filter
def risk_label(level: str | None) -> str:
    return RISK_LABELS.get(level or "", "Not rated")


@register.filter
def get_item(mapping, key):
    """`{{ cells|get_item:likelihood }}`: a dictionary's value in a template."""
    if mapping is None:
        return None
    return mapping.get(key)
