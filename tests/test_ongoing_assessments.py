"""M-2, ongoing assessments: an assigned assessor plans one for the controls due (by default those
overdue or due within 30 days), the authorizing official approves its plan with the Assess
step's approval, and the Assess screens and services record its determinations and findings
(numbered within the assessment); the due list then shows the new assessment dates."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from assets.models import AuditEvent
from rmf.models import Assessment, Determination, Finding, PoamItem, SelectedControl
from rmf.selectors.monitor import due_list
from rmf.selectors.workflow import cycle_facts
from rmf.services.assessment import assessment_plan_approve, poam_items_generate
from rmf.services.monitor import ongoing_assessment_start
from tests.assessment_steps import determine_control
from tests.authorize_steps import cycle_in_authorize, cycle_in_monitor

TODAY = timezone.localdate()
OVERDUE_CONTROLS = ("ac-2", "ac-3", "ia-5")


def make_overdue(authorization, control_ids=OVERDUE_CONTROLS) -> list[SelectedControl]:
    """Their last determinations moved 400 days back: past the annual monitoring period.
    (`update` leaves `auto_now` alone: a shortcut for time passing.)"""
    Determination.objects.filter(
        assessment__authorization=authorization, selected_control__control__in=control_ids
    ).update(updated_at=timezone.now() - timedelta(days=400))
    return list(
        SelectedControl.objects.filter(authorization=authorization, control__in=control_ids)
        .select_related("control")
        .order_by("control__sort_key")
    )


def start(personas, authorization, **changes) -> Assessment:
    values = {
        "title": "TSC ongoing assessment",
        "scoped_control_ids": [],
        "starts_on": TODAY,
        "ends_on": TODAY + timedelta(days=10),
        "methods": ["examine", "test"],
        "assessment_objects": "Account lists.",
        **changes,
    }
    return ongoing_assessment_start(actor=personas.assessor, authorization=authorization, **values)


@pytest.fixture
def monitored(personas):
    return cycle_in_monitor(personas)


def test_the_default_scope_is_the_controls_due(personas, monitored):
    overdue = make_overdue(monitored)
    due = due_list(monitored, TODAY)
    assert due.counts["overdue"] == 3
    assert {row.control_id for row in due.rows if row.group == "overdue"} == set(OVERDUE_CONTROLS)
    assert cycle_facts(monitored).monitor.controls_overdue == 3
    assessment = start(personas, monitored)
    assert assessment.kind == Assessment.Kind.ONGOING and not assessment.scope_all
    assert set(assessment.scoped_controls.all()) == set(overdue)
    assert not assessment.plan_approved
    event = AuditEvent.objects.get(action="ongoing_assessment_start", object_id=str(assessment.pk))
    assert event.changes["scope"][1] == ["AC-2", "AC-3", "IA-5"]
    # The due list names the assessment that covers each control.
    rows = {row.control_id: row for row in due_list(monitored, TODAY).rows}
    assert rows["ac-2"].in_assessments == ["TSC ongoing assessment"]
    assert rows["ac-1"].in_assessments == []


def test_validation_messages(personas, monitored):
    with pytest.raises(ValidationError) as error:
        start(personas, monitored, title=" ", starts_on=None, ends_on=None, methods=[])
    assert set(error.value.message_dict) == {
        "title",
        "starts_on",
        "ends_on",
        "methods",
        "scoped_control_ids",
    }
    assert (
        "No control is overdue or due within 30 days"
        in (error.value.message_dict["scoped_control_ids"][0])
    )
    with pytest.raises(ValidationError) as error:
        start(
            personas,
            monitored,
            ends_on=TODAY - timedelta(days=1),
            methods=["guess"],
            scoped_control_ids=[123456789],
        )
    assert "ends on or after" in error.value.message_dict["ends_on"][0]
    assert "SP 800-53A methods" in error.value.message_dict["methods"][0]
    assert "not active controls" in error.value.message_dict["scoped_control_ids"][0]
    assert not Assessment.objects.filter(kind="ongoing").exists()


def test_only_an_assigned_assessor_in_monitor_plans_one(personas, monitored):
    make_overdue(monitored)
    for actor in (personas.member, personas.authorizing_official):
        with pytest.raises(ValidationError, match="Only an assessor assigned"):
            ongoing_assessment_start(
                actor=actor,
                authorization=monitored,
                title="Mine",
                scoped_control_ids=[],
                starts_on=TODAY,
                ends_on=TODAY,
                methods=["examine"],
            )
    assert not Assessment.objects.filter(kind="ongoing").exists()


def test_not_before_the_monitor_step(personas):
    authorization = cycle_in_authorize(personas)
    with pytest.raises(ValidationError, match="Monitor step"):
        start(personas, authorization)


def test_the_assess_services_and_screens_work_for_an_ongoing_assessment(
    client, personas, monitored
):
    ac2, ac3, ia5 = make_overdue(monitored)
    assessment = start(personas, monitored, scoped_control_ids=[ac2.pk, ac3.pk])
    # The authorizing official approves the plan with the Assess step's approval.
    with pytest.raises(ValidationError, match="Only an authorizing official"):
        assessment_plan_approve(actor=personas.assessor, assessment=assessment)
    assessment_plan_approve(actor=personas.authorizing_official, assessment=assessment)
    # The worklist of the Assess step lists the assessment's controls only.
    client.force_login(personas.assessor)
    worklist = client.get(reverse("rmf:assessment_controls", args=[assessment.pk]))
    assert worklist.status_code == 200
    assert [row.selected_control.control_id for row in worklist.context["rows"]] == ["ac-2", "ac-3"]
    page = client.get(reverse("rmf:control_assessment", args=[assessment.pk, ac2.pk]))
    assert page.status_code == 200 and page.context["editable"]
    assert (
        client.get(reverse("rmf:control_assessment", args=[assessment.pk, ia5.pk])).status_code
        == 404
    )
    # Determinations: AC-2 fails again, AC-3 is satisfied.
    determine_control(personas, assessment, ac2, failing=1)
    determine_control(personas, assessment, ac3)
    finding = Finding.objects.get(assessment=assessment)
    assert finding.code == "F-001" and finding.selected_control == ac2
    # Findings are numbered within each assessment: the initial one has its own F-001.
    assert Finding.objects.filter(
        assessment__authorization=monitored, assessment__kind="initial", number=1
    ).exists()
    findings_page = client.get(reverse("rmf:assessment_findings", args=[assessment.pk]))
    assert list(findings_page.context["findings"]) == [finding]
    # The due list shows the new dates: AC-2 and AC-3 assessed today, IA-5 still overdue.
    rows = {row.control_id: row for row in due_list(monitored, TODAY).rows}
    assert rows["ac-2"].last_assessed == TODAY and rows["ac-3"].last_assessed == TODAY
    assert rows["ac-2"].next_due == TODAY + timedelta(days=365)
    assert rows["ia-5"].group == "overdue"
    # Determined: the assessment no longer waits on them.
    assert rows["ac-2"].in_assessments == [] and rows["ac-3"].in_assessments == []
    # The Monitor page shows its progress.
    monitor = client.get(reverse("rmf:monitor", args=[monitored.pk]))
    ongoing = monitor.context["page"].ongoing[0]
    assert (ongoing.control_count, ongoing.determined_count, ongoing.finding_count) == (2, 2, 1)
    # The POA&M is prepared from the findings of every assessment of the cycle.
    before = PoamItem.objects.filter(authorization=monitored).count()
    assert poam_items_generate(actor=personas.member, authorization=monitored) == 1
    item = PoamItem.objects.get(finding=finding)
    assert item.number == before + 1 and "TSC ongoing assessment, finding F-001" in item.source


def test_planning_and_approving_from_the_pages(client, personas, monitored):
    make_overdue(monitored)
    url = reverse("rmf:ongoing_assessment_start", args=[monitored.pk])
    client.force_login(personas.assessor)
    form = client.get(url).context["form"]
    ticked = {selected.pk for _, rows in form.families() for selected, tick in rows if tick}
    assert ticked == set(
        SelectedControl.objects.filter(
            authorization=monitored, control__in=OVERDUE_CONTROLS
        ).values_list("pk", flat=True)
    )
    response = client.post(url, {"title": "", "methods": ["examine"], "control_ids": "AC-2"})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["title"][0].startswith("Give the assessment a title, such as “TSC ongoing")
    assert errors["starts_on"] == ["Give the day the assessment starts."]
    assert not Assessment.objects.filter(kind="ongoing").exists()
    response = client.post(
        url,
        {
            "title": "Quarterly check",
            "starts_on": TODAY.isoformat(),
            "ends_on": TODAY.isoformat(),
            "methods": ["examine"],
            "control_ids": "AC-2 IA-5",
        },
    )
    assert response.status_code == 302
    assessment = Assessment.objects.get(kind="ongoing")
    assert sorted(s.control_id for s in assessment.scoped_controls.all()) == ["ac-2", "ia-5"]
    # Only the cycle's assessors post the plan; the others get the same 404.
    client.force_login(personas.member)
    assert client.post(url, {"title": "x"}).status_code == 404
    # The authorizing official approves it from the Monitor page.
    approve = reverse("rmf:assessment_plan_approve", args=[assessment.pk])
    assert client.post(approve).status_code == 404
    client.force_login(personas.authorizing_official)
    assert (
        'action="' + approve
        in client.get(reverse("rmf:monitor", args=[monitored.pk])).content.decode()
    )
    response = client.post(approve, {"note": "Go ahead."})
    assert response.url == reverse("rmf:monitor", args=[monitored.pk])
    assessment.refresh_from_db()
    assert assessment.plan_approved and assessment.plan_approved_by == personas.authorizing_official
