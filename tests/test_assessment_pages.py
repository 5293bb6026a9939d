"""The Assess pages in the test client: assigning assessors (and separation-of-duties refusals),
the plan with its scope, conflicts and approval, the worklist, a control's determinations saved
all at once (conflicts show both versions), findings with their risk, remediation and
re-assessment, and the POA&M with its milestones."""

from datetime import timedelta

import pytest
from django.urls import reverse

from assets.models import AuditEvent
from assets.services import system_assessor_grant
from rmf.models import (
    Assessment,
    AssessorAssignment,
    Determination,
    Finding,
    PoamItem,
    PoamMilestone,
    RemediationAction,
)
from rmf.selectors.assessment import leaf_objectives
from rmf.services.assessment import (
    assessment_plan_save,
    finding_update,
    poam_milestone_add,
    remediation_record,
)
from tests.assessment_steps import (
    TODAY,
    assessor_assigned,
    complete_poam,
    control,
    determine_all,
    determine_control,
    plan_approved,
    plan_saved,
    rate_findings,
)
from tests.test_rmf_cycles import cycle_in_assess, cycle_in_implement, cycle_in_select

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(personas):
    return cycle_in_assess(personas)


def text(response) -> str:
    return response.content.decode()


def objective_data(assessment, selected, results: dict[int, str], *, methods=("examine",)):
    """The control page's form as the browser posts it: every row as shown, with `results`
    (by row index) picked."""
    rows = leaf_objectives([selected.control_id])[selected.control_id]
    return rows, {
        key: value
        for index, part in enumerate(rows)
        for key, value in _row(part, results.get(index), methods).items()
    }


def _row(part, result, methods):
    from rmf.views.assess.forms import DeterminationForm

    shown = DeterminationForm(objective=part, default_methods=methods).initial
    row = {
        f"{part.pk}-expected_version": shown["expected_version"],
        f"{part.pk}-shown": shown["shown"],
        f"{part.pk}-methods": list(methods),
        f"{part.pk}-evidence_examined": "",
        f"{part.pk}-note": "",
    }
    if result:
        row[f"{part.pk}-result"] = result
    return row


# --- assessors (A-1) ------------------------------------------------------------------------


