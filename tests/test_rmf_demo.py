"""`manage.py seed_demo` brings the demo city's systems to different RMF steps, through the rmf
services, and a second run changes nothing."""

import io
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from assets.models import AuditEvent, System
from rmf.demo import CYCLES
from rmf.models import (
    Assessment,
    Authorization,
    ChangeRecord,
    Finding,
    ImpactAdjustment,
    ImplementationNarrative,
    OrganizationParameterDefault,
    ParameterValue,
    PoamItem,
    SelectedControl,
    Step,
    StepTransition,
    TaskSignoff,
)
from rmf.selectors.decisions import decision_status_bulk
from rmf.selectors.monitor_facts import poam_aging_counts, poam_overdue_q
from rmf.selectors.portfolio import portfolio_rows, portfolio_systems
from rmf.selectors.workflow import (
    cycle_facts,
    gate_missing,
    tasks_of_step,
)
from workbench.demo import demo_seeders

REPO = Path(__file__).resolve().parent.parent


def seed_demo() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(demo_seeded, db) -> str:
    """The demo, seeded once for this module (conftest `demo_seeded`)."""
    return demo_seeded


def rmf_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Authorization,
            TaskSignoff,
            StepTransition,
            ImpactAdjustment,
            SelectedControl,
            ParameterValue,
            OrganizationParameterDefault,
            AuditEvent,
        )
    }


def test_the_demo_cycles_stand_at_several_steps(seeded):
    assert "RMF: 25 cycles (12 in Categorize, 8 in Select, 1 in Implement, 4 in Monitor)" in seeded
    assert "skipped" not in seeded
    steps = Counter(Authorization.objects.values_list("step", flat=True))
    assert steps == {Step.CATEGORIZE: 12, Step.SELECT: 8, Step.IMPLEMENT: 1, Step.MONITOR: 4}
    assert Authorization.objects.filter(is_current=True, cycle=1).count() == 25
    # The disposed system never starts one; most of the others have not started yet.
    assert not Authorization.objects.filter(system__status=System.Status.DISPOSED).exists()
    assert System.objects.filter(authorizations=None).count() == 40 - 25


def test_the_plans_were_approved_by_the_demo_authorizing_official(seeded):
    for authorization in Authorization.objects.filter(step__in=[Step.IMPLEMENT, Step.MONITOR]):
        signoffs = {
            signoff.task: signoff.signed_by.username for signoff in authorization.signoffs.all()
        }
        assert {task: signoffs[task] for task in ("C-3", "S-6")} == {"C-3": "ao", "S-6": "ao"}
        facts = cycle_facts(authorization)
        assert not facts.categorization.changed_since_approval
        assert facts.selection.parameters_without_value == 0
        assert facts.selection.without_frequency == 0
    tscs = Authorization.objects.get(system__acronym="TSCS")
    assert tscs.system.authorizing_official.username == "ao"
    assert cycle_facts(tscs).categorization.overall == "HIGH"
    assert SelectedControl.objects.filter(authorization=tscs, tailoring="added").exists()
    assert SelectedControl.objects.filter(
        authorization=tscs, designation="hybrid", provider__acronym="IDP"
    ).exists()
    assert [t.to_step for t in tscs.transitions.all()] == [
        Step.SELECT,
        Step.IMPLEMENT,
        Step.ASSESS,
        Step.AUTHORIZE,
        Step.MONITOR,
    ]


def test_the_general_support_system_is_half_way_through_implement(seeded):
    gss = Authorization.objects.get(system__acronym="GSS")
    assert gss.step == Step.IMPLEMENT
    facts = cycle_facts(gss)
    assert {state.code for state in gate_missing(facts)} == {"I-1", "I-2"}
    assert 0 < facts.selection.without_status < facts.selection.active
    assert facts.selection.planned > 0
    narrated = ImplementationNarrative.objects.filter(
        implementation__selected_control__authorization=gss
    )
    assert narrated.exists()
    assert facts.selection.without_narrative > 0  # the partly implemented families wait


