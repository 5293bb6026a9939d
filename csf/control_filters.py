"""The CSF functions as filters of every control list of rmf ("show me the Detect controls of
this system"): rmf offers the registry (`rmf.selectors.control_filters`) and knows nothing of
the CSF; `CsfConfig.ready` registers a filter per CSF version.

A control is in a function when one of its mappings of that version reaches the function (a
mapping names a subcategory, whose category belongs to the function, or a category directly);
an enhancement NIST does not map itself takes the functions of its base control. The same rule
as the authorizing official's risk grouping (`csf.risk_groups`)."""

from django.db.models import Q

from csf.models import ControlMapping, CsfElement, CsfVersion

Kind = CsfElement.Kind


# The functions of a published CSF version never change: read once per process, so that the
# control lists offering the filter keep their number of queries.
_FUNCTION_CHOICES: dict[str, list[tuple[str, str]]] = {}


def function_choices(version: str) -> list[tuple[str, str]]:
    """The version's functions in the framework's order: ("DE", "DE Detect"). One query the
    first time (until the core is loaded, every time: an empty answer is not kept)."""
    if version not in _FUNCTION_CHOICES:
        choices = [
            (identifier, f"{identifier} {title.title()}")
            for identifier, title in CsfElement.objects.filter(version=version, kind=Kind.FUNCTION)
            .order_by("sort_order")
            .values_list("identifier", "title")
        ]
        if not choices:
            return []
        _FUNCTION_CHOICES[version] = choices
    return list(_FUNCTION_CHOICES[version])


def function_q(version: str, function: str) -> Q:
    """A Q on rmf.Control: the controls in `function` of `version` (the module's rule)."""
    mappings = ControlMapping.objects.filter(element__version=version)
    in_function = mappings.filter(
        Q(element__kind=Kind.SUBCATEGORY, element__parent__parent__identifier=function)
        | Q(element__kind=Kind.CATEGORY, element__parent__identifier=function)
    ).values("control")
    return Q(pk__in=in_function) | (
        Q(parent__in=in_function) & ~Q(pk__in=mappings.values("control"))
    )


def register() -> None:
    from rmf.selectors.control_filters import register_control_filter

    for key, version in (("csf_function", CsfVersion.V2_0), ("csf11_function", CsfVersion.V1_1)):
        register_control_filter(
            key,
            f"CSF {version.value} function",
            lambda version=version: function_choices(version),
            lambda value, version=version: function_q(version, value),
        )
