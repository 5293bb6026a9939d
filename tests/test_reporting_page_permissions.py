"""Who opens the reporting pages: the organization's dashboard, authorizations and status
report (VIEW on the organization), the system's status report (VIEW on the system), and the
main navigation's dashboard entry. Other agencies and outsiders get the same 404 as for a
page that does not exist; anonymous visitors are sent to sign in."""

import pytest
from django.urls import reverse

from tests.reporting_steps import agency_systems, decide

pytestmark = pytest.mark.django_db

READS = {
    # persona: (reads personas.system, reads its agency)
    "member": (True, True),
    "admin": (True, True),
    "sibling": (False, False),
    "assessor": (True, False),
    "authorizing_official": (True, True),
    "viewer": (True, True),
    "outsider": (False, False),
}


def _pages(personas) -> list[tuple[str, str]]:
    agency = personas.agency.pk
    return [
        (reverse("rmf:organization_dashboard", args=[agency]), "organization"),
        (reverse("rmf:organization_authorizations", args=[agency]), "organization"),
        (reverse("rmf:organization_status_report", args=[agency]), "organization"),
        (reverse("rmf:system_status_report", args=[personas.system.pk]), "system"),
    ]


@pytest.mark.parametrize("persona", list(READS))
def test_who_opens_each_page(client, personas, persona):
    decide(personas, personas.system, days=40)
    client.force_login(getattr(personas, persona))
    for url, scope in _pages(personas):
        reads = READS[persona][0 if scope == "system" else 1]
        response = client.get(url)
        assert response.status_code == (200 if reads else 404), (persona, url)
        if reads and scope == "system":
            assert "Authorized to operate" in response.content.decode()
        assert client.post(url).status_code in (404, 405), (persona, url)
    assert client.get(reverse("rmf:dashboard_home")).status_code in (200, 302)


def test_anonymous_visitors_are_sent_to_sign_in(client, personas):
    for url, _scope in [*_pages(personas), (reverse("rmf:dashboard_home"), "")]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url, url


def test_a_missing_organization_or_system_is_the_same_404(client, personas):
    client.force_login(personas.viewer)
    for name in (
        "rmf:organization_dashboard",
        "rmf:organization_authorizations",
        "rmf:organization_status_report",
        "rmf:system_status_report",
    ):
        assert client.get(reverse(name, args=[999999])).status_code == 404, name


def test_the_city_pages_list_what_the_reader_may_see(client, personas):
    """The authorizing official of the city reads both agencies; the member of one agency
    reads its own, and never the other agency's systems."""
    (fleet,) = agency_systems(personas, 1, organization=personas.sibling_agency, prefix="Fleet")
    decide(personas, fleet, days=10)
    url = reverse("rmf:organization_authorizations", args=[personas.city.pk])
    client.force_login(personas.authorizing_official)
    assert "Fleet sensors 0" in client.get(url).content.decode()
    client.force_login(personas.member)
    assert client.get(url).status_code == 404  # an agency member does not read the city
    own = client.get(reverse("rmf:organization_authorizations", args=[personas.agency.pk]))
    assert "Fleet sensors 0" not in own.content.decode()
    client.force_login(personas.assessor)
    report = client.get(reverse("rmf:system_status_report", args=[fleet.pk]))
    assert report.status_code == 404  # only the system granted to them
