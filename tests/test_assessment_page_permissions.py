"""Who reaches which Assess page and action: every view, every persona. Not allowed looks like
missing (404), and a refused action changes nothing; anonymous visitors are sent to sign in.
The assessor is assigned through the service as the authorizing official would."""

from datetime import timedelta

import pytest
from django.urls import reverse

from assets.models import AuditEvent
from tests.assessment_steps import TODAY
from tests.test_assessment_api_permissions import (
    ASSESSORS,
    AUTHORIZERS,
    MANAGERS,
    ORGANIZATION_READERS,
    PERSONAS,
    READERS,
    TEAM,
    assess_world,
)
from tests.test_rmf_cycles import cycle_in_select

pytestmark = pytest.mark.django_db

RISK_LEVELS = ("very_low", "low", "moderate", "high", "very_high")


def _pages(world) -> list[tuple[str, frozenset]]:
    return [
        (reverse("rmf:assess", args=[world["cycle"]]), READERS),
        (reverse("rmf:assessment_plan", args=[world["cycle"]]), READERS),
        (reverse("rmf:assessment_controls", args=[world["assessment"]]), READERS),
        (
            reverse("rmf:assessment_controls", args=[world["assessment"]]) + "?family=ac&result=x",
            READERS,
        ),
        (reverse("rmf:control_assessment", args=[world["assessment"], world["ac8"]]), READERS),
        (reverse("rmf:assessment_findings", args=[world["assessment"]]), READERS),
        (reverse("rmf:finding", args=[world["open_finding"]]), READERS),
        (reverse("rmf:poam", args=[world["cycle"]]), READERS),
        (reverse("rmf:poam_item", args=[world["item"]]), READERS),
        (reverse("rmf:risk_table", args=[world["agency"]]), ORGANIZATION_READERS),
    ]


