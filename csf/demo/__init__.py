"""The demo agencies' CSF maturity self-assessments: five years each, for the benchmark reports.

Each agency of the demo city assessed itself every year, the current one included: CSF 1.1 for
the first two years, then CSF 2.0, its first 2.0 year carried from the last 1.1 year through
NIST's crosswalk and every later year copied from the year before, then reviewed. The scores
follow each agency's story (csf.demo.stories): where it started, how fast each function
improves, a year set back by staff turnover or a migration, gaps closed by action items. They are
drawn from one seeded random generator, so the demo is the same on every run.

Everything is written through the csf services, as the agencies' people would: the agency's
planner (its ISSO where it has no planner) starts, answers and submits; the city's organization
administrator, who did not submit, approves. Past years are approved; this year, one agency's
assessment waits for review and one is a draft half-way through, so the review flow shows. The
services cannot backdate, so each step's dates and audit events are then moved to when the work
was done (in the autumn of its year), as the RMF demo does for its older authorizations.

The city itself is not assessed: nobody in the demo prepares CSF work at the city level, and its
agencies are what the peer reports compare.

`seed_csf()` is idempotent: an agency that already has a CSF assessment is left as it is.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from assets.demo import CITY, STATE
from assets.models import AuditEvent, Organization
from csf.demo.stories import (
    ACTION_DONE,
    CLOSURE_NOTES,
    DOWN,
    DRAFT,
    EVIDENCE,
    FIRST_CSF20,
    REVIEWER,
    SEED,
    STORIES,
    SUBMITTED,
    TIER_RATIONALE,
    UP,
    UP_ANY,
    WHY_HIGH,
    WHY_LOW,
    WHY_MID,
    YEARS,
    AgencyStory,
)
from csf.maturity import MAX_LEVEL, MIN_LEVEL, RECOMMENDED_TARGET
from csf.models import (
    CrosswalkLink,
    CsfActionItem,
    CsfAnswer,
    CsfAssessment,
    CsfElement,
    CsfTarget,
    CsfTier,
    CsfVersion,
)
from csf.scoring import CoreTree, rollup
from csf.selectors.profiles import profile_get
from csf.selectors.reference import core_tree
from csf.services.assessments import (
    AnswerInput,
    TierInput,
    csf_answers_save,
    csf_assessment_approve,
    csf_assessment_start,
    csf_assessment_submit,
    csf_tiers_save,
)
from csf.services.profiles import (
    TargetInput,
    csf_action_item_close,
    csf_action_item_update,
    csf_action_items_from_gaps,
    csf_targets_save,
)

V11, V20 = CsfVersion.V1_1.value, CsfVersion.V2_0.value
Status = CsfAssessment.Status


@dataclass
class CsfSummary:
    agencies: int = 0
    created: int = 0  # agencies whose assessments were created by this run
    years: tuple[int, int] = (0, 0)
    statuses: dict[str, int] = field(default_factory=dict)
    targets: int = 0
    action_items: int = 0
    skipped: list[str] = field(default_factory=list)  # "DOT: why"
    missing_catalogs: bool = False

    def line(self) -> str:
        if self.missing_catalogs:
            return (
                "CSF: skipped, the CSF 1.1 and 2.0 cores and their crosswalk are not loaded. "
                "Run `manage.py load_catalogs` first, then seed_demo again."
            )
        total = sum(self.statuses.values())
        statuses = ", ".join(
            f"{count} {Status(status).label.lower()}"
            for status in Status.values
            if (count := self.statuses.get(status, 0))
        )
        first, last = self.years
        return (
            f"CSF: {total} assessments of {self.agencies} agencies, {first}-{last} "
            f"({statuses or 'none'}), {self.targets} own targets, {self.action_items} action "
            "items "
            + (
                f"(created now: the assessments of {self.created} "
                f"agenc{'y' if self.created == 1 else 'ies'})"
                if self.created
                else "(nothing new to create)"
            )
            + "."
        )


# ----------------------------------------------------------------------------- the scores


@dataclass(frozen=True)
class Prior:
    """An answer as copied or carried into the new year's assessment."""

    score: int | None
    comment: str
    evidence: str


