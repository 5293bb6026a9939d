"""Who sees which organization: one rule for pages, lists and the API; same 404 for all refusals."""

import pytest
from django.urls import reverse

from assets.models import Organization

pytestmark = pytest.mark.django_db

# persona -> organizations (by fixture attribute) they may see
VISIBLE = {
    "admin": {"agency"},
    "member": {"agency"},
    "sibling": {"sibling_agency"},
    "assessor": set(),  # granted one system, no organization
    "authorizing_official": {"city", "agency", "sibling_agency"},
    "viewer": {"state", "city", "agency", "sibling_agency"},
    "outsider": set(),
}
ORGS = ("state", "city", "agency", "sibling_agency")


@pytest.mark.parametrize("persona", sorted(VISIBLE))
def test_list_page_and_api_show_exactly_the_reachable_organizations(
    client, api_client, personas, persona
):
    user = getattr(personas, persona)
    expected = {getattr(personas, name).name for name in VISIBLE[persona]}
    client.force_login(user)
    page = client.get(reverse("assets:organization_list"))
    assert page.status_code == 200
    shown = {org.name for org in page.context["page_obj"]}
    assert shown == expected

    api_client.force_authenticate(user)
    data = api_client.get(reverse("api-organization-list")).json()
    assert data["count"] == len(expected)
    assert {row["name"] for row in data["results"]} == expected


@pytest.mark.parametrize("persona", sorted(VISIBLE))
@pytest.mark.parametrize("org_name", ORGS)
def test_detail_is_404_when_not_reachable(client, api_client, personas, persona, org_name):
    user = getattr(personas, persona)
    organization = getattr(personas, org_name)
    allowed = org_name in VISIBLE[persona]
    client.force_login(user)
    page = client.get(reverse("assets:organization_detail", args=[organization.pk]))
    assert page.status_code == (200 if allowed else 404)
    api_client.force_authenticate(user)
    response = api_client.get(reverse("api-organization", args=[organization.pk]))
    assert response.status_code == (200 if allowed else 404)


def test_missing_and_forbidden_look_the_same(client, personas):
    client.force_login(personas.member)
    missing = client.get(reverse("assets:organization_detail", args=[999999]))
    forbidden = client.get(reverse("assets:organization_detail", args=[personas.state.pk]))
    assert missing.status_code == forbidden.status_code == 404
    assert missing.content == forbidden.content


def test_anonymous_is_sent_to_login_and_api_refuses(client, api_client, personas):
    page = client.get(reverse("assets:organization_detail", args=[personas.agency.pk]))
    assert page.status_code == 302
    assert reverse("login") in page["Location"]
    assert client.get(reverse("assets:organization_list")).status_code == 302
    assert api_client.get(reverse("api-organization-list")).status_code in (401, 403)
    assert api_client.get(reverse("api-organization", args=[personas.agency.pk])).status_code in (
        401,
        403,
    )


def test_a_new_agency_is_reached_by_roles_that_cascade_from_above(api_client, personas):
    from tests.factories import make_organization

    new_agency = make_organization("Water Utility", Organization.Kind.AGENCY, personas.city)
    for persona, sees in (
        ("viewer", True),
        ("authorizing_official", True),
        ("member", False),
        ("sibling", False),
    ):
        api_client.force_authenticate(getattr(personas, persona))
        status = api_client.get(reverse("api-organization", args=[new_agency.pk])).status_code
        assert status == (200 if sees else 404), persona


def test_organization_list_query_count_does_not_grow(
    client, personas, django_assert_max_num_queries
):
    from tests.factories import make_organization

    client.force_login(personas.viewer)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("assets:organization_list"))
    for number in range(30):
        make_organization(f"Agency {number}", Organization.Kind.AGENCY, personas.city)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("assets:organization_list"))
    assert len(page.context["page_obj"]) == 34
