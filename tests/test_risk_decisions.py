"""The authorizing official's risk page (R-2, R-3): the findings not closed with their risk and
POA&M, the risk aggregated per control family and per CSF 2.0 function (a registry rmf exposes
and csf fills), the risk determination and a response per finding, with their task states,
messages next to the fields, conflicts, and nothing written on a refusal."""

import pytest
from django.urls import reverse

from assets.models import AuditEvent
from csf.risk_groups import csf_functions_of
from rmf.models import Finding, RiskDetermination, RiskResponse
from rmf.selectors.authorize_pages import risk_by_group, risk_groupings
from rmf.selectors.workflow import cycle_facts, task_states
from rmf.services.authorize import risk_determination_record
from tests.authorize_steps import cycle_in_authorize
from tests.test_rmf_cycles import cycle_in_assess

pytestmark = pytest.mark.django_db


def states(authorization) -> dict:
    return {state.code: state for state in task_states(cycle_facts(authorization))}


def _messages(response) -> str:
    return " ".join(str(message) for message in response.context["messages"])


def test_csf_functions_of_controls(db):
    # AC-2 supports Protect and Detect, IA-5 Protect; the enhancement AC-2(1), not mapped by
    # NIST itself, takes its base control's; AC-8 has no CSF 2.0 mapping.
    grouped = csf_functions_of(["ac-2", "ia-5", "ac-2.1", "ac-8"])
    assert list(grouped.groups)[:6] == ["GV", "ID", "PR", "DE", "RS", "RC"]
    assert grouped.groups["PR"] == "PR Protect"
    assert grouped.of_control == {
        "ac-2": ["PR", "DE"],
        "ia-5": ["PR"],
        "ac-2.1": ["PR", "DE"],
        "ac-8": ["none"],
    }
    assert grouped.groups["none"] == "Not mapped to CSF 2.0"
    assert "none" not in csf_functions_of(["ia-5"]).groups
    assert {grouping.key for grouping in risk_groupings()} >= {"family", "csf_function"}


def test_the_risk_page_aggregates_and_records(client, personas):
    authorization = cycle_in_authorize(personas)
    findings = list(
        Finding.objects.filter(assessment__authorization=authorization).order_by("number")
    )
    level = findings[0].risk_level
    assert level and {finding.risk_level for finding in findings} == {level}
    tables = {table.key: table for table in risk_by_group(findings)}
    family = {row.key: row for row in tables["family"].rows}
    assert set(family) == {"ac", "ia"}
    assert family["ac"].counts[level] == 1 and family["ac"].highest == level
    csf = {row.key: row for row in tables["csf_function"].rows}
    assert list(csf)[:6] == ["GV", "ID", "PR", "DE", "RS", "RC"]
    assert csf["PR"].total == 2 and csf["DE"].total == 1 and csf["GV"].total == 0
    assert csf["GV"].highest == ""

    url = reverse("rmf:authorize_risk", args=[authorization.pk])
    client.force_login(personas.authorizing_official)
    body = client.get(url).content.decode()
    for finding in findings:
        assert f'id="finding-{finding.pk}"' in body
        assert f"Respond to {finding.code}" in body
    assert 'id="risk-by-family"' in body and 'id="risk-by-csf_function"' in body
    assert "PR Protect" in body and "POAM-001" in body
    assert not states(authorization)["R-2"].done and not states(authorization)["R-3"].done

    # A determination without a rationale: the service's message next to the field.
    refused = client.post(url, {"risk_level": "moderate", "rationale": " "})
    assert refused.status_code == 400
    assert "Say why" in refused.content.decode()
    assert refused.context["determination_form"].errors["rationale"]
    assert not RiskDetermination.objects.exists()
    recorded = client.post(
        url, {"risk_level": "moderate", "rationale": "Two weaknesses, both planned."}, follow=True
    )
    assert "The risk determination is recorded (R-2)." in _messages(recorded)
    determination = RiskDetermination.objects.get()
    assert determination.risk_level == "moderate" and determination.version == 1
    assert states(authorization)["R-2"].done
    assert 'id="determination-recorded"' in recorded.content.decode()

    # Someone else saved a new version meanwhile: 409, their version shown, nothing written.
    risk_determination_record(
        actor=personas.authorizing_official,
        authorization=authorization,
        risk_level="high",
        rationale="Raised after the review.",
        expected_version=1,
    )
    conflict = client.post(
        url, {"risk_level": "low", "rationale": "Lowered.", "expected_version": "1"}
    )
    assert conflict.status_code == 409
    assert "Raised after the review." in conflict.content.decode()
    assert conflict.context["determination_form"].data["expected_version"] == "2"
    assert RiskDetermination.objects.get().risk_level == "high"

    # A response per finding; without a choice the field says so.
    first, second = findings
    respond = reverse("rmf:risk_response", args=[first.pk])
    prefix = f"finding-{first.pk}"
    refused = client.post(respond, {f"{prefix}-rationale": "Because."})
    assert refused.status_code == 400
    assert "Choose accept, mitigate, avoid" in refused.content.decode()
    assert not RiskResponse.objects.exists()
    done = client.post(
        respond,
        {f"{prefix}-response": "accept", f"{prefix}-rationale": "Console access is logged."},
    )
    assert done.status_code == 302 and done["Location"].endswith(f"#finding-{first.pk}")
    assert "1 finding(s)" in " ".join(states(authorization)["R-3"].missing)
    second_prefix = f"finding-{second.pk}"
    client.post(
        reverse("rmf:risk_response", args=[second.pk]),
        {f"{second_prefix}-response": "mitigate", f"{second_prefix}-rationale": "POA&M item."},
    )
    assert states(authorization)["R-3"].done
    assert dict(RiskResponse.objects.values_list("finding", "response")) == {
        first.pk: "accept",
        second.pk: "mitigate",
    }
    assert AuditEvent.objects.filter(action="risk_response_record").count() == 2
    assert AuditEvent.objects.filter(action="risk_determination_record").count() == 2
    body = client.get(url).content.decode()
    assert "Console access is logged." in body and "Change the response to" in body

    # The system team reads the page but records nothing.
    client.force_login(personas.member)
    body = client.get(url).content.decode()
    assert "Record the determination" not in body and "Respond to" not in body
    assert client.post(url, {"risk_level": "low", "rationale": "x"}).status_code == 404
    assert client.post(respond, {f"{prefix}-response": "avoid"}).status_code == 404
    assert RiskDetermination.objects.get().risk_level == "high"


def test_the_risk_is_recorded_from_the_authorize_step_on(client, personas):
    authorization = cycle_in_assess(personas)
    url = reverse("rmf:authorize_risk", args=[authorization.pk])
    client.force_login(personas.authorizing_official)
    body = client.get(url).content.decode()
    assert "The risk is determined from the Authorize step on" in body
    assert "Record the determination" not in body
    response = client.post(url, {"risk_level": "low", "rationale": "Early."}, follow=True)
    assert "from the Authorize step on" in _messages(response)
    assert not RiskDetermination.objects.exists()
    assert not AuditEvent.objects.filter(action="risk_determination_record").exists()