def _clamp(level: float) -> int:
    return max(MIN_LEVEL, min(MAX_LEVEL, round(level)))


def _fresh(rng: random.Random, story: AgencyStory, function: str, index: int, shift: float):
    """A first score: the function's level in that year, its category's bent, some spread.
    Seldom above 6: "optimized" is earned over the years, not claimed at once."""
    expected = story.level[function] + story.growth[function] * index + shift
    return max(MIN_LEVEL, min(MAX_LEVEL - 1, round(rng.gauss(expected, 0.6))))


def _why_pool(score: int) -> tuple[str, ...]:
    return WHY_LOW if score <= 2 else WHY_MID if score <= 4 else WHY_HIGH


def _why(rng: random.Random, score: int) -> str:
    return rng.choice(_why_pool(score))


def _contradicts(comment: str, score: int) -> bool:
    """Whether a "why the score" sentence kept from an earlier answer (carried through the
    crosswalk, where scores are averaged) describes another level than `score`."""
    return any(
        sentence in comment
        for pool in (WHY_LOW, WHY_MID, WHY_HIGH)
        if pool is not _why_pool(score)
        for sentence in pool
    )


def _year_answers(
    rng: random.Random,
    story: AgencyStory,
    tree: CoreTree,
    index: int,
    year: int,
    prior: dict[str, Prior],
    raised: set[str],
    targets: dict[str, int],
) -> dict[str, AnswerInput]:
    """Every active subcategory's answer for the year: last year's score moved by the agency's
    growth, chance and events; a first score where there is none (the first year, and the
    CSF 2.0 subcategories the crosswalk leaves unscored)."""
    function_of = tree.function_of()
    category_of = {sub: cat for cat, subs in tree.subcategories.items() for sub in subs}
    shift = {category: rng.choice((-0.6, 0.0, 0.0, 0.6)) for category in tree.subcategories}
    rows: dict[str, AnswerInput] = {}
    for sub in tree.all_subcategories():
        function = function_of[sub]
        before = prior.get(sub) or Prior(None, "", "")
        comment = before.comment
        if before.score is None:
            score = _fresh(rng, story, function, index, shift[category_of[sub]])
            if rng.random() < 0.12:
                comment = _why(rng, score)
        else:
            score, comment = _moved(rng, story, function, index, year, before)
            if sub in raised:  # its action item was done during the year
                target = targets.get(sub, RECOMMENDED_TARGET)
                score = min(MAX_LEVEL, max(before.score + 1, min(target, before.score + 2)))
                comment = ACTION_DONE
        if _contradicts(comment, score):
            comment = _why(rng, score)
        rows[sub] = AnswerInput(sub, score, comment, before.evidence)
    for sub in rng.sample(list(rows), 3):
        evidence = rng.choice(EVIDENCE[function_of[sub]]).format(year=year)
        rows[sub] = rows[sub]._replace(evidence=evidence)
    return rows


def _moved(
    rng: random.Random, story: AgencyStory, function: str, index: int, year: int, before: Prior
) -> tuple[int, str]:
    """Last year's score after a year: mostly the same or one up, now and then one down."""
    up = story.growth[function] * (0.5 if before.score >= 6 else 1)
    draw = rng.random()
    delta = 1 if draw < up else -1 if draw > 0.97 else 0
    event_comment = ""
    for event in story.events:
        if event.year == index and event.function == function and rng.random() < event.share:
            delta += event.delta
            event_comment = event.comment.format(year=year)
    score = max(MIN_LEVEL, min(MAX_LEVEL, before.score + delta))
    if score == before.score:
        return score, before.comment
    if event_comment:
        return score, event_comment
    if rng.random() < 0.4:
        pool = (*UP[function], *UP_ANY) if score > before.score else DOWN
        return score, rng.choice(pool)
    return score, ""  # last year's reason no longer explains the new score