def test_the_traffic_signal_system_is_assessed(seeded):
    tscs = Authorization.objects.get(system__acronym="TSCS")
    facts = cycle_facts(tscs)
    assert all(state.done for state in tasks_of_step(facts, Step.ASSESS))
    assessment = Assessment.objects.get(authorization=tscs)
    assert assessment.plan_approved_by.username == "ao"
    assert [a.assessor.username for a in tscs.assessor_assignments.all()] == ["assessor"]
    assert facts.assessment.determined == facts.assessment.objectives_in_scope > 1000
    findings = Finding.objects.filter(assessment=assessment).order_by("number")
    assert findings.count() == 4
    assert all(finding.risk_level for finding in findings)
    closed = findings.get(status=Finding.Status.CLOSED)
    assert closed.selected_control.control_id == "cm-7"
    assert closed.remediations.get().recorded_by.username == "owner"
    items = PoamItem.objects.filter(authorization=tscs)
    assert items.count() == 3
    for item in items:
        assert item.point_of_contact and item.scheduled_completion
        assert item.milestones.count() == 2
    determiners = set(
        AuditEvent.objects.filter(action="determination_save").values_list(
            "actor__username", flat=True
        )
    )
    assert determiners == {"assessor"}


def test_authorizations_of_every_kind_and_age(seeded):
    today = timezone.localdate()
    systems = list(System.objects.filter(acronym__in=["TSCS", "WEB", "BAS", "SSL", "GSS"]))
    statuses = {
        status.system.acronym: status
        for status in decision_status_bulk(systems, today, with_changes=True).values()
    }
    assert {acronym: status.state for acronym, status in statuses.items()} == {
        "TSCS": "conditions",
        "WEB": "authorized",
        "BAS": "expired",
        "SSL": "iatt",
        "GSS": "none",
    }
    assert len(statuses["TSCS"].decision.conditions) == 3
    assert statuses["WEB"].expiring_within == 60  # ends in 55 days
    assert statuses["SSL"].expiring_within == 30  # ends in 22 days
    assert statuses["BAS"].decision.termination_date == today - timedelta(days=20)
    # The older decisions' history was moved back with their package, which still reads as
    # signed but for the Monitor work done since: POA&M progress, TSCS's updated narrative.
    assert {acronym: status.changed_sections for acronym, status in statuses.items()} == {
        "TSCS": ["controls"],
        "WEB": ["poam"],
        "BAS": ["poam"],
        "SSL": ["poam"],
        "GSS": None,
    }
    for acronym in ("TSCS", "WEB", "BAS", "SSL"):
        decision = statuses[acronym].decision
        assert decision.signed_by.username == "ao"
        facts = cycle_facts(decision.authorization)
        assert all(state.done for state in tasks_of_step(facts, Step.AUTHORIZE)), acronym
    web = statuses["WEB"].decision
    assert timezone.localdate(web.signed_at) == web.decision_date
    assert web.decision_date == today - timedelta(days=3 * 365 - 55)
    signing = AuditEvent.objects.get(action="decision_sign", object_id=str(web.pk))
    assert timezone.localdate(signing.created_at) == web.decision_date


def test_select_and_categorize_cycles_are_partly_done(seeded):
    select = Authorization.objects.filter(step=Step.SELECT)
    for authorization in select:
        facts = cycle_facts(authorization)
        assert facts.selection.baselines == facts.matching_baselines
        assert 0 < facts.selection.parameters_without_value < facts.selection.parameters
        assert "S-6" in {state.code for state in gate_missing(facts)}
    assert any(cycle_facts(a).selection.removed for a in select)
    assert any(not cycle_facts(a).selection.without_frequency for a in select)
    categorize = Authorization.objects.filter(step=Step.CATEGORIZE)
    assert ImpactAdjustment.objects.filter(categorization__authorization__in=categorize).exists()
    waiting = categorize.filter(signoffs__task="C-3")
    assert sorted(waiting.values_list("system__acronym", flat=True)) == ["PAY", "R311"]
    for authorization in waiting:
        assert gate_missing(cycle_facts(authorization)) == []  # the owner may move on


