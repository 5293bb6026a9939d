"""Reads of CSF maturity self-assessments: an organization's list, one assessment's overview
(progress per function, scores rolled up by csf.scoring, tiers, status history), one
category's form data, what still blocks a submission, and the organization's maturity scale.

Scores always come from `csf.scoring.rollup` (never averaged here). Progress counts a
subcategory as answered when it has a score; a copied or carried answer still to confirm
(`needs_review`) counts as answered but is counted apart, since it blocks the submission.

Every read costs a fixed number of queries whatever the number of assessments, answers or
mapped controls.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from assets.models import AuditEvent, Organization
from csf.maturity import MaturityLevel, maturity_levels
from csf.models import (
    ControlMapping,
    CsfAnswer,
    CsfAssessment,
    CsfElement,
    CsfMaturityLabel,
    CsfTier,
    CsfVersion,
    ImplementationExample,
)
from csf.scoring import RULE, CoreTree, Rollup, rollup
from csf.selectors.access import csf_assessment_list_for_user
from csf.selectors.reference import core_tree

Kind = CsfElement.Kind
Status = CsfAssessment.Status

# The audit actions that change an assessment's state: its status history.
STATE_ACTIONS = {
    "csf_assessment_start": "Started",
    "csf_assessment_submit": "Submitted for review",
    "csf_assessment_return": "Returned for changes",
    "csf_assessment_approve": "Approved",
}
LISTED_AT_MOST = 12  # identifiers named in a refusal before "and N more"


# ----------------------------------------------------------------------------- the scale


def maturity_scale(organization: Organization) -> list[MaturityLevel]:
    """The maturity scale in the organization's own words where it has some (one query)."""
    overrides = {
        label.level: (label.label, label.description)
        for label in CsfMaturityLabel.objects.filter(organization=organization)
    }
    return maturity_levels(overrides)


def customized_levels(organization: Organization) -> set[int]:
    """The levels the organization reworded (one query)."""
    return set(
        CsfMaturityLabel.objects.filter(organization=organization).values_list("level", flat=True)
    )


# ----------------------------------------------------------------------------- completeness


def _named(identifiers: list[str]) -> str:
    shown = ", ".join(identifiers[:LISTED_AT_MOST])
    more = len(identifiers) - LISTED_AT_MOST
    return f"{shown} and {more} more" if more > 0 else shown


@dataclass
class Completeness:
    """What keeps an assessment from being submitted or approved."""

    unscored: list[str] = field(default_factory=list)  # active subcategories without a score
    to_review: list[str] = field(default_factory=list)  # copied or carried, not confirmed
    without_tier: list[str] = field(default_factory=list)  # CSF 2.0 functions, by identifier

    @property
    def complete(self) -> bool:
        return not (self.unscored or self.to_review or self.without_tier)

    def messages(self) -> list[str]:
        messages = []
        if self.unscored:
            count = len(self.unscored)
            noun = "subcategory has" if count == 1 else "subcategories have"
            messages.append(f"{count} {noun} no score yet: {_named(self.unscored)}.")
        if self.to_review:
            count = len(self.to_review)
            noun = "answer is" if count == 1 else "answers are"
            messages.append(
                f"{count} copied or carried {noun} still to confirm: {_named(self.to_review)}. "
                "Open their category, check them and save."
            )
        if self.without_tier:
            messages.append(
                "Choose the implementation tier of every function; missing for "
                f"{_named(self.without_tier)}."
            )
        return messages


def assessment_completeness(assessment: CsfAssessment) -> Completeness:
    """Unscored active subcategories, answers still to confirm and (CSF 2.0) functions without
    a tier, in the core's order (three queries)."""
    tiered = None
    if assessment.framework == CsfVersion.V2_0:
        tiered = set(assessment.tiers.values_list("function__identifier", flat=True))
    return _completeness(core_tree(assessment.framework), _answer_states(assessment), tiered)


