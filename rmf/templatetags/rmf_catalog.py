"""Control prose with its parameters shown inline, as SP 800-53 prints them.

`{{ part.prose|with_params:params }}` replaces each `{{ insert: param, ac-02_odp.01 }}` with
"[Assignment: organization-defined <label>]" or "[Selection (one or more): a; b]". Everything
from the catalog is escaped; only the `<span class="param">` markup built here is trusted.
"""

from collections.abc import Mapping

from django import template
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString

from rmf.models import ControlParameter
from rmf.selectors.catalog import PARAM_PLACEHOLDER_RE

register = template.Library()

ORGANIZATION_DEFINED = "organization-defined"
MAX_NESTING = 3  # a selection's choices may insert further parameters


def parameter_text(
    parameter: ControlParameter, params: Mapping[str, ControlParameter], depth: int = 0
) -> SafeString:
    """ "[Selection: a; b]" or "[Assignment: organization-defined label]", escaped."""
    if parameter.choices or parameter.how_many:
        how = "Selection (one or more)" if parameter.how_many == "one-or-more" else "Selection"
        choices = format_html_join(
            "; ", "{}", ((prose_html(str(c), params, depth + 1),) for c in parameter.choices)
        )
        return format_html("[{}: {}]", how, choices)
    label = parameter.alt_label or parameter.label or parameter.odp_label or parameter.pk
    # Rev 5.0 aggregate parameters carry the prefix in their label already.
    label = label.removeprefix(ORGANIZATION_DEFINED).strip()
    return format_html("[Assignment: {} {}]", ORGANIZATION_DEFINED, label)


def prose_html(
    prose: str, params: Mapping[str, ControlParameter] | None, depth: int = 0
) -> SafeString:
    params = params or {}
    pieces: list[SafeString] = []
    position = 0
    for match in PARAM_PLACEHOLDER_RE.finditer(prose):
        pieces.append(conditional_escape(prose[position : match.start()]))
        reference = match.group(1)
        parameter = params.get(reference)
        if parameter is None or depth >= MAX_NESTING:
            text = format_html("[Assignment: organization-defined parameter {}]", reference)
            title = reference
        else:
            text = parameter_text(parameter, params, depth)
            title = parameter.odp_label or parameter.pk
        pieces.append(format_html('<span class="param" title="{}">{}</span>', title, text))
        position = match.end()
    pieces.append(conditional_escape(prose[position:]))
    return format_html_join("", "{}", ((piece,) for piece in pieces))


@register.filter
def with_params(prose: str | None, params: Mapping[str, ControlParameter] | None) -> SafeString:
    """Statement or objective prose, escaped, with its parameters inline."""
    return prose_html(str(prose or ""), params)


@register.filter
def choices_html(
    parameter: ControlParameter, params: Mapping[str, ControlParameter] | None
) -> SafeString:
    """A parameter's selection choices ("a; b"), escaped, nested parameters inline."""
    return format_html_join(
        "; ", "{}", ((prose_html(str(choice), params, 1),) for choice in parameter.choices)
    )


@register.filter
def split_paragraphs(text: str | None) -> list[str]:
    """Blank-line separated paragraphs (a method's assessment objects)."""
    return [line.strip() for line in str(text or "").split("\n\n") if line.strip()]