def _tiers(rng: random.Random, tree: CoreTree, scores: dict[str, int]) -> list[TierInput]:
    """Judged per function, in step with the scores but cautious: a tier often lags them."""
    tiers = []
    for function, mean in rollup(tree, scores).functions.items():
        tier = 1 if mean < 2.5 else 2 if mean < 4 else 3 if mean < 5.5 else 4
        if tier > 1 and rng.random() < 0.25:
            tier -= 1
        tiers.append(TierInput(function, tier, TIER_RATIONALE[tier]))
    return tiers


# ----------------------------------------------------------------------------- the dates


@dataclass(frozen=True)
class Timeline:
    started: datetime
    answered: datetime
    submitted: datetime
    reviewed: datetime


def _timeline(year: int, order: int, now: datetime) -> Timeline:
    """When the year's assessment was done: in the autumn for past years; in the last weeks for
    the current one (never before its 1 January). `order` staggers the agencies."""
    if year < timezone.localdate(now).year:
        started = timezone.make_aware(datetime(year, 9, 1, 9, 30)) + timedelta(days=3 * order)
        return Timeline(
            started,
            started + timedelta(days=30),
            started + timedelta(days=45),
            started + timedelta(days=60, hours=5),
        )
    new_year = timezone.make_aware(datetime(year, 1, 1, 9, 0))
    started, answered, submitted, reviewed = (
        max(new_year + timedelta(hours=hours), now - timedelta(days=days - 2 * order))
        for hours, days in ((0, 80), (1, 50), (2, 28), (3, 20))
    )
    return Timeline(started, answered, submitted, reviewed)


def _move_audit(since: datetime, moment: datetime, organization: Organization) -> None:
    """The audit events written for `organization` since `since`, as if written at `moment`."""
    AuditEvent.objects.filter(organization=organization, created_at__gte=since).update(
        created_at=moment
    )


def _date_assessment(assessment: CsfAssessment, when: Timeline) -> None:
    if assessment.reviewed_at:
        last = when.reviewed
    elif assessment.submitted_at:
        last = when.submitted
    else:
        last = when.answered
    CsfAssessment.objects.filter(pk=assessment.pk).update(
        created_at=when.started,
        updated_at=last,
        submitted_at=when.submitted if assessment.submitted_at else None,
        reviewed_at=when.reviewed if assessment.reviewed_at else None,
    )
    CsfAnswer.objects.filter(assessment=assessment).update(updated_at=when.answered)
    CsfTier.objects.filter(assessment=assessment).update(updated_at=when.answered)


# ----------------------------------------------------------------------------- one agency


@dataclass
class _Agency:
    story: AgencyStory
    organization: Organization
    order: int
    filler: object
    reviewer: object
    owner: object | None
    rng: random.Random
    now: datetime
    raised: set[str] = field(default_factory=set)


