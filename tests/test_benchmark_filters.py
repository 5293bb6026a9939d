"""The benchmark report's filters: the framework version (every year in CSF 2.0 terms, CSF 2.0
alone, CSF 1.1 alone in its own terms), the peer group among those the organization's place
offers (siblings, or every agency of the state, with the figures that differ by a few peers
hidden), the organization (a redirect to another report the reader may see); on the page, the
downloads and the API, with a clear 400 for a bad value."""

import pytest
from django.http import Http404

from assets.models import Organization
from assets.roles import MANAGE
from csf.benchmarks.data import (
    ALL,
    SIBLINGS,
    STATE,
    benchmark_organization_get_for_user,
    organization_benchmark_get,
    peer_group,
    peer_scopes,
)
from csf.benchmarks.tables import benchmark_tables
from tests.factories import make_organization
from tests.test_benchmark_data import PR, assess, row, uniform

AGENCY = Organization.Kind.AGENCY
OLD = {"ID.AM-1": 2, "ID.AM-2": 4, "PR.AC-1": 6}  # CSF 1.1: ID.AM = 3, PR.AC = 6


def page(organization, query: str = "") -> str:
    return f"/organizations/{organization.pk}/csf/benchmark/{query}"


def api(organization, query: str = "") -> str:
    return f"/api/v1/csf/organizations/{organization.pk}/benchmark/{query}"


def history(personas) -> None:
    assess(personas.agency, 2022, OLD, framework="1.1")
    assess(personas.agency, 2023, {**uniform(2), PR: 4})
    assess(personas.agency, 2024, {**uniform(3), PR: 5})


def other_city(personas, agencies: int, level: int) -> list[Organization]:
    """A second city of the state, its agencies approved in 2024 at `level`."""
    city = make_organization("Other City", Organization.Kind.CITY, personas.state)
    members = [make_organization(f"Other {n}", AGENCY, city) for n in range(agencies)]
    for member in members:
        assess(member, 2024, uniform(level))
    return members


def sibling_agencies(personas, levels) -> list[Organization]:
    """The sibling and more agencies of the city, approved in 2024 at `levels`."""
    peers = [personas.sibling_agency] + [
        make_organization(f"Agency {n}", AGENCY, personas.city) for n in range(len(levels) - 1)
    ]
    for peer, level in zip(peers, levels, strict=True):
        assess(peer, 2024, uniform(level))
    return peers


# ----------------------------------------------------------------------------- framework version


@pytest.mark.django_db
def test_framework_versions_choose_the_years_and_the_terms(personas):
    history(personas)
    everything = organization_benchmark_get(personas.member, personas.agency)
    assert everything.years == [2022, 2023, 2024] and everything.framework == ALL
    assert row(everything.scores, "GV", 2022)["carried"]  # carried into CSF 2.0 terms

    only_new = organization_benchmark_get(personas.member, personas.agency, framework="2.0")
    assert only_new.years == [2023, 2024] and not only_new.scores["carried"].any()
    assert row(only_new.scores, "GV", 2024)["score"] == row(everything.scores, "GV", 2024)["score"]

    old = organization_benchmark_get(personas.member, personas.agency, framework="1.1")
    assert old.years == [2022] and not old.scores["carried"].any()
    assert set(old.scores.loc[old.scores["level"] == "function", "identifier"]) == {
        "ID",
        "PR",
        "DE",
        "RS",
        "RC",
    }
    assert row(old.scores, "ID.AM", 2022)["score"] == 3.0
    assert row(old.scores, "PR", 2022)["score"] == 6.0
    assert row(old.scores, "overall", 2022)["score"] == 4.5  # (ID 3 + PR 6) / 2
    assert old.targets.empty and not old.targets_available
    tables = benchmark_tables(old)
    assert tables["targets"] == [] and tables["framework"]["key"] == "1.1"
    assert any(item["value"].startswith("CSF 1.1") for item in tables["filters"])
    with pytest.raises(ValueError, match="framework"):
        organization_benchmark_get(personas.member, personas.agency, framework="3.0")


@pytest.mark.django_db
def test_peers_are_compared_in_the_same_version(personas):
    sibling_agencies(personas, [1, 2, 4, 6, 7])
    history(personas)
    old = organization_benchmark_get(personas.member, personas.agency, framework="1.1")
    # No peer has a CSF 1.1 assessment: nothing to compare, rather than CSF 2.0 peers.
    assert (old.peers["peer_count"] == 0).all()
    new = organization_benchmark_get(personas.member, personas.agency, framework="2.0")
    assert row(new.peers, "GV", 2024)["peer_count"] == 5


# ----------------------------------------------------------------------------- peer groups


@pytest.mark.django_db
def test_the_peer_groups_on_offer(personas):
    scopes = peer_scopes(personas.agency)
    assert list(scopes) == [SIBLINGS, STATE]
    assert scopes[SIBLINGS] == f"The other agencies of {personas.city.name}"
    assert personas.state.name in scopes[STATE]
    assert list(peer_scopes(personas.city)) == [SIBLINGS]
    assert peer_scopes(personas.state) == {}
    cousins = other_city(personas, 2, 3)
    state_agency = make_organization("State Police", AGENCY, personas.state)
    assert set(peer_group(personas.agency, STATE)) == {
        personas.sibling_agency,
        *cousins,
        state_agency,
    }
    with pytest.raises(ValueError, match="peer_scope"):
        organization_benchmark_get(personas.viewer, personas.city, peer_scope=STATE)