def _answer_states(assessment: CsfAssessment) -> dict[str, tuple[int | None, bool]]:
    """Subcategory identifier -> (score, needs_review) of the assessment's answers."""
    return {
        identifier: (score, needs_review)
        for identifier, score, needs_review in assessment.answers.values_list(
            "subcategory__identifier", "score", "needs_review"
        )
    }


def _completeness(
    tree: CoreTree, answers: dict[str, tuple[int | None, bool]], tiered: set[str] | None
) -> Completeness:
    """`tiered`: the functions with a tier (CSF 2.0); None when the version has no tiers."""
    completeness = Completeness()
    for identifier in tree.all_subcategories():
        score, needs_review = answers.get(identifier, (None, False))
        if score is None:
            completeness.unscored.append(identifier)
        elif needs_review:
            completeness.to_review.append(identifier)
    if tiered is not None:
        completeness.without_tier = [f for f in tree.functions if f not in tiered]
    return completeness


# ----------------------------------------------------------------------------- progress


@dataclass
class Progress:
    answered: int = 0
    total: int = 0
    to_review: int = 0  # answered, but copied or carried and not confirmed yet

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0

    @property
    def done(self) -> bool:
        return self.total > 0 and self.answered == self.total and not self.to_review

    def add(self, other: Progress) -> None:
        self.answered += other.answered
        self.total += other.total
        self.to_review += other.to_review


@dataclass
class CategoryLine:
    identifier: str
    title: str
    progress: Progress
    score: float | None


@dataclass
class FunctionLine:
    identifier: str
    title: str
    progress: Progress
    score: float | None
    categories: list[CategoryLine]
    tier: CsfTier | None = None


def _progress_lines(
    tree: CoreTree, answers: dict[str, tuple[int | None, bool]], scores: Rollup
) -> tuple[list[FunctionLine], Progress]:
    functions = []
    overall = Progress()
    for function in tree.functions:
        function_progress = Progress()
        categories = []
        for category in tree.categories.get(function, []):
            progress = Progress()
            for sub in tree.subcategories.get(category, []):
                score, needs_review = answers.get(sub, (None, False))
                progress.total += 1
                progress.answered += score is not None
                progress.to_review += score is not None and needs_review
            categories.append(
                CategoryLine(
                    category, tree.titles.get(category, ""), progress, scores.categories[category]
                )
            )
            function_progress.add(progress)
        functions.append(
            FunctionLine(
                function,
                tree.titles.get(function, ""),
                function_progress,
                scores.functions[function],
                categories,
            )
        )
        overall.add(function_progress)
    return functions, overall


# ----------------------------------------------------------------------------- the list


@dataclass
class AssessmentRow:
    assessment: CsfAssessment
    progress: Progress
    overall: float | None


def organization_assessments(user, organization: Organization) -> list[AssessmentRow]:
    """The organization's assessments `user` may see (drafts only for its planners and
    reviewers), newest year first, with progress and overall score (four queries at most)."""
    assessments = list(
        csf_assessment_list_for_user(user)
        .filter(organization=organization)
        .select_related("created_by", "submitted_by", "reviewed_by", "copied_from")
        .order_by("-year")
    )
    if not assessments:
        return []
    answers: dict[int, dict[str, tuple[int | None, bool]]] = defaultdict(dict)
    for assessment_id, identifier, score, needs_review in CsfAnswer.objects.filter(
        assessment__in=[assessment.pk for assessment in assessments]
    ).values_list("assessment_id", "subcategory__identifier", "score", "needs_review"):
        answers[assessment_id][identifier] = (score, needs_review)
    trees = {version: core_tree(version) for version in {a.framework for a in assessments}}
    rows = []
    for assessment in assessments:
        tree = trees[assessment.framework]
        mine = answers.get(assessment.pk, {})
        scores = rollup(tree, {sub: score for sub, (score, _) in mine.items()})
        _, progress = _progress_lines(tree, mine, scores)
        rows.append(AssessmentRow(assessment, progress, scores.overall))
    return rows