def _seed_agency(agency: _Agency, trees: dict[str, CoreTree], first_year: int) -> None:
    story, organization = agency.story, agency.organization
    previous: CsfAssessment | None = None
    for index in range(YEARS):
        year = first_year + index
        framework = V11 if index < FIRST_CSF20 else V20
        tree = trees[framework]
        current_year = index == YEARS - 1
        status = story.current if current_year else Status.APPROVED
        when = _timeline(year, agency.order, agency.now)
        if status == SUBMITTED:  # sent for review last week
            when = replace(when, submitted=max(when.answered, agency.now - timedelta(days=6)))
        elif status == DRAFT:  # still being answered
            when = replace(when, answered=max(when.started, agency.now - timedelta(days=3)))

        since = timezone.now()
        assessment = csf_assessment_start(
            actor=agency.filler,
            organization=organization,
            year=year,
            framework=framework,
            copy_from=previous,
        )
        _move_audit(since, when.started, organization)
        prior = {
            identifier: Prior(score, comment, evidence)
            for identifier, score, comment, evidence in assessment.answers.values_list(
                "subcategory__identifier", "score", "comment", "evidence"
            )
        }
        targets = dict(
            CsfTarget.objects.filter(organization=organization).values_list(
                "subcategory__identifier", "score"
            )
        )
        rows = _year_answers(agency.rng, story, tree, index, year, prior, agency.raised, targets)
        tiers = _tiers(agency.rng, tree, {sub: row.score for sub, row in rows.items()})
        if status == DRAFT:
            # Half-way through: the first functions answered, and the gaps closed during the
            # year; the rest still as copied.
            begun = set(tree.functions[:3])
            function_of = tree.function_of()
            rows = {
                sub: row
                for sub, row in rows.items()
                if function_of[sub] in begun or sub in agency.raised
            }
            tiers = [tier for tier in tiers if tier.function in begun]

        since = timezone.now()
        csf_answers_save(actor=agency.filler, assessment=assessment, answers=rows.values())
        if framework == V20:
            csf_tiers_save(actor=agency.filler, assessment=assessment, tiers=tiers)
        _move_audit(since, when.answered, organization)
        if status != DRAFT:
            since = timezone.now()
            assessment = csf_assessment_submit(actor=agency.filler, assessment=assessment)
            _move_audit(since, when.submitted, organization)
        if status == Status.APPROVED:
            since = timezone.now()
            assessment = csf_assessment_approve(
                actor=agency.reviewer,
                assessment=assessment,
                note=agency.rng.choice(story.approval_notes),
            )
            _move_audit(since, when.reviewed, organization)
        _date_assessment(assessment, when)
        previous = assessment

        if index == YEARS - 2 and (story.targets or story.actions):
            _plan_actions(agency, when.reviewed)
        if current_year and status == Status.APPROVED and story.new_actions:
            _new_actions(agency, when.reviewed)


def _gap_choice(agency: _Agency, count: int) -> list[str]:
    """The first gaps of the prioritized list, one per category, so that the actions spread
    over the weakest areas rather than one category."""
    chosen, categories = [], set()
    for line in profile_get(agency.organization, V20).prioritized:
        if line.has_open_item or line.category in categories:
            continue
        chosen.append(line.subcategory)
        categories.add(line.category)
        if len(chosen) == count:
            break
    return chosen


def _plan_actions(agency: _Agency, approved: datetime) -> None:
    """After last year's approval: the agency's own targets, then action items on its largest
    gaps, worked on during the year (some done, which this year's scores show)."""
    story, organization = agency.story, agency.organization
    ceiling = agency.now - timedelta(days=1)
    moments = [min(approved + timedelta(days=days), ceiling) for days in (20, 30, 75, 150, 200)]
    set_at, created_at, progress_at, *closed_at = moments
    if story.targets:
        since = timezone.now()
        csf_targets_save(
            actor=agency.filler,
            organization=organization,
            framework=V20,
            targets=[TargetInput(t.subcategory, t.score, t.rationale) for t in story.targets],
        )
        _move_audit(since, set_at, organization)
        CsfTarget.objects.filter(organization=organization).update(updated_at=set_at)
    if not story.actions:
        return
    today = timezone.localdate()
    since = timezone.now()
    created = csf_action_items_from_gaps(
        actor=agency.filler,
        organization=organization,
        framework=V20,
        subcategories=_gap_choice(agency, len(story.actions)),
        owner=agency.owner,
        due_date=today + timedelta(days=120),
    ).created
    _move_audit(since, created_at, organization)
    done = 0
    for item, outcome in zip(created, story.actions, strict=False):
        due: date = timezone.localdate(created_at) + timedelta(days=180)
        fields = {"created_at": created_at, "updated_at": created_at}
        since = timezone.now()
        if outcome == "in_progress":
            csf_action_item_update(
                actor=agency.filler,
                item=item,
                expected_version=item.version,
                status=CsfActionItem.Status.IN_PROGRESS,
            )
            _move_audit(since, progress_at, organization)
            fields["updated_at"] = progress_at
            due = max(due, today + timedelta(days=45))
        elif outcome == "done":
            csf_action_item_close(
                actor=agency.filler,
                item=item,
                outcome=CsfActionItem.Status.DONE,
                note=CLOSURE_NOTES[done % len(CLOSURE_NOTES)],
                expected_version=item.version,
            )
            moment = closed_at[done % len(closed_at)]
            _move_audit(since, moment, organization)
            fields.update(updated_at=moment, closed_at=moment)
            agency.raised.add(item.subcategory.identifier)
            done += 1
        else:
            due = max(due, today + timedelta(days=90))
        # A done item was due when it was planned; open ones stay due in the future.
        CsfActionItem.objects.filter(pk=item.pk).update(due_date=due, **fields)


