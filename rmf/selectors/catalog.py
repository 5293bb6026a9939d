"""Reads of the SP 800-53 catalog: families, control search, and one control with its trees.

Every read here costs a fixed number of queries, whatever the number of rows: trees are built in
Python from one query of parts, lists prefetch what each row shows. rmf never imports csf: a
control's CSF mappings are read through the reverse relation `control.csf_mappings`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from rmf.models import Baseline, Control, ControlFamily, ControlParameter, ControlPart
from rmf.selectors.control_filters import control_filter_q

Part = ControlPart.Name

# "ac-2", "AC-2", "AC 2", "AC-02", "ac2", "AC-2(1)", "AC-02 (01)", "ac-2.1"
_CONTROL_ID_RE = re.compile(
    r"(?P<family>[a-z]{2})\s*-?\s*0*(?P<number>\d{1,2})"
    r"(?:\s*\(\s*0*(?P<paren>\d{1,2})\s*\)|\.0*(?P<dot>\d{1,2}))?",
    re.IGNORECASE,
)
_STATEMENT_PARTS = (Part.STATEMENT, Part.ITEM)
# "{{ insert: param, ac-02_odp.01 }}" in statement, objective and choice prose
PARAM_PLACEHOLDER_RE = re.compile(r"\{\{\s*insert:\s*param,\s*([\w.\-]+)\s*\}\}")


# ----------------------------------------------------------------------------- identifiers


def control_id_parse(text: str) -> str | None:
    """The OSCAL id ("ac-2.1") of a control written "AC-2(1)", "AC 2", "ac-02.01"...; or None."""
    match = _CONTROL_ID_RE.fullmatch(text.strip())
    if not match:
        return None
    base = f"{match['family'].lower()}-{int(match['number'])}"
    enhancement = match["paren"] or match["dot"]
    return f"{base}.{int(enhancement)}" if enhancement else base


def control_label_from_id(control_id: str) -> str:
    """ "AC-2(1)" for "ac-2.1", without a query (for ids the page only links to)."""
    base, _, enhancement = control_id.partition(".")
    return f"{base.upper()}({enhancement})" if enhancement else base.upper()


@dataclass(frozen=True)
class WithdrawnTarget:
    """Where a withdrawn control went: a control, or one statement part of it."""

    reference: str  # "ac-2" or "ac-2_smt.k", as the catalog writes it
    control_id: str
    label: str  # "AC-2" or "AC-2k." when a part is named
    anchor: str  # the part id to link to within the control page, or ""
    title: str = ""


def withdrawn_targets(
    control: Control, titles: dict[str, str] | None = None
) -> list[WithdrawnTarget]:
    targets = []
    for reference in control.withdrawn_to or []:
        control_id, _, rest = str(reference).partition("_")
        label = control_label_from_id(control_id)
        if rest:
            # "ac-2_smt.k" -> "AC-2k."; "ac-2_smt.d.1" -> "AC-2d.1."
            item = rest.split(".", 1)[1] if "." in rest else ""
            label = f"{label}{item}." if item else label
        targets.append(
            WithdrawnTarget(
                reference=str(reference),
                control_id=control_id,
                label=label,
                anchor=str(reference) if rest else "",
                title=(titles or {}).get(control_id, ""),
            )
        )
    return targets


# ----------------------------------------------------------------------------- families


def family_list() -> QuerySet[ControlFamily]:
    """The 20 families with their counts of controls, enhancements and withdrawn items."""
    return ControlFamily.objects.annotate(
        control_count=Count("controls", filter=Q(controls__parent__isnull=True)),
        enhancement_count=Count("controls", filter=Q(controls__parent__isnull=False)),
        withdrawn_count=Count("controls", filter=Q(controls__withdrawn=True)),
    ).order_by("sort_order")


def family_get(family_id: str) -> ControlFamily:
    try:
        return family_list().get(pk=family_id.lower())
    except ControlFamily.DoesNotExist as exc:
        raise Http404("No such control family.") from exc


def family_control_list(family: ControlFamily) -> QuerySet[Control]:
    """Controls and enhancements of a family in catalog order, each with its baselines."""
    return family.controls.order_by("sort_key").prefetch_related("baselines")


# ----------------------------------------------------------------------------- control lists


def control_list() -> QuerySet[Control]:
    """All controls in catalog order, with what a list row shows."""
    return (
        Control.objects.select_related("family")
        .prefetch_related(Prefetch("baselines", queryset=Baseline.objects.order_by("id")))
        .order_by("sort_key")
    )


def controls_matching(queryset: QuerySet[Control], q: str) -> QuerySet[Control]:
    """`q` as a control id ("ac-2", "AC-2(1)", "AC 2": the control and its enhancements), or as
    words that must each appear in the title or the statement."""
    q = q.strip()
    if not q:
        return queryset
    control_id = control_id_parse(q)
    if control_id:
        if "." in control_id:
            return queryset.filter(pk=control_id)
        return queryset.filter(Q(pk=control_id) | Q(parent_id=control_id))
    for word in q.split():
        in_statement = ControlPart.objects.filter(
            control=OuterRef("pk"), name__in=_STATEMENT_PARTS, prose__icontains=word
        )
        queryset = queryset.filter(Q(title__icontains=word) | Exists(in_statement))
    return queryset


def control_search(
    *,
    q: str = "",
    baseline: str = "",
    family: str = "",
    withdrawn: bool | None = False,
    control_filters: Mapping[str, str] | None = None,
    queryset: QuerySet[Control] | None = None,
) -> QuerySet[Control]:
    """Controls by text, baseline, family and the registered control filters (valid values:
    rmf.selectors.control_filters). `withdrawn`: False hides withdrawn controls (the default),
    True shows only them, None shows both."""
    queryset = control_list() if queryset is None else queryset
    queryset = controls_matching(queryset, q)
    if control_filters:
        queryset = queryset.filter(control_filter_q(control_filters, to_control="pk"))
    if baseline:
        queryset = queryset.filter(baselines=baseline.upper())
    if family:
        queryset = queryset.filter(family_id=family.lower())
    if withdrawn is not None:
        queryset = queryset.filter(withdrawn=withdrawn)
    return queryset


def baseline_list() -> QuerySet[Baseline]:
    return Baseline.objects.annotate(control_count=Count("controls")).order_by("id")


# ----------------------------------------------------------------------------- one control


@dataclass
class PartNode:
    part: ControlPart
    children: list[PartNode] = field(default_factory=list)


@dataclass
class CsfMappingRow:
    """One CSF element a control maps to, with the NIST sources that say so."""

    element: Any  # csf.CsfElement, reached through the reverse relation only
    function: Any  # its function (the element itself when it is one)
    sources: list[str] = field(default_factory=list)
    relationships: list[str] = field(default_factory=list)

    @property
    def version(self) -> str:
        return self.element.version


@dataclass
class CsfVersionMappings:
    version: str
    label: str  # "CSF 2.0"
    rows: list[CsfMappingRow]


@dataclass
class ControlDetail:
    control: Control
    statement: list[PartNode]
    guidance: str
    objectives: list[PartNode]
    methods: list[ControlPart]
    parameters: list[ControlParameter]
    params_by_reference: dict[str, ControlParameter]
    enhancements: list[Control]
    related: list[Control]
    baselines: list[Baseline]
    csf: list[CsfVersionMappings]
    withdrawn_to: list[WithdrawnTarget]

    @property
    def csf_rows(self) -> list[CsfMappingRow]:
        return [row for group in self.csf for row in group.rows]


def part_trees(parts: list[ControlPart]) -> dict[str, list[PartNode]]:
    """Parts (of one control, in document order) as trees, keyed by the root parts' names."""
    nodes = {part.pk: PartNode(part) for part in parts}
    roots: dict[str, list[PartNode]] = {}
    for part in parts:
        node = nodes[part.pk]
        parent = nodes.get(part.parent_id) if part.parent_id else None
        if parent is not None:
            parent.children.append(node)
        else:
            roots.setdefault(part.name, []).append(node)
    return roots