def earlier_assessments(organization: Organization) -> list[CsfAssessment]:
    """What a new assessment may start from: the organization's assessments, newest first."""
    return list(
        CsfAssessment.objects.filter(organization=organization)
        .select_related("organization")
        .order_by("-year")
    )


# ----------------------------------------------------------------------------- one assessment


@dataclass
class HistoryLine:
    event: AuditEvent
    label: str


@dataclass
class AssessmentDetail:
    assessment: CsfAssessment
    tree: CoreTree
    scores: Rollup
    functions: list[FunctionLine]
    progress: Progress
    completeness: Completeness
    history: list[HistoryLine]
    rule: str = RULE

    @property
    def tiers_recorded(self) -> int:
        return sum(1 for function in self.functions if function.tier is not None)


def assessment_detail(assessment: CsfAssessment) -> AssessmentDetail:
    """Everything the overview (and the API's detail) shows, in five queries: the assessment
    with the people named on it, the core, the answers, the tiers, the history."""
    assessment = assessment_with_people(assessment.pk)
    tree = core_tree(assessment.framework)
    answers = _answer_states(assessment)
    scores = rollup(tree, {sub: score for sub, (score, _) in answers.items()})
    functions, progress = _progress_lines(tree, answers, scores)
    tiers = {
        tier.function.identifier: tier
        for tier in CsfTier.objects.filter(assessment=assessment).select_related(
            "function", "updated_by"
        )
    }
    for function in functions:
        function.tier = tiers.get(function.identifier)
    tiered = set(tiers) if assessment.framework == CsfVersion.V2_0 else None
    return AssessmentDetail(
        assessment=assessment,
        tree=tree,
        scores=scores,
        functions=functions,
        progress=progress,
        completeness=_completeness(tree, answers, tiered),
        history=assessment_history(assessment),
    )


def assessment_with_people(pk: int) -> CsfAssessment:
    """The assessment with its organization, the people named on it and its source (one
    query); reach it through the access function first."""
    return CsfAssessment.objects.select_related(
        "organization", "created_by", "submitted_by", "reviewed_by", "copied_from"
    ).get(pk=pk)


def assessment_history(assessment: CsfAssessment) -> list[HistoryLine]:
    """The state changes (start, submit, return, approve) from the audit trail, oldest first
    (one query)."""
    content_type = ContentType.objects.get_for_model(CsfAssessment)
    events = AuditEvent.objects.filter(
        content_type=content_type, object_id=str(assessment.pk), action__in=list(STATE_ACTIONS)
    ).order_by("created_at", "pk")
    return [HistoryLine(event, STATE_ACTIONS[event.action]) for event in events]


def assessment_answers(assessment: CsfAssessment) -> list[CsfAnswer]:
    """The assessment's answers in the core's order, with their subcategory (one query)."""
    return list(
        assessment.answers.select_related("subcategory__parent", "updated_by").order_by(
            "subcategory__sort_order"
        )
    )


# ----------------------------------------------------------------------------- one category


MAPPING_SOURCES = {
    CsfVersion.V1_1: [ControlMapping.Source.CSF11_XLSX],
    CsfVersion.V2_0: [ControlMapping.Source.CSF20_TOOL, ControlMapping.Source.CSF20_OLIR],
}


@dataclass
class SubcategoryLine:
    element: CsfElement
    examples: list[ImplementationExample]
    controls: list  # rmf Control rows (id, label, title), distinct, in catalog order
    answer: CsfAnswer | None
    hint: object | None = None  # csf.selectors.coverage.OrganizationSubcategory

    @property
    def identifier(self) -> str:
        return self.element.identifier


@dataclass
class CategoryPage:
    assessment: CsfAssessment
    function: CsfElement
    category: CsfElement
    subcategories: list[SubcategoryLine]
    previous: str | None  # the category before, in the core's order
    next: str | None
    position: int  # 1-based, among the version's categories
    count: int
    progress: Progress


