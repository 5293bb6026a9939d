"""The benchmark page of an organization (`/organizations/<pk>/csf/benchmark/`): who may read
it, what each section shows (the tables' numbers are the data module's), suppressed peer
groups, named peers for a reader who may see each of them, CSF 1.1 years marked, the years
filter and its bad input, the links to it, a constant number of queries, and the demo."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from csf.benchmarks.data import crosswalk_frame, organization_benchmark_get
from tests.test_benchmark_data import GV, PR, assess, city_of, peers_city, uniform

READERS = {"admin", "member", "authorizing_official", "viewer"}
NOT_READERS = {"sibling", "assessor", "outsider"}


def url(organization, query: str = "") -> str:
    return f"/organizations/{organization.pk}/csf/benchmark/{query}"


def get(client, user, address):
    client.force_login(user)
    return client.get(address)


def table_rows(html: str, table_id: str) -> dict[str, str]:
    """The rows of one table by their data-identifier (and data-year when there is one)."""
    table = re.search(rf'<table[^>]*id="{re.escape(table_id)}".*?</table>', html, re.S)
    assert table, table_id
    rows = {}
    for match in re.finditer(
        r'<tr[^>]*data-identifier="([^"]+)"(?: data-year="(\d+)")?[^>]*>(.*?)</tr>',
        table.group(0),
        re.S,
    ):
        identifier, year, body = match.groups()
        rows[f"{identifier}/{year}" if year else identifier] = body
    return rows


def shown(value) -> str:
    return "—" if value is None or value != value else f"{value:.2f}"


@pytest.mark.django_db
def test_only_readers_of_the_organization_see_the_page_and_others_get_404(client, personas):
    assess(personas.agency, 2024, uniform(3))
    for name in READERS:
        response = get(client, getattr(personas, name), url(personas.agency))
        assert response.status_code == 200, name
        assert "In 2024 the overall score was 3.0" in response.content.decode()
    for name in NOT_READERS:
        assert get(client, getattr(personas, name), url(personas.agency)).status_code == 404
    assert get(client, personas.member, "/organizations/999999/csf/benchmark/").status_code == 404
    client.logout()
    response = client.get(url(personas.agency))
    assert response.status_code == 302 and "/login" in response["Location"]


@pytest.mark.django_db
def test_the_tables_show_the_data_modules_numbers(client, personas):
    peers_city(personas)
    assess(personas.agency, 2022, {"GV.OC-01": 1, "GV.OC-02": 2, PR: 5})
    html = get(client, personas.member, url(personas.agency)).content.decode()
    report = organization_benchmark_get(personas.member, personas.agency)
    changes = report.changes.loc[report.changes["level"] != "subcategory"]
    assert len(changes) > 10
    for _, row in changes.iterrows():
        function = "overall" if row["level"] == "overall" else row["function"]
        cells = table_rows(html, f"changes-{function}")[f"{row['identifier']}/{row['year']}"]
        scores = re.findall(r'<td class="score">([^<]*)</td>', cells)
        assert scores == [shown(row["score"])], (row["identifier"], row["year"])
        change = re.search(r'<td class="change">([^<]*)', cells).group(1).strip()
        assert change == shown(row["change"]), (row["identifier"], row["year"])
    # GV.OC: 1.5 in 2022, 3 in 2023, 4 in 2024: +1 from 2023, +2.5 from 2022.
    gv = table_rows(html, "changes-GV")["GV.OC/2024"]
    assert "1.00" in gv and "2.50" in gv and "since 2022" in gv
    peers = report.peers.loc[report.peers["year"] == 2024]
    rows = table_rows(html, "peer-table")
    for _, row in peers.iterrows():
        cells = rows[row["identifier"]]
        if row["suppressed"]:
            expected = "Peer group too small" if row["peer_count"] else "No peer has a score"
            assert expected in cells and f"<td>{row['peer_count']}</td>" in cells
        else:
            for name in ("median", "q1", "q3", "mean"):
                assert f"<td>{shown(row[name])}</td>" in cells, (row["identifier"], name)
    assert "<td>50</td>" in rows["GV.OC"]  # the percentile
    heat = table_rows(html, "heatmap-table")
    categories = changes.loc[changes["level"] == "category"]
    for identifier, frame in categories.groupby("identifier"):
        cells = re.findall(r"<td>([^<]*)</td>", heat[identifier])
        assert cells == [shown(value) for value in frame.sort_values("year")["score"]]
    assert re.findall(r"<td>([^<]*)</td>", heat["GV.OC"]) == ["1.50", "3.00", "4.00"]
    assert 'id="named-peers"' not in html  # the member sees the peers in aggregate only
    assert "Agency 3" not in html
    assert html.count("<svg") == 4  # trend, heatmap, peers, RMF shares
    assert "<script" not in html.split("<main", 1)[-1].split("</main>", 1)[0]


@pytest.mark.django_db
def test_a_state_viewer_sees_the_peers_by_name(client, personas):
    peers = peers_city(personas)
    html = get(client, personas.viewer, url(personas.agency)).content.decode()
    assert 'id="named-peers"' in html
    for peer in peers:
        assert peer.name in html
    html = get(client, personas.authorizing_official, url(personas.agency)).content.decode()
    assert 'id="named-peers"' in html


@pytest.mark.django_db
def test_small_peer_groups_are_suppressed_and_say_so(client, personas):
    peers_city(personas)  # 2023: four approved peers only
    html = get(client, personas.member, url(personas.agency, "?year_from=2023&year_to=2023"))
    html = html.content.decode()
    assert 'id="peers-suppressed"' in html and "Fewer than 5 peers" in html
    gv = table_rows(html, "peer-table")["GV.OC"]
    assert "Peer group too small" in gv and "<td>4</td>" in gv
    html = get(client, personas.member, url(personas.agency, "?year_from=2024")).content.decode()
    assert "<td>50</td>" in table_rows(html, "peer-table")["GV.OC"]


@pytest.mark.django_db
def test_csf_1_1_years_are_marked_as_carried(client, personas):
    link = crosswalk_frame().iloc[0]
    assess(personas.agency, 2022, {link["source"]: 5}, framework="1.1")
    assess(personas.agency, 2023, {link["target"]: 2})
    html = get(client, personas.member, url(personas.agency)).content.decode()
    assert "Years marked * (2022) were assessed with CSF 1.1" in html
    assert "<td>2022*</td>" in html and "<td>2023</td>" in html
    assert "2022*" in html.split('id="heatmap"', 1)[1]  # the heatmap's column heading


@pytest.mark.django_db
def test_years_filter_subcategories_on_demand_and_bad_years(client, personas):
    assess(personas.agency, 2023, uniform(2))
    assess(personas.agency, 2024, {**uniform(4), PR: 6})
    html = get(client, personas.member, url(personas.agency, "?year_from=2024")).content.decode()
    assert 'data-year="2023"' not in html and 'data-year="2024"' in html
    assert f'data-identifier="{GV[0]}"' not in html
    html = get(client, personas.member, url(personas.agency, "?detail=subcategories"))
    html = html.content.decode()
    assert f'data-identifier="{GV[0]}" data-year="2024"' in html
    this_year = timezone.localdate().year
    for query, message in (
        ("?year_from=abc", "Enter a whole number."),
        ("?year_from=2024&year_to=2020", "The first year must not be after the last year."),
        (f"?year_to={this_year + 1}", f"Years run from 2000 to {this_year}."),
        ("?year_from=1990", "Years run from 2000"),
        ("?detail=everything", "Select a valid choice."),
    ):
        response = get(client, personas.member, url(personas.agency, query))
        assert response.status_code == 400, query
        html = response.content.decode()
        assert message in html and 'role="alert"' in html, query
        assert "<svg" not in html


@pytest.mark.django_db
def test_the_page_is_linked_from_the_csf_pages_and_the_organization_page(client, personas):
    address = url(personas.agency)
    for page in (
        f"/organizations/{personas.agency.pk}/",
        f"/organizations/{personas.agency.pk}/csf/profile/",
    ):
        response = get(client, personas.member, page)
        assert response.status_code == 200, page
        assert f'href="{address}"' in response.content.decode(), page


@pytest.mark.django_db
def test_the_page_costs_the_same_queries_for_one_year_and_five(client, personas):
    from django.test import Client

    small, small_planner = city_of(personas, "Small", 2, [2024])
    big, big_planner = city_of(personas, "Big", 8, [2020, 2021, 2022, 2023, 2024])
    other = Client()
    client.force_login(small_planner)
    other.force_login(big_planner)
    client.get(url(small))  # caches warmed
    with CaptureQueriesContext(connection) as few:
        assert client.get(url(small)).status_code == 200
    with CaptureQueriesContext(connection) as many:
        response = other.get(url(big))
    assert response.status_code == 200
    assert response.content.decode().count('data-identifier="overall" data-year') == 5
    assert len(few) == len(many), [query["sql"][:100] for query in many.captured_queries]


@pytest.mark.django_db
def test_the_demo_city_agency_page(client, demo_seeded):
    from django.contrib.auth import get_user_model

    from assets.demo import CITY
    from assets.models import Organization

    viewer = get_user_model().objects.get(username="viewer")
    agency = Organization.objects.filter(parent__name=CITY, kind="agency").order_by("pk").first()
    response = get(client, viewer, url(agency))
    assert response.status_code == 200
    html = response.content.decode()
    assert "were assessed with CSF 1.1" in html
    assert 'id="named-peers"' in html and 'id="peer-table"' in html
    assert 'data-metric="authorized_percent"' in html
    # 2026 has four approved agencies of six: the comparison shown is 2025's, and says so.
    assert 'id="peers-earlier-year"' in html and "<caption>2025: score" in html
    assert "Against peers in 2025" in html


@pytest.mark.django_db
def test_rmf_figures_are_rolled_up_only_where_there_is_something_under(client, personas):
    assess(personas.agency, 2024, uniform(3))
    html = get(client, personas.member, url(personas.agency)).content.decode()
    assert "<caption>The organization&#x27;s systems</caption>" in html
    assert "Rolled up over" not in html
    html = get(client, personas.authorizing_official, url(personas.city)).content.decode()
    assert "<caption>Rolled up over the organization and the organizations under it" in html
    assert "<caption>The organization&#x27;s own systems only</caption>" in html
