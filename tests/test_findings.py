"""Findings: created by an objective determined other than satisfied, following their
objectives, rated by the assessor with a risk level from SP 800-30's table or the organization's
own (inherited by its child agencies), compared by version, audited."""

import copy

import pytest
from django.core.exceptions import ValidationError

from assets.models import AuditEvent
from rmf.models import DeterminationResult, Finding, RiskMatrix
from rmf.risk import DEFAULT_RISK_MATRIX, risk_level_for, risk_matrix_for
from rmf.selectors.assessment import finding_list
from rmf.services.assessment import (
    FindingConflict,
    determination_save,
    finding_update,
    remediation_record,
    risk_matrix_reset,
    risk_matrix_set,
)
from tests.assessment_steps import TODAY, control, determine_control, plan_approved
from tests.test_rmf_cycles import cycle_in_assess

OTS = DeterminationResult.OTHER_THAN_SATISFIED


@pytest.fixture
def cycle(personas):
    return cycle_in_assess(personas)


@pytest.fixture
def assessment(personas, cycle):
    return plan_approved(personas, cycle)


def rate(personas, finding, likelihood="moderate", impact="high", **values):
    return finding_update(
        actor=personas.assessor,
        finding=finding,
        **{
            "weakness": "One administrator account shared by six technicians.",
            "likelihood": likelihood,
            "impact": impact,
            "recommendation": "Named accounts.",
            **values,
        },
    )


def test_an_objective_other_than_satisfied_opens_a_finding(personas, cycle, assessment):
    determine_control(personas, assessment, control(cycle, "ac-2"), failing=2)
    determine_control(personas, assessment, control(cycle, "si-2"), failing=1)
    findings = finding_list(assessment)
    assert [(f.code, f.selected_control.control_id) for f in findings] == [
        ("F-001", "ac-2"),
        ("F-002", "si-2"),
    ]
    assert [o.pk for o in findings[0].objectives.all()] == ["ac-2_obj.a-1", "ac-2_obj.a-2"]
    assert findings[0].status == Finding.Status.OPEN and findings[0].risk_level == ""
    event = AuditEvent.objects.filter(action="finding_create").order_by("id").first()
    assert event.changes["objectives"] == [None, ["AC-02a.[01]", "AC-02a.[02]"]]
    assert event.organization == personas.agency and event.actor == personas.assessor
    assert finding_list(cycle) == findings


def test_a_finding_follows_its_objectives(personas, cycle, assessment):
    determine_control(personas, assessment, control(cycle, "ac-2"), failing=2)
    finding = Finding.objects.get()
    determination_save(
        actor=personas.assessor,
        assessment=assessment,
        objective_id="ac-2_obj.a-1",
        result=DeterminationResult.SATISFIED,
        methods=["test"],
        expected_version=1,
    )
    assert [o.pk for o in Finding.objects.get().objectives.all()] == ["ac-2_obj.a-2"]
    update = AuditEvent.objects.get(action="finding_update")
    assert update.changes["objectives"] == [["AC-02a.[01]", "AC-02a.[02]"], ["AC-02a.[02]"]]
    determination_save(
        actor=personas.assessor,
        assessment=assessment,
        objective_id="ac-2_obj.a-2",
        result=DeterminationResult.NOT_APPLICABLE,
        methods=[],
        expected_version=1,
    )
    assert not Finding.objects.exists()
    deleted = AuditEvent.objects.get(action="finding_delete")
    assert deleted.object_id == str(finding.pk) and deleted.changes["control"] == ["AC-2", None]


def test_a_finding_with_a_remediation_is_kept(personas, cycle, assessment):
    determine_control(personas, assessment, control(cycle, "ac-2"), failing=1)
    finding = rate(personas, Finding.objects.get())
    remediation_record(
        actor=personas.member, finding=finding, description="Named accounts.", completed_on=TODAY
    )
    determination_save(
        actor=personas.assessor,
        assessment=assessment,
        objective_id="ac-2_obj.a-1",
        result=DeterminationResult.SATISFIED,
        methods=["test"],
        expected_version=1,
    )
    kept = Finding.objects.get()
    assert kept.objectives.count() == 0 and kept.remediations.count() == 1


