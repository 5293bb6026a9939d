"""The audit trail is readable by organization administrators only, filtered by organization."""

import pytest
from django.urls import reverse

from assets.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_admin_reads_own_organizations_events_only(client, api_client, personas):
    client.force_login(personas.admin)
    page = client.get(reverse("assets:audit_event_list"))
    assert page.status_code == 200
    organizations = {event.organization for event in page.context["page_obj"]}
    assert organizations == {personas.agency}
    api_client.force_authenticate(personas.admin)
    data = api_client.get(reverse("api-audit-event-list")).json()
    assert data["count"] == AuditEvent.objects.filter(organization=personas.agency).count()
    assert {row["organization"] for row in data["results"]} == {personas.agency.pk}
    assert "changes" in data["results"][0]


@pytest.mark.parametrize(
    "persona", ["member", "sibling", "assessor", "authorizing_official", "viewer", "outsider"]
)
def test_others_see_no_events(client, api_client, personas, persona):
    user = getattr(personas, persona)
    client.force_login(user)
    assert len(client.get(reverse("assets:audit_event_list")).context["page_obj"]) == 0
    api_client.force_authenticate(user)
    assert api_client.get(reverse("api-audit-event-list")).json()["count"] == 0


def test_anonymous_gets_nothing(client, api_client, personas):
    assert client.get(reverse("assets:audit_event_list")).status_code == 302
    assert api_client.get(reverse("api-audit-event-list")).status_code in (401, 403)


def test_filters_and_constant_queries(client, personas, django_assert_max_num_queries):
    client.force_login(personas.admin)
    response = client.get(reverse("assets:audit_event_list"), {"action": "membership_grant"})
    assert {event.action for event in response.context["page_obj"]} == {"membership_grant"}
    with django_assert_max_num_queries(15) as first:
        client.get(reverse("assets:audit_event_list"))
    from assets.services import membership_grant
    from tests.factories import UserFactory

    for number in range(20):
        membership_grant(
            actor=personas.admin,
            organization=personas.agency,
            user=UserFactory(username=f"extra{number}"),
            role="viewer",
        )
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(reverse("assets:audit_event_list"))
