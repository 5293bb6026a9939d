"""Reads of one control's implementation page (and its API): the statement parts that need a
narrative, in document order with the items they continue, the system's parameter values shown
inline in the prose, the narratives with their versions, the provider's narratives for common
and hybrid controls, and the evidence attached. A fixed number of queries per control."""

from dataclasses import dataclass

from django.db.models import Q

from rmf.models import (
    ControlImplementation,
    ControlParameter,
    ControlPart,
    Designation,
    Evidence,
    ImplementationNarrative,
    SelectedControl,
)
from rmf.selectors.catalog import PARAM_PLACEHOLDER_RE, parameters_by_reference
from rmf.selectors.implementation import (
    implementation_closed_reason,
    provider_narratives,
    statement_parts_needing_narratives,
)
from rmf.selectors.workflow import OWN_NARRATIVE, STATEMENT_PART_NAMES
from rmf.services.selection import parameter_values_effective

MAX_NESTING = 3  # a selection's choices may insert further parameters


@dataclass
class ProseSegment:
    """A piece of statement prose: plain text, or a parameter shown inline (its value for this
    system, or "[Assignment: ...]" while it has none)."""

    text: str
    parameter: str = ""  # the parameter's label ("AC-02_ODP[01]") for an inserted parameter
    has_value: bool = False


def _open_parameter_text(parameter: ControlParameter, params, values, depth: int) -> str:
    if parameter.choices or parameter.how_many:
        how = "Selection (one or more)" if parameter.how_many == "one-or-more" else "Selection"
        choices = "; ".join(
            "".join(s.text for s in prose_with_values(str(c), params, values, depth + 1))
            for c in parameter.choices
        )
        return f"[{how}: {choices}]"
    label = parameter.alt_label or parameter.label or parameter.odp_label or parameter.pk
    label = label.removeprefix("organization-defined").strip()
    return f"[Assignment: organization-defined {label}]"


def _parameter_value(parameter: ControlParameter, values: dict[str, tuple[str, str]]) -> str:
    """The system's value; a Rev 5.0 parameter standing for several ODPs shows theirs."""
    if parameter.aggregates:
        found = [values[pk][0] for pk in parameter.aggregates if values.get(pk, ("",))[0]]
        return "; ".join(dict.fromkeys(found))
    return values.get(parameter.pk, ("", ""))[0]


def prose_with_values(
    prose: str,
    params: dict[str, ControlParameter],
    values: dict[str, tuple[str, str]],
    depth: int = 0,
) -> list[ProseSegment]:
    """Statement prose with each `{{ insert: param, ... }}` replaced by the parameter's value
    for the system (`parameter_values_effective`), or by its SP 800-53 wording without one."""
    segments: list[ProseSegment] = []
    position = 0
    for match in PARAM_PLACEHOLDER_RE.finditer(prose):
        if match.start() > position:
            segments.append(ProseSegment(prose[position : match.start()]))
        parameter = params.get(match.group(1))
        if parameter is None or depth >= MAX_NESTING:
            segments.append(
                ProseSegment(
                    f"[Assignment: organization-defined parameter {match.group(1)}]",
                    parameter=match.group(1),
                )
            )
        else:
            value = _parameter_value(parameter, values)
            segments.append(
                ProseSegment(
                    value or _open_parameter_text(parameter, params, values, depth),
                    parameter=parameter.odp_label or parameter.pk,
                    has_value=bool(value),
                )
            )
        position = match.end()
    if position < len(prose):
        segments.append(ProseSegment(prose[position:]))
    return segments


def segments_text(segments: list[ProseSegment]) -> str:
    return "".join(segment.text for segment in segments)


@dataclass
class StatementLine:
    label: str
    segments: list[ProseSegment]


@dataclass
class NarrativePart:
    """A statement part that needs a narrative, with the items it continues ("d. Specify:"
    above "1. Authorized users of the system;"), the system's narrative and the provider's."""

    part: ControlPart
    label: str  # the full label: "d.1."
    context: list[StatementLine]
    segments: list[ProseSegment]
    narrative: ImplementationNarrative | None
    provider_narrative: ImplementationNarrative | None

    @property
    def text(self) -> str:
        return self.narrative.text if self.narrative else ""

    @property
    def version(self) -> int:
        """The version to send back on save: 0 while there is no narrative."""
        return self.narrative.version if self.narrative else 0

    @property
    def prose(self) -> str:
        return segments_text(self.segments)


