"""The benchmark report over the API (`/api/v1/csf/organizations/<pk>/benchmark/`): who may
read it (others: the same 404 as a missing organization; anonymous: 401), the JSON's shape
(numbers as numbers, missing values as null), the data module's numbers, peers in aggregate
or by name, and 400 on bad years."""

import json

import pytest
from django.utils import timezone

from csf.benchmarks.data import organization_benchmark_get
from tests.test_benchmark_data import GV, PR, assess, peers_city, uniform

READERS = {"admin", "member", "authorizing_official", "viewer"}
NOT_READERS = {"sibling", "assessor", "outsider"}
KEYS = {
    "organization",
    "filters",
    "framework",
    "targets_available",
    "years",
    "carried_years",
    "latest_year",
    "summary",
    "changes",
    "improved",
    "declined",
    "targets",
    "peer_group",
    "peers",
    "peers_year",
    "named_peers",
    "rmf_years",
    "rmf",
    "rmf_own",
}


def url(organization, query: str = "") -> str:
    return f"/api/v1/csf/organizations/{organization.pk}/benchmark/{query}"


def get(api_client, user, address):
    api_client.force_authenticate(user)
    return api_client.get(address)


@pytest.mark.django_db
def test_only_readers_of_the_organization_get_it(api_client, personas):
    assess(personas.agency, 2024, uniform(3))
    for name in READERS:
        response = get(api_client, getattr(personas, name), url(personas.agency))
        assert response.status_code == 200, name
        assert response.json()["years"] == [2024]
    for name in NOT_READERS:
        assert get(api_client, getattr(personas, name), url(personas.agency)).status_code == 404
    missing = "/api/v1/csf/organizations/999999/benchmark/"
    assert get(api_client, personas.member, missing).status_code == 404
    api_client.force_authenticate(None)
    assert api_client.get(url(personas.agency)).status_code in (401, 403)


@pytest.mark.django_db
def test_the_json_holds_the_data_modules_numbers(api_client, personas):
    peers_city(personas)
    assess(personas.agency, 2022, {"GV.OC-01": 1, "GV.OC-02": 2, PR: 5})
    response = get(api_client, personas.member, url(personas.agency))
    assert response.status_code == 200
    body = json.loads(response.content)  # strict JSON: no NaN
    assert set(body) == KEYS
    assert body["organization"] == {"id": personas.agency.pk, "name": personas.agency.name}
    assert body["years"] == [2022, 2023, 2024] and body["latest_year"] == 2024
    report = organization_benchmark_get(personas.member, personas.agency)
    expected = report.changes.loc[report.changes["level"] != "subcategory"]
    assert len(body["changes"]) == len(expected)
    changes = {(row["identifier"], row["year"]): row for row in body["changes"]}
    for _, row in expected.iterrows():
        got = changes[(row["identifier"], int(row["year"]))]
        for name in ("score", "change", "change_from_first"):
            value = row[name]
            assert got[name] == (None if value != value else pytest.approx(value)), name
    gv = changes[("GV.OC", 2024)]
    assert (gv["score"], gv["previous_year"], gv["change"], gv["first_year"]) == (
        4.0,
        2023,
        1.0,
        2022,
    )
    assert gv["change_from_first"] == 2.5 and gv["title"]
    first = changes[("GV.OC", 2022)]
    assert first["change"] is None and first["previous_year"] is None
    assert isinstance(gv["score"], float) and isinstance(gv["year"], int)
    peers = {(row["identifier"], row["year"]): row for row in body["peers"]}
    assert peers[("GV.OC", 2024)]["median"] == 4.0
    assert peers[("GV.OC", 2024)]["percentile"] == 50.0
    suppressed = peers[("GV.OC", 2023)]
    assert suppressed["suppressed"] is True and suppressed["peer_count"] == 4
    assert suppressed["median"] is None and suppressed["percentile"] is None
    group = body["peer_group"]
    assert (group["size"], group["named"], group["scope"]) == (5, False, "siblings")
    assert body["named_peers"] is None
    assert "Agency 3" not in response.content.decode()
    assert body["improved"][0]["identifier"] == "GV.OC"
    assert {row["level"] for row in body["targets"]} == {"overall", "function", "category"}
    assert body["summary"][0].startswith("In 2024 the overall score was 4.0")
    for row in body["rmf"]:
        assert isinstance(row["year"], int) and "systems" in row["values"]
    assert [row["year"] for row in body["rmf"]] == body["rmf_years"]


@pytest.mark.django_db
def test_a_state_viewer_gets_the_peers_by_name(api_client, personas):
    peers = peers_city(personas)
    body = get(api_client, personas.viewer, url(personas.agency)).json()
    assert body["peer_group"]["named"] is True
    assert {row["name"] for row in body["named_peers"]} == {peer.name for peer in peers}
    row = next(
        row
        for row in body["named_peers"]
        if (row["name"], row["identifier"], row["year"]) == ("Agency 3", "GV", 2024)
    )
    assert row["score"] == 7.0


@pytest.mark.django_db
def test_years_and_subcategories_on_demand(api_client, personas):
    assess(personas.agency, 2023, uniform(2))
    assess(personas.agency, 2024, {**uniform(4), PR: 6})
    body = get(api_client, personas.member, url(personas.agency, "?from=2024")).json()
    assert body["years"] == [2024] and {row["year"] for row in body["changes"]} == {2024}
    assert GV[0] not in {row["identifier"] for row in body["changes"]}
    body = get(api_client, personas.member, url(personas.agency, "?detail=subcategories")).json()
    assert GV[0] in {row["identifier"] for row in body["changes"]}
    body = get(api_client, personas.member, url(personas.agency, "?from=&to=")).json()
    assert body["years"] == [2023, 2024]


@pytest.mark.django_db
def test_bad_years_are_a_400(api_client, personas):
    this_year = timezone.localdate().year
    for query, field, message in (
        ("?from=abc", "from", "A valid integer is required."),
        ("?from=2024&to=2020", "to", "The first year must not be after the last year."),
        (f"?to={this_year + 1}", "to", f"Years run from 2000 to {this_year}."),
        ("?from=1900&to=2024", "to", "Years run from 2000"),
        ("?detail=all", "detail", "not a valid choice"),
    ):
        response = get(api_client, personas.member, url(personas.agency, query))
        assert response.status_code == 400, query
        assert message in " ".join(response.json()[field]), (query, response.json())