@pytest.mark.django_db
def test_the_state_wide_group_hides_figures_a_few_cousins_would_give_away(personas):
    sibling_agencies(personas, [1, 2, 4, 6, 7])
    assess(personas.agency, 2024, uniform(4))
    other_city(personas, 1, 5)  # one agency more than the siblings
    narrow = organization_benchmark_get(personas.member, personas.agency)
    wide = organization_benchmark_get(personas.member, personas.agency, peer_scope=STATE)
    assert not row(narrow.peers, "GV", 2024)["suppressed"]
    figure = row(wide.peers, "GV", 2024)
    assert figure["suppressed"] and figure["peer_count"] == 6
    assert wide.peer_group.scope == STATE and wide.peer_group.size == 6


@pytest.mark.django_db
def test_the_state_wide_group_is_shown_with_five_more_peers(personas):
    sibling_agencies(personas, [1, 2, 4, 6, 7])
    assess(personas.agency, 2024, uniform(4))
    other_city(personas, 5, 5)
    wide = organization_benchmark_get(personas.member, personas.agency, peer_scope=STATE)
    figure = row(wide.peers, "GV", 2024)
    # Peers 1, 2, 4, 6, 7 and five 5s: median 5; me at 4: two below, one equal -> 25%.
    assert not figure["suppressed"] and figure["peer_count"] == 10
    assert figure["median"] == 5.0 and figure["percentile"] == 25.0
    assert wide.named_peers is None  # a member of one agency: anonymous
    named = organization_benchmark_get(personas.viewer, personas.agency, peer_scope=STATE)
    assert set(named.named_peers["name"]) == {f"Other {n}" for n in range(5)} | {
        personas.sibling_agency.name,
        *(f"Agency {n}" for n in range(4)),
    }


# ----------------------------------------------------------------------------- the page


@pytest.mark.django_db
def test_the_page_offers_every_filter_and_applies_them(client, personas):
    history(personas)
    client.force_login(personas.member)
    html = client.get(page(personas.agency)).content.decode()
    for name in ("organization", "year_from", "year_to", "framework", "peer_group", "detail"):
        assert f'name="{name}"' in html, name
    html = client.get(page(personas.agency, "?framework=1.1")).content.decode()
    assert 'data-identifier="ID" data-year="2022"' in html
    assert 'data-year="2023"' not in html and 'id="no-targets"' in html
    html = client.get(page(personas.agency, "?peer_group=state")).content.decode()
    assert f"Every other agency of {personas.state.name}" in html
    assert "report.pdf?peer_group=state" in html and "report.xlsx?peer_group=state" in html


@pytest.mark.django_db
def test_choosing_another_organization_redirects_and_a_hidden_one_is_refused(client, personas):
    client.force_login(personas.authorizing_official)  # the city's AO sees its agencies
    response = client.get(
        page(personas.city, f"?organization={personas.agency.pk}&year_from=2023&peer_group=x")
    )
    assert response.status_code == 302
    assert response["Location"] == page(personas.agency, "?year_from=2023")
    client.force_login(personas.member)
    for other in (personas.sibling_agency.pk, 999999):
        response = client.get(page(personas.agency, f"?organization={other}"))
        assert response.status_code == 400
        html = response.content.decode()
        assert "Select a valid choice" in html and 'id="organization-error"' in html
        assert personas.sibling_agency.name not in html


@pytest.mark.django_db
def test_bad_framework_and_peer_group_are_shown_next_to_the_field(client, personas):
    client.force_login(personas.member)
    for query, field in (("?framework=3.0", "framework"), ("?peer_group=nation", "peer_group")):
        response = client.get(page(personas.agency, query))
        assert response.status_code == 400, query
        assert f'id="{field}-error"' in response.content.decode()
    client.force_login(personas.viewer)
    html = client.get(page(personas.state)).content.decode()
    assert 'name="peer_group"' not in html and "A state has no peer group." in html


# ----------------------------------------------------------------------------- the API


@pytest.mark.django_db
def test_the_api_takes_the_same_filters(api_client, personas):
    history(personas)
    api_client.force_authenticate(personas.member)
    body = api_client.get(api(personas.agency, "?framework=1.1")).json()
    assert body["years"] == [2022] and body["targets_available"] is False
    assert body["framework"]["key"] == "1.1" and body["targets"] == []
    body = api_client.get(api(personas.agency, "?peer_group=state")).json()
    assert body["peer_group"]["scope"] == STATE
    assert [choice["scope"] for choice in body["peer_group"]["choices"]] == [SIBLINGS, STATE]
    for query, field, message in (
        ("?framework=3.0", "framework", "not a valid choice"),
        ("?peer_group=nation", "peer_group", "Not a peer group of this organization"),
    ):
        response = api_client.get(api(personas.agency, query))
        assert response.status_code == 400, query
        assert message in response.json()[field][0], query
    api_client.force_authenticate(personas.viewer)
    response = api_client.get(api(personas.city, "?peer_group=state"))
    assert response.status_code == 400 and "siblings" in response.json()["peer_group"][0]


@pytest.mark.django_db
def test_the_access_function_takes_a_permission(personas):
    found = benchmark_organization_get_for_user(personas.member, personas.agency.pk)
    assert found.pk == personas.agency.pk
    with pytest.raises(Http404):  # a planner does not manage the organization
        benchmark_organization_get_for_user(personas.member, personas.agency.pk, perm=MANAGE)
    assert benchmark_organization_get_for_user(personas.admin, personas.agency.pk, perm=MANAGE)
