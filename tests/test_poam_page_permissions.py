"""Who reaches which POA&M page and action in the Monitor step, every persona: the cycle's
POA&M, an item's page, the organization's list; adding an item and completing one with
evidence (the system team), re-checking (the assigned assessor), accepting the risk (the
authorizing official). Not allowed looks like missing (404) and changes nothing; anonymous
visitors are sent to sign in; each persona sees only the forms they may use, and bad input is
answered next to the field with nothing written."""

from datetime import timedelta

import pytest
from django.urls import reverse

from assets.models import AuditEvent
from rmf.models import PoamItem
from rmf.services.implementation import evidence_link_create
from tests.assessment_steps import TODAY
from tests.authorize_steps import cycle_in_monitor

pytestmark = pytest.mark.django_db

PERSONAS = ("admin", "member", "sibling", "assessor", "authorizing_official", "viewer", "outsider")
READERS = frozenset({"admin", "member", "assessor", "authorizing_official", "viewer"})
ORGANIZATION_READERS = READERS - {"assessor"}  # granted one system, not the agency
CITY_READERS = frozenset({"authorizing_official", "viewer"})
TEAM = frozenset({"member"})
ASSESSORS = frozenset({"assessor"})
AUTHORIZERS = frozenset({"authorizing_official"})


def poam_world(personas) -> dict:
    """The traffic signal system authorized and in Monitor, its two items ongoing (each with a
    milestone not completed), a scan report in the agency's evidence library."""
    cycle = cycle_in_monitor(personas)
    items = list(PoamItem.objects.filter(authorization=cycle).order_by("number"))
    evidence = evidence_link_create(
        actor=personas.member,
        organization=personas.agency,
        title="Scan report, March",
        url="https://files.example.gov/scan.pdf",
    )
    return {
        "cycle": cycle.pk,
        "first": items[0].pk,
        "second": items[1].pk,
        "version": items[0].version,
        "evidence": evidence.pk,
        "agency": personas.agency.pk,
        "city": personas.city.pk,
    }


def _pages(world) -> list[tuple[str, frozenset]]:
    return [
        (reverse("rmf:poam", args=[world["cycle"]]), READERS),
        (reverse("rmf:poam", args=[world["cycle"]]) + "?status=open&overdue=1", READERS),
        (reverse("rmf:poam_item", args=[world["first"]]), READERS),
        (reverse("rmf:organization_poam", args=[world["agency"]]), ORGANIZATION_READERS),
        (reverse("rmf:organization_poam", args=[world["city"]]) + "?risk=high", CITY_READERS),
    ]


