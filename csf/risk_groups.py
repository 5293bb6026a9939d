"""The CSF 2.0 functions of SP 800-53 controls, for the authorizing official's risk page: rmf
aggregates open findings per group of controls and knows nothing of the CSF, so this module
registers the grouping with rmf (from `CsfConfig.ready`).

A control counts in every function one of its mappings reaches (a mapping names a subcategory,
whose category belongs to a function, or a category directly). An enhancement NIST does not map
itself takes the functions of its base control. Both CSF 2.0 sources of informative references
are used."""

from collections import defaultdict

from csf.models import ControlMapping, CsfElement, CsfVersion
from rmf.models import Control
from rmf.selectors.authorize_pages import GroupedControls

NOT_MAPPED = "none"


def csf_functions_of(control_ids: list[str]) -> GroupedControls:
    """The six CSF 2.0 functions (all listed, in the framework's order) and the functions of
    each control, plus "Not mapped to CSF 2.0" for controls without a mapping. Three queries."""
    groups = {
        identifier: f"{identifier} {title.title()}"
        for identifier, title in CsfElement.objects.filter(
            version=CsfVersion.V2_0, kind=CsfElement.Kind.FUNCTION
        )
        .order_by("sort_order")
        .values_list("identifier", "title")
    }
    if not control_ids:
        return GroupedControls(groups=groups, of_control={})
    bases = dict(Control.objects.filter(pk__in=control_ids).values_list("pk", "parent"))
    functions: dict[str, set[str]] = defaultdict(set)
    for control_id, kind, parent, grandparent in ControlMapping.objects.filter(
        element__version=CsfVersion.V2_0,
        control__in={*control_ids, *(base for base in bases.values() if base)},
    ).values_list(
        "control",
        "element__kind",
        "element__parent__identifier",
        "element__parent__parent__identifier",
    ):
        if kind == CsfElement.Kind.SUBCATEGORY and grandparent:
            functions[control_id].add(grandparent)
        elif kind == CsfElement.Kind.CATEGORY and parent:
            functions[control_id].add(parent)
    order = {identifier: index for index, identifier in enumerate(groups)}
    of_control = {}
    for control_id in control_ids:
        found = functions.get(control_id) or functions.get(bases.get(control_id) or "", set())
        of_control[control_id] = (
            sorted(found, key=lambda key: (order.get(key, len(order)), key))
            if found
            else [NOT_MAPPED]
        )
    if any(keys == [NOT_MAPPED] for keys in of_control.values()):
        groups[NOT_MAPPED] = "Not mapped to CSF 2.0"
    return GroupedControls(groups=groups, of_control=of_control)
