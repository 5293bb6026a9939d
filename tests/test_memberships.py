"""Granting and revoking roles: only administrators, validated, audited, effective at once."""

import pytest
from django.urls import reverse

from assets.models import AuditEvent, Membership, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_admin_grants_a_role_in_the_browser_and_it_takes_effect(client, personas):
    newcomer = UserFactory(username="newcomer")
    client.force_login(personas.admin)
    response = client.post(
        reverse("assets:membership_grant", args=[personas.agency.pk]),
        {"username": "newcomer", "role": Role.VIEWER},
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user=newcomer, organization=personas.agency).exists()
    assert newcomer.has_perm("assets.view_organization", personas.agency)
    event = AuditEvent.objects.get(action="membership_grant", actor=personas.admin)
    assert event.organization == personas.agency
    assert event.changes["role"] == [None, "Viewer"]


def test_grant_form_errors_are_shown_next_to_the_field_and_nothing_changes(client, personas):
    client.force_login(personas.admin)
    before = Membership.objects.count()
    response = client.post(
        reverse("assets:membership_grant", args=[personas.agency.pk]),
        {"username": "nobody-by-that-name", "role": Role.VIEWER},
    )
    assert response.status_code == 400
    assert "No account is named" in response.content.decode()
    duplicate = client.post(
        reverse("assets:membership_grant", args=[personas.agency.pk]),
        {"username": "member", "role": Role.PLANNER},
    )
    assert duplicate.status_code == 400
    assert "already holds this role" in duplicate.content.decode()
    assert Membership.objects.count() == before


@pytest.mark.parametrize(
    "persona", ["member", "sibling", "assessor", "authorizing_official", "viewer", "outsider"]
)
def test_only_administrators_grant_roles(client, api_client, personas, persona):
    user = getattr(personas, persona)
    client.force_login(user)
    response = client.post(
        reverse("assets:membership_grant", args=[personas.agency.pk]),
        {"username": persona, "role": Role.ORG_ADMIN},
    )
    assert response.status_code == 404
    api_client.force_authenticate(user)
    api = api_client.post(
        reverse("api-membership-grant", args=[personas.agency.pk]),
        {"username": persona, "role": Role.ORG_ADMIN},
        format="json",
    )
    assert api.status_code == 404
    assert not Membership.objects.filter(user=user, role=Role.ORG_ADMIN).exists()


def test_revoke_over_the_api_removes_access_and_is_audited(api_client, personas):
    membership = Membership.objects.get(user=personas.member, organization=personas.agency)
    api_client.force_authenticate(personas.admin)
    response = api_client.post(
        reverse("api-membership-revoke", args=[membership.pk]),
        {"reason": "moved to another department"},
        format="json",
    )
    assert response.status_code == 204
    member = type(personas.member).objects.get(pk=personas.member.pk)  # fresh permission cache
    assert not member.has_perm("assets.view_organization", personas.agency)
    event = AuditEvent.objects.get(action="membership_revoke")
    assert event.reason == "moved to another department"
    assert event.changes["role"] == ["Planner", None]


def test_an_administrator_cannot_remove_their_own_administrator_role(api_client, personas):
    own = Membership.objects.get(user=personas.admin, role=Role.ORG_ADMIN)
    api_client.force_authenticate(personas.admin)
    response = api_client.post(reverse("api-membership-revoke", args=[own.pk]), {}, format="json")
    assert response.status_code == 400
    assert Membership.objects.filter(pk=own.pk).exists()


def test_api_grant_validates_role_and_user(api_client, personas):
    api_client.force_authenticate(personas.admin)
    url = reverse("api-membership-grant", args=[personas.agency.pk])
    bad_role = api_client.post(url, {"username": "outsider", "role": "mayor"}, format="json")
    assert bad_role.status_code == 400
    assert "role" in bad_role.json()
    no_user = api_client.post(url, {"username": "ghost", "role": "viewer"}, format="json")
    assert no_user.status_code == 400
    assert "username" in no_user.json()
    listing = api_client.get(reverse("api-membership-list", args=[personas.agency.pk])).json()
    assert {row["username"] for row in listing["results"]} == {"admin", "member"}