def _actions(world) -> list[tuple[str, dict, frozenset]]:
    """(url, data, who may) for every POST, in an order where each allowed one succeeds."""
    return [
        (
            reverse("rmf:poam_item_add", args=[world["cycle"]]),
            {
                "weakness": "Default password on the web console.",
                "source": "Vulnerability scan of March",
                "risk_level": "high",
                "point_of_contact": "Signal shop lead",
                "scheduled_completion": (TODAY + timedelta(days=30)).isoformat(),
            },
            TEAM,
        ),
        (
            reverse("rmf:poam_item_complete", args=[world["first"]]),
            {
                "evidence": [world["evidence"]],
                "note": "Named accounts created.",
                "milestones_explained": "on",
                "expected_version": world["version"],
            },
            TEAM,
        ),
        (
            reverse("rmf:poam_item_recheck", args=[world["second"]]),
            {"result": "other_than_satisfied", "note": "Still one shared account."},
            ASSESSORS,
        ),
        (
            reverse("rmf:poam_item_accept_risk", args=[world["second"]]),
            {"rationale": "Reachable from the maintenance network only."},
            AUTHORIZERS,
        ),
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_page_and_action_for_the_persona(client, personas, persona):
    world = poam_world(personas)
    user = getattr(personas, persona)
    client.force_login(user)
    for url, readers in _pages(world):
        assert client.get(url).status_code == (200 if persona in readers else 404), url
    for url, data, allowed in _actions(world):
        before = AuditEvent.objects.count()
        response = client.post(url, data)
        if persona in allowed:
            assert response.status_code == 302, (url, response.status_code)
            assert AuditEvent.objects.count() > before, url
            assert AuditEvent.objects.order_by("-pk").first().actor == user, url
        else:
            assert response.status_code == 404, url
            assert AuditEvent.objects.count() == before, url


def test_anonymous_visitors_are_sent_to_sign_in(client, personas):
    world = poam_world(personas)
    before = AuditEvent.objects.count()
    for url, _ in _pages(world):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    for url, data, _ in _actions(world):
        response = client.post(url, data)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    assert AuditEvent.objects.count() == before


def test_missing_objects_give_the_same_404(client, personas):
    client.force_login(personas.authorizing_official)
    for name in ("poam", "poam_item", "organization_poam"):
        assert client.get(reverse(f"rmf:{name}", args=[987654])).status_code == 404
    for name in ("poam_item_accept_risk", "poam_item_complete", "poam_item_recheck"):
        assert client.post(reverse(f"rmf:{name}", args=[987654])).status_code == 404


def _main(client, url: str) -> str:
    return client.get(url).content.decode().split("<main", 1)[1]  # after the sign-out form


def test_each_persona_sees_only_the_forms_they_may_use(client, personas):
    world = poam_world(personas)
    item = reverse("rmf:poam_item", args=[world["first"]])
    poam = reverse("rmf:poam", args=[world["cycle"]])
    client.force_login(personas.viewer)
    for url in (item, poam):
        assert 'method="post"' not in _main(client, url), url
    client.force_login(personas.member)
    page = _main(client, item)
    assert "Complete POAM-001" in page and "Scan report, March" in page
    assert "Save POAM-001" in page
    assert "Accept the risk of" not in page and "Record the re-check" not in page
    assert "Add the item" in _main(client, poam)
    client.force_login(personas.assessor)
    page = _main(client, item)
    assert "Record the re-check" in page
    assert "Complete POAM-001" not in page and "Save POAM-001" not in page
    assert "Add the item" not in _main(client, poam)
    client.force_login(personas.authorizing_official)
    page = _main(client, item)
    assert "Accept the risk of POAM-001" in page
    assert "Complete POAM-001" not in page and "Record the re-check" not in page


def test_bad_input_is_answered_next_to_the_field(client, personas):
    world = poam_world(personas)
    before = AuditEvent.objects.count()
    client.force_login(personas.member)
    response = client.post(reverse("rmf:poam_item_complete", args=[world["first"]]), {})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose at least one piece of evidence" in page
    assert "Say what was done to correct the weakness." in page
    assert "1 milestone(s) are not completed" in page
    response = client.post(
        reverse("rmf:poam_item_add", args=[world["cycle"]]),
        {"weakness": "Open port.", "scheduled_completion": "not a date"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter a valid date." in page and '<details class="poam-add" open>' in page
    client.force_login(personas.authorizing_official)
    response = client.post(
        reverse("rmf:poam_item_accept_risk", args=[world["first"]]), {"rationale": " "}
    )
    assert response.status_code == 400
    assert "Say why the risk is accepted" in response.content.decode()
    assert AuditEvent.objects.count() == before
    assert set(PoamItem.objects.values_list("status", flat=True)) == {"ongoing"}


def test_a_settled_item_shows_what_settled_it_and_its_history(client, personas):
    world = poam_world(personas)
    client.force_login(personas.member)
    response = client.post(
        reverse("rmf:poam_item_complete", args=[world["first"]]),
        {
            "evidence": [world["evidence"]],
            "note": "Named accounts created; the shared account disabled.",
            "milestones_explained": "on",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "POAM-001 is completed." in page
    assert "Named accounts created; the shared account disabled." in page
    history = page.split('id="history"', 1)[1]
    assert history.index("Completed with evidence") < history.index("Milestone added")
    assert history.index("Milestone added") < history.index("Created from the assessment")
    assert "Complete POAM-001" not in page and "Save POAM-001" not in page
    client.force_login(personas.assessor)
    response = client.post(
        reverse("rmf:poam_item_recheck", args=[world["second"]]),
        {"result": "other_than_satisfied", "note": "Still one shared account."},
        follow=True,
    )
    page = response.content.decode()
    assert "Your re-check of POAM-002 is recorded." in page
    assert "Latest re-check" in page and "Still one shared account." in page
