"""The CSF coverage pages (`/systems/<pk>/csf/`, `/organizations/<pk>/csf/coverage/`) and their
API twins (`/api/v1/csf/coverage/...`): every persona (VIEW on the system or the organization;
otherwise the same 404 as for a missing one; anonymous: to the login page, or 401), what they
show, the version switch, bad versions, the links from the system and organization pages, and
a number of queries that does not grow with the controls or the systems."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assets.models import System
from rmf.models import Assessment, Authorization, Step
from tests.factories import make_system
from tests.test_csf_coverage import assessment, cycle, determine, select

PERSONAS = ("admin", "member", "sibling", "assessor", "authorizing_official", "viewer", "outsider")
# personas.system is the agency's; the assessor is granted that system only.
SYSTEM_READERS = {"admin", "member", "assessor", "authorizing_official", "viewer"}
AGENCY_READERS = {"admin", "member", "authorizing_official", "viewer"}


@pytest.fixture
def work(personas):
    """The agency's system: AT-2 implemented and assessed satisfied, AT-3 implemented. The
    sibling agency's system: AT-2 planned."""
    authorization = cycle(personas.system)
    at2 = select(authorization, "at-2", "implemented")
    select(authorization, "at-3", "implemented")
    determine(assessment(authorization), at2, "satisfied")
    select(cycle(personas.sibling_system), "at-2", "planned")
    return personas


def _pages(personas) -> dict[str, tuple[str, set[str]]]:
    return {
        "system": (f"/systems/{personas.system.pk}/csf/", SYSTEM_READERS),
        "organization": (f"/organizations/{personas.agency.pk}/csf/coverage/", AGENCY_READERS),
        "api-system": (f"/api/v1/csf/coverage/systems/{personas.system.pk}/", SYSTEM_READERS),
        "api-organization": (
            f"/api/v1/csf/coverage/organizations/{personas.agency.pk}/",
            AGENCY_READERS,
        ),
    }