def test_the_work_went_through_the_services(seeded):
    actions = Counter(AuditEvent.objects.values_list("action", flat=True))
    assert actions["authorization_start"] == 25
    # C-3 of PAY and R311, of the 8 Select cycles; C-3 and S-6 of GSS; C-3, S-6 and R-1 of the
    # 4 cycles in Monitor.
    assert actions["task_signoff"] == 2 + 8 + 2 + 4 * 3
    assert actions["control_set_select"] == 8 + 1 + 4
    assert actions["organization_parameter_default_set"] == 1
    assert actions["authorization_step_change"] == 8 + 2 + 4 * 5
    assert actions["decision_sign"] == 4
    approvals = TaskSignoff.objects.filter(task__in=["C-3", "S-6"])
    assert set(approvals.values_list("signed_by__username", flat=True)) == {"ao"}
    submissions = TaskSignoff.objects.filter(task="R-1")
    assert set(submissions.values_list("signed_by__username", flat=True)) == {
        "owner",
        "doit-owner",
        "dpw-owner",
    }
    starts = AuditEvent.objects.filter(action="authorization_start")
    assert "ao" not in set(starts.values_list("actor__username", flat=True))


def test_the_portfolio_shows_the_city(seeded):
    from django.contrib.auth import get_user_model

    ao = get_user_model().objects.get(username="ao")
    rows = portfolio_rows(list(portfolio_systems(ao)))
    assert len(rows) == 40
    assert sum(row.not_started for row in rows) == 15
    assert len(list(portfolio_systems(ao, step="not_started"))) == 14  # not the disposed one


def test_seeding_twice_changes_nothing(seeded):
    before = rmf_counts()
    output = seed_demo()
    assert rmf_counts() == before
    assert "RMF: 25 cycles" in output and "(nothing new to create)" in output


def test_systems_that_already_have_a_cycle_are_left_alone(seeded):
    tscs = Authorization.objects.get(system__acronym="TSCS")
    Authorization.objects.filter(system__acronym="AMI").delete()  # as if AMI was never seeded
    output = seed_demo()
    assert "created now: 1 cycle)" in output
    assert Authorization.objects.get(system__acronym="TSCS") == tscs
    assert Authorization.objects.get(system__acronym="AMI").step == Step.SELECT


def test_rmf_joins_the_demo_through_the_registry_only():
    assert [seeder.name for seeder in demo_seeders()][:1] == ["rmf"]
    for path in (REPO / "assets").rglob("*.py"):
        text = path.read_text()
        assert "from rmf" not in text and "import rmf" not in text, path
    assert len(CYCLES) == len({demo.acronym for demo in CYCLES}) == 25


def test_the_authorized_systems_are_monitored(seeded):
    today = timezone.localdate()
    tscs = Authorization.objects.get(system__acronym="TSCS")
    changes = {change.code: change for change in ChangeRecord.objects.filter(authorization=tscs)}
    assert changes["CHG-001"].impact == "minor"
    assert {c.control_id for c in changes["CHG-001"].affected_controls.all()} == {"si-2", "cm-2"}
    assert not changes["CHG-002"].analysed
    facts = cycle_facts(tscs)
    assert facts.monitor.changes_without_analysis == 1
    web = Authorization.objects.get(system__acronym="WEB")
    ongoing = Assessment.objects.get(authorization=web, kind=Assessment.Kind.ONGOING)
    assert ongoing.plan_approved_by.username == "ao"
    assert ongoing.determinations.count() > 0
    assert cycle_facts(web).monitor.controls_overdue == cycle_facts(web).selection.active - 3
    items = PoamItem.objects.all()
    assert poam_aging_counts(items, today) == {"0-30": 3, "31-90": 1, "91-180": 1, "181+": 1}
    assert items.filter(poam_overdue_q(today)).count() >= 2
    assert items.get(status="completed").closure_evidence.count() == 1
    assert items.get(status="risk_accepted").risk_accepted_by.username == "ao"
    rechecked = items.get(authorization__system__acronym="SSL", selected_control__control="ia-5")
    assert rechecked.status in ("open", "ongoing")  # re-checked other than satisfied
    recheck = AuditEvent.objects.get(action="poam_item_recheck")
    assert recheck.actor.username == "assessor"