def _new_actions(agency: _Agency, approved: datetime) -> None:
    """Once this year's assessment is approved, the next gaps become open action items."""
    moment = min(approved + timedelta(days=5), agency.now - timedelta(hours=1))
    since = timezone.now()
    created = csf_action_items_from_gaps(
        actor=agency.filler,
        organization=agency.organization,
        framework=V20,
        subcategories=_gap_choice(agency, agency.story.new_actions),
        owner=agency.owner,
        due_date=timezone.localdate() + timedelta(days=150),
    ).created
    _move_audit(since, moment, agency.organization)
    CsfActionItem.objects.filter(pk__in=[item.pk for item in created]).update(
        created_at=moment, updated_at=moment
    )


# ----------------------------------------------------------------------------- the demo


def _catalogs_loaded() -> bool:
    return (
        CsfElement.objects.filter(version=V11, kind=CsfElement.Kind.SUBCATEGORY).exists()
        and CsfElement.objects.filter(version=V20, kind=CsfElement.Kind.SUBCATEGORY).exists()
        and CrosswalkLink.objects.exists()
    )


def seed_csf() -> CsfSummary:
    """Five years of CSF assessments for every demo agency that has none yet (see the module's
    docstring). Needs the demo city (assets.demo) and the CSF catalogs; an agency whose work
    cannot be done is skipped and named, nothing half-done."""
    summary = CsfSummary()
    if not _catalogs_loaded():
        summary.missing_catalogs = True
        return summary
    now = timezone.now()
    first_year = timezone.localdate(now).year - (YEARS - 1)
    summary.years = (first_year, first_year + YEARS - 1)
    city = Organization.objects.get(name=CITY, parent__name=STATE, parent__parent=None)
    agencies = {
        agency.short_name: agency
        for agency in Organization.objects.filter(parent=city, kind=Organization.Kind.AGENCY)
    }
    usernames = {REVIEWER} | {s.filler for s in STORIES} | {s.action_owner for s in STORIES}
    people = {
        user.username: user for user in get_user_model().objects.filter(username__in=usernames)
    }
    assessed = set(
        CsfAssessment.objects.filter(organization__in=agencies.values()).values_list(
            "organization__short_name", flat=True
        )
    )
    trees = {V11: core_tree(V11), V20: core_tree(V20)}
    for order, story in enumerate(STORIES):
        organization = agencies.get(story.short_name)
        if organization is None or story.short_name in assessed:
            continue
        agency = _Agency(
            story=story,
            organization=organization,
            order=order,
            filler=people.get(story.filler),
            reviewer=people.get(REVIEWER),
            owner=people.get(story.action_owner),
            rng=random.Random(f"{SEED}-{story.short_name}"),
            now=now,
        )
        try:
            with transaction.atomic():
                _seed_agency(agency, trees, first_year)
        except (ValidationError, PermissionDenied) as error:
            message = "; ".join(error.messages) if isinstance(error, ValidationError) else error
            summary.skipped.append(f"{story.short_name}: {message}")
            continue
        summary.created += 1
    demo = CsfAssessment.objects.filter(organization__in=agencies.values())
    summary.agencies = demo.values("organization").distinct().count()
    summary.statuses = {status: demo.filter(status=status).count() for status in Status.values}
    summary.targets = CsfTarget.objects.filter(organization__in=agencies.values()).count()
    summary.action_items = CsfActionItem.objects.filter(organization__in=agencies.values()).count()
    return summary