@pytest.mark.parametrize("page", ["system", "organization", "api-system", "api-organization"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_personas(client, api_client, work, page, persona):
    url, readers = _pages(work)[page]
    user = getattr(work, persona)
    if page.startswith("api"):
        api_client.force_authenticate(user)
        response = api_client.get(url)
    else:
        client.force_login(user)
        response = client.get(url)
    assert response.status_code == (200 if persona in readers else 404)


@pytest.mark.parametrize("page", ["system", "organization"])
def test_anonymous_pages_go_to_the_login_page(client, work, page):
    url, _readers = _pages(work)[page]
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("page", ["api-system", "api-organization"])
def test_anonymous_api_is_401(api_client, work, page):
    url, _readers = _pages(work)[page]
    assert api_client.get(url).status_code == 401


def test_missing_objects_are_404(client, api_client, work):
    client.force_login(work.viewer)
    api_client.force_authenticate(work.viewer)
    assert client.get("/systems/999999/csf/").status_code == 404
    assert client.get("/organizations/999999/csf/coverage/").status_code == 404
    assert api_client.get("/api/v1/csf/coverage/systems/999999/").status_code == 404
    assert api_client.get("/api/v1/csf/coverage/organizations/999999/").status_code == 404


def test_system_page_shows_levels_controls_and_what_nothing_addresses(client, work):
    client.force_login(work.member)
    response = client.get(f"/systems/{work.system.pk}/csf/")
    html = response.content.decode()

    assert response.context["version"] == "2.0"
    row = html[html.index('id="sub-PR.AT-01"') :]
    row = row[: row.index("</tr>")]
    assert "Implemented, not yet confirmed" in row
    at2 = work.system.authorizations.get().selected_controls.get(control_id="at-2")
    assert f'href="/selected-controls/{at2.pk}/"' in row
    assert "Implemented, assessed satisfied" in row
    not_addressed = response.context["coverage"].not_addressed()
    assert f"Subcategories no selected control addresses ({len(not_addressed)})" in html
    assert '<a href="#sub-GV.OC-01">GV.OC-01</a>' in html
    assert "What the coverage levels mean" in html
    assert 'href="?version=1.1"' in html


def test_system_page_version_switch_and_bad_version(client, work):
    client.force_login(work.member)
    response = client.get(f"/systems/{work.system.pk}/csf/?version=1.1")
    assert response.status_code == 200
    assert 'id="sub-PR.AT-1"' in response.content.decode()
    assert client.get(f"/systems/{work.system.pk}/csf/?version=3.0").status_code == 404


def test_system_page_without_a_cycle(client, personas):
    client.force_login(personas.member)
    html = client.get(f"/systems/{personas.system.pk}/csf/").content.decode()
    assert "The RMF has not started for this system yet" in html


def test_organization_page_counts_the_systems_of_its_subtree(client, work):
    client.force_login(work.authorizing_official)
    city = client.get(f"/organizations/{work.city.pk}/csf/coverage/")
    assert city.context["coverage"].systems == 2
    assert "Computed over the current RMF cycle of <strong>2</strong> systems you can see" in (
        city.content.decode()
    )
    agency = client.get(f"/organizations/{work.agency.pk}/csf/coverage/")
    assert agency.context["coverage"].systems == 1


def test_system_and_organization_pages_link_to_the_coverage(client, work):
    client.force_login(work.member)
    system_page = client.get(f"/systems/{work.system.pk}/").content.decode()
    assert f'href="/systems/{work.system.pk}/csf/"' in system_page
    organization_page = client.get(f"/organizations/{work.agency.pk}/").content.decode()
    assert f'href="/organizations/{work.agency.pk}/csf/coverage/"' in organization_page


def test_system_api_body(api_client, work):
    api_client.force_authenticate(work.assessor)
    body = api_client.get(f"/api/v1/csf/coverage/systems/{work.system.pk}/").json()

    assert body["version"] == "2.0" and body["system"] == work.system.pk
    assert body["authorization"]["step"] == Step.ASSESS
    protect = next(f for f in body["functions"] if f["identifier"] == "PR")
    category = next(c for c in protect["categories"] if c["identifier"] == "PR.AT")
    assert category["counts"]["by_level"]["implemented"] == 2
    assert category["counts"]["covered_percent"] == 100
    first = category["subcategories"][0]
    assert first["identifier"] == "PR.AT-01" and first["level"] == "implemented"
    assert [(c["label"], c["state"]) for c in first["controls"]] == [
        ("AT-2", "satisfied"),
        ("AT-3", "implemented"),
    ]
    assert "GV.OC-01" in body["not_addressed"] and "PR.AT-01" not in body["not_addressed"]


def test_organization_api_body_and_version(api_client, work):
    api_client.force_authenticate(work.viewer)
    url = f"/api/v1/csf/coverage/organizations/{work.city.pk}/"
    body = api_client.get(url, {"version": "1.1"}).json()

    assert (body["version"], body["systems"], body["systems_not_started"]) == ("1.1", 2, 0)
    protect = next(f for f in body["functions"] if f["identifier"] == "PR")
    category = next(c for c in protect["categories"] if c["identifier"] == "PR.AT")
    at1 = category["subcategories"][0]
    assert at1["identifier"] == "PR.AT-1"
    assert at1["counts"]["by_level"] == {
        "satisfied": 1,
        "implemented": 0,
        "partial": 0,
        "planned": 1,
        "not_addressed": 0,
    }
    assert at1["controls"][0]["states"]["satisfied"] == 1


def test_api_bad_version_is_a_400_naming_the_parameter(api_client, work):
    api_client.force_authenticate(work.viewer)
    for url in (
        f"/api/v1/csf/coverage/systems/{work.system.pk}/",
        f"/api/v1/csf/coverage/organizations/{work.city.pk}/",
    ):
        response = api_client.get(url, {"version": "3.0"})
        assert response.status_code == 400
        assert response.json() == {"version": ['Choose CSF version "1.1" or "2.0".']}


# --- a fixed number of queries --------------------------------------------------------------


def _count(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = fn()
    assert response.status_code == 200
    return len(captured)


def _more_systems(personas, count: int) -> None:
    for n in range(count):
        system = make_system(personas.agency, f"Extra {n}", f"EX{n}")
        authorization = cycle(system)
        at2 = select(authorization, "at-2", "implemented")
        select(authorization, "si-4", "partial")
        determine(assessment(authorization), at2, "satisfied")


def test_organization_page_and_api_queries_do_not_grow_with_the_systems(client, api_client, work):
    client.force_login(work.authorizing_official)
    api_client.force_authenticate(work.authorizing_official)
    page = f"/organizations/{work.city.pk}/csf/coverage/"
    api = f"/api/v1/csf/coverage/organizations/{work.city.pk}/"
    small = (_count(lambda: client.get(page)), _count(lambda: api_client.get(api)))
    _more_systems(work, 12)
    large = (_count(lambda: client.get(page)), _count(lambda: api_client.get(api)))
    assert client.get(page).context["coverage"].systems == 14
    assert small == large


def test_system_page_and_api_queries_do_not_grow_with_the_controls(client, api_client, work):
    client.force_login(work.member)
    api_client.force_authenticate(work.member)
    page = f"/systems/{work.system.pk}/csf/"
    api = f"/api/v1/csf/coverage/systems/{work.system.pk}/"
    small = (_count(lambda: client.get(page)), _count(lambda: api_client.get(api)))
    authorization = Authorization.objects.get(system=work.system)
    initial = Assessment.objects.get(authorization=authorization)
    for control_id in ("ia-12", "cm-8", "pm-5", "si-4", "au-6", "cp-9", "cp-6", "pm-11"):
        determine(initial, select(authorization, control_id, "implemented"), "satisfied")
    large = (_count(lambda: client.get(page)), _count(lambda: api_client.get(api)))
    assert small == large


def test_disposed_systems_are_not_counted(client, work):
    System.objects.filter(pk=work.sibling_system.pk).update(status=System.Status.DISPOSED)
    client.force_login(work.viewer)
    response = client.get(f"/organizations/{work.city.pk}/csf/coverage/")
    assert response.context["coverage"].systems == 1
