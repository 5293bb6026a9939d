"""A-2, the assessment plan: drafted by an assigned assessor, approved by the authorizing
official. Any change to an approved plan withdraws the approval, which must be given again."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from rmf.models import (
    Assessment,
    AssessmentMethod,
    AssessorAssignment,
    Authorization,
    SelectedControl,
    Step,
)
from rmf.selectors.assessment import controls_in_scope
from rmf.selectors.assessment_facts import ACTIVE
from rmf.services.assessment._common import (
    audit,
    open_cycle,
    require_assigned_assessor,
    require_authorizing_official,
    signed_in,
)
from rmf.services.assessment.errors import PlanConflict

ALL_CONTROLS = "all active controls"


def _methods(methods) -> list[str] | None:
    """The methods in SP 800-53A's order, None when one is not a method."""
    chosen = set(methods or [])
    if chosen - set(AssessmentMethod.values):
        return None
    return [method for method in AssessmentMethod.values if method in chosen]


def _ids(values) -> set[int] | None:
    try:
        return {int(pk) for pk in values or []}
    except (TypeError, ValueError):
        return None


def _plan_values(assessment: Assessment, scoped_labels: list[str]) -> dict[str, Any]:
    return {
        "title": assessment.title,
        "scope": ALL_CONTROLS if assessment.scope_all else scoped_labels,
        "starts_on": assessment.starts_on,
        "ends_on": assessment.ends_on,
        "methods": list(assessment.methods),
        "assessment_objects": assessment.assessment_objects,
        "rules_of_engagement": assessment.rules_of_engagement,
    }


def _scoped_labels(assessment: Assessment) -> list[str]:
    if assessment.pk is None or assessment.scope_all:
        return []
    return list(
        assessment.scoped_controls.order_by("control__sort_key").values_list(
            "control__label", flat=True
        )
    )


@transaction.atomic
def assessment_plan_save(
    *,
    actor,
    authorization: Authorization,
    title: str,
    scope_all: bool,
    scoped_control_ids: list[int],
    starts_on: date | None,
    ends_on: date | None,
    methods: list[str],
    assessment_objects: str,
    rules_of_engagement: str,
    expected_version: int | None = None,
) -> Assessment:
    """Create the cycle's initial assessment with its plan, or change the plan. The scope is
    every active control, or the listed active controls of the cycle. A draft may lack dates
    and methods (A-2 names what is missing); the approval needs them. With
    `expected_version` (the plan version the user opened), a save by someone else meanwhile
    raises `PlanConflict` and nothing is written."""
    authorization = open_cycle(authorization, from_step=Step.IMPLEMENT)
    require_assigned_assessor(actor, authorization, "drafts and changes the assessment plan")
    errors: dict[str, str] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = (
            f"Give the assessment a title, such as “{authorization.system.acronym} initial "
            f"assessment {timezone.localdate().year}”."
        )
    elif len(title) > 200:
        errors["title"] = "Keep the title under 200 characters."
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = "The assessment ends on or after the day it starts."
    methods = _methods(methods)
    if methods is None:
        errors["methods"] = "Choose among the SP 800-53A methods: examine, interview and test."
    scoped: list[SelectedControl] = []
    wanted = _ids(scoped_control_ids) if not scope_all else set()
    if wanted is None:
        errors["scoped_control_ids"] = "Choose the controls in scope from the list."
    elif not scope_all:
        scoped = list(
            SelectedControl.objects.filter(
                authorization=authorization, pk__in=wanted, tailoring__in=ACTIVE
            ).select_related("control")
        )
        if not wanted:
            errors["scoped_control_ids"] = (
                "Choose the controls to assess, or assess all the active controls."
            )
        elif len(scoped) != len(wanted):
            errors["scoped_control_ids"] = (
                f"{len(wanted) - len(scoped)} of the chosen controls are not active controls of "
                "this cycle: choose among the cycle's controls."
            )
    if errors:
        raise ValidationError(errors)
    assessment = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("plan_approved_by")
        .filter(authorization=authorization, kind=Assessment.Kind.INITIAL)
        .first()
    )
    if assessment is not None and expected_version and expected_version != assessment.plan_version:
        raise PlanConflict(
            current=_plan_values(assessment, _scoped_labels(assessment)),
            current_version=assessment.plan_version,
        )
    before: dict[str, Any] = {}
    if assessment is None:
        assessment = Assessment(
            authorization=authorization, kind=Assessment.Kind.INITIAL, created_by=signed_in(actor)
        )
    else:
        before = _plan_values(assessment, _scoped_labels(assessment))
    assessment.title = title
    assessment.scope_all = scope_all
    assessment.starts_on = starts_on
    assessment.ends_on = ends_on
    assessment.methods = methods
    assessment.assessment_objects = (assessment_objects or "").strip()
    assessment.rules_of_engagement = (rules_of_engagement or "").strip()
    scoped.sort(key=lambda selected: selected.control.sort_key)
    after = _plan_values(assessment, [selected.control.label for selected in scoped])
    if before and after == before:
        return assessment
    if before:
        assessment.plan_version += 1
        if assessment.plan_approved:
            before["approved"] = True
            after["approved"] = False
            assessment.plan_approved_at = None
            assessment.plan_approved_by = None
    assessment.save()
    assessment.scoped_controls.set(scoped)
    audit(
        actor,
        "assessment_plan_save",
        assessment,
        authorization,
        before=before,
        after={**after, "plan_version": assessment.plan_version},
        reason="The approved plan changed: its approval is withdrawn."
        if after.get("approved") is False
        else "",
    )
    return assessment


@transaction.atomic
def assessment_plan_approve(*, actor, assessment: Assessment, note: str = "") -> Assessment:
    """The authorizing official approves the plan as it stands (its version is recorded).
    Refused while no assessor is assigned or the plan lacks dates, methods or controls in
    scope, and to an assessor of the cycle (nobody approves their own plan)."""
    authorization = open_cycle(assessment.authorization, from_step=Step.IMPLEMENT)
    require_authorizing_official(actor, authorization, "approves the assessment plan")
    assignments = AssessorAssignment.objects.filter(authorization=authorization)
    if assignments.filter(assessor=actor).exists():
        raise ValidationError("An assessor of this cycle does not approve their own plan.")
    assessment = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("plan_approved_by")
        .get(pk=assessment.pk)
    )
    if assessment.plan_approved:
        by = assessment.plan_approved_by.get_username() if assessment.plan_approved_by else ""
        raise ValidationError(
            f"Version {assessment.plan_version} of the plan is already approved"
            f"{f' (by {by})' if by else ''}."
        )
    missing = []
    if not assignments.exists():
        missing.append("an assessor assigned to the cycle (A-1)")
    if assessment.starts_on is None or assessment.ends_on is None:
        missing.append("the start and end dates")
    if not assessment.methods:
        missing.append("the assessment methods")
    if not controls_in_scope(assessment).exists():
        missing.append("controls in scope")
    if missing:
        raise ValidationError(
            f"The plan cannot be approved yet. Still needed: {'; '.join(missing)}."
        )
    assessment.plan_approved_at = timezone.now()
    assessment.plan_approved_by = actor
    assessment.save(update_fields=["plan_approved_at", "plan_approved_by", "updated_at"])
    audit(
        actor,
        "assessment_plan_approve",
        assessment,
        authorization,
        before={"approved": False},
        after={"approved": True, "plan_version": assessment.plan_version},
        reason=(note or "").strip(),
    )
    return assessment
