"""`manage.py seed_demo` gives every demo agency five years of CSF self-assessments, written
through the csf services, with improvement and setbacks; a second run changes nothing."""

import io
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from assets.demo import AGENCIES
from assets.models import AuditEvent
from csf.demo.stories import STORIES
from csf.maturity import MAX_LEVEL, MIN_LEVEL, RECOMMENDED_TARGET
from csf.models import (
    CsfActionItem,
    CsfAnswer,
    CsfAssessment,
    CsfTarget,
    CsfTier,
)
from csf.scoring import rollup
from csf.selectors.access import csf_assessment_list_for_user
from csf.selectors.assessments import assessment_completeness
from csf.selectors.profiles import owner_candidates
from csf.selectors.reference import core_tree
from workbench.demo import demo_seeders

Status = CsfAssessment.Status
AGENCY_NAMES = [short_name for _, short_name, _ in AGENCIES]
FILLERS = {story.short_name: story.filler for story in STORIES}


def seed_demo() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(demo_seeded, db) -> str:
    """The demo, seeded once for this module (conftest `demo_seeded`)."""
    return demo_seeded


def this_year() -> int:
    return timezone.localdate().year


def by_agency() -> dict[str, dict[int, CsfAssessment]]:
    assessments: dict[str, dict[int, CsfAssessment]] = {}
    for assessment in CsfAssessment.objects.select_related(
        "organization", "copied_from", "created_by", "submitted_by", "reviewed_by"
    ):
        assessments.setdefault(assessment.organization.short_name, {})[assessment.year] = assessment
    return assessments


def scores_of(assessment: CsfAssessment) -> dict[str, int]:
    return dict(
        assessment.answers.filter(score__isnull=False).values_list(
            "subcategory__identifier", "score"
        )
    )


def function_scores(assessment: CsfAssessment) -> dict[str, float]:
    return rollup(core_tree(assessment.framework), scores_of(assessment)).functions


def overall(assessment: CsfAssessment) -> float:
    return rollup(core_tree(assessment.framework), scores_of(assessment)).overall


def csf_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (CsfAssessment, CsfAnswer, CsfTier, CsfTarget, CsfActionItem, AuditEvent)
    }


def test_every_agency_has_five_years_in_csf_11_then_20(seeded):
    assert (
        "CSF: 30 assessments of 6 agencies, "
        f"{this_year() - 4}-{this_year()} (1 draft, 1 submitted for review, 28 approved)"
    ) in seeded
    assert "skipped" not in seeded
    assessments = by_agency()
    years = list(range(this_year() - 4, this_year() + 1))
    assert sorted(assessments) == sorted(AGENCY_NAMES)
    for agency, yearly in assessments.items():
        assert sorted(yearly) == years, agency
        assert [yearly[year].framework for year in years] == ["1.1", "1.1", "2.0", "2.0", "2.0"]
        first, second, carried, *later = (yearly[year] for year in years)
        assert first.origin == CsfAssessment.Origin.BLANK and first.copied_from is None
        assert second.origin == CsfAssessment.Origin.COPIED and second.copied_from == first
        # The first CSF 2.0 year came from the last CSF 1.1 one through NIST's crosswalk.
        assert carried.origin == CsfAssessment.Origin.CROSSWALK
        assert carried.copied_from == second
        assert carried.answers.exclude(carried_from="").count() > 50
        for previous, assessment in zip([carried, *later], later, strict=False):
            assert assessment.origin == CsfAssessment.Origin.COPIED
            assert assessment.copied_from == previous
    # The city itself has no CSF planner: only its agencies are assessed.
    assert not CsfAssessment.objects.exclude(organization__kind="agency").exists()