def parameters_by_reference(parameters: list[ControlParameter]) -> dict[str, ControlParameter]:
    """Parameters under every name a prose placeholder may use: "ac-02_odp.01", "ac-2_prm_1"."""
    found: dict[str, ControlParameter] = {}
    for parameter in parameters:
        found[parameter.pk] = parameter
        if parameter.alt_identifier:
            found.setdefault(parameter.alt_identifier, parameter)
    return found


def parameters_referenced(
    parts: list[ControlPart], parameters: list[ControlParameter]
) -> dict[str, ControlParameter]:
    """The control's parameters by reference, plus those of other controls its prose inserts
    (an enhancement may insert its base control's parameter): at most one more query."""
    found = parameters_by_reference(parameters)
    texts = [part.prose for part in parts]
    texts += [choice for parameter in parameters for choice in parameter.choices or []]
    missing = {
        reference
        for text in texts
        if text and "insert" in text
        for reference in PARAM_PLACEHOLDER_RE.findall(str(text))
        if reference not in found
    }
    if missing:
        others = ControlParameter.objects.filter(
            Q(pk__in=missing) | Q(alt_identifier__in=missing)
        ).order_by("sort_order")
        for reference, parameter in parameters_by_reference(list(others)).items():
            found.setdefault(reference, parameter)
    return found


