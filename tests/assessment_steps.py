"""Helpers of the Assess step tests: walk a cycle in Assess (`cycle_in_assess`: LOW, 149
controls, implemented by the member) through A-1 to A-6 with the services, as the people would:
the authorizing official assigns the assessor and approves the plan, the assessor determines and
rates, the system team (the member) remediates and keeps the POA&M."""

from datetime import date, timedelta

from rmf.models import (
    Assessment,
    Authorization,
    DeterminationResult,
    Finding,
    PoamItem,
    SelectedControl,
)
from rmf.selectors.assessment import controls_in_scope, leaf_objectives
from rmf.services.assessment import (
    assessment_plan_approve,
    assessment_plan_save,
    assessor_assign,
    control_determinations_save,
    finding_update,
    poam_item_update,
    poam_items_generate,
    poam_milestone_add,
)

TODAY = date.today()
METHODS = ["examine", "interview", "test"]


def assessor_assigned(personas, authorization: Authorization):
    return assessor_assign(
        actor=personas.authorizing_official,
        authorization=authorization,
        assessor=personas.assessor,
        is_lead=True,
    )


def plan_saved(personas, authorization: Authorization, **changes) -> Assessment:
    values = {
        "title": "TSC initial assessment",
        "scope_all": True,
        "scoped_control_ids": [],
        "starts_on": TODAY,
        "ends_on": TODAY + timedelta(days=14),
        "methods": METHODS,
        "assessment_objects": "The security plan, configurations, the TMC staff.",
        "rules_of_engagement": "Tests on field equipment in the maintenance window only.",
        **changes,
    }
    return assessment_plan_save(actor=personas.assessor, authorization=authorization, **values)


def plan_approved(personas, authorization: Authorization, **changes) -> Assessment:
    """A-1 and A-2 done: the assessor assigned, the plan saved and approved."""
    assessor_assigned(personas, authorization)
    assessment = plan_saved(personas, authorization, **changes)
    return assessment_plan_approve(actor=personas.authorizing_official, assessment=assessment)


def control(authorization: Authorization, control_id: str) -> SelectedControl:
    return SelectedControl.objects.select_related("control").get(
        authorization=authorization, control=control_id
    )


def determine_control(
    personas, assessment: Assessment, selected: SelectedControl, *, failing: int = 0
):
    """Every objective of the control determined: the first `failing` other than satisfied,
    the rest satisfied. Versions are read from the database, as a page would show them."""
    objectives = leaf_objectives([selected.control_id])[selected.control_id]
    versions = dict(
        assessment.determinations.filter(selected_control=selected).values_list(
            "objective", "version"
        )
    )
    return control_determinations_save(
        actor=personas.assessor,
        assessment=assessment,
        selected_control=selected,
        entries=[
            {
                "objective_id": objective.pk,
                "result": DeterminationResult.OTHER_THAN_SATISFIED
                if index < failing
                else DeterminationResult.SATISFIED,
                "methods": ["examine"],
                "evidence_examined": "The security plan.",
                "note": "Shared administrator account." if index < failing else "",
                "expected_version": versions.get(objective.pk),
            }
            for index, objective in enumerate(objectives)
        ],
    )


def determine_all(personas, assessment: Assessment, *, failing: dict[str, int] | None = None):
    """A-3 done: every objective in scope determined; `failing` maps control ids to how many
    of their objectives are other than satisfied."""
    failing = failing or {}
    for selected in controls_in_scope(assessment).select_related("control"):
        determine_control(
            personas, assessment, selected, failing=failing.get(selected.control_id, 0)
        )


def rate_findings(personas, assessment: Assessment) -> list[Finding]:
    """A-4 done: every finding described and rated."""
    return [
        finding_update(
            actor=personas.assessor,
            finding=finding,
            weakness=f"{finding.selected_control.control.label}: one account shared by six.",
            likelihood="moderate",
            impact="high",
            recommendation="Give each technician a named account.",
        )
        for finding in Finding.objects.filter(assessment=assessment).select_related(
            "selected_control__control"
        )
    ]


def complete_poam(personas, authorization: Authorization) -> list[PoamItem]:
    """A-6 done: items generated and each given a contact, a schedule and a milestone."""
    poam_items_generate(actor=personas.member, authorization=authorization)
    items = []
    for item in PoamItem.objects.filter(authorization=authorization):
        item = poam_item_update(
            actor=personas.member,
            item=item,
            point_of_contact="TMC supervisor",
            resources="Vendor services, 40 hours.",
            scheduled_completion=TODAY + timedelta(days=90),
            status="ongoing",
        )
        poam_milestone_add(
            actor=personas.member,
            item=item,
            description="Named accounts created",
            due_on=TODAY + timedelta(days=30),
        )
        items.append(item)
    return items
