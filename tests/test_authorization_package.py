"""The authorization package (R-1): its page shows the SSP, SAR and POA&M assembled from the data,
what is complete and what is missing, an executive summary written from the data, and lets the
system team submit it. The Authorize pages cost a fixed number of queries, LOW or HIGH."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assets.models import AuditEvent
from assets.services import system_assessor_grant, system_update
from rmf.models import Finding, PoamItem, SelectedControl, TaskSignoff
from rmf.selectors.authorize_pages import add_months, package_page, suggested_termination
from rmf.selectors.package import package_content
from rmf.services.authorize import risk_determination_record
from tests.assessment_steps import control, determine_control, plan_approved, rate_findings
from tests.authorize_steps import cycle_in_authorize
from tests.factories import make_system
from tests.test_rmf_cycles import TYPE_HIGH, cycle_in_assess, started_cycle

pytestmark = pytest.mark.django_db


def _messages(response) -> str:
    return " ".join(str(message) for message in response.context["messages"])


def test_the_authorize_pages_open_from_the_first_step(client, personas):
    authorization = started_cycle(personas)  # in Categorize: no controls, no assessment
    client.force_login(personas.authorizing_official)
    body = client.get(reverse("rmf:authorize", args=[authorization.pk])).content.decode()
    assert "No control set has been selected yet." in body
    assert "No assessment has been recorded yet." in body
    assert body.count('class="badge open">Incomplete</span>') == 3
    body = client.get(reverse("rmf:authorize_risk", args=[authorization.pk])).content.decode()
    assert "No finding is open" in body and "Record the determination" not in body
    body = client.get(reverse("rmf:authorize_decision", args=[authorization.pk])).content.decode()
    assert "The decision is signed in the Authorize step" in body
    assert 'name="password"' not in body
    detail = client.get(reverse("rmf:authorization_detail", args=[authorization.pk]))
    assert reverse("rmf:authorize", args=[authorization.pk]) in detail.content.decode()


def test_before_authorize_the_page_says_what_is_missing(client, personas):
    authorization = cycle_in_assess(personas)  # implemented, nothing assessed yet
    client.force_login(personas.member)
    response = client.get(reverse("rmf:authorize", args=[authorization.pk]))
    assert response.status_code == 200
    page = response.context["page"]
    parts = {part.key: part for part in page.parts}
    assert parts["ssp"].complete
    assert not parts["sar"].complete and not parts["poam"].complete
    assert any(item.startswith("A-1 Assessor selection") for item in parts["sar"].missing)
    body = response.content.decode()
    assert "This cycle is in the Assess step" in body
    assert "No assessment has been recorded yet." in body
    assert 'action="{}"'.format(reverse("rmf:package_submit", args=[authorization.pk])) not in body
    # Submitting now is refused by the service, with its message, and nothing is written.
    refused = client.post(
        reverse("rmf:package_submit", args=[authorization.pk]), {"note": "Early"}, follow=True
    )
    assert "R-1 belongs to the Authorize step" in _messages(refused)
    assert not TaskSignoff.objects.filter(authorization=authorization, task="R-1").exists()


def test_the_package_is_assembled_from_the_data_and_submitted(client, personas):
    authorization = cycle_in_authorize(personas)
    page = package_page(authorization)
    active = SelectedControl.objects.filter(
        authorization=authorization, tailoring__in=["baseline", "added"]
    ).count()
    findings = list(Finding.objects.filter(assessment__authorization=authorization))
    assert len(page.controls) == active == 149
    assert all(part.complete for part in page.parts)
    assert [task.code for task in page.authorize_tasks] == ["R-1", "R-2", "R-3", "R-4", "R-5"]
    assert not page.submission.done
    assert {finding.pk for finding in page.findings} == {finding.pk for finding in findings}
    assert page.summary.results.other_than_satisfied == 2  # one objective of AC-2 and IA-5
    assert page.summary.results.determined == page.summary.results.objectives_in_scope
    assert sum(family.controls for family in page.families) == active
    assert sum(family.other_than_satisfied for family in page.families) == 2

    sentences = " ".join(page.summary.sentences)
    levels = sorted({finding.risk_level for finding in findings})
    assert "Traffic Signal Control (TSC)" in sentences
    assert "security categorization is Low" in sentences
    assert (
        f"{active} controls protect it (from the LOW baseline): {active} implemented" in sentences
    )
    assert "2 other than satisfied" in sentences
    assert f"2 findings are not closed (2 {levels[0].replace('_', ' ')} risk)" in sentences
    assert "The POA&M holds 2 items (2 ongoing)" in sentences
    assert "has not recorded the risk determination yet" in sentences

    client.force_login(personas.authorizing_official)
    body = client.get(reverse("rmf:authorize", args=[authorization.pk])).content.decode()
    assert "Submit the package" not in body  # the system team submits it
    assert "The system team (system owner, ISSO, planners) submits the package." in body
    assert body.count('class="badge done">Complete</span>') == 3

    client.force_login(personas.member)
    url = reverse("rmf:authorize", args=[authorization.pk])
    body = client.get(url).content.decode()
    assert "Submit the package" in body
    for heading in ("System security plan", "Security assessment report", "Executive summary"):
        assert heading in body
    for finding in findings:
        assert finding.code in body
    for item in PoamItem.objects.filter(authorization=authorization):
        assert item.code in body
    submitted = client.post(
        reverse("rmf:package_submit", args=[authorization.pk]),
        {"note": "Ready for review."},
        follow=True,
    )
    assert "The package is submitted to the authorizing official (R-1)." in _messages(submitted)
    signoff = TaskSignoff.objects.get(authorization=authorization, task="R-1")
    assert signoff.signed_by == personas.member and signoff.note == "Ready for review."
    events = AuditEvent.objects.filter(action="task_signoff")
    assert [event.changes["task"][1] for event in events].count("R-1") == 1
    body = submitted.content.decode()
    assert "The package is submitted" in body and "Submit the package</button>" not in body

    # The determination, once recorded, is part of the summary.
    risk_determination_record(
        actor=personas.authorizing_official,
        authorization=authorization,
        risk_level="moderate",
        rationale="Two account weaknesses, planned.",
    )
    sentences = " ".join(package_page(authorization).summary.sentences)
    assert "determined the risk of operating the system as moderate" in sentences


def test_the_package_names_the_laws_regulations_and_policies(client, personas):
    authorization = cycle_in_authorize(personas)
    # None named: no key, so packages signed before the field existed keep their hash.
    assert "laws_regulations" not in package_content(authorization)["system"]
    client.force_login(personas.viewer)
    url = reverse("rmf:authorize", args=[authorization.pk])
    assert "None named by the organization." in client.get(url).content.decode()
    system_update(
        actor=None,
        system=authorization.system,
        laws_regulations=" State data breach notification law\n\n  City IT policy 4.2 \n",
    )
    laws = package_content(authorization)["system"]["laws_regulations"]
    assert laws == ["State data breach notification law", "City IT policy 4.2"]
    body = client.get(url).content.decode()
    listed = body[body.index('<ul class="plain" id="package-laws">') :]
    listed = listed[: listed.index("</ul>")]
    assert "<li>State data breach notification law</li><li>City IT policy 4.2</li>" in listed


def test_termination_suggestions():
    from datetime import date

    assert add_months(date(2024, 8, 31), 6) == date(2025, 2, 28)
    assert add_months(date(2024, 2, 29), 36) == date(2027, 2, 28)
    assert suggested_termination("ato", date(2025, 5, 1)) == date(2028, 5, 1)
    assert suggested_termination("ato_conditions", date(2025, 5, 1)) == date(2028, 5, 1)
    assert suggested_termination("iatt", date(2025, 5, 1)) == date(2025, 11, 1)
    assert suggested_termination("denial", date(2025, 5, 1)) is None


# --- a fixed number of queries --------------------------------------------------------------


def queries(client, url: str) -> int:
    client.get(url)  # process-wide caches warm up
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(captured.captured_queries)


@pytest.fixture
def cycles(personas):
    """The same assessment on a LOW (149 controls) and a HIGH (370) cycle: plan approved, two
    controls determined, one finding rated."""
    low = cycle_in_assess(personas)
    high_system = make_system(personas.agency, "Signal Priority", "TSP")
    system_assessor_grant(actor=None, system=high_system, user=personas.assessor)
    high = cycle_in_assess(personas, high_system, types=(TYPE_HIGH,))
    for cycle in (low, high):
        assessment = plan_approved(personas, cycle)
        determine_control(personas, assessment, control(cycle, "ac-2"), failing=2)
        determine_control(personas, assessment, control(cycle, "ia-5"), failing=1)
        rate_findings(personas, assessment)
    assert high.selected_controls.filter(tailoring="baseline").count() == 370
    return {"low": low, "high": high}


def test_the_authorize_pages_and_api_take_a_fixed_number_of_queries(
    client, api_client, personas, cycles
):
    client.force_login(personas.authorizing_official)
    api_client.force_authenticate(personas.authorizing_official)
    counts = {}
    for name, cycle in cycles.items():
        counts[name] = tuple(
            queries(client if not url.startswith("/api/") else api_client, url)
            for url in (
                reverse("rmf:authorize", args=[cycle.pk]),
                reverse("rmf:authorize_risk", args=[cycle.pk]),
                reverse("rmf:authorize_decision", args=[cycle.pk]),
                f"/api/v1/authorizations/{cycle.pk}/package/",
                f"/api/v1/authorizations/{cycle.pk}/risk/",
            )
        )
    assert counts["low"] == counts["high"], counts
    package, risk, decision, api_package, api_risk = counts["high"]
    assert package <= 40 and risk <= 40 and decision <= 50, counts
    assert api_package <= 30 and api_risk <= 30, counts