def test_the_risk_level_comes_from_sp_800_30(personas, cycle, assessment):
    determine_control(personas, assessment, control(cycle, "ac-2"), failing=1)
    finding = rate(personas, Finding.objects.get(), likelihood="", impact="high")
    assert finding.risk_level == ""  # until both are rated
    finding = rate(personas, finding)
    assert (finding.likelihood, finding.impact, finding.risk_level) == (
        "moderate",
        "high",
        "moderate",
    )
    assert finding.version == 3
    assert rate(personas, finding, "very_high", "very_high").risk_level == "very_high"
    assert rate(personas, finding, "very_low", "high").risk_level == "low"
    event = AuditEvent.objects.filter(action="finding_update").first()
    assert event.changes == {
        "likelihood": ["very_high", "very_low"],
        "impact": ["very_high", "high"],
        "risk_level": ["very_high", "low"],
    }
    with pytest.raises(ValidationError) as error:
        rate(personas, finding, "certain", "high")
    assert set(error.value.message_dict) == {"likelihood"}


def test_an_organization_table_applies_to_its_agencies(personas, cycle, assessment):
    stricter = copy.deepcopy(DEFAULT_RISK_MATRIX)
    stricter["moderate"]["high"] = "high"
    risk_matrix_set(actor=personas.admin, organization=personas.city, cells=stricter)
    assert risk_matrix_for(personas.agency) == stricter  # inherited by the city's agencies
    assert risk_matrix_for(personas.state) == DEFAULT_RISK_MATRIX
    determine_control(personas, assessment, control(cycle, "ac-2"), failing=1)
    assert rate(personas, Finding.objects.get()).risk_level == "high"
    own = copy.deepcopy(stricter)
    own["moderate"]["high"] = "very_high"
    risk_matrix_set(actor=personas.admin, organization=personas.agency, cells=own)
    assert risk_level_for(personas.agency, "moderate", "high") == "very_high"
    risk_matrix_reset(actor=personas.admin, organization=personas.agency)
    assert risk_level_for(personas.agency, "moderate", "high") == "high"
    events = AuditEvent.objects.filter(action__startswith="risk_matrix").order_by("id")
    assert [(e.action, e.organization) for e in events] == [
        ("risk_matrix_set", personas.city),
        ("risk_matrix_set", personas.agency),
        ("risk_matrix_reset", personas.agency),
    ]
    assert events[0].changes == {"cells": [DEFAULT_RISK_MATRIX, stricter]}


def test_a_risk_table_is_complete(personas):
    missing_row = copy.deepcopy(DEFAULT_RISK_MATRIX)
    del missing_row["low"]
    bad_cell = copy.deepcopy(DEFAULT_RISK_MATRIX)
    bad_cell["high"]["moderate"] = "severe"
    extra = copy.deepcopy(DEFAULT_RISK_MATRIX)
    extra["certain"] = {}
    missing_cell = copy.deepcopy(DEFAULT_RISK_MATRIX)
    del missing_cell["very_low"]["very_high"]
    for cells, words in (
        (missing_row, "Likelihood “Low”: a level for each impact"),
        (bad_cell, "Likelihood “High”, impact “Moderate”"),
        (extra, "Unknown likelihood level(s): certain"),
        (missing_cell, "Likelihood “Very low”, impact “Very high”"),
        ("high", "a level for each likelihood"),
    ):
        with pytest.raises(ValidationError) as error:
            risk_matrix_set(actor=personas.admin, organization=personas.city, cells=cells)
        assert any(words in message for message in error.value.message_dict["cells"])
    assert not RiskMatrix.objects.exists()


def test_a_finding_saved_meanwhile_is_a_conflict(personas, cycle, assessment):
    determine_control(personas, assessment, control(cycle, "ac-2"), failing=1)
    finding = rate(personas, Finding.objects.get(), expected_version=1)
    with pytest.raises(FindingConflict) as conflict:
        rate(personas, finding, weakness="Mine", expected_version=1)
    assert conflict.value.current_version == 2
    assert conflict.value.current["weakness"] == finding.weakness
    assert conflict.value.current_author == personas.assessor
    assert Finding.objects.get().weakness == finding.weakness


@pytest.mark.parametrize("actor", ["member", "authorizing_official", "viewer"])
def test_only_the_assigned_assessor_rates(personas, cycle, assessment, actor):
    determine_control(personas, assessment, control(cycle, "ac-2"), failing=1)
    with pytest.raises(ValidationError, match="Only an assessor assigned"):
        finding_update(
            actor=getattr(personas, actor),
            finding=Finding.objects.get(),
            weakness="x",
            likelihood="low",
            impact="low",
            recommendation="y",
        )
    assert Finding.objects.get().version == 1
