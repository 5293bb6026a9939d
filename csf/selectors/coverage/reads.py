"""The coverage of a system and of an organization, and the assessment form's hints: fixed
numbers of queries whatever the number of systems or controls."""

from collections import defaultdict

from django.db import connection
from django.db.models import Count, Q, QuerySet

from assets.models import Organization, System
from assets.selectors import in_organization_subtree
from csf.models import ControlMapping, CsfElement
from csf.scoring import CoreTree
from csf.selectors.coverage.results import (
    CategoryCoverage,
    ControlSpread,
    Counts,
    FunctionCoverage,
    MappedControl,
    OrganizationCoverage,
    OrganizationSubcategory,
    SubcategoryCoverage,
    SystemCoverage,
)
from csf.selectors.coverage.rules import (
    DEFAULT_VERSION,
    LEVEL_OF_RANK,
    NOT_ADDRESSED,
    NOT_SELECTED,
    STATE_OF_RANK,
    control_rank_case,
    control_state_case,
    level_of,
)
from csf.selectors.reference import core_tree, version_check
from rmf.models import Authorization, SelectedControl
from rmf.selectors.monitor_facts import ACTIVE
from rmf.selectors.reporting import reported_cycles

Kind = CsfElement.Kind

# --- reads ----------------------------------------------------------------------------------


def _subcategory_texts(version: str) -> dict[str, str]:
    return dict(
        CsfElement.objects.filter(
            version=version, kind=Kind.SUBCATEGORY, withdrawn=False
        ).values_list("identifier", "text")
    )


def _mapped_controls(version: str) -> dict[str, list[tuple[str, str, str]]]:
    """subcategory -> its mapped controls (id, label, title), in catalog order, every source
    of the version together (one query)."""
    mapped: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for identifier, control_id, label, title in (
        ControlMapping.objects.filter(
            element__version=version, element__kind=Kind.SUBCATEGORY, element__withdrawn=False
        )
        .values_list("element__identifier", "control_id", "control__label", "control__title")
        .order_by("element__identifier", "control__sort_key")
        .distinct()
    ):
        mapped[identifier].append((control_id, label, title))
    return mapped


def _mapped_control_ids(version: str) -> QuerySet:
    return ControlMapping.objects.filter(
        element__version=version, element__kind=Kind.SUBCATEGORY, element__withdrawn=False
    ).values("control_id")


def _build(tree: CoreTree, texts: dict[str, str], subcategory_of) -> list[FunctionCoverage]:
    """The function -> category -> subcategory tree, with counts rolled up from
    `subcategory_of(identifier, text)` (a SubcategoryCoverage or OrganizationSubcategory)."""
    functions = []
    for function in tree.functions:
        categories = []
        function_counts = Counts()
        for category in tree.categories.get(function, []):
            counts = Counts()
            subcategories = []
            for identifier in tree.subcategories.get(category, []):
                subcategory = subcategory_of(identifier, texts.get(identifier, ""))
                subcategories.append(subcategory)
                counts.add(_counts_of(subcategory))
            categories.append(
                CategoryCoverage(category, tree.titles.get(category, ""), counts, subcategories)
            )
            function_counts.add(counts)
        functions.append(
            FunctionCoverage(function, tree.titles.get(function, ""), function_counts, categories)
        )
    return functions


def _counts_of(subcategory) -> Counts:
    if isinstance(subcategory, OrganizationSubcategory):
        return subcategory.counts
    counts = Counts()
    counts.by_level[subcategory.level] += 1
    return counts


def _total(functions: list[FunctionCoverage]) -> Counts:
    total = Counts()
    for function in functions:
        total.add(function.counts)
    return total


def current_cycle(system: System) -> Authorization | None:
    """The system's current RMF cycle (`Authorization.is_current`), or None when not started."""
    return Authorization.objects.filter(system=system, is_current=True).first()