def test_past_years_are_approved_and_this_year_shows_the_review_flow(seeded):
    assessments = by_agency()
    for agency, yearly in assessments.items():
        for year, assessment in yearly.items():
            assert assessment.created_by.username == FILLERS[agency]
            if year < this_year():
                assert assessment.status == Status.APPROVED, (agency, year)
            if assessment.status == Status.APPROVED:
                # Submitted by the agency's planner, approved by someone else: the city's
                # administrator.
                assert assessment.submitted_by.username == FILLERS[agency]
                assert assessment.reviewed_by.username == "admin"
                assert assessment.review_note
                assert assessment_completeness(assessment).messages() == []
    current = {agency: yearly[this_year()] for agency, yearly in assessments.items()}
    assert Counter(a.status for a in current.values()) == {
        Status.APPROVED: 4,
        Status.SUBMITTED: 1,
        Status.DRAFT: 1,
    }
    submitted = current["DMV"]
    assert submitted.status == Status.SUBMITTED
    assert submitted.submitted_by.username == "dmv" and submitted.reviewed_by is None
    assert assessment_completeness(submitted).messages() == []
    draft = current["RWU"]
    assert draft.status == Status.DRAFT and draft.submitted_at is None
    # Half-way through: some categories confirmed, the others still as copied from last year.
    assert draft.answers.filter(needs_review=False).count() > 30
    assert draft.answers.filter(needs_review=True).count() > 10
    assert assessment_completeness(draft).messages() != []
    # A state-level viewer reads the approved results only.
    viewer = get_user_model().objects.get(username="viewer")
    visible = csf_assessment_list_for_user(viewer)
    assert visible.count() == 28
    assert set(visible.values_list("status", flat=True)) == {Status.APPROVED}


def test_the_work_is_dated_in_its_year_and_audited(seeded):
    actions = Counter(
        AuditEvent.objects.filter(action__startswith="csf_").values_list("action", flat=True)
    )
    assert actions["csf_assessment_start"] == 30
    assert actions["csf_answers_save"] == 30
    assert actions["csf_tiers_save"] == 18
    assert actions["csf_assessment_submit"] == 29
    assert actions["csf_assessment_approve"] == 28
    now = timezone.now()
    for assessment in CsfAssessment.objects.filter(status=Status.APPROVED):
        approval = AuditEvent.objects.get(
            action="csf_assessment_approve", object_id=str(assessment.pk)
        )
        assert approval.actor.username == "admin"
        assert approval.created_at == assessment.reviewed_at
        assert timezone.localtime(assessment.reviewed_at).year == assessment.year
        assert assessment.created_at < assessment.submitted_at < assessment.reviewed_at < now
        answered = assessment.answers.values_list("updated_at", flat=True)
        assert all(assessment.created_at < moment < assessment.submitted_at for moment in answered)


def test_scores_stay_on_the_scale_and_2_0_years_have_tiers(seeded):
    assert (
        not CsfAnswer.objects.exclude(score__range=(MIN_LEVEL, MAX_LEVEL))
        .exclude(score=None)
        .exists()
    )
    # Every assessment that is not a draft is complete; the draft leaves nothing unscored either
    # (its copied answers are there, to confirm).
    assert not CsfAnswer.objects.filter(score=None).exists()
    for assessment in CsfAssessment.objects.exclude(status=Status.DRAFT):
        tiers = list(assessment.tiers.select_related("function"))
        if assessment.framework == "1.1":
            assert tiers == []
            continue
        assert sorted(tier.function.identifier for tier in tiers) == [
            "DE",
            "GV",
            "ID",
            "PR",
            "RC",
            "RS",
        ]
        assert all(1 <= tier.tier <= 4 and tier.rationale for tier in tiers)
    # Comments say why on some answers, and some answers point to evidence.
    for assessment in CsfAssessment.objects.all():
        answers = assessment.answers
        assert 0 < answers.exclude(comment="").count() < answers.count() // 2
        assert answers.exclude(evidence="").count() >= 3


