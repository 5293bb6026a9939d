"""The Assess pages and API lists cost a fixed number of queries: a LOW cycle (149 controls) and a
HIGH one (370 controls, about 1,460 objectives) take the same count, determinations and findings
included."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assets.services import system_assessor_grant
from tests.assessment_steps import control, determine_control, plan_approved, rate_findings
from tests.factories import make_system
from tests.test_rmf_cycles import TYPE_HIGH, cycle_in_assess

pytestmark = pytest.mark.django_db


def queries(client, url: str, params: dict | None = None) -> int:
    client.get(url, params or {})  # process-wide caches (content types, sessions) warm up
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.content[:500]
    return len(captured.captured_queries)


@pytest.fixture
def cycles(personas):
    """The same assessment on a LOW and on a HIGH system: assessor assigned, plan approved, two
    controls determined (one with a rated finding)."""
    low = cycle_in_assess(personas)
    high_system = make_system(personas.agency, "Signal Priority", "TSP")
    system_assessor_grant(actor=None, system=high_system, user=personas.assessor)
    high = cycle_in_assess(personas, high_system, types=(TYPE_HIGH,))
    assessments = {}
    for name, cycle in (("low", low), ("high", high)):
        assessment = plan_approved(personas, cycle)
        determine_control(personas, assessment, control(cycle, "ac-2"), failing=2)
        determine_control(personas, assessment, control(cycle, "ac-3"))
        rate_findings(personas, assessment)
        assessments[name] = assessment
    assert high.selected_controls.filter(tailoring="baseline").count() == 370
    return assessments


def test_the_worklist_page_and_api(client, api_client, personas, cycles):
    client.force_login(personas.assessor)
    api_client.force_authenticate(personas.assessor)
    counts = {}
    for name, assessment in cycles.items():
        page = reverse("rmf:assessment_controls", args=[assessment.pk])
        api = f"/api/v1/assessments/{assessment.pk}/controls/"
        counts[name] = (
            queries(client, page),
            queries(client, page, {"family": "ac", "result": "other_than_satisfied"}),
            queries(api_client, api, {"page_size": 500}),
        )
    assert counts["low"] == counts["high"]
    page, filtered, api = counts["high"]
    assert page <= 16 and filtered <= 17 and api <= 6, counts


def test_the_control_assessment_page(client, personas, cycles):
    client.force_login(personas.assessor)
    counts = {}
    for name, assessment in cycles.items():
        selected = control(assessment.authorization, "ac-2")
        counts[name] = queries(
            client, reverse("rmf:control_assessment", args=[assessment.pk, selected.pk])
        )
    assert counts["low"] == counts["high"]
    assert counts["high"] <= 22, counts


def test_the_overview_findings_and_poam_pages(client, api_client, personas, cycles):
    client.force_login(personas.authorizing_official)
    api_client.force_authenticate(personas.authorizing_official)
    counts = {}
    for name, assessment in cycles.items():
        cycle = assessment.authorization
        counts[name] = (
            queries(client, reverse("rmf:assess", args=[cycle.pk])),
            queries(client, reverse("rmf:assessment_findings", args=[assessment.pk])),
            queries(client, reverse("rmf:poam", args=[cycle.pk])),
            queries(api_client, f"/api/v1/assessments/{assessment.pk}/"),
            queries(api_client, f"/api/v1/assessments/{assessment.pk}/findings/"),
        )
    assert counts["low"] == counts["high"], counts
    overview, findings, poam, assessment, findings_api = counts["high"]
    assert overview <= 45 and findings <= 10 and poam <= 32, counts
    assert assessment <= 8 and findings_api <= 6, counts