def system_csf_coverage(system: System, version: str = DEFAULT_VERSION) -> SystemCoverage:
    """A system's coverage of the CSF `version` from its current cycle, in five queries: the
    cycle, the core, the subcategory texts, the mappings, the states of its mapped controls."""
    version = version_check(version)
    authorization = current_cycle(system)
    tree = core_tree(version)
    texts = _subcategory_texts(version)
    mapped = _mapped_controls(version)
    states: dict[str, tuple[str, int]] = {}
    if authorization is not None:
        for pk, control_id, state in (
            SelectedControl.objects.filter(
                authorization=authorization,
                tailoring__in=ACTIVE,
                control__in=_mapped_control_ids(version),
            )
            .annotate(state=control_state_case())
            .values_list("pk", "control_id", "state")
            .order_by()
        ):
            states[control_id] = (state, pk)

    def subcategory_of(identifier: str, text: str) -> SubcategoryCoverage:
        controls = []
        for control_id, label, title in mapped.get(identifier, []):
            state, selected_id = states.get(control_id, (NOT_SELECTED, None))
            controls.append(MappedControl(control_id, label, title, state, selected_id))
        return SubcategoryCoverage(
            identifier, text, level_of([c.state for c in controls]), controls
        )

    functions = _build(tree, texts, subcategory_of)
    return SystemCoverage(
        version=version,
        functions=functions,
        counts=_total(functions),
        system=system,
        authorization=authorization,
    )


def _grouped_counts(
    cycles: QuerySet[Authorization], version: str
) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, int]]]:
    """Over `cycles`, in one SQL statement: subcategory -> level -> number of systems (the
    levels other than not addressed), and control id -> state -> number of systems that
    selected it in that state.

    Each selected control's rank is computed once (a materialized CTE: a control maps to
    several subcategories, and evaluating its state once per mapping made it several times
    slower); the (subcategory, control) pairs of the version are joined to it, each
    (subcategory, cycle) keeps its weakest rank, and the cycles are counted per subcategory
    and level. Django's ORM cannot group an aggregated queryset again: the two CTEs are its own
    compiled queries, their values stay in the parameters."""
    states = (
        SelectedControl.objects.filter(
            authorization__in=cycles,
            tailoring__in=ACTIVE,
            control__in=_mapped_control_ids(version),
        )
        .annotate(rank=control_rank_case())
        .values("authorization_id", "control_id", "rank")
        .order_by()
    )
    pairs = (
        ControlMapping.objects.filter(
            element__version=version, element__kind=Kind.SUBCATEGORY, element__withdrawn=False
        )
        .values("element__identifier", "control_id")
        .distinct()
        .order_by()
    )
    states_sql, states_params = states.query.sql_with_params()
    pairs_sql, pairs_params = pairs.query.sql_with_params()
    sql = (
        f"WITH states (cycle_id, control_id, lvl) AS MATERIALIZED ({states_sql}), "  # noqa: S608
        f"pairs (subcategory, control_id) AS MATERIALIZED ({pairs_sql}) "
        "SELECT per_system.subcategory, NULL, per_system.lvl, COUNT(*) FROM ("
        "SELECT pairs.subcategory, states.cycle_id, MIN(states.lvl) AS lvl "
        "FROM states INNER JOIN pairs ON pairs.control_id = states.control_id "
        "GROUP BY pairs.subcategory, states.cycle_id"
        ") per_system WHERE per_system.lvl IS NOT NULL "
        "GROUP BY per_system.subcategory, per_system.lvl "
        "UNION ALL "
        "SELECT NULL, states.control_id, states.lvl, COUNT(*) FROM states "
        "GROUP BY states.control_id, states.lvl"
    )
    levels: dict[str, dict[str, int]] = defaultdict(dict)
    control_states: dict[str, dict[str, int]] = defaultdict(dict)
    with connection.cursor() as cursor:
        cursor.execute(sql, (*states_params, *pairs_params))
        for subcategory, control_id, rank, n in cursor.fetchall():
            if subcategory is not None:
                levels[subcategory][LEVEL_OF_RANK[rank]] = n
            else:
                control_states[control_id][STATE_OF_RANK[rank]] = n
    return levels, control_states


