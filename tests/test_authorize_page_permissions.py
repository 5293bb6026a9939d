"""Who reaches which Authorize page and action: every view, every persona. Readers of the system
open the pages; the system team submits the package, an authorizing official records the risk,
and only the system's authorizing official is offered the signature. Not allowed looks like
missing (404) and changes nothing; anonymous visitors are sent to sign in."""

import pytest
from django.urls import reverse

from assets.models import AuditEvent, Role
from assets.services import membership_grant
from rmf.models import AuthorizationDecision, Finding
from tests.authorize_steps import cycle_in_authorize, ready_to_sign
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PERSONAS = ("admin", "member", "sibling", "assessor", "authorizing_official", "viewer", "outsider")
READERS = {"admin", "member", "assessor", "authorizing_official", "viewer"}


@pytest.fixture
def cycle(personas):
    return cycle_in_authorize(personas)


def _pages(cycle):
    return [
        reverse("rmf:authorize", args=[cycle.pk]),
        reverse("rmf:authorize_risk", args=[cycle.pk]),
        reverse("rmf:authorize_decision", args=[cycle.pk]),
    ]


def _actions(cycle):
    finding = Finding.objects.filter(assessment__authorization=cycle).first()
    prefix = f"finding-{finding.pk}"
    return [
        (reverse("rmf:package_submit", args=[cycle.pk]), {"note": "Ready."}, {"member"}),
        (
            reverse("rmf:authorize_risk", args=[cycle.pk]),
            {"risk_level": "low", "rationale": "Because."},
            {"authorizing_official"},
        ),
        (
            reverse("rmf:risk_response", args=[finding.pk]),
            {f"{prefix}-response": "accept", f"{prefix}-rationale": "Because."},
            {"authorizing_official"},
        ),
        (
            reverse("rmf:authorize_decision", args=[cycle.pk]),
            {"kind": "denial", "decision_date": "2000-01-01", "password": PASSWORD},
            {"authorizing_official"},
        ),
    ]


def test_each_page_opens_for_exactly_the_readers(client, personas, cycle):
    for persona in PERSONAS:
        client.force_login(getattr(personas, persona))
        for url in _pages(cycle):
            expected = 200 if persona in READERS else 404
            assert client.get(url).status_code == expected, (persona, url)
    client.logout()
    for url in _pages(cycle):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


def test_each_action_is_refused_to_all_but_its_role(client, personas, cycle):
    actions = _actions(cycle)
    for persona in PERSONAS:
        client.force_login(getattr(personas, persona))
        for url, data, allowed in actions:
            if persona in allowed:
                continue
            before = AuditEvent.objects.count()
            assert client.post(url, data).status_code == 404, (persona, url)
            assert AuditEvent.objects.count() == before, (persona, url)
    client.logout()
    for url, data, _ in actions:
        assert client.post(url, data).status_code == 302
    # Their roles reach them: the service then judges (the backdated decision is refused).
    for url, data, allowed in actions:
        client.force_login(getattr(personas, next(iter(allowed))))
        assert client.post(url, data).status_code in (302, 400), url
    assert not AuthorizationDecision.objects.exists()
    assert AuditEvent.objects.filter(action="risk_determination_record").count() == 1


def test_only_the_systems_authorizing_official_is_offered_the_signature(client, personas):
    cycle = ready_to_sign(personas, cycle_in_authorize(personas))
    other = UserFactory(username="other_official", first_name="Olga", last_name="Other")
    membership_grant(
        actor=None, organization=personas.city, user=other, role=Role.AUTHORIZING_OFFICIAL
    )
    url = reverse("rmf:authorize_decision", args=[cycle.pk])
    official = personas.authorizing_official.get_full_name()
    for user in (other, personas.member, personas.viewer):
        client.force_login(user)
        body = client.get(url).content.decode()
        assert "Sign the decision</button>" not in body and 'name="password"' not in body
        assert f"Only {official}, the authorizing official named for TSC" in body
    client.force_login(other)
    response = client.post(
        url,
        {"kind": "ato", "decision_date": "2030-01-01", "password": PASSWORD},
        follow=True,
    )
    assert "Only the authorizing official of TSC" in " ".join(
        str(message) for message in response.context["messages"]
    )
    assert not AuthorizationDecision.objects.exists()
    client.force_login(personas.authorizing_official)
    body = client.get(url).content.decode()
    assert "Sign the decision</button>" in body and 'autocomplete="current-password"' in body
