"""The CSF assessment services: starting (blank, copied, carried through NIST's crosswalk with
hand-checked figures), saving answers all or nothing, tiers, submit / approve / return with
their refusals, optimistic locking, the maturity labels; each write audited."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assets.models import AuditEvent, Role
from assets.services import membership_grant
from csf.maturity import DEFAULT_LEVELS
from csf.models import CsfAnswer, CsfAssessment, CsfElement, CsfMaturityLabel, CsfTier
from csf.selectors.assessments import assessment_completeness, maturity_scale
from csf.services.assessments import (
    CsfAssessmentConflict,
    csf_answers_save,
    csf_assessment_approve,
    csf_assessment_return,
    csf_assessment_start,
    csf_assessment_submit,
    csf_maturity_labels_save,
    csf_tiers_save,
    round_half_up,
)
from tests.csf_assessment_steps import (
    answer_all,
    complete,
    start,
    subcategories,
    submitted,
    tier_all,
)

pytestmark = pytest.mark.django_db

Status = CsfAssessment.Status


def answers_of(assessment) -> dict[str, CsfAnswer]:
    return {
        answer.subcategory.identifier: answer
        for answer in assessment.answers.select_related("subcategory")
    }


def actions(assessment) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_id=str(assessment.pk), content_type__model="csfassessment")
        .order_by("pk")
        .values_list("action", flat=True)
    )


def messages_of(error: ValidationError) -> str:
    return " ".join(error.value.messages)


# ----------------------------------------------------------------------------- start


def test_a_blank_start_is_a_draft_without_answers_and_is_audited(personas):
    assessment = start(personas)
    assert assessment.status == Status.DRAFT and assessment.origin == "blank"
    assert assessment.editable and assessment.version == 1
    assert not assessment.answers.exists()
    assert actions(assessment) == ["csf_assessment_start"]


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"year": 1990}, "year", "from 2000"),
        ({"year": 2025, "framework": "3.0"}, "framework", "CSF 1.1 or CSF 2.0"),
    ],
)
def test_start_refuses_a_bad_year_or_version(personas, values, field, words):
    with pytest.raises(ValidationError) as error:
        csf_assessment_start(
            actor=personas.member,
            organization=personas.agency,
            **{"framework": "2.0", **values},
        )
    assert words in " ".join(error.value.message_dict[field])
    assert not CsfAssessment.objects.exists()


def test_one_assessment_a_year(personas):
    start(personas, year=2025)
    with pytest.raises(ValidationError) as error:
        start(personas, year=2025, framework="1.1")
    assert "already has a CSF assessment for 2025" in error.value.message_dict["year"][0]


def test_start_refuses_copying_another_organization_a_later_year_or_back_into_1_1(personas):
    ours_2024 = start(personas, year=2024)
    theirs = csf_assessment_start(
        actor=personas.sibling, organization=personas.sibling_agency, year=2023, framework="2.0"
    )
    with pytest.raises(ValidationError) as error:
        start(personas, year=2025, copy_from=theirs)
    assert "same organization" in error.value.message_dict["copy_from"][0]
    with pytest.raises(ValidationError) as error:
        start(personas, year=2023, copy_from=ours_2024)
    assert "earlier year than 2023" in error.value.message_dict["copy_from"][0]
    with pytest.raises(ValidationError) as error:
        start(personas, year=2025, framework="1.1", copy_from=ours_2024)
    assert "cannot be carried back into CSF 1.1" in error.value.message_dict["copy_from"][0]
    assert CsfAssessment.objects.count() == 2


@pytest.mark.parametrize("who", ["admin", "sibling", "viewer", "authorizing_official"])
def test_only_the_organizations_planners_start_one(personas, who):
    with pytest.raises(PermissionDenied):
        csf_assessment_start(
            actor=getattr(personas, who), organization=personas.agency, year=2025, framework="2.0"
        )


def test_copy_from_last_year_is_a_draft_to_review(personas):
    last_year = start(personas, year=2024)
    csf_answers_save(
        actor=personas.member,
        assessment=last_year,
        answers=[
            ("GV.OC-01", 5, "Mission statement reviewed yearly", "Council minutes 2024-03"),
            ("GV.OC-02", None, "Stakeholders still to list", ""),
            ("PR.AA-01", 3, "", ""),
        ],
    )
    CsfElement.objects.filter(version="2.0", identifier="PR.AA-01").update(withdrawn=True)
    this_year = start(personas, year=2025, copy_from=last_year)
    assert this_year.origin == "copied" and this_year.copied_from == last_year
    copied = answers_of(this_year)
    assert set(copied) == {"GV.OC-01", "GV.OC-02"}  # PR.AA-01 was withdrawn since
    assert copied["GV.OC-01"].score == 5
    assert copied["GV.OC-01"].comment == "Mission statement reviewed yearly"
    assert copied["GV.OC-01"].evidence == "Council minutes 2024-03"
    assert copied["GV.OC-02"].score is None
    assert all(answer.needs_review for answer in copied.values())
    assert answers_of(last_year)["GV.OC-01"].needs_review is False  # the source is untouched
    assert "GV.OC-01" in assessment_completeness(this_year).to_review


# ----------------------------------------------------------------------------- crosswalk


def test_round_half_up():
    assert [round_half_up(value) for value in (2.5, 3.5, 3.49, 26 / 7, 4.0)] == [3, 4, 3, 4, 4]


def test_a_1_1_assessment_is_carried_into_2_0_through_the_crosswalk(personas):
    old = start(personas, year=2023, framework="1.1")
    csf_answers_save(
        actor=personas.member,
        assessment=old,
        answers=[
            # PR.AA-01 takes PR.AC-1 alone (NIST: incorporated into).
            ("PR.AC-1", 3, "Badges for all staff", "HR onboarding checklist"),
            # DE.CM-01 takes DE.CM-1 (same), DE.CM-4, -5, -7; two scored: (3 + 4) / 2 = 3.5 -> 4.
            ("DE.CM-1", 3, "Network monitored at the data center", ""),
            ("DE.CM-4", 4, "", "Antivirus console"),
            # ID.IM-03 takes seven 1.1 subcategories: 26 / 7 = 3.71 -> 4.
            ("DE.DP-5", 2, "", ""),
            ("PR.IP-7", 3, "", ""),
            ("PR.IP-8", 3, "", ""),
            ("RC.IM-1", 4, "", ""),
            ("RC.IM-2", 4, "", ""),
            ("RS.IM-1", 5, "", ""),
            ("RS.IM-2", 5, "", ""),
            # RS.MA-01 takes RS.CO-4 and RS.RP-1: only a comment, no score.
            ("RS.CO-4", None, "Escalation list to update", ""),
        ],
    )
    new = start(personas, year=2025, framework="2.0", copy_from=old)
    assert new.origin == "crosswalk" and new.copied_from == old
    carried = answers_of(new)
    # Every active 2.0 subcategory has a row: carried, or flagged to answer.
    assert set(carried) == set(subcategories("2.0"))
    assert all(answer.needs_review for answer in carried.values())

    assert carried["PR.AA-01"].score == 3
    assert carried["PR.AA-01"].carried_from == "PR.AC-1"
    assert carried["PR.AA-01"].comment == "Badges for all staff"
    assert carried["PR.AA-01"].evidence == "HR onboarding checklist"

    assert carried["DE.CM-01"].score == 4  # 3.5, halves rounded up
    assert carried["DE.CM-01"].carried_from == "DE.CM-1, DE.CM-4"
    assert carried["DE.CM-01"].comment == (
        "DE.CM-1 (CSF 1.1): Network monitored at the data center"
    )
    assert carried["DE.CM-01"].evidence == "DE.CM-4 (CSF 1.1): Antivirus console"

    assert carried["ID.IM-03"].score == 4
    assert set(carried["ID.IM-03"].carried_from.split(", ")) == {
        "DE.DP-5",
        "PR.IP-7",
        "PR.IP-8",
        "RC.IM-1",
        "RC.IM-2",
        "RS.IM-1",
        "RS.IM-2",
    }
    # PR.AA-05 takes PR.AC-1, PR.AC-3 and PR.AC-4: only PR.AC-1 was answered.
    assert carried["PR.AA-05"].score == 3 and carried["PR.AA-05"].carried_from == "PR.AC-1"

    assert carried["RS.MA-01"].score is None
    assert carried["RS.MA-01"].comment == "Escalation list to update"
    # New in 2.0 (nothing maps into it), and mapped but not answered in 1.1: flagged to answer.
    for identifier in ("GV.OV-01", "PR.AT-01"):
        assert carried[identifier].score is None and carried[identifier].carried_from == ""
    scored = {key for key, answer in carried.items() if answer.score is not None}
    assert scored == {"PR.AA-01", "PR.AA-05", "DE.CM-01", "DE.CM-09", "ID.IM-03", "ID.IM-04"}
    # DE.CM-09 takes DE.CM-4 (4) among others; ID.IM-04 takes RC.IM-1 and RS.IM-1: (4 + 5) / 2.
    assert carried["DE.CM-09"].score == 4
    assert carried["ID.IM-04"].score == 5


# ----------------------------------------------------------------------------- answers


def test_answers_save_and_saving_confirms_a_copied_answer(personas):
    assessment = start(personas)
    saved = csf_answers_save(
        actor=personas.member,
        assessment=assessment,
        answers=[("GV.OC-01", 4, "Mission known", "Strategic plan"), ("GV.OC-02", None, "", "")],
        category="GV.OC",
    )
    assert [answer.subcategory.identifier for answer in saved] == ["GV.OC-01"]  # nothing typed
    answer = answers_of(assessment)["GV.OC-01"]
    assert (answer.score, answer.comment, answer.evidence) == (4, "Mission known", "Strategic plan")
    assert answer.updated_by == personas.member
    event = AuditEvent.objects.get(action="csf_answers_save")
    assert event.changes["GV.OC-01"][0] is None
    assert event.changes["GV.OC-01"][1]["score"] == 4

    CsfAnswer.objects.filter(pk=answer.pk).update(needs_review=True)
    csf_answers_save(
        actor=personas.member,
        assessment=assessment,
        answers=[("GV.OC-01", 4, "Mission known", "Strategic plan")],
    )
    assert answers_of(assessment)["GV.OC-01"].needs_review is False
    # Saving the very same answer again changes nothing and records nothing.
    csf_answers_save(
        actor=personas.member,
        assessment=assessment,
        answers=[("GV.OC-01", 4, "Mission known", "Strategic plan")],
    )
    assert AuditEvent.objects.filter(action="csf_answers_save").count() == 2


def test_a_partial_save_keeps_the_other_answers(personas):
    assessment = start(personas)
    csf_answers_save(
        actor=personas.member,
        assessment=assessment,
        answers=[("GV.OC-01", 4, "", ""), ("GV.OC-02", 2, "", "")],
        category="GV.OC",
    )
    csf_answers_save(
        actor=personas.member,
        assessment=assessment,
        answers=[("PR.AT-01", 5, "Yearly training", "")],
        category="PR.AT",
    )
    csf_answers_save(
        actor=personas.member, assessment=assessment, answers=[("GV.OC-02", None, "Unsure", "")]
    )
    answers = answers_of(assessment)
    assert answers["GV.OC-01"].score == 4 and answers["PR.AT-01"].score == 5
    assert answers["GV.OC-02"].score is None and answers["GV.OC-02"].comment == "Unsure"


def test_answers_save_is_all_or_nothing_with_a_message_per_row(personas):
    assessment = start(personas)
    csf_answers_save(
        actor=personas.member, assessment=assessment, answers=[("PR.AA-02", 2, "", "")]
    )
    CsfElement.objects.filter(version="2.0", identifier="PR.AA-06").update(withdrawn=True)
    with pytest.raises(ValidationError) as error:
        csf_answers_save(
            actor=personas.member,
            assessment=assessment,
            category="PR.AA",
            answers=[
                ("PR.AA-01", 4, "Fine", ""),
                ("PR.AA-02", 8, "", ""),
                ("PR.AA-03", 0, "", ""),
                ("PR.AA-06", 3, "", ""),
                ("PR.AC-1", 3, "", ""),
                ("DE.CM-01", 3, "", ""),
                ("PR.AA", 3, "", ""),
                ("ZZ.ZZ-01", 3, "", ""),
                ("pr.aa-01", 4, "", ""),
                ("PR.AA-04", 4, "x" * 10_001, ""),
            ],
        )
    errors = error.value.message_dict
    assert errors["PR.AA-02"] == [
        "The score of PR.AA-02 must be a maturity level from 1 to 7, or left empty."
    ]
    assert "maturity level from 1 to 7" in errors["PR.AA-03"][0]
    assert errors["PR.AA-06"] == ["PR.AA-06 was withdrawn from CSF 2.0 and is no longer answered."]
    assert errors["PR.AC-1"] == ["PR.AC-1 is a CSF 1.1 subcategory; this assessment uses CSF 2.0."]
    assert errors["DE.CM-01"] == ["DE.CM-01 belongs to category DE.CM, not PR.AA."]
    assert "is a category, not a subcategory" in errors["PR.AA"][0]
    assert errors["ZZ.ZZ-01"] == ["There is no subcategory ZZ.ZZ-01 in CSF 2.0."]
    assert "given twice" in errors["PR.AA-01"][0]
    assert "keep it under 10,000" in errors["PR.AA-04"][0]
    # Nothing half-saved: PR.AA-01 was fine but is not written; PR.AA-02 keeps its 2.
    answers = answers_of(assessment)
    assert set(answers) == {"PR.AA-02"} and answers["PR.AA-02"].score == 2
    assert AuditEvent.objects.filter(action="csf_answers_save").count() == 1


def test_answers_of_a_submitted_or_approved_assessment_cannot_change(personas):
    assessment = submitted(personas)
    with pytest.raises(ValidationError) as error:
        csf_answers_save(
            actor=personas.member, assessment=assessment, answers=[("GV.OC-01", 1, "", "")]
        )
    assert "submitted for review" in messages_of(error)
    assert answers_of(assessment)["GV.OC-01"].score == 4


def test_only_planners_answer(personas):
    assessment = start(personas)
    for who in ("admin", "sibling", "viewer"):
        with pytest.raises(PermissionDenied):
            csf_answers_save(
                actor=getattr(personas, who),
                assessment=assessment,
                answers=[("GV.OC-01", 1, "", "")],
            )
    assert not assessment.answers.exists()


# ----------------------------------------------------------------------------- tiers


def test_tiers_are_saved_removed_and_checked(personas):
    assessment = start(personas)
    tiers = csf_tiers_save(
        actor=personas.member,
        assessment=assessment,
        tiers=[("GV", 2, "Policy approved by council"), ("ID", 3, "")],
    )
    assert {(tier.function.identifier, tier.tier) for tier in tiers} == {("GV", 2), ("ID", 3)}
    csf_tiers_save(actor=personas.member, assessment=assessment, tiers=[("ID", None, "")])
    assert list(assessment.tiers.values_list("function__identifier", flat=True)) == ["GV"]
    with pytest.raises(ValidationError) as error:
        csf_tiers_save(
            actor=personas.member,
            assessment=assessment,
            tiers=[("GV", 3, ""), ("PR", 5, ""), ("XX", 1, ""), ("DE", None, "Because")],
        )
    errors = error.value.message_dict
    assert "1 (Partial), 2 (Risk Informed), 3 (Repeatable) or 4 (Adaptive)" in errors["PR"][0]
    assert errors["XX"] == ["There is no function XX in CSF 2.0."]
    assert "Choose the tier of DE" in errors["DE"][0]
    assert CsfTier.objects.get(assessment=assessment).tier == 2  # GV's 3 was not saved
    assert actions(assessment).count("csf_tiers_save") == 2


def test_tiers_are_for_csf_2_0_only(personas):
    assessment = start(personas, framework="1.1")
    with pytest.raises(ValidationError) as error:
        csf_tiers_save(actor=personas.member, assessment=assessment, tiers=[("ID", 2, "")])
    assert "part of CSF 2.0 assessments" in messages_of(error)


# ----------------------------------------------------------------------------- review


def test_submit_is_refused_while_incomplete_and_lists_what_is_missing(personas):
    assessment = start(personas)
    scores = dict.fromkeys(subcategories(), 3)
    del scores["GV.OC-03"], scores["RC.CO-04"]
    csf_answers_save(
        actor=personas.member,
        assessment=assessment,
        answers=[(identifier, score, "", "") for identifier, score in scores.items()],
    )
    CsfAnswer.objects.filter(assessment=assessment, subcategory__identifier="PR.AT-02").update(
        needs_review=True
    )
    with pytest.raises(ValidationError) as error:
        csf_assessment_submit(actor=personas.member, assessment=assessment)
    text = messages_of(error)
    assert "2 subcategories have no score yet: GV.OC-03, RC.CO-04." in text
    assert "1 copied or carried answer is still to confirm: PR.AT-02." in text
    assert "missing for GV, ID, PR, DE, RS, RC" in text
    assessment.refresh_from_db()
    assert assessment.status == Status.DRAFT and assessment.version == 1


def test_submit_approve_and_the_audit_trail(personas):
    assessment = complete(personas, start(personas))
    assessment = csf_assessment_submit(
        actor=personas.member, assessment=assessment, expected_version=1
    )
    assert assessment.status == Status.SUBMITTED and assessment.version == 2
    assert assessment.submitted_by == personas.member and not assessment.editable
    assessment = csf_assessment_approve(
        actor=personas.admin, assessment=assessment, note="Well documented", expected_version=2
    )
    assert assessment.status == Status.APPROVED and assessment.version == 3
    assert assessment.reviewed_by == personas.admin and assessment.review_note == "Well documented"
    assert actions(assessment) == [
        "csf_assessment_start",
        "csf_answers_save",
        "csf_tiers_save",
        "csf_assessment_submit",
        "csf_assessment_approve",
    ]
    event = AuditEvent.objects.get(action="csf_assessment_approve")
    assert event.changes["status"] == ["submitted", "approved"]
    assert event.reason == "Well documented"


def test_approving_an_incomplete_or_unsubmitted_assessment_is_refused(personas):
    assessment = start(personas)
    answer_all(personas, assessment)
    with pytest.raises(ValidationError) as error:
        csf_assessment_approve(actor=personas.admin, assessment=assessment)
    text = messages_of(error)
    assert "Only an assessment submitted for review can be approved; this one is draft." in text
    assert "It is not complete." in text and "missing for GV" in text
    # Submitted, then an answer lost its score (a correction made in the database): refused.
    tier_all(personas, assessment)
    assessment = csf_assessment_submit(actor=personas.member, assessment=assessment)
    CsfAnswer.objects.filter(assessment=assessment, subcategory__identifier="ID.AM-01").update(
        score=None
    )
    with pytest.raises(ValidationError) as error:
        csf_assessment_approve(actor=personas.admin, assessment=assessment)
    assert "1 subcategory has no score yet: ID.AM-01." in messages_of(error)
    assessment.refresh_from_db()
    assert assessment.status == Status.SUBMITTED


def test_the_submitter_may_return_but_not_approve_their_own_assessment(personas):
    membership_grant(
        actor=None, organization=personas.agency, user=personas.member, role=Role.ORG_ADMIN
    )
    assessment = submitted(personas)
    with pytest.raises(ValidationError) as error:
        csf_assessment_approve(actor=personas.member, assessment=assessment)
    assert "another reviewer of the organization approves it" in messages_of(error)
    returned = csf_assessment_return(actor=personas.member, assessment=assessment, note="Oops")
    assert returned.status == Status.RETURNED


def test_return_needs_a_note_and_reopens_the_assessment(personas):
    assessment = submitted(personas)
    with pytest.raises(ValidationError) as error:
        csf_assessment_return(actor=personas.admin, assessment=assessment, note="  ")
    assert error.value.message_dict["note"] == [
        "Say what the planners should change: the note is required."
    ]
    assessment = csf_assessment_return(
        actor=personas.admin, assessment=assessment, note="Give evidence for PR.AA"
    )
    assert assessment.status == Status.RETURNED and assessment.editable
    assert assessment.review_note == "Give evidence for PR.AA"
    csf_answers_save(
        actor=personas.member,
        assessment=assessment,
        answers=[("PR.AA-01", 4, "", "Badge system export")],
    )
    assessment = csf_assessment_submit(actor=personas.member, assessment=assessment)
    assert assessment.status == Status.SUBMITTED


def test_only_reviewers_approve_or_return(personas):
    assessment = submitted(personas)
    for who in ("member", "viewer", "sibling", "authorizing_official"):
        with pytest.raises(PermissionDenied):
            csf_assessment_approve(actor=getattr(personas, who), assessment=assessment)
        with pytest.raises(PermissionDenied):
            csf_assessment_return(actor=getattr(personas, who), assessment=assessment, note="No")


def test_a_state_change_on_a_stale_version_is_a_conflict(personas):
    assessment = submitted(personas)  # version 2
    csf_assessment_return(actor=personas.admin, assessment=assessment, note="More evidence")
    with pytest.raises(CsfAssessmentConflict) as conflict:
        csf_assessment_approve(actor=personas.admin, assessment=assessment, expected_version=2)
    assert conflict.value.current_version == 3
    assert conflict.value.current["status"] == "returned"
    assert "Someone else changed this assessment" in str(conflict.value)
    assessment.refresh_from_db()
    assert assessment.status == Status.RETURNED


def test_submitting_twice_is_refused(personas):
    assessment = submitted(personas)
    with pytest.raises(ValidationError) as error:
        csf_assessment_submit(actor=personas.member, assessment=assessment)
    assert "already submitted for review" in messages_of(error)


# ----------------------------------------------------------------------------- maturity labels


def test_an_administrator_rewords_levels_and_a_default_wording_drops_the_override(personas):
    scale = csf_maturity_labels_save(
        actor=personas.admin,
        organization=personas.agency,
        labels=[(1, "Not done", "Nobody does it."), (5, "In place", "Done everywhere, checked.")],
    )
    assert (scale[0].label, scale[4].label, scale[1].label) == (
        "Not done",
        "In place",
        DEFAULT_LEVELS[1].label,
    )
    assert CsfMaturityLabel.objects.filter(organization=personas.agency).count() == 2
    default_1 = DEFAULT_LEVELS[0]
    csf_maturity_labels_save(
        actor=personas.admin,
        organization=personas.agency,
        labels=[(1, default_1.label, default_1.description)],
    )
    assert list(
        CsfMaturityLabel.objects.filter(organization=personas.agency).values_list(
            "level", flat=True
        )
    ) == [5]
    assert maturity_scale(personas.agency)[0] == default_1
    assert AuditEvent.objects.filter(action="csf_maturity_labels_save").count() == 2


def test_maturity_labels_are_checked_all_or_nothing_and_reserved_to_reviewers(personas):
    with pytest.raises(ValidationError) as error:
        csf_maturity_labels_save(
            actor=personas.admin,
            organization=personas.agency,
            labels=[(2, "Ad hoc", "Sometimes."), (3, "", "Written down"), (9, "Beyond", "x")],
        )
    errors = error.value.message_dict
    assert errors["label_3"] == ["Give level 3 a short name."]
    assert "there is no level 9" in errors["level"][0]
    assert not CsfMaturityLabel.objects.exists()
    with pytest.raises(PermissionDenied):
        csf_maturity_labels_save(
            actor=personas.member, organization=personas.agency, labels=[(2, "Ad hoc", "x")]
        )