def organization_csf_coverage(
    organization: Organization,
    version: str = DEFAULT_VERSION,
    systems_queryset: QuerySet[System] | None = None,
) -> OrganizationCoverage:
    """The coverage of the organization and its descendants, over `systems_queryset` (the
    systems the reader may see, e.g. `rmf.selectors.reporting.organization_systems`; all of
    the subtree's when None) restricted to the subtree: for each subcategory, how many systems
    are at each level and how many have each mapped control in each state; rolled up to
    categories and functions. Six queries whatever the number of systems."""
    version = version_check(version)
    systems = System.objects.all() if systems_queryset is None else systems_queryset
    systems = systems.filter(in_organization_subtree(organization.pk))
    cycles = reported_cycles(systems)
    systems_row = systems.exclude(status=System.Status.DISPOSED).aggregate(
        total=Count("pk", distinct=True),
        started=Count("authorizations", filter=Q(authorizations__is_current=True)),
    )
    total = systems_row["started"]
    tree = core_tree(version)
    texts = _subcategory_texts(version)
    mapped = _mapped_controls(version)
    levels, control_states = _grouped_counts(cycles, version) if total else ({}, {})

    def subcategory_of(identifier: str, text: str) -> OrganizationSubcategory:
        counts = Counts()
        for level, n in levels.get(identifier, {}).items():
            counts.by_level[level] = n
        counts.by_level[NOT_ADDRESSED] = total - counts.total
        controls = []
        for control_id, label, title in mapped.get(identifier, []):
            spread = ControlSpread(control_id, label, title)
            for state, n in control_states.get(control_id, {}).items():
                spread.states[state] = n
            spread.states[NOT_SELECTED] = total - sum(spread.states.values())
            controls.append(spread)
        return OrganizationSubcategory(identifier, text, total, counts, controls)

    functions = _build(tree, texts, subcategory_of)
    return OrganizationCoverage(
        version=version,
        functions=functions,
        counts=_total(functions),
        organization=organization,
        systems=total,
        systems_not_started=systems_row["total"] - total,
    )


def organization_subcategory_hints(
    organization: Organization,
    version: str = DEFAULT_VERSION,
    *,
    systems_queryset: QuerySet[System] | None = None,
) -> dict[str, OrganizationSubcategory]:
    """For the CSF assessment form: subcategory identifier ("PR.AA-01") -> its hint, an
    `OrganizationSubcategory` of the organization's coverage (same rule and queries as
    `organization_csf_coverage`, a fixed number whatever the number of systems).

    A hint gives:
      - `summary`: one plain sentence ("Covered in 3 of 5 systems (2 implemented and
        confirmed; 1 implemented, not yet confirmed; 2 not addressed).");
      - `systems`: the systems (with a current RMF cycle) it is computed over; `counts.levels`:
        [LevelCount(level, label, count)] in LEVELS order, `covered_systems`,
        `covered_percent` (None without systems), `addressed_nowhere`;
      - `controls`: the mapped controls [ControlSpread(control_id "ac-2", label "AC-2",
        title, states {state: systems}, state_counts [LevelCount])] in catalog order; link a
        control with `{% url 'rmf:control_detail' control.control_id %}`.
    Level and state labels: LEVEL_LABELS, LEVEL_DESCRIPTIONS, CONTROL_STATE_LABELS; RULE
    states the rule. Every active subcategory of the version has a hint.

    `systems_queryset` narrows the systems (the reader's visible ones); by default every
    system of the organization and its descendants.
    """
    coverage = organization_csf_coverage(organization, version, systems_queryset)
    return {subcategory.identifier: subcategory for subcategory in coverage.subcategories()}
