"""The coverage rule (see the package's docstring): levels and control states, their plain
labels, and a selected control's state as SQL, for querysets of SelectedControl."""

from django.db.models import (
    Case,
    CharField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)

from csf.models import CsfVersion
from rmf.models import ControlPart, Determination, DeterminationResult, ImplementationStatus
from rmf.selectors.assessment_facts import OBJECTIVE, is_leaf_objective

DEFAULT_VERSION = CsfVersion.V2_0.value

# Subcategory levels, strongest first (the order pages list them in).
SATISFIED = "satisfied"
IMPLEMENTED = "implemented"
PARTIAL = "partial"
PLANNED = "planned"
NOT_ADDRESSED = "not_addressed"
LEVELS = (SATISFIED, IMPLEMENTED, PARTIAL, PLANNED, NOT_ADDRESSED)
COVERED_LEVELS = (SATISFIED, IMPLEMENTED)
# Control states that do not take part in a subcategory's level.
NOT_APPLICABLE = "not_applicable"
NOT_SELECTED = "not_selected"
CONTROL_STATES = (SATISFIED, IMPLEMENTED, PARTIAL, PLANNED, NOT_APPLICABLE, NOT_SELECTED)

# The weakest counting state decides: the database takes MIN over these ranks.
RANK = {PLANNED: 1, PARTIAL: 2, IMPLEMENTED: 3, SATISFIED: 4}
LEVEL_OF_RANK = {rank: level for level, rank in RANK.items()}
STATE_OF_RANK = {**LEVEL_OF_RANK, None: NOT_APPLICABLE}  # not applicable ranks NULL

LEVEL_LABELS = {
    SATISFIED: "Implemented and confirmed",
    IMPLEMENTED: "Implemented, not yet confirmed",
    PARTIAL: "Partly in place",
    PLANNED: "Planned",
    NOT_ADDRESSED: "Not addressed",
}
# Plain words for planners: what each level means, shown next to the coverage.
LEVEL_DESCRIPTIONS = {
    SATISFIED: (
        "Every control that addresses this outcome is in place and an assessor checked it and "
        "found it working."
    ),
    IMPLEMENTED: (
        "Every control that addresses this outcome is in place, but an assessor has not "
        "checked all of them yet."
    ),
    PARTIAL: (
        "At least one of the controls is only partly in place, or an assessor found a "
        "weakness in it."
    ),
    PLANNED: (
        "At least one of the controls is chosen but still planned, or nobody has recorded "
        "how it is put in place yet."
    ),
    NOT_ADDRESSED: (
        "None of the controls that address this outcome was chosen for the system (or those "
        "chosen are marked not applicable)."
    ),
}
CONTROL_STATE_LABELS = {
    SATISFIED: "Implemented, assessed satisfied",
    IMPLEMENTED: "Implemented, not assessed yet",
    PARTIAL: "Partly implemented or weakness found",
    PLANNED: "Planned or not documented",
    NOT_APPLICABLE: "Not applicable",
    NOT_SELECTED: "Not selected",
}
RULE = (
    "Each CSF subcategory is addressed by the security controls NIST maps to it. Its coverage in "
    "a system is the weakest state among the mapped controls the system selected: implemented "
    "and confirmed by an assessment, implemented but not assessed yet, partly in place, or "
    "planned. A subcategory none of whose mapped controls was selected is not addressed. A "
    "subcategory counts as covered when it is implemented (confirmed or not); a category's or "
    "function's share covered is its covered subcategories over all of them."
)

IMPLEMENTED_STATUSES = (ImplementationStatus.IMPLEMENTED, ImplementationStatus.ALTERNATIVE)


# --- the state of one selected control, as SQL ------------------------------------------------


def _latest_determinations() -> QuerySet[Determination]:
    """For a SelectedControl queryset: its determinations that are the latest of their
    objective (whichever assessment of the cycle made them, later save wins, then higher id),
    as `rmf.selectors.document_rows.latest_results` reads them."""
    newer = Determination.objects.filter(
        selected_control=OuterRef("selected_control"), objective=OuterRef("objective")
    ).filter(
        Q(updated_at__gt=OuterRef("updated_at"))
        | Q(updated_at=OuterRef("updated_at"), pk__gt=OuterRef("pk"))
    )
    return Determination.objects.filter(selected_control=OuterRef("pk")).filter(~Exists(newer))


def _weakness_found() -> Exists:
    """The latest determination of one of the control's objectives is other than satisfied."""
    return Exists(_latest_determinations().filter(result=DeterminationResult.OTHER_THAN_SATISFIED))


def _assessed_satisfied() -> Q:
    """`derived_result(...) == satisfied` in SQL, for a control without a weakness found
    (`_weakness_found` is tested first): every leaf objective of the control has a
    determination and at least one of the latest is satisfied (the others not applicable).
    (The assessment service records determinations on leaf objectives only.)"""
    undetermined = (
        ControlPart.objects.filter(control=OuterRef("control"), name=OBJECTIVE)
        .filter(is_leaf_objective())
        .filter(
            ~Exists(
                Determination.objects.filter(
                    selected_control=OuterRef(OuterRef("pk")), objective=OuterRef("pk")
                )
            )
        )
    )
    return Exists(_latest_determinations().filter(result=DeterminationResult.SATISFIED)) & ~Exists(
        undetermined
    )


def _state_case(value_of: dict[str, object], output_field) -> Case:
    """The RULE's states of an active selected control, each given as `value_of[state]`. The
    cheap tests come first: most implemented controls have no determination yet, and a
    weakness settles the state before the objectives are counted."""
    implemented = Q(implementation__status__in=IMPLEMENTED_STATUSES)
    not_applicable = Q(implementation__status=ImplementationStatus.NOT_APPLICABLE)
    determined = Exists(Determination.objects.filter(selected_control=OuterRef("pk")))
    return Case(
        When(not_applicable, then=Value(value_of[NOT_APPLICABLE])),
        When(implemented & ~determined, then=Value(value_of[IMPLEMENTED])),
        When(implemented & _weakness_found(), then=Value(value_of[PARTIAL])),
        When(implemented & _assessed_satisfied(), then=Value(value_of[SATISFIED])),
        When(implemented, then=Value(value_of[IMPLEMENTED])),
        When(implementation__status=ImplementationStatus.PARTIAL, then=Value(value_of[PARTIAL])),
        default=Value(value_of[PLANNED]),  # planned, or no implementation status yet
        output_field=output_field,
    )


def control_state_case() -> Case:
    """For a SelectedControl queryset of active controls: the control's state (RULE)."""
    return _state_case({state: state for state in CONTROL_STATES}, CharField())


def control_rank_case() -> Case:
    """The state as its RANK; NULL for a control that does not count (not applicable)."""
    return _state_case({**RANK, NOT_APPLICABLE: None}, IntegerField())


def level_of(states: list[str]) -> str:
    """A subcategory's level from its mapped controls' states (RULE), for one system."""
    ranks = [RANK[state] for state in states if state in RANK]
    return LEVEL_OF_RANK[min(ranks)] if ranks else NOT_ADDRESSED