def _actions(world) -> list[tuple[str, dict, frozenset]]:
    """(url, data, who may) for every POST, in an order where each allowed one succeeds."""
    objective = world["objective"]
    version = world["versions"][objective]
    return [
        (
            reverse("rmf:assessor_assign", args=[world["cycle"]]),
            {"assessor": world["third"]},
            AUTHORIZERS,
        ),
        (
            reverse("rmf:assessor_unassign", args=[world["cycle"], world["second"]]),
            {"reason": "Moved to another contract."},
            AUTHORIZERS,
        ),
        (
            reverse("rmf:assessment_plan", args=[world["parking"]]),
            {
                "title": "PRK assessment",
                "scope": "all",
                "starts_on": TODAY.isoformat(),
                "ends_on": (TODAY + timedelta(days=5)).isoformat(),
                "methods": ["examine"],
            },
            ASSESSORS,
        ),
        (reverse("rmf:assessment_plan_approve", args=[world["draft"]]), {}, AUTHORIZERS),
        (
            reverse("rmf:control_assessment", args=[world["assessment"], world["ac8"]]),
            {
                f"{objective}-result": "not_applicable",
                f"{objective}-note": "Not deployed here.",
                f"{objective}-expected_version": version,
                f"{objective}-shown": "as opened",
            },
            ASSESSORS,
        ),
        (
            reverse("rmf:finding", args=[world["open_finding"]]),
            {
                "weakness": "Shared account.",
                "likelihood": "high",
                "impact": "high",
                "recommendation": "Named accounts.",
            },
            ASSESSORS,
        ),
        (
            reverse("rmf:remediation_record", args=[world["open_finding"]]),
            {"description": "Accounts split.", "completed_on": TODAY.isoformat()},
            TEAM,
        ),
        (
            reverse("rmf:finding_reassess", args=[world["submitted_finding"]]),
            {"result": "satisfied", "note": "Checked."},
            ASSESSORS,
        ),
        (reverse("rmf:poam_generate", args=[world["cycle"]]), {}, TEAM),
        (
            reverse("rmf:poam_item", args=[world["item"]]),
            {
                "point_of_contact": "Signal shop lead",
                "resources": "",
                "scheduled_completion": (TODAY + timedelta(days=40)).isoformat(),
                "status": "ongoing",
            },
            TEAM,
        ),
        (
            reverse("rmf:poam_milestone_add", args=[world["item"]]),
            {"description": "Vendor patch", "due_on": (TODAY + timedelta(days=9)).isoformat()},
            TEAM,
        ),
        (
            reverse("rmf:poam_milestone_complete", args=[world["milestone"]]),
            {"completed_on": TODAY.isoformat()},
            TEAM,
        ),
        (reverse("rmf:poam_milestone_remove", args=[world["spare_milestone"]]), {}, TEAM),
        (
            reverse("rmf:risk_table", args=[world["agency"]]),
            {
                f"{likelihood}__{impact}": "moderate"
                for likelihood in RISK_LEVELS
                for impact in RISK_LEVELS
            },
            MANAGERS,
        ),
        (reverse("rmf:risk_table_reset", args=[world["agency"]]), {}, MANAGERS),
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_page_and_action_for_the_persona(client, personas, persona):
    world = assess_world(personas)
    user = getattr(personas, persona)
    client.force_login(user)
    for url, readers in _pages(world):
        assert client.get(url).status_code == (200 if persona in readers else 404), url
    for url, data, allowed in _actions(world):
        before = AuditEvent.objects.count()
        response = client.post(url, data)
        if persona in allowed:
            assert response.status_code == 302, (url, response.status_code)
            if "generate" not in url:  # every finding already has its item
                assert AuditEvent.objects.order_by("-pk").first().actor == user, url
                assert AuditEvent.objects.count() > before, url
        else:
            assert response.status_code == 404, url
            assert AuditEvent.objects.count() == before, url


def test_readers_see_no_form_they_cannot_use(client, personas):
    world = assess_world(personas)
    control_page = reverse("rmf:control_assessment", args=[world["assessment"], world["ac8"]])
    finding = reverse("rmf:finding", args=[world["open_finding"]])
    item = reverse("rmf:poam_item", args=[world["item"]])
    overview = reverse("rmf:assess", args=[world["cycle"]])
    client.force_login(personas.viewer)
    for url in (control_page, finding, item, overview):
        main = client.get(url).content.decode().split("<main", 1)[1]  # after the sign-out form
        assert 'method="post"' not in main, url
    client.force_login(personas.member)  # the system team: remediation and POA&M only
    assert 'name="save"' not in client.get(control_page).content.decode()
    page = client.get(finding).content.decode()
    assert "Record a remediation" in page and "Save F-001" not in page
    assert "Save POAM-" in client.get(item).content.decode()
    client.force_login(personas.assessor)  # determinations and findings, no POA&M edits
    assert 'name="save"' in client.get(control_page).content.decode()
    page = client.get(finding).content.decode()
    assert "Save F-001" in page and "Record a remediation" not in page
    assert "Save POAM-" not in client.get(item).content.decode()
    client.force_login(personas.authorizing_official)
    page = client.get(overview).content.decode()
    assert "Assign an assessor" in page and "Unassign" in page
    assert 'name="save"' not in client.get(control_page).content.decode()


def test_missing_objects_give_the_same_404(client, personas):
    client.force_login(personas.authorizing_official)
    for name in ("assess", "assessment_plan", "poam"):
        assert client.get(reverse(f"rmf:{name}", args=[987654])).status_code == 404
    for name in ("assessment_controls", "assessment_findings", "finding", "poam_item"):
        assert client.get(reverse(f"rmf:{name}", args=[987654])).status_code == 404
    assert client.get(reverse("rmf:risk_table", args=[987654])).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, personas):
    world = assess_world(personas)
    before = AuditEvent.objects.count()
    for url, _ in _pages(world):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    for url, data, _ in _actions(world):
        response = client.post(url, data)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    assert AuditEvent.objects.count() == before


def test_another_agency_s_assess_pages_are_404(client, personas):
    other = cycle_in_select(personas, personas.sibling_system)
    url = reverse("rmf:assess", args=[other.pk])
    poam = reverse("rmf:poam", args=[other.pk])
    for persona in PERSONAS:
        client.force_login(getattr(personas, persona))
        readers = {"sibling", "authorizing_official", "viewer"}  # the city's AO, the state
        expected = 200 if persona in readers else 404
        assert client.get(url).status_code == expected, persona
        assert client.get(poam).status_code == expected, persona
    client.force_login(personas.member)
    response = client.post(reverse("rmf:assessor_assign", args=[other.pk]), {"assessor": 1})
    assert response.status_code == 404