def test_agencies_improve_with_setbacks(seeded):
    assessments = by_agency()
    years = range(this_year() - 4, this_year() + 1)
    changes: Counter = Counter()
    drops = []
    for agency, yearly in assessments.items():
        for previous_year in years[:-1]:
            before, after = yearly[previous_year], yearly[previous_year + 1]
            if before.framework != after.framework or after.status == Status.DRAFT:
                continue
            old, new = scores_of(before), scores_of(after)
            changes.update(new[sub] - old[sub] for sub in new if sub in old)
            old_functions, new_functions = function_scores(before), function_scores(after)
            drops += [
                (agency, after.year, function)
                for function, score in new_functions.items()
                if score < old_functions[function]
            ]
        scored = [a for a in yearly.values() if a.framework == "2.0" and a.status != "draft"]
        first_20, last_20 = min(scored, key=lambda a: a.year), max(scored, key=lambda a: a.year)
        assert overall(last_20) > overall(first_20), agency
        assert overall(yearly[years[1]]) > overall(yearly[years[0]]), agency
    # Year to year, a subcategory mostly stays or goes up one level; some go down.
    total = sum(changes.values())
    assert (changes[0] + changes[1]) / total > 0.85
    assert changes[1] > changes[-1] > 0
    assert set(changes) <= {-2, -1, 0, 1, 2}
    # The motor vehicles department's Respond fell the year its incident response lead left,
    # and recovered the year after.
    assert ("DMV", this_year() - 1, "RS") in drops
    dmv = assessments["DMV"]
    respond = [function_scores(dmv[year])["RS"] for year in years[2:]]
    assert respond[1] < respond[0] and respond[2] > respond[1]
    # Transportation: strongest in Protect, weakest in Recover, every year.
    for assessment in assessments["DOT"].values():
        functions = function_scores(assessment)
        assert max(functions, key=functions.get) == "PR"
        assert min(functions, key=functions.get) == "RC"
    # The water utility's Detect, weak at first, rises every year it was assessed.
    water = assessments["RWU"]
    detect = [function_scores(water[year])["DE"] for year in years[:4]]
    assert detect[0] < 2 and detect == sorted(detect) and len(set(detect)) == 4


def test_targets_and_action_items_from_the_gaps(seeded):
    targets = {
        (target.organization.short_name, target.subcategory.identifier): target
        for target in CsfTarget.objects.select_related("organization", "subcategory")
    }
    above = [key for key, target in targets.items() if target.score > RECOMMENDED_TARGET]
    assert {agency for agency, _ in above} == {"DOT", "DoIT", "RWU"}
    below = [target for target in targets.values() if target.score < RECOMMENDED_TARGET]
    assert below and all(target.rationale for target in below)
    assert all(target.subcategory.version == "2.0" for target in targets.values())

    items = CsfActionItem.objects.select_related("organization", "owner", "subcategory")
    assert Counter(item.status for item in items) == {"done": 5, "in_progress": 2, "open": 4}
    today = timezone.localdate()
    for item in items:
        assert item.owner in owner_candidates(item.organization)
        assert item.due_date and item.target_score > (item.current_score or 0)
        assert item.subcategory.version == "2.0"
        if item.status == "done":
            assert item.closed_at and item.closure_note
            assert item.created_at < item.closed_at < timezone.now()
            # The gap it closed shows in the next year's score.
            later = CsfAnswer.objects.get(
                assessment__organization=item.organization,
                assessment__year=item.assessment.year + 1,
                subcategory=item.subcategory,
            )
            assert later.score > item.current_score
        else:
            assert item.due_date > today
    created = AuditEvent.objects.filter(action="csf_action_item_create")
    assert created.count() == 11
    assert AuditEvent.objects.filter(action="csf_action_item_close").count() == 5


def test_seeding_twice_changes_nothing(seeded):
    before = csf_counts()
    output = seed_demo()
    assert csf_counts() == before
    csf_line = next(line for line in output.splitlines() if line.startswith("CSF:"))
    assert "(nothing new to create)" in csf_line


def test_an_agency_reseeded_gets_the_same_assessments(seeded):
    """The scores come from a fixed seed: the same demo on every run and machine."""

    def snapshot() -> list[tuple]:
        answers = CsfAnswer.objects.filter(assessment__organization__short_name="DPW")
        tiers = CsfTier.objects.filter(assessment__organization__short_name="DPW")
        return sorted(
            answers.values_list(
                "assessment__year", "subcategory__identifier", "score", "comment", "evidence"
            )
        ) + sorted(tiers.values_list("assessment__year", "function__identifier", "tier"))

    before = snapshot()
    DPW = {"organization__short_name": "DPW"}
    CsfTarget.objects.filter(**DPW).delete()
    CsfActionItem.objects.filter(**DPW).delete()
    CsfAssessment.objects.filter(**DPW).delete()
    output = seed_demo()
    assert "(created now: the assessments of 1 agency)" in output
    assert snapshot() == before
    assert CsfTarget.objects.filter(**DPW).count() == 1


def test_csf_joins_the_demo_after_rmf():
    names = [seeder.name for seeder in demo_seeders()]
    assert names.index("csf") > names.index("rmf")
