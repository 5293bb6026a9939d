"""Creating agencies and editing organizations: administrators only, validated, audited."""

import pytest
from django.urls import reverse

from assets.models import AuditEvent, Organization

pytestmark = pytest.mark.django_db


def test_admin_adds_a_department_in_the_browser(client, personas):
    client.force_login(personas.admin)
    url = reverse("assets:organization_child_create", args=[personas.agency.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"name": "Traffic Operations", "short_name": "TOPS", "kind": "agency"}
    )
    child = Organization.objects.get(name="Traffic Operations")
    assert response.status_code == 302
    assert child.parent == personas.agency
    assert child.path == f"{personas.agency.path}{child.pk}/"
    assert personas.admin.has_perm("assets.manage_organization", child)
    event = AuditEvent.objects.get(action="organization_create", object_id=str(child.pk))
    assert event.actor == personas.admin
    assert event.changes["name"] == [None, "Traffic Operations"]


def test_invalid_input_keeps_what_was_typed_and_saves_nothing(client, personas):
    client.force_login(personas.admin)
    url = reverse("assets:organization_child_create", args=[personas.agency.pk])
    count = Organization.objects.count()
    response = client.post(url, {"name": "", "short_name": "KEEP", "kind": "city"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "This field is required." in body
    assert 'value="KEEP"' in body
    wrong_kind = client.post(url, {"name": "Gotham", "kind": "city"})
    assert wrong_kind.status_code == 400
    assert "cannot be created inside a agency" in wrong_kind.content.decode().replace("an ", "a ")
    assert Organization.objects.count() == count


def test_update_records_before_and_after(api_client, personas):
    api_client.force_authenticate(personas.admin)
    response = api_client.patch(
        reverse("api-organization-update", args=[personas.agency.pk]),
        {"name": "Department of Transportation and Mobility"},
        format="json",
    )
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="organization_update")
    assert event.changes == {
        "name": ["Department of Transportation", "Department of Transportation and Mobility"]
    }


@pytest.mark.parametrize("persona", ["member", "sibling", "assessor", "viewer", "outsider"])
def test_non_administrators_cannot_create_or_edit(client, api_client, personas, persona):
    user = getattr(personas, persona)
    client.force_login(user)
    assert (
        client.get(reverse("assets:organization_update", args=[personas.agency.pk])).status_code
        == 404
    )
    api_client.force_authenticate(user)
    response = api_client.post(
        reverse("api-organization-child-create", args=[personas.agency.pk]),
        {"name": "Shadow IT", "kind": "agency"},
        format="json",
    )
    assert response.status_code == 404
    assert not Organization.objects.filter(name="Shadow IT").exists()


def test_api_creates_child_with_validation(api_client, personas):
    api_client.force_authenticate(personas.admin)
    url = reverse("api-organization-child-create", args=[personas.agency.pk])
    bad = api_client.post(url, {"name": "X", "kind": "planet"}, format="json")
    assert bad.status_code == 400
    created = api_client.post(url, {"name": "Parking Services", "kind": "agency"}, format="json")
    assert created.status_code == 201
    assert created.json()["parent"] == personas.agency.pk
    duplicate = api_client.post(url, {"name": "Parking Services", "kind": "agency"}, format="json")
    assert duplicate.status_code == 400
