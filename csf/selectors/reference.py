"""Reads of the CSF 1.1 and 2.0 cores, their SP 800-53 mappings and the 1.1 -> 2.0 crosswalk.

Each read costs a fixed number of queries: lists prefetch and annotate what their rows show.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from csf.models import ControlMapping, CrosswalkLink, CsfElement, CsfVersion, ImplementationExample
from csf.scoring import CoreTree

Kind = CsfElement.Kind


def version_check(version: str) -> str:
    """The version if it is one the workbench knows ("1.1", "2.0"); 404 otherwise."""
    if version not in CsfVersion.values:
        raise Http404("No such CSF version.")
    return version


# ----------------------------------------------------------------------------- overviews


@dataclass
class VersionOverview:
    version: str
    label: str
    functions: list[CsfElement] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def category_count(self) -> int:
        return self.counts.get(Kind.CATEGORY, 0)

    @property
    def subcategory_count(self) -> int:
        return self.counts.get(Kind.SUBCATEGORY, 0)

    @property
    def example_count(self) -> int:
        return self.counts.get("example", 0)


def version_overview_list() -> list[VersionOverview]:
    """Both versions with their functions and counts of active elements (three queries)."""
    overviews = {
        version: VersionOverview(version=version, label=str(label))
        for version, label in CsfVersion.choices
    }
    counts = (
        CsfElement.objects.filter(withdrawn=False)
        .values_list("version", "kind")
        .annotate(total=Count("pk"))
        .order_by()
    )
    for version, kind, total in counts:
        if version in overviews:
            overviews[version].counts[kind] = total
    examples = (
        ImplementationExample.objects.values_list("subcategory__version")
        .annotate(total=Count("pk"))
        .order_by()
    )
    for version, total in examples:
        if version in overviews:
            overviews[version].counts["example"] = total
    for function in CsfElement.objects.filter(kind=Kind.FUNCTION).order_by("sort_order"):
        if function.version in overviews:
            overviews[function.version].functions.append(function)
    return list(overviews.values())


def function_list(*, version: str | None = None) -> QuerySet[CsfElement]:
    """Functions, each with `categories` (annotated `subcategory_count`) and its own counts."""
    categories = (
        CsfElement.objects.filter(kind=Kind.CATEGORY)
        .annotate(subcategory_count=Count("children", filter=Q(children__withdrawn=False)))
        .order_by("sort_order")
    )
    functions = CsfElement.objects.filter(kind=Kind.FUNCTION)
    if version:
        functions = functions.filter(version=version)
    return (
        functions.annotate(
            category_count=Count("children", filter=Q(children__withdrawn=False), distinct=True),
            subcategory_count=Count(
                "children__children",
                filter=Q(children__children__withdrawn=False),
                distinct=True,
            ),
        )
        .prefetch_related(Prefetch("children", queryset=categories, to_attr="categories"))
        .order_by("version", "sort_order")
    )


# ----------------------------------------------------------------------------- subcategories


def subcategory_list() -> QuerySet[CsfElement]:
    """Subcategories with their category and function, and `mapped` mappings (prefetched)."""
    return (
        CsfElement.objects.filter(kind=Kind.SUBCATEGORY)
        .select_related("parent__parent")
        .prefetch_related(
            Prefetch(
                "mappings",
                queryset=ControlMapping.objects.order_by("control__sort_key", "source"),
                to_attr="mapped",
            )
        )
        .order_by("version", "sort_order")
    )


def subcategories_filter(
    queryset: QuerySet[CsfElement], *, version: str = "", function: str = "", category: str = ""
) -> QuerySet[CsfElement]:
    """Narrow subcategories to a version, a function ("PR") or a category ("PR.AA")."""
    if version:
        queryset = queryset.filter(version=version)
    if function:
        queryset = queryset.filter(parent__parent__identifier=function.strip().upper())
    if category:
        queryset = queryset.filter(parent__identifier=category.strip().upper())
    return queryset


# ----------------------------------------------------------------------------- one element


@dataclass
class MappingGroup:
    source: str
    label: str
    mappings: list[ControlMapping]


@dataclass
class ElementDetail:
    element: CsfElement
    ancestors: list[CsfElement]  # function first
    children: list[CsfElement]  # annotated child_count, control_count
    examples: list[ImplementationExample]
    mapping_groups: list[MappingGroup]
    crosswalk_to: list[CrosswalkLink]  # 1.1 -> 2.0: where this element went
    crosswalk_from: list[CrosswalkLink]  # 2.0 <- 1.1: what this element took in

    @property
    def mappings(self) -> list[ControlMapping]:
        return [mapping for group in self.mapping_groups for mapping in group.mappings]


def element_get(version: str, identifier: str) -> CsfElement:
    try:
        return CsfElement.objects.select_related("parent__parent").get(
            version=version_check(version), identifier=identifier.strip().upper()
        )
    except CsfElement.DoesNotExist as exc:
        raise Http404("No such CSF element.") from exc


def element_detail_get(version: str, identifier: str, *, kind: str = "") -> ElementDetail:
    """A function, category or subcategory with everything its page shows (seven queries)."""
    element = element_get(version, identifier)
    if kind and element.kind != kind:
        raise Http404("No such CSF element.")
    ancestors: list[CsfElement] = []
    parent = element.parent
    while parent is not None:
        ancestors.insert(0, parent)
        parent = parent.parent if parent.parent_id else None
    children = list(
        element.children.annotate(
            child_count=Count("children", filter=Q(children__withdrawn=False), distinct=True),
            control_count=Count("mappings__control", distinct=True),
        ).order_by("sort_order")
    )
    groups: dict[str, MappingGroup] = {}
    labels = dict(ControlMapping.Source.choices)
    for mapping in element.mappings.select_related("control").order_by(
        "source", "control__sort_key"
    ):
        group = groups.setdefault(
            mapping.source,
            MappingGroup(source=mapping.source, label=str(labels[mapping.source]), mappings=[]),
        )
        group.mappings.append(mapping)
    return ElementDetail(
        element=element,
        ancestors=ancestors,
        children=children,
        examples=list(element.implementation_examples.order_by("sort_order")),
        mapping_groups=[groups[source] for source in labels if source in groups],
        crosswalk_to=list(
            element.crosswalk_out.select_related("target").order_by("target__sort_order")
        ),
        crosswalk_from=list(
            element.crosswalk_in.select_related("source").order_by("source__sort_order")
        ),
    )


def core_tree(version: str) -> CoreTree:
    """The active functions, categories and subcategories of one version, in the core's order
    (one query): the shape every score and gap rolls up along (csf.scoring)."""
    tree = CoreTree(version=version)
    elements = (
        CsfElement.objects.filter(version=version, withdrawn=False)
        .select_related("parent")
        .order_by("sort_order")
        .only("identifier", "kind", "title", "text", "parent__identifier", "sort_order")
    )
    for element in elements:
        tree.titles[element.identifier] = element.title or element.text
        if element.kind == Kind.FUNCTION:
            tree.functions.append(element.identifier)
        elif element.kind == Kind.CATEGORY and element.parent is not None:
            tree.categories.setdefault(element.parent.identifier, []).append(element.identifier)
        elif element.kind == Kind.SUBCATEGORY and element.parent is not None:
            tree.subcategories.setdefault(element.parent.identifier, []).append(element.identifier)
    return tree
