"""The reference catalogs over the REST API: SP 800-53, CSF and SP 800-60, read-only."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db

PAGE_KEYS = {"count", "next", "previous", "results"}


@pytest.fixture
def api(api_client):
    user = get_user_model().objects.create_user("api-reader", password="a long password 123")
    api_client.force_authenticate(user)
    return api_client


def get(client, name: str, *args, **params):
    response = client.get(reverse(name, args=args), params)
    assert response.status_code == 200, response.content
    return response.json()


def every_row(client, name: str, **params) -> list[dict]:
    rows, data = [], get(client, name, **params)
    rows += data["results"]
    while data["next"]:
        data = client.get(data["next"]).json()
        rows += data["results"]
    return rows


@pytest.mark.parametrize(
    "name, args",
    [
        ("api-family-list", []),
        ("api-control-list", []),
        ("api-control-detail", ["ac-2"]),
        ("api-csf-function-list", []),
        ("api-csf-subcategory-list", []),
        ("api-csf-subcategory-detail", ["2.0", "PR.AA-01"]),
        ("api-information-type-list", []),
        ("api-information-type-detail", ["C.2.8.12"]),
    ],
)
def test_anonymous_requests_are_refused(api_client, name, args):
    response = api_client.get(reverse(name, args=args))
    assert response.status_code in (401, 403)


@pytest.mark.parametrize(
    "name, args",
    [
        ("api-control-detail", ["ac-999"]),
        ("api-csf-subcategory-detail", ["2.0", "PR.ZZ-99"]),
        ("api-csf-subcategory-detail", ["3.0", "PR.AA-01"]),
        ("api-csf-subcategory-detail", ["2.0", "PR.AA"]),  # a category, not a subcategory
        ("api-information-type-detail", ["Z.9.9"]),
    ],
)
def test_unknown_ids_are_404(api, name, args):
    assert api.get(reverse(name, args=args)).status_code == 404


# ----------------------------------------------------------------------------- SP 800-53


def test_family_list(api):
    data = get(api, "api-family-list")
    assert set(data) == PAGE_KEYS
    assert data["count"] == 20
    ac = data["results"][0]
    assert ac == {
        "id": "ac",
        "label": "AC",
        "title": "Access Control",
        "control_count": ac["control_count"],
        "enhancement_count": ac["enhancement_count"],
        "withdrawn_count": ac["withdrawn_count"],
    }
    assert sum(row["control_count"] for row in data["results"]) == 324


def test_control_list_is_paginated_and_unfiltered_by_default(api):
    data = get(api, "api-control-list")
    assert set(data) == PAGE_KEYS
    assert data["count"] == 1196
    assert len(data["results"]) == 50 and data["previous"] is None and data["next"]
    first = data["results"][0]
    assert first["id"] == "ac-1" and first["label"] == "AC-1" and first["family"] == "ac"
    assert first["parent"] is None
    assert sorted(first["baselines"]) == ["HIGH", "LOW", "MODERATE", "PRIVACY"]


@pytest.mark.parametrize(
    "params, count",
    [
        ({"withdrawn": "true"}, 182),
        ({"withdrawn": "false"}, 1014),
        ({"baseline": "HIGH"}, 370),
        ({"baseline": "LOW"}, 149),
        ({"baseline": "MODERATE", "family": "AC"}, None),
    ],
)
def test_control_list_filters(api, params, count):
    data = get(api, "api-control-list", **params)
    if count is not None:
        assert data["count"] == count
    if "family" in params:
        assert data["count"] > 0
        assert all(row["family"] == "ac" for row in data["results"])
    if "baseline" in params:
        assert all(params["baseline"] in row["baselines"] for row in data["results"])


def test_control_list_baseline_high_across_pages(api):
    rows = every_row(api, "api-control-list", baseline="HIGH", page_size=100)
    assert len(rows) == len({row["id"] for row in rows}) == 370


def test_control_list_search(api):
    by_id = get(api, "api-control-list", q="AC-2(1)")
    assert [row["id"] for row in by_id["results"]] == ["ac-2.1"]
    family = get(api, "api-control-list", q="ac 2", page_size=100)
    assert family["results"][0]["id"] == "ac-2"
    assert {row["parent"] for row in family["results"][1:]} == {"ac-2"}
    words = get(api, "api-control-list", q="account managers", withdrawn="false")
    assert "ac-2" in {row["id"] for row in words["results"]}


def test_bad_filter_values_are_400(api):
    assert api.get(reverse("api-control-list"), {"baseline": "EXTREME"}).status_code == 400
    assert api.get(reverse("api-csf-subcategory-list"), {"version": "3.0"}).status_code == 400


def test_control_detail(api):
    data = get(api, "api-control-detail", "ac-2")
    assert (
        data["id"] == "ac-2" and data["label"] == "AC-2" and data["title"] == "Account Management"
    )
    assert data["family"] == "ac" and data["parent"] is None and data["withdrawn"] is False
    # Statement tree
    statement = data["statement"]
    assert statement[0]["name"] == "statement"
    items = statement[0]["children"]
    assert [item["label"] for item in items][:3] == ["a.", "b.", "c."]
    assert "{{ insert: param, ac-02_odp.01 }}" in items[2]["prose"]
    d = next(item for item in items if item["label"] == "d.")
    assert [child["label"] for child in d["children"]] == ["1.", "2.", "3."]
    # Parameters
    odp = next(p for p in data["parameters"] if p["id"] == "ac-02_odp.01")
    assert odp["odp_label"] == "AC-02_ODP[01]" and odp["label"] == "prerequisites and criteria"
    assert data["guidance"].startswith("Examples of system account types")
    # 800-53A objectives and methods
    root = data["objectives"][0]
    assert root["label"] == "AC-02"
    a = root["children"][0]
    assert [child["label"] for child in a["children"]] == ["AC-02a.[01]", "AC-02a.[02]"]
    assert [m["method"] for m in data["methods"]] == ["EXAMINE", "INTERVIEW", "TEST"]
    assert "system/network administrators" in data["methods"][1]["objects"]
    assert sorted(data["baselines"]) == ["HIGH", "LOW", "MODERATE"]
    assert data["enhancements"][0]["id"] == "ac-2.1"
    assert "ac-3" in {row["id"] for row in data["related"]}
    versions = {row["version"] for row in data["csf_mappings"]}
    assert versions == {"1.1", "2.0"}
    pr_ac_4 = next(row for row in data["csf_mappings"] if row["identifier"] == "PR.AC-4")
    assert pr_ac_4["function"] == "PR" and pr_ac_4["sources"]


def test_withdrawn_control_detail(api):
    data = get(api, "api-control-detail", "ac-2.10")
    assert data["withdrawn"] is True
    assert data["withdrawn_to"] == ["ac-2_smt.k"]
    assert data["parent"] == "ac-2"


# ----------------------------------------------------------------------------- CSF


def test_csf_function_list(api):
    data = get(api, "api-csf-function-list", version="2.0")
    assert set(data) == PAGE_KEYS
    assert [row["identifier"] for row in data["results"]] == ["GV", "ID", "PR", "DE", "RS", "RC"]
    assert sum(row["subcategory_count"] for row in data["results"]) == 106
    assert sum(row["category_count"] for row in data["results"]) == 22
    gv = data["results"][0]
    assert gv["categories"][0]["identifier"] == "GV.OC"
    assert gv["categories"][0]["subcategory_count"] == 5
    assert get(api, "api-csf-function-list", version="1.1")["count"] == 5
    assert get(api, "api-csf-function-list")["count"] == 11


def test_csf_subcategory_list_filters(api):
    v11 = get(api, "api-csf-subcategory-list", version="1.1")
    assert v11["count"] == 108
    v20 = get(api, "api-csf-subcategory-list", version="2.0", withdrawn="false")
    assert v20["count"] == 106
    protect = every_row(api, "api-csf-subcategory-list", version="2.0", function="PR")
    assert protect and all(row["function"] == "PR" for row in protect)
    aa = get(api, "api-csf-subcategory-list", version="2.0", category="pr.aa")
    assert aa["results"][0]["identifier"] == "PR.AA-01"
    assert all(row["category"] == "PR.AA" for row in aa["results"])
    assert "ac-2" in aa["results"][0]["controls"]
    row = get(api, "api-csf-subcategory-list", version="1.1", category="ID.AM")["results"][0]
    assert row["identifier"] == "ID.AM-1" and set(row["controls"]) == {"cm-8", "pm-5"}


def test_csf_subcategory_detail(api):
    data = get(api, "api-csf-subcategory-detail", "2.0", "PR.AA-01")
    assert data["identifier"] == "PR.AA-01" and data["category"] == "PR.AA"
    assert data["function"] == "PR"
    assert data["implementation_examples"][0]["identifier"].startswith("PR.AA-01.")
    assert "ac-2" in {m["control"] for m in data["mappings"]}
    assert {"version": "1.1", "identifier": "PR.AC-1", "relationship": "incorporated_into"} in (
        data["crosswalk_from"]
    )
    old = get(api, "api-csf-subcategory-detail", "1.1", "PR.AC-1")
    assert {"version": "2.0", "identifier": "PR.AA-01", "relationship": "incorporated_into"} in (
        old["crosswalk_to"]
    )
    assert "ia-12" in {m["control"] for m in old["mappings"]}


# ----------------------------------------------------------------------------- SP 800-60


def test_information_type_list_and_filters(api):
    data = get(api, "api-information-type-list")
    assert set(data) == PAGE_KEYS and data["count"] == 169
    row = data["results"][0]
    assert {"id", "title", "category", "confidentiality", "integrity", "availability"} <= set(row)
    assert row["impact"] in {"LOW", "MODERATE", "HIGH"}
    category = row["category"]
    same = every_row(api, "api-information-type-list", category=category)
    assert same and all(r["category"] == category for r in same)
    found = get(api, "api-information-type-list", q="C.2.8.12")
    assert [r["id"] for r in found["results"]] == ["C.2.8.12"]
    high = every_row(api, "api-information-type-list", impact="HIGH")
    assert high and all(r["impact"] == "HIGH" for r in high)
    c_high = every_row(api, "api-information-type-list", confidentiality="HIGH")
    assert all(r["confidentiality"] == "HIGH" for r in c_high)


def test_information_type_detail(api):
    data = get(api, "api-information-type-detail", "C.2.8.12")
    assert data["id"] == "C.2.8.12"
    assert data["confidentiality"] in {"LOW", "MODERATE", "HIGH"}
    assert "confidentiality_note" in data


# ----------------------------------------------------------------------------- schema


def test_schema_describes_the_catalog_endpoints(tmp_path):
    import yaml
    from django.core.management import call_command

    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    paths = schema["paths"]
    for expected in (
        "/api/v1/catalog/families/",
        "/api/v1/catalog/controls/",
        "/api/v1/catalog/controls/{id}/",
        "/api/v1/csf/functions/",
        "/api/v1/csf/subcategories/",
        "/api/v1/csf/subcategories/{version}/{identifier}/",
        "/api/v1/catalog/information-types/",
        "/api/v1/catalog/information-types/{id}/",
    ):
        assert expected in paths, expected
    controls = {p["name"] for p in paths["/api/v1/catalog/controls/"]["get"]["parameters"]}
    assert {"q", "baseline", "family", "withdrawn", "page", "page_size"} <= controls
    detail = schema["components"]["schemas"]["ControlDetail"]["properties"]
    assert {"statement", "parameters", "objectives", "methods", "csf_mappings"} <= set(detail)