@dataclass
class ControlImplementationPage:
    selected_control: SelectedControl
    implementation: ControlImplementation | None
    parts: list[NarrativePart]
    evidence: list[Evidence]
    closed_reason: str

    @property
    def status(self) -> str:
        return self.implementation.status if self.implementation else ""

    @property
    def responsible_roles(self) -> str:
        return self.implementation.responsible_roles if self.implementation else ""

    @property
    def version(self) -> int:
        """The version to send back on save: a new record starts at 1."""
        return self.implementation.version if self.implementation else 1

    @property
    def own_narratives(self) -> bool:
        """Whether the system writes narratives: not for a common control."""
        return self.selected_control.designation in OWN_NARRATIVE

    @property
    def inherits(self) -> bool:
        return self.selected_control.designation != Designation.SYSTEM_SPECIFIC

    @property
    def narratives_written(self) -> int:
        return sum(1 for item in self.parts if item.narrative is not None)


def _parameters_for(control_id: str, parts: list[ControlPart]) -> dict[str, ControlParameter]:
    """The control's parameters by every name its prose may use, plus those of other controls
    it inserts (an enhancement may insert its base control's): at most two queries."""
    params = parameters_by_reference(list(ControlParameter.objects.filter(control=control_id)))
    missing = {
        reference
        for part in parts
        for reference in PARAM_PLACEHOLDER_RE.findall(part.prose)
        if reference not in params
    }
    for parameter in params.copy().values():
        for choice in parameter.choices or []:
            missing |= set(PARAM_PLACEHOLDER_RE.findall(str(choice))) - set(params)
    if missing:
        others = ControlParameter.objects.filter(Q(pk__in=missing) | Q(alt_identifier__in=missing))
        for reference, parameter in parameters_by_reference(list(others)).items():
            params.setdefault(reference, parameter)
    return params


def control_implementation_page(selected_control: SelectedControl) -> ControlImplementationPage:
    """Everything the implementation page and API show for one selected control (reached
    through `selected_control_get_for_user`), in a fixed number of queries: the statement parts
    that need narratives with the system's parameter values inline, the narratives with their
    versions, the provider's for common and hybrid controls, the evidence attached."""
    authorization = selected_control.authorization
    control_id = selected_control.control_id
    statement = list(
        ControlPart.objects.filter(control=control_id, name__in=STATEMENT_PART_NAMES).order_by(
            "sort_order"
        )
    )
    by_id = {part.pk: part for part in statement}
    leaves = statement_parts_needing_narratives([control_id]).get(control_id, [])
    params = _parameters_for(control_id, statement)
    values = parameter_values_effective(authorization, set(params.values()))
    implementation = (
        ControlImplementation.objects.filter(selected_control=selected_control)
        .select_related("updated_by")
        .first()
    )
    narratives = {}
    if implementation is not None:
        narratives = {
            narrative.part_id: narrative
            for narrative in implementation.narratives.select_related("updated_by")
        }
    provided = {narrative.part_id: narrative for narrative in provider_narratives(selected_control)}
    parts = []
    for leaf in leaves:
        chain = []
        parent = by_id.get(leaf.parent_id) if leaf.parent_id else None
        while parent is not None:
            chain.insert(0, parent)
            parent = by_id.get(parent.parent_id) if parent.parent_id else None
        parts.append(
            NarrativePart(
                part=leaf,
                label="".join(part.label for part in [*chain, leaf]),
                context=[
                    StatementLine(part.label, prose_with_values(part.prose, params, values))
                    for part in chain
                    if part.prose
                ],
                segments=prose_with_values(leaf.prose, params, values),
                narrative=narratives.get(leaf.pk),
                provider_narrative=provided.get(leaf.pk),
            )
        )
    evidence = list(
        selected_control.evidence.select_related("organization", "uploaded_by").order_by(
            "title", "pk"
        )
    )
    return ControlImplementationPage(
        selected_control=selected_control,
        implementation=implementation,
        parts=parts,
        evidence=evidence,
        closed_reason=implementation_closed_reason(authorization),
    )
