"""Current and target profiles, their gaps, and the action items that close them: the selectors
and the services (csf/selectors/profiles.py, csf/services/profiles.py)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assets.models import AuditEvent
from csf.maturity import RECOMMENDED_TARGET
from csf.models import CsfActionItem, CsfAssessment, CsfTarget
from csf.scoring import prioritized_gaps, rollup
from csf.selectors.profiles import (
    ActionItemFilters,
    action_item_counts,
    action_item_list,
    owner_candidates,
    profile_get,
)
from csf.selectors.reference import core_tree
from csf.services.profiles import (
    CsfActionItemConflict,
    TargetInput,
    csf_action_item_close,
    csf_action_item_create,
    csf_action_item_update,
    csf_action_items_from_gaps,
    csf_targets_save,
)
from tests.csf_profile_steps import (
    NEXT_MONTH,
    TODAY,
    action_item,
    assessment_with_scores,
    element,
    set_target,
    subcategories,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

Status = CsfAssessment.Status


# ----------------------------------------------------------------------------- profiles


def test_without_an_approved_assessment_there_is_no_current_profile(personas):
    assessment_with_scores(personas.agency, {}, default=4, status=Status.SUBMITTED)
    profile = profile_get(personas.agency, "2.0")
    assert profile.assessment is None
    assert profile.current == {}
    assert profile.current_rollup.overall is None
    # The target profile stands on its own: the recommended minimum everywhere.
    assert set(profile.target.values()) == {RECOMMENDED_TARGET}
    assert len(profile.target) == 106
    assert profile.target_rollup.overall == RECOMMENDED_TARGET


def test_the_current_profile_is_the_latest_approved_assessment_of_the_version(personas):
    assessment_with_scores(personas.agency, {}, year=2023, default=2)
    latest = assessment_with_scores(personas.agency, {"GV.OC-01": 6}, year=2024, default=3)
    # Not counted: a newer draft, a CSF 1.1 assessment, another agency's.
    assessment_with_scores(personas.agency, {}, year=2025, default=7, status=Status.DRAFT)
    assessment_with_scores(personas.agency, {}, year=2026, version="1.1", default=7)
    assessment_with_scores(personas.sibling_agency, {}, year=2025, default=7)
    profile = profile_get(personas.agency, "2.0")
    assert profile.assessment == latest
    assert profile.current["GV.OC-01"] == 6
    assert profile.current["PR.AA-01"] == 3
    assert profile_get(personas.agency, "1.1").assessment.year == 2026


def test_scores_and_gaps_roll_up_through_csf_scoring(personas):
    # GV.OC has five subcategories: (1 + 2 + 3 + 4 + 5) / 5 = 3; the rest of GV scores 4.
    scores = {f"GV.OC-0{n}": n for n in range(1, 6)}
    assessment_with_scores(personas.agency, scores, default=4)
    set_target(personas.agency, "GV.OC-01", 7, "Our mission is public safety.")
    profile = profile_get(personas.agency, "2.0")
    govern = profile.functions[0]
    assert [function.identifier for function in profile.functions] == [
        "GV",
        "ID",
        "PR",
        "DE",
        "RS",
        "RC",
    ]
    assert govern.title == "Govern"
    context = govern.categories[0]
    assert (context.identifier, context.current) == ("GV.OC", 3.0)
    # Targets: 7 + 5 * 4 = 27 / 5; gaps: 6 + 3 + 2 + 1 + 0 = 12 / 5.
    assert context.target == pytest.approx(27 / 5)
    assert context.gap == pytest.approx(12 / 5)
    tree = core_tree("2.0")
    assert govern.current == rollup(tree, profile.current).functions["GV"]
    assert [line.gap for line in profile.prioritized] == prioritized_gaps(
        tree, profile.current, profile.target
    )
    # GV is the lowest function: its largest gap, GV.OC-01 (7 - 1), comes first.
    first = profile.prioritized[0]
    assert (first.subcategory, first.gap.gap, first.rank, first.category) == (
        "GV.OC-01",
        6,
        1,
        "GV.OC",
    )
    assert profile.own_targets["GV.OC-01"].score == 7


def test_the_gap_list_shows_open_action_items(personas):
    assessment_with_scores(personas.agency, {"PR.AA-01": 1}, default=5)
    open_item = action_item(personas.agency, "PR.AA-01")
    action_item(personas.agency, "PR.AA-01", status=CsfActionItem.Status.DONE)
    profile = profile_get(personas.agency, "2.0")
    assert [(line.subcategory, line.open_items) for line in profile.prioritized] == [
        ("PR.AA-01", [open_item.pk])
    ]


def test_the_profile_costs_the_same_queries_for_an_empty_and_a_full_organization(personas):
    def count(organization) -> int:
        with CaptureQueriesContext(connection) as captured:
            profile_get(organization, "2.0")
        return len(captured.captured_queries)

    assessment_with_scores(personas.sibling_agency, {"PR.AA-01": 2})
    set_target(personas.sibling_agency, "PR.AA-01", 6)
    action_item(personas.sibling_agency, "PR.AA-01")
    small = count(personas.sibling_agency)
    assessment_with_scores(personas.agency, {}, default=2)
    for identifier in subcategories()[:40]:
        set_target(personas.agency, identifier, 6)
        action_item(personas.agency, identifier)
    assert count(personas.agency) == small == 5


def test_owners_are_people_with_a_role_in_the_organization_or_above_it(personas):
    candidates = set(owner_candidates(personas.agency))
    assert {personas.member, personas.admin, personas.authorizing_official, personas.viewer} <= (
        candidates
    )
    assert not {personas.sibling, personas.assessor, personas.outsider} & candidates


# ----------------------------------------------------------------------------- targets


def test_planners_set_targets_with_a_rationale_and_each_change_is_audited(personas):
    saved = csf_targets_save(
        actor=personas.member,
        organization=personas.agency,
        framework="2.0",
        targets=[
            TargetInput("PR.AA-01", 7, "Badges open the traffic control room."),
            TargetInput("GV.OC-02", 3, "Few stakeholders outside the agency."),
            TargetInput("GV.OC-03", 5),  # the default already: nothing to do
        ],
    )
    assert saved.changed == ["PR.AA-01", "GV.OC-02"]
    rows = {row.subcategory.identifier: row for row in CsfTarget.objects.all()}
    assert set(rows) == {"PR.AA-01", "GV.OC-02"}
    assert rows["PR.AA-01"].score == 7 and rows["PR.AA-01"].updated_by == personas.member
    events = AuditEvent.objects.filter(action="csf_target_set").order_by("pk")
    assert [event.changes["score"] for event in events] == [[5, 7], [5, 3]]
    assert events[0].organization == personas.agency
    assert events[0].actor == personas.member


def test_back_to_the_recommended_minimum_deletes_the_row_unless_a_rationale_is_kept(personas):
    set_target(personas.agency, "PR.AA-01", 7, "Control room.")
    set_target(personas.agency, "PR.AA-02", 6, "Shared accounts.")
    set_target(personas.agency, "PR.AA-03", 6)
    saved = csf_targets_save(
        actor=personas.member,
        organization=personas.agency,
        framework="2.0",
        targets=[
            TargetInput("PR.AA-01", None),  # null: back to the default
            TargetInput("PR.AA-02", 5),  # 5, no rationale: the default
            TargetInput("PR.AA-03", 5, "Kept at 5 on purpose: reviewed in 2025."),
        ],
    )
    assert saved.changed == ["PR.AA-01", "PR.AA-02", "PR.AA-03"]
    rows = {row.subcategory.identifier: row for row in CsfTarget.objects.all()}
    assert set(rows) == {"PR.AA-03"}
    assert rows["PR.AA-03"].score == 5
    assert AuditEvent.objects.filter(action="csf_target_reset").count() == 2
    assert profile_get(personas.agency, "2.0").target["PR.AA-01"] == RECOMMENDED_TARGET


def test_a_bad_row_refuses_the_whole_save_with_an_error_per_subcategory(personas):
    element("GV.OC-05").__class__.objects.filter(pk=element("GV.OC-05").pk).update(withdrawn=True)
    with pytest.raises(ValidationError) as refused:
        csf_targets_save(
            actor=personas.member,
            organization=personas.agency,
            framework="2.0",
            targets=[
                TargetInput("PR.AA-01", 6),  # fine, but not saved with the others
                TargetInput("PR.AA-02", 8),
                TargetInput("PR.AA-03", 0),
                TargetInput("PR.AA-04", 2),  # below 5 without a rationale
                TargetInput("PR.AC-1", 6),  # a CSF 1.1 identifier
                TargetInput("GV.OC-05", 6),
                TargetInput("PR.AA-05", 6, "x" * 2001),
                TargetInput("PR.AA-06", 6),
                TargetInput("PR.AA-06", 7),
            ],
        )
    errors = refused.value.message_dict
    assert set(errors) == {
        "PR.AA-02",
        "PR.AA-03",
        "PR.AA-04",
        "PR.AC-1",
        "GV.OC-05",
        "PR.AA-05",
        "PR.AA-06",
    }
    assert errors["PR.AA-02"] == ["Choose a target from 1 to 7."]
    assert "needs a rationale" in errors["PR.AA-04"][0]
    assert "not a subcategory of CSF 2.0" in errors["PR.AC-1"][0]
    assert "withdrawn" in errors["GV.OC-05"][0]
    assert "listed twice" in errors["PR.AA-06"][0]
    assert not CsfTarget.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="csf_target").exists()


@pytest.mark.parametrize("persona", ["admin", "viewer", "authorizing_official", "sibling"])
def test_only_the_organization_s_planners_change_targets(personas, persona):
    with pytest.raises(ValidationError, match="Only the planners"):
        csf_targets_save(
            actor=getattr(personas, persona),
            organization=personas.agency,
            framework="2.0",
            targets=[TargetInput("PR.AA-01", 6)],
        )
    assert not CsfTarget.objects.exists()


def test_targets_of_an_unknown_version_are_refused(personas):
    with pytest.raises(ValidationError) as refused:
        csf_targets_save(
            actor=personas.member, organization=personas.agency, framework="3.0", targets=[]
        )
    assert "framework" in refused.value.message_dict


# ----------------------------------------------------------------------------- action items


def test_an_action_item_records_the_current_score_and_the_target(personas):
    assessment = assessment_with_scores(personas.agency, {"PR.AA-01": 2}, default=4)
    set_target(personas.agency, "PR.AA-01", 6, "Control room.")
    item = csf_action_item_create(
        actor=personas.member,
        organization=personas.agency,
        subcategory=element("PR.AA-01"),
        title="  Issue personal badges to every operator  ",
        description="Replace the shared badge.",
        owner=personas.member,
        due_date=NEXT_MONTH,
    )
    assert (item.current_score, item.target_score, item.assessment) == (2, 6, assessment)
    assert item.title == "Issue personal badges to every operator"
    assert (item.status, item.version, item.created_by) == ("open", 1, personas.member)
    event = AuditEvent.objects.get(action="csf_action_item_create")
    assert event.changes["subcategory"] == [None, "PR.AA-01"]
    assert event.changes["owner"] == [None, "member"]
    assert event.organization == personas.agency


def test_an_action_item_without_an_approved_assessment_has_no_current_score(personas):
    item = csf_action_item_create(
        actor=personas.member,
        organization=personas.agency,
        subcategory=element("PR.AA-01"),
        title="Write the badge policy",
        description="",
        owner=personas.admin,
        due_date=TODAY,
    )
    assert (item.current_score, item.target_score, item.assessment) == (None, 5, None)


def test_bad_action_items_are_refused_field_by_field(personas):
    draft = assessment_with_scores(personas.agency, {}, default=3, status=Status.DRAFT)
    with pytest.raises(ValidationError) as refused:
        csf_action_item_create(
            actor=personas.member,
            organization=personas.agency,
            subcategory=element("PR.AA"),  # a category
            title=" ",
            description="",
            owner=personas.sibling,
            due_date=TODAY - timedelta(days=1),
            assessment=draft,
        )
    assert set(refused.value.message_dict) == {
        "subcategory",
        "title",
        "owner",
        "due_date",
        "assessment",
    }
    with pytest.raises(ValidationError) as refused:
        csf_action_item_create(
            actor=personas.member,
            organization=personas.agency,
            subcategory=element("PR.AA-01"),
            title="x",
            description="",
            owner=None,
            due_date=None,
            assessment=assessment_with_scores(personas.sibling_agency, {}, default=3),
        )
    assert set(refused.value.message_dict) == {"owner", "due_date", "assessment"}
    assert not CsfActionItem.objects.exists()


def test_gaps_become_action_items_at_once_skipping_those_already_worked_on(personas):
    assessment = assessment_with_scores(
        personas.agency, {"DE.CM-01": 1, "DE.CM-02": 2, "DE.CM-03": 3}, default=5, year=2024
    )
    existing = action_item(personas.agency, "DE.CM-02", status=CsfActionItem.Status.IN_PROGRESS)
    result = csf_action_items_from_gaps(
        actor=personas.member,
        organization=personas.agency,
        framework="2.0",
        subcategories=["DE.CM-01", "DE.CM-02", "DE.CM-03", "DE.CM-01"],
        owner=personas.admin,
        due_date=NEXT_MONTH,
    )
    assert [item.subcategory.identifier for item in result.created] == ["DE.CM-01", "DE.CM-03"]
    assert result.skipped == ["DE.CM-02"]
    first = result.created[0]
    assert first.title == "DE.CM-01: raise from 1 to 5"
    assert (first.current_score, first.target_score, first.assessment) == (1, 5, assessment)
    assert (first.owner, first.due_date) == (personas.admin, NEXT_MONTH)
    assert "Gap of 4 in the 2024 assessment" in first.description
    assert CsfActionItem.objects.filter(status="open").count() == 2
    assert CsfActionItem.objects.get(pk=existing.pk).status == "in_progress"
    assert AuditEvent.objects.filter(action="csf_action_item_create").count() == 2


def test_a_subcategory_off_the_gap_list_refuses_the_whole_request(personas):
    assessment_with_scores(personas.agency, {"DE.CM-01": 1}, default=5)
    with pytest.raises(ValidationError) as refused:
        csf_action_items_from_gaps(
            actor=personas.member,
            organization=personas.agency,
            framework="2.0",
            subcategories=["DE.CM-01", "DE.CM-02", "XX.YY-01"],
            owner=personas.member,
            due_date=NEXT_MONTH,
        )
    message = refused.value.message_dict["subcategories"][0]
    assert message.startswith("DE.CM-02, XX.YY-01 are not on the gap list")
    assert not CsfActionItem.objects.exists()


def test_gaps_need_an_approved_assessment_an_owner_and_a_date(personas):
    with pytest.raises(ValidationError, match="no approved CSF 2.0 assessment"):
        csf_action_items_from_gaps(
            actor=personas.member,
            organization=personas.agency,
            framework="2.0",
            subcategories=["DE.CM-01"],
            owner=personas.member,
            due_date=NEXT_MONTH,
        )
    with pytest.raises(ValidationError) as refused:
        csf_action_items_from_gaps(
            actor=personas.member,
            organization=personas.agency,
            framework="2.0",
            subcategories=[],
            owner=personas.outsider,
            due_date=None,
        )
    assert set(refused.value.message_dict) == {"subcategories", "owner", "due_date"}
    with pytest.raises(ValidationError, match="Only the planners"):
        csf_action_items_from_gaps(
            actor=personas.viewer,
            organization=personas.agency,
            framework="2.0",
            subcategories=["DE.CM-01"],
            owner=personas.member,
            due_date=NEXT_MONTH,
        )


def test_an_update_changes_what_was_sent_and_is_version_checked(personas):
    item = action_item(personas.agency, "PR.AA-01", owner=personas.member)
    updated = csf_action_item_update(
        actor=personas.member,
        item=item,
        expected_version=1,
        owner=personas.admin,
        status=CsfActionItem.Status.IN_PROGRESS,
    )
    assert (updated.owner, updated.status, updated.version) == (personas.admin, "in_progress", 2)
    assert updated.title == "Work on PR.AA-01"
    event = AuditEvent.objects.get(action="csf_action_item_update")
    assert event.changes["owner"] == ["member", "admin"]
    assert event.changes["status"] == ["open", "in_progress"]
    assert "title" not in event.changes

    with pytest.raises(CsfActionItemConflict) as conflict:
        csf_action_item_update(actor=personas.member, item=item, expected_version=1, title="New")
    assert conflict.value.current_version == 2
    assert conflict.value.current["owner"] == "admin"
    assert CsfActionItem.objects.get(pk=item.pk).title == "Work on PR.AA-01"

    # Nothing changed: nothing written.
    same = csf_action_item_update(
        actor=personas.member, item=item, expected_version=2, title="Work on PR.AA-01"
    )
    assert same.version == 2
    assert AuditEvent.objects.filter(action="csf_action_item_update").count() == 1


def test_an_update_refuses_closing_bad_values_and_non_planners(personas):
    item = action_item(personas.agency, "PR.AA-01", owner=personas.member)
    with pytest.raises(ValidationError) as refused:
        csf_action_item_update(
            actor=personas.member,
            item=item,
            expected_version=1,
            title="",
            status=CsfActionItem.Status.DONE,
            due_date=TODAY - timedelta(days=3),
            owner=personas.sibling,
        )
    assert set(refused.value.message_dict) == {"title", "status", "due_date", "owner"}
    with pytest.raises(ValidationError, match="Only the planners"):
        csf_action_item_update(actor=personas.admin, item=item, expected_version=1, title="x")
    assert CsfActionItem.objects.get(pk=item.pk).version == 1


def test_closing_needs_a_note_and_a_closed_item_stays_as_decided(personas):
    item = action_item(personas.agency, "PR.AA-01", owner=personas.member)
    with pytest.raises(ValidationError) as refused:
        csf_action_item_close(
            actor=personas.member, item=item, outcome="done", note=" ", expected_version=1
        )
    assert refused.value.message_dict == {
        "note": ["Say what was done, and where the proof of it can be found."]
    }
    with pytest.raises(ValidationError) as refused:
        csf_action_item_close(
            actor=personas.member, item=item, outcome="cancelled", note="", expected_version=1
        )
    assert refused.value.message_dict == {"note": ["Say why the action is cancelled."]}
    with pytest.raises(ValidationError) as refused:
        csf_action_item_close(
            actor=personas.member, item=item, outcome="open", note="x", expected_version=1
        )
    assert "outcome" in refused.value.message_dict

    closed = csf_action_item_close(
        actor=personas.member,
        item=item,
        outcome="done",
        note="Badges issued; list in the HR share.",
        expected_version=1,
    )
    assert (closed.status, closed.version) == ("done", 2)
    assert closed.closed_at is not None
    assert closed.closure_note == "Badges issued; list in the HR share."
    event = AuditEvent.objects.get(action="csf_action_item_close")
    assert event.changes["status"] == ["open", "done"]

    with pytest.raises(ValidationError, match="is done"):
        csf_action_item_close(
            actor=personas.member, item=item, outcome="cancelled", note="x", expected_version=2
        )
    with pytest.raises(ValidationError, match="is done"):
        csf_action_item_update(actor=personas.member, item=item, expected_version=2, title="x")
    with pytest.raises(CsfActionItemConflict):
        csf_action_item_close(
            actor=personas.member, item=item, outcome="cancelled", note="x", expected_version=1
        )


# ----------------------------------------------------------------------------- action item lists


def test_action_items_are_filtered_by_status_function_version_and_lateness(personas):
    late = action_item(personas.agency, "PR.AA-01", due_date=TODAY - timedelta(days=2))
    soon = action_item(personas.agency, "DE.CM-01", status="in_progress")
    done = action_item(personas.agency, "PR.AA-02", status="done", due_date=TODAY - timedelta(9))
    old = action_item(personas.agency, "PR.AC-1", version="1.1")
    action_item(personas.sibling_agency, "PR.AA-01")

    def listed(user=personas.member, **filters):
        return list(action_item_list(user, personas.agency, ActionItemFilters(**filters), TODAY))

    everything = listed()
    # Still to be worked on first, soonest due first; closed ones last.
    assert everything == [late, soon, old, done]
    assert everything[0].is_overdue and not everything[3].is_overdue
    assert listed(status="open") == [late, soon, old]
    assert listed(status="done") == [done]
    assert listed(function="PR") == [late, old, done]
    assert listed(function="pr", version="2.0") == [late, done]
    assert listed(overdue=True) == [late]
    assert listed(user=personas.viewer) == everything
    assert listed(user=personas.sibling) == []
    counts = action_item_counts(personas.member, personas.agency, TODAY)
    assert (counts.total, counts.open, counts.overdue, counts.done, counts.cancelled) == (
        4,
        3,
        1,
        1,
        0,
    )


def test_a_new_owner_must_hold_a_role(personas):
    stranger = UserFactory(username="stranger")
    item = action_item(personas.agency, "PR.AA-01", owner=personas.member)
    with pytest.raises(ValidationError) as refused:
        csf_action_item_update(actor=personas.member, item=item, expected_version=1, owner=stranger)
    assert refused.value.message_dict["owner"] == [
        "Choose someone who holds a role in Department of Transportation."
    ]