def _csf_mappings(control: Control) -> list[CsfVersionMappings]:
    mappings = control.csf_mappings.select_related("element__parent__parent").order_by(
        "element__version", "element__sort_order", "source"
    )
    rows: dict[int, CsfMappingRow] = {}
    labels: dict[str, str] = {}
    for mapping in mappings:
        element = mapping.element
        labels[element.version] = element.get_version_display()
        row = rows.get(element.pk)
        if row is None:
            function = element
            while function.parent_id is not None and function.kind != "function":
                function = function.parent
            row = rows[element.pk] = CsfMappingRow(element=element, function=function)
        source = mapping.get_source_display()
        if source not in row.sources:
            row.sources.append(source)
        if mapping.relationship and mapping.relationship not in row.relationships:
            row.relationships.append(mapping.relationship)
    by_version: dict[str, list[CsfMappingRow]] = {}
    for row in rows.values():
        by_version.setdefault(row.version, []).append(row)
    return [
        CsfVersionMappings(version=version, label=labels[version], rows=version_rows)
        for version, version_rows in sorted(by_version.items())
    ]


def control_detail_get(control_id: str) -> ControlDetail:
    """One control with everything its page shows, in a fixed number of queries."""
    queryset = Control.objects.select_related("family", "parent").prefetch_related(
        Prefetch("parts", queryset=ControlPart.objects.order_by("sort_order")),
        Prefetch("parameters", queryset=ControlParameter.objects.order_by("sort_order")),
        Prefetch("enhancements", queryset=Control.objects.order_by("sort_key")),
        Prefetch(
            "related",
            queryset=Control.objects.order_by("sort_key").only(
                "id", "label", "title", "withdrawn", "sort_key", "family_id", "parent_id"
            ),
        ),
        Prefetch("baselines", queryset=Baseline.objects.order_by("id")),
    )
    try:
        control = queryset.get(pk=control_id.strip().lower())
    except Control.DoesNotExist as exc:
        raise Http404("No such control.") from exc

    parts = list(control.parts.all())
    trees = part_trees(parts)
    guidance_parts = trees.get(Part.GUIDANCE, [])
    guidance = control.guidance or "\n\n".join(node.part.prose for node in guidance_parts)
    parameters = list(control.parameters.all())
    targets = withdrawn_targets(control)
    if targets:
        titles = dict(
            Control.objects.filter(pk__in={t.control_id for t in targets}).values_list(
                "id", "title"
            )
        )
        targets = withdrawn_targets(control, titles)
    return ControlDetail(
        control=control,
        statement=trees.get(Part.STATEMENT, []) + trees.get(Part.ITEM, []),
        guidance=guidance,
        objectives=trees.get(Part.OBJECTIVE, []),
        methods=[node.part for node in trees.get(Part.METHOD, [])],
        parameters=parameters,
        params_by_reference=parameters_referenced(parts, parameters),
        enhancements=list(control.enhancements.all()),
        related=list(control.related.all()),
        baselines=list(control.baselines.all()),
        csf=_csf_mappings(control),
        withdrawn_to=targets,
    )