def category_page(
    assessment: CsfAssessment, identifier: str, *, hints: dict | None = None
) -> CategoryPage:
    """One category of the assessment's CSF version, with each active subcategory's text,
    implementation examples (CSF 2.0), mapped controls, answer and coverage hint (from
    `hints`: identifier -> hint). 404 for a category not in the version (six queries)."""
    version = assessment.framework
    try:
        category = CsfElement.objects.select_related("parent").get(
            version=version, kind=Kind.CATEGORY, identifier=identifier.strip().upper()
        )
    except CsfElement.DoesNotExist as exc:
        raise Http404("No such category in this CSF version.") from exc
    if category.withdrawn:
        raise Http404("This category was withdrawn.")
    mappings = (
        ControlMapping.objects.filter(source__in=MAPPING_SOURCES[version])
        .select_related("control")
        .only("element_id", "control__id", "control__label", "control__title", "control__sort_key")
        .order_by("control__sort_key")
    )
    subcategories = list(
        CsfElement.objects.filter(parent=category, kind=Kind.SUBCATEGORY, withdrawn=False)
        .order_by("sort_order")
        .prefetch_related(
            Prefetch(
                "implementation_examples",
                queryset=ImplementationExample.objects.order_by("sort_order"),
                to_attr="examples",
            ),
            Prefetch("mappings", queryset=mappings, to_attr="mapped"),
        )
    )
    answers = {
        answer.subcategory_id: answer
        for answer in assessment.answers.filter(subcategory__in=subcategories).select_related(
            "updated_by"
        )
    }
    hints = hints or {}
    lines = []
    progress = Progress()
    for element in subcategories:
        controls = list({m.control.pk: m.control for m in element.mapped}.values())
        answer = answers.get(element.pk)
        lines.append(
            SubcategoryLine(
                element, element.examples, controls, answer, hints.get(element.identifier)
            )
        )
        progress.total += 1
        progress.answered += bool(answer and answer.score is not None)
        progress.to_review += bool(answer and answer.score is not None and answer.needs_review)
    order = list(
        CsfElement.objects.filter(version=version, kind=Kind.CATEGORY, withdrawn=False)
        .order_by("sort_order")
        .values_list("identifier", flat=True)
    )
    index = order.index(category.identifier)
    return CategoryPage(
        assessment=assessment,
        function=category.parent,
        category=category,
        subcategories=lines,
        previous=order[index - 1] if index > 0 else None,
        next=order[index + 1] if index + 1 < len(order) else None,
        position=index + 1,
        count=len(order),
        progress=progress,
    )


def first_category(assessment: CsfAssessment, *, unanswered: bool = False) -> str | None:
    """The first category of the version (with `unanswered`: the first one with a subcategory
    not scored or still to confirm), for "Start answering" / "Resume" (two queries)."""
    categories = CsfElement.objects.filter(
        version=assessment.framework, kind=Kind.CATEGORY, withdrawn=False
    ).order_by("sort_order")
    if not unanswered:
        return categories.values_list("identifier", flat=True).first()
    done = set(
        assessment.answers.filter(score__isnull=False, needs_review=False).values_list(
            "subcategory_id", flat=True
        )
    )
    for category in categories.prefetch_related(
        Prefetch(
            "children",
            queryset=CsfElement.objects.filter(withdrawn=False).only("pk", "parent_id"),
            to_attr="active_children",
        )
    ):
        if any(child.pk not in done for child in category.active_children):
            return category.identifier
    return None


def assessments_for_api(user) -> QuerySet[CsfAssessment]:
    """The API's list: the assessments `user` may see, newest first, with the people named."""
    return (
        csf_assessment_list_for_user(user)
        .select_related("organization", "created_by", "submitted_by", "reviewed_by")
        .order_by("organization__path", "-year")
    )
