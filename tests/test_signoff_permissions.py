"""Who may give or withdraw a sign-off follows the task table: the system team submits the
package (R-1), the authorizing official approves the categorization and the plan (C-3, S-6).
Pages and API alike; anybody else gets the same 404 as for a missing cycle, and the cycle page
offers each person only the sign-offs they may give."""

import pytest
from django.urls import reverse

from rmf.models import TaskSignoff
from tests.authorize_steps import cycle_in_authorize

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(personas):
    return cycle_in_authorize(personas)


def test_the_system_team_submits_the_package_on_the_cycle_page(client, personas, cycle):
    url = reverse("rmf:task_signoff", args=[cycle.pk])
    client.force_login(personas.authorizing_official)
    assert client.post(url, {"task": "R-1", "note": "x"}).status_code == 404
    page = client.get(reverse("rmf:authorization_detail", args=[cycle.pk])).content.decode()
    assert 'value="R-1"' not in page
    client.force_login(personas.member)
    page = client.get(reverse("rmf:authorization_detail", args=[cycle.pk])).content.decode()
    assert 'value="R-1"' in page
    response = client.post(url, {"task": "R-1", "note": "Ready."})
    assert response.status_code == 302
    assert TaskSignoff.objects.get(authorization=cycle, task="R-1").signed_by == personas.member
    withdraw = reverse("rmf:task_signoff_withdraw", args=[cycle.pk])
    assert client.post(withdraw, {"task": "R-1", "reason": "One more scan."}).status_code == 302
    assert not TaskSignoff.objects.filter(authorization=cycle, task="R-1").exists()


def test_the_team_does_not_approve_what_the_official_approves(client, personas, cycle):
    client.force_login(personas.member)
    url = reverse("rmf:task_signoff_withdraw", args=[cycle.pk])
    assert client.post(url, {"task": "C-3", "reason": "x"}).status_code == 404
    assert TaskSignoff.objects.filter(authorization=cycle, task="C-3").exists()


def test_the_api_follows_the_same_table(api_client, personas, cycle):
    url = reverse("api-authorization-signoff", args=[cycle.pk])
    for persona in ("authorizing_official", "viewer", "assessor", "sibling"):
        api_client.force_authenticate(getattr(personas, persona))
        assert api_client.post(url, {"task": "R-1"}, format="json").status_code == 404, persona
    api_client.force_authenticate(personas.member)
    assert api_client.post(url, {"task": "R-1"}, format="json").status_code == 201
    assert api_client.post(url, {"task": "S-6"}, format="json").status_code == 404