def test_the_ao_assigns_an_assessor_and_unassigns_with_a_reason(client, personas, cycle):
    client.force_login(personas.authorizing_official)
    url = reverse("rmf:assess", args=[cycle.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Assign an assessor" in text(page)
    assert "A-1 Assessor selection" in text(page)
    response = client.post(
        reverse("rmf:assessor_assign", args=[cycle.pk]),
        {"assessor": personas.assessor.pk, "is_lead": "on"},
        follow=True,
    )
    assert "is assigned to assess" in text(response)
    assignment = AssessorAssignment.objects.get(authorization=cycle)
    assert assignment.assessor == personas.assessor and assignment.is_lead
    assert "Lead" in text(response)

    response = client.post(
        reverse("rmf:assessor_unassign", args=[cycle.pk, personas.assessor.pk]),
        {"reason": "Conflict of interest declared."},
        follow=True,
    )
    assert "no longer assesses" in text(response)
    assert not AssessorAssignment.objects.exists()
    event = AuditEvent.objects.get(action="assessor_unassign")
    assert event.reason == "Conflict of interest declared."


def test_separation_of_duties_refusal_is_shown_next_to_the_field(client, personas, cycle):
    # The member wrote the implementation; granted the system as an assessor, they are listed
    # with the reason and refused.
    system_assessor_grant(actor=None, system=personas.system, user=personas.member)
    client.force_login(personas.authorizing_official)
    page = client.get(reverse("rmf:assess", args=[cycle.pk]))
    assert "not eligible" in text(page)
    response = client.post(
        reverse("rmf:assessor_assign", args=[cycle.pk]), {"assessor": personas.member.pk}
    )
    assert response.status_code == 400
    body = text(response)
    assert "Separation of duties" in body
    assert 'class="field has-error"' in body
    assert not AssessorAssignment.objects.exists()


# --- the plan (A-2) -------------------------------------------------------------------------


def test_the_assessor_drafts_a_subset_plan_and_the_ao_approves_it(client, personas, cycle):
    assessor_assigned(personas, cycle)
    client.force_login(personas.assessor)
    url = reverse("rmf:assessment_plan", args=[cycle.pk])
    page = client.get(url)
    assert page.status_code == 200
    body = text(page)
    assert "Examine:" in body  # the assessment objects hint of SP 800-53A
    assert 'name="controls"' in body and "AC-2" in body
    ac1 = control(cycle, "ac-1")
    data = {
        "title": "TSC initial assessment",
        "scope": "subset",
        "controls": [ac1.pk],
        "control_ids": "AC-2, ac-3",
        "starts_on": TODAY.isoformat(),
        "ends_on": (TODAY + timedelta(days=10)).isoformat(),
        "methods": ["examine", "test"],
        "assessment_objects": "Policies.",
        "rules_of_engagement": "Maintenance window only.",
        "expected_version": "",
    }
    response = client.post(url, data, follow=True)
    assert "The assessment plan is saved." in text(response)
    assessment = Assessment.objects.get(authorization=cycle)
    assert not assessment.scope_all
    assert set(assessment.scoped_controls.values_list("control", flat=True)) == {
        "ac-1",
        "ac-2",
        "ac-3",
    }
    assert assessment.methods == ["examine", "test"]

    client.force_login(personas.authorizing_official)
    response = client.post(
        reverse("rmf:assessment_plan_approve", args=[assessment.pk]),
        {"note": "Fine."},
        follow=True,
    )
    assert "is approved" in text(response)
    assessment.refresh_from_db()
    assert assessment.plan_approved and assessment.plan_approved_by == personas.authorizing_official
    # The AO reads the plan; only assessors get its form.
    page = client.get(url)
    assert "Save the plan" not in text(page) and "Maintenance window only." in text(page)


def test_bad_plan_input_is_shown_next_to_the_fields(client, personas, cycle):
    assessor_assigned(personas, cycle)
    client.force_login(personas.assessor)
    url = reverse("rmf:assessment_plan", args=[cycle.pk])
    response = client.post(
        url,
        {
            "title": "Plan",
            "scope": "subset",
            "control_ids": "AC-2, ZZ-9",
            "starts_on": TODAY.isoformat(),
            "ends_on": TODAY.isoformat(),
            "methods": ["examine"],
        },
    )
    assert response.status_code == 400
    assert "Not in this system&#x27;s control set: ZZ-9" in text(response)
    response = client.post(
        url,
        {
            "title": "Plan",
            "scope": "subset",
            "starts_on": TODAY.isoformat(),
            "ends_on": (TODAY - timedelta(days=1)).isoformat(),
            "methods": ["examine"],
        },
    )
    assert response.status_code == 400
    body = text(response)
    assert "The assessment ends on or after the day it starts." in body
    assert "Choose the controls to assess" in body
    assert not Assessment.objects.exists()


def test_a_plan_saved_meanwhile_is_a_conflict_with_both_versions(client, personas, cycle):
    assessor_assigned(personas, cycle)
    assessment = plan_saved(personas, cycle)
    client.force_login(personas.assessor)
    url = reverse("rmf:assessment_plan", args=[cycle.pk])
    opened = client.get(url)
    assert f'name="expected_version" value="{assessment.plan_version}"' in text(opened)
    plan_saved(personas, cycle, title="Their title")  # someone else saves: version 2
    response = client.post(
        url,
        {
            "title": "My title",
            "scope": "all",
            "starts_on": TODAY.isoformat(),
            "ends_on": TODAY.isoformat(),
            "methods": ["examine"],
            "expected_version": str(assessment.plan_version),
        },
    )
    assert response.status_code == 409
    body = text(response)
    assert "Their title" in body and "My title" in body
    assert 'name="expected_version" value="2"' in body
    assert Assessment.objects.get().title == "Their title"


def test_assessors_are_assigned_from_the_implement_step(client, personas):
    authorization = cycle_in_implement(personas)
    client.force_login(personas.authorizing_official)
    page = text(client.get(reverse("rmf:assess", args=[authorization.pk])))
    assert "Assign an assessor" in page
    earlier = cycle_in_select(personas, personas.sibling_system)
    client.force_login(personas.authorizing_official)
    page = text(client.get(reverse("rmf:assess", args=[earlier.pk])))
    assert "prepared from the Implement step on" in page
    assert "Assign an assessor" not in page


# --- determinations (A-3) -------------------------------------------------------------------


@pytest.fixture
def approved(personas, cycle):
    return plan_approved(personas, cycle)


def test_the_worklist_filters_by_family_and_result(client, personas, cycle, approved):
    determine_control(personas, approved, control(cycle, "ac-2"), failing=1)
    client.force_login(personas.viewer)
    url = reverse("rmf:assessment_controls", args=[approved.pk])
    page = text(client.get(url))
    assert "AC-2" in page and "SI-2" in page
    assert "Every control in scope (149)" in page
    page = text(client.get(url, {"family": "ac"}))
    assert "SI-2" not in page and "AC-2" in page
    page = text(client.get(url, {"result": "other_than_satisfied"}))
    assert "Controls matching the filters (1)" in page
    assert "F-001" in page


def test_the_assessor_records_determinations_and_moves_on(client, personas, cycle, approved):
    selected = control(cycle, "ac-2")
    client.force_login(personas.assessor)
    url = reverse("rmf:control_assessment", args=[approved.pk, selected.pk])
    page = client.get(url)
    assert page.status_code == 200
    body = text(page)
    assert "How the system meets" in body  # the system's narrative, for the assessor to read
    assert "Account Management" in body
    assert "Save and next control" in body
    rows, data = objective_data(
        approved, selected, {0: "other_than_satisfied", 1: "satisfied", 2: "not_applicable"}
    )
    data[f"{rows[0].pk}-note"] = "Six technicians share one account."
    response = client.post(url, {**data, "next": "1"})
    assert response.status_code == 302
    following = control(cycle, "ac-3")
    assert response["Location"] == reverse(
        "rmf:control_assessment", args=[approved.pk, following.pk]
    )
    saved = {d.objective_id: d for d in Determination.objects.filter(assessment=approved)}
    assert set(saved) == {rows[0].pk, rows[1].pk, rows[2].pk}
    assert saved[rows[0].pk].result == "other_than_satisfied"
    assert saved[rows[0].pk].note == "Six technicians share one account."
    assert saved[rows[0].pk].updated_by == personas.assessor
    finding = Finding.objects.get(assessment=approved)
    assert list(finding.objectives.values_list("pk", flat=True)) == [rows[0].pk]

    # The page now shows them; posting it unchanged saves nothing.
    page = client.get(url)
    assert "F-001" in text(page)
    _, unchanged = objective_data(approved, selected, {})
    response = client.post(url, unchanged, follow=True)
    assert "Nothing changed" in text(response)
    assert Determination.objects.get(objective=rows[0].pk).version == 1


def test_a_refused_row_is_marked_and_nothing_is_saved(client, personas, cycle, approved):
    selected = control(cycle, "ac-2")
    client.force_login(personas.assessor)
    url = reverse("rmf:control_assessment", args=[approved.pk, selected.pk])
    rows, data = objective_data(
        approved, selected, {0: "satisfied", 1: "satisfied"}, methods=("examine",)
    )
    data[f"{rows[1].pk}-methods"] = []  # satisfied without a method
    data[f"{rows[1].pk}-shown"] = "changed"
    response = client.post(url, data)
    assert response.status_code == 400
    body = text(response)
    assert "Nothing was saved" in body
    assert "Name the method(s) used" in body
    assert not Determination.objects.exists()


def test_a_determination_saved_meanwhile_shows_both_versions(client, personas, cycle, approved):
    selected = control(cycle, "ac-2")
    client.force_login(personas.assessor)
    url = reverse("rmf:control_assessment", args=[approved.pk, selected.pk])
    rows, data = objective_data(approved, selected, {0: "satisfied", 3: "satisfied"})
    # Meanwhile, objective 0 is determined by someone else (the same assessor, another tab),
    # and objective 1 too, which this form leaves alone.
    from rmf.services.assessment import control_determinations_save

    control_determinations_save(
        actor=personas.assessor,
        assessment=approved,
        selected_control=selected,
        entries=[
            {
                "objective_id": rows[index].pk,
                "result": "other_than_satisfied",
                "methods": ["test"],
                "evidence_examined": "",
                "note": "Their note.",
                "expected_version": 0,
            }
            for index in (0, 1)
        ],
    )
    response = client.post(url, data)
    assert response.status_code == 409
    body = text(response)
    assert "Someone else saved determinations of AC-2" in body
    assert "Their note." in body
    assert "Your values (not saved)" in body
    # Nothing of this save was written: objective 3 stays undetermined.
    assert not Determination.objects.filter(objective=rows[3].pk).exists()
    # The row in conflict keeps this assessor's choice on the saved version (saving again
    # replaces theirs deliberately); the row left alone shows the saved values.
    forms = {row.part.pk: form for row, form, _ in response.context["rows"]}
    assert forms[rows[0].pk].is_bound and forms[rows[0].pk]["result"].value() == "satisfied"
    assert f'name="{rows[0].pk}-expected_version" value="1"' in body
    assert not forms[rows[1].pk].is_bound
    assert forms[rows[1].pk]["result"].value() == "other_than_satisfied"
    response = client.post(url, _posted(response.context["rows"]))
    assert response.status_code == 302
    assert Determination.objects.get(objective=rows[0].pk).result == "satisfied"
    assert Determination.objects.get(objective=rows[1].pk).result == "other_than_satisfied"
    assert Determination.objects.get(objective=rows[3].pk).result == "satisfied"


def _posted(rows) -> dict:
    """A rendered control form posted back as it stands."""
    data = {}
    for _, form, _ in rows:
        for field in form:
            value = field.value()
            if value not in (None, "", []):
                data[field.html_name] = value
    return data


def test_readers_get_the_determinations_without_a_form(client, personas, cycle, approved):
    selected = control(cycle, "ac-2")
    determine_control(personas, approved, selected, failing=1)
    client.force_login(personas.viewer)
    page = client.get(reverse("rmf:control_assessment", args=[approved.pk, selected.pk]))
    body = text(page)
    assert page.status_code == 200
    assert "Save and next control" not in body
    assert "Other than satisfied" in body and "Shared administrator account." in body


def test_determinations_wait_for_the_approval(client, personas, cycle):
    assessor_assigned(personas, cycle)
    assessment = plan_saved(personas, cycle)
    selected = control(cycle, "ac-2")
    client.force_login(personas.assessor)
    url = reverse("rmf:control_assessment", args=[assessment.pk, selected.pk])
    page = text(client.get(url))
    assert "approves the assessment plan before determinations" in page
    assert "Save and next control" not in page
    _, data = objective_data(assessment, selected, {0: "satisfied"})
    response = client.post(url, data, follow=True)
    assert "must be approved" in text(response)
    assert not Determination.objects.exists()


def test_a_control_out_of_scope_is_not_found(client, personas, cycle):
    assessor_assigned(personas, cycle)
    assessment = plan_saved(
        personas, cycle, scope_all=False, scoped_control_ids=[control(cycle, "ac-1").pk]
    )
    client.force_login(personas.assessor)
    url = reverse("rmf:control_assessment", args=[assessment.pk, control(cycle, "ac-2").pk])
    assert client.get(url).status_code == 404


# --- findings (A-4, A-5) --------------------------------------------------------------------


@pytest.fixture
def finding(personas, cycle, approved):
    determine_control(personas, approved, control(cycle, "ac-2"), failing=2)
    return Finding.objects.get(assessment=approved)


def test_the_assessor_rates_a_finding_and_sees_its_risk(client, personas, finding):
    client.force_login(personas.assessor)
    url = reverse("rmf:finding", args=[finding.pk])
    page = text(client.get(url))
    assert "Not rated yet" in page
    assert "SP 800-30 Rev 1 (Table I-2)" in page
    response = client.post(
        url,
        {
            "weakness": "One account shared by six technicians.",
            "likelihood": "high",
            "impact": "moderate",
            "recommendation": "Named accounts.",
            "expected_version": finding.version,
        },
        follow=True,
    )
    body = text(response)
    assert "F-001 is saved." in body
    finding.refresh_from_db()
    assert finding.risk_level == "moderate"
    assert 'aria-current="true" id="risk-current"' in body
    assert "(this finding)" in body

    # A stale version is a conflict, both versions shown.
    response = client.post(
        url,
        {
            "weakness": "Mine.",
            "likelihood": "low",
            "impact": "low",
            "recommendation": "",
            "expected_version": 1,
        },
    )
    assert response.status_code == 409
    assert "One account shared by six technicians." in text(response) and "Mine." in text(response)


def test_the_team_remediates_and_the_assessor_reassesses(client, personas, finding):
    finding_update(
        actor=personas.assessor,
        finding=finding,
        weakness="Shared account.",
        likelihood="moderate",
        impact="high",
        recommendation="Named accounts.",
    )
    client.force_login(personas.member)
    url = reverse("rmf:finding", args=[finding.pk])
    assert "Record a remediation" in text(client.get(url))
    response = client.post(
        reverse("rmf:remediation_record", args=[finding.pk]),
        {"description": "Named accounts created.", "completed_on": TODAY.isoformat()},
        follow=True,
    )
    assert "The remediation of F-001 is recorded" in text(response)
    assert RemediationAction.objects.get().recorded_by == personas.member
    finding.refresh_from_db()
    assert finding.status == Finding.Status.REMEDIATION_SUBMITTED
    client.force_login(personas.assessor)
    assert "Re-assess F-001" in text(client.get(url))
    response = client.post(
        reverse("rmf:finding_reassess", args=[finding.pk]),
        {"result": "satisfied", "note": "Checked the accounts."},
        follow=True,
    )
    assert "the finding is closed" in text(response)
    finding.refresh_from_db()
    assert finding.status == Finding.Status.CLOSED
    assert "Named accounts created." in text(response)


def test_a_remediation_dated_in_the_future_is_refused(client, personas, finding):
    client.force_login(personas.member)
    response = client.post(
        reverse("rmf:remediation_record", args=[finding.pk]),
        {"description": "Done soon.", "completed_on": (TODAY + timedelta(days=3)).isoformat()},
    )
    assert response.status_code == 400
    assert not RemediationAction.objects.exists()


def test_the_findings_list(client, personas, cycle, finding):
    client.force_login(personas.authorizing_official)
    page = text(client.get(reverse("rmf:assessment_findings", args=[finding.assessment_id])))
    assert "F-001" in page and "AC-2" in page and "Not described yet" in page


# --- POA&M (A-6) ----------------------------------------------------------------------------


@pytest.fixture
def assessed(personas, cycle, approved):
    """A-3 and A-4 done: every objective determined, AC-2 failing, its finding rated."""
    determine_all(personas, approved, failing={"ac-2": 1})
    rate_findings(personas, approved)
    return approved


def test_the_team_generates_and_keeps_the_poam(client, personas, cycle, assessed):
    client.force_login(personas.member)
    url = reverse("rmf:poam", args=[cycle.pk])
    assert "Create POA&amp;M items from the findings" in text(client.get(url))
    response = client.post(reverse("rmf:poam_generate", args=[cycle.pk]), follow=True)
    assert "1 POA&amp;M item(s) were created" in text(response)
    item = PoamItem.objects.get(authorization=cycle)
    item_url = reverse("rmf:poam_item", args=[item.pk])
    response = client.post(
        item_url,
        {
            "point_of_contact": "TMC supervisor",
            "resources": "40 hours.",
            "scheduled_completion": (TODAY + timedelta(days=60)).isoformat(),
            "status": "ongoing",
            "expected_version": item.version,
        },
        follow=True,
    )
    assert "POAM-001 is saved." in text(response)
    item.refresh_from_db()
    assert item.point_of_contact == "TMC supervisor" and item.status == "ongoing"

    response = client.post(
        reverse("rmf:poam_milestone_add", args=[item.pk]),
        {"description": "Named accounts created", "due_on": (TODAY + timedelta(days=30))},
        follow=True,
    )
    assert "The milestone is added" in text(response)
    milestone = PoamMilestone.objects.get(item=item)
    response = client.post(
        reverse("rmf:poam_milestone_complete", args=[milestone.pk]),
        {"completed_on": TODAY.isoformat()},
        follow=True,
    )
    assert "is completed" in text(response)
    milestone.refresh_from_db()
    assert milestone.completed_on == TODAY
    other = poam_milestone_add(
        actor=personas.member, item=item, description="Review", due_on=TODAY + timedelta(days=5)
    )
    client.post(reverse("rmf:poam_milestone_remove", args=[other.pk]))
    assert not PoamMilestone.objects.filter(pk=other.pk).exists()


def test_overdue_milestones_are_flagged(client, personas, cycle, assessed):
    items = complete_poam(personas, cycle)
    PoamMilestone.objects.filter(item=items[0]).update(due_on=TODAY - timedelta(days=2))
    client.force_login(personas.viewer)
    page = text(client.get(reverse("rmf:poam", args=[cycle.pk])))
    assert "overdue" in page
    page = text(client.get(reverse("rmf:assess", args=[cycle.pk])))
    assert "1 overdue milestone(s)" in page
    page = text(client.get(reverse("rmf:poam_item", args=[items[0].pk])))
    assert "overdue" in page and "Save POAM-001" not in page


def test_a_poam_item_saved_meanwhile_is_a_conflict(client, personas, cycle, assessed):
    items = complete_poam(personas, cycle)
    item = items[0]
    client.force_login(personas.member)
    response = client.post(
        reverse("rmf:poam_item", args=[item.pk]),
        {
            "point_of_contact": "Someone new",
            "resources": "",
            "scheduled_completion": (TODAY + timedelta(days=90)).isoformat(),
            "status": "ongoing",
            "expected_version": 1,
        },
    )
    assert response.status_code == 409
    body = text(response)
    assert "TMC supervisor" in body and "Someone new" in body


# --- the overview ---------------------------------------------------------------------------


def test_the_overview_shows_progress_findings_and_tasks(client, personas, cycle, assessed):
    client.force_login(personas.viewer)
    page = text(client.get(reverse("rmf:assess", args=[cycle.pk])))
    assert "A-3 Control assessments" in page
    assert 'id="overall-count"' in page
    total = sum(
        len(parts)
        for parts in leaf_objectives(
            cycle.selected_controls.filter(tailoring__in=["baseline", "added"]).values_list(
                "control", flat=True
            )
        ).values()
    )
    assert f"{total} of {total}" in page
    assert "1 finding(s): 1 open" in page
    assert "Approved" in page


def test_the_cycle_pages_link_to_assess(client, personas, cycle):
    client.force_login(personas.member)
    page = text(client.get(reverse("rmf:authorization_detail", args=[cycle.pk])))
    assert reverse("rmf:assess", args=[cycle.pk]) in page
    assert "4. Assess" in page


def test_an_approved_plan_changed_needs_a_new_approval(client, personas, cycle, approved):
    assessment_plan_save(
        actor=personas.assessor,
        authorization=cycle,
        title="Changed",
        scope_all=True,
        scoped_control_ids=[],
        starts_on=TODAY,
        ends_on=TODAY,
        methods=["examine"],
        assessment_objects="",
        rules_of_engagement="",
    )
    client.force_login(personas.authorizing_official)
    page = text(client.get(reverse("rmf:assess", args=[cycle.pk])))
    assert "Not approved" in page and "Approve the plan" in page


def test_a_finding_is_read_only_for_the_ao(client, personas, finding):
    remediation_record(
        actor=personas.member, finding=finding, description="Fixed.", completed_on=TODAY
    )
    client.force_login(personas.authorizing_official)
    page = text(client.get(reverse("rmf:finding", args=[finding.pk])))
    assert "Save F-001" not in page and "Record a remediation" not in page
    assert "awaits the assessor" in page
