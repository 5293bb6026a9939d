"""Catalog pages and API calls cost a fixed number of queries, whatever the number of rows shown.

Each case compares a small and a large answer of the same page or endpoint (page_size 5 vs 100,
a small family vs a large one, a control with few parts vs AC-2) and bounds the count.
"""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(client):
    client.force_login(get_user_model().objects.create_user("counter", password="x-long-pw-1"))
    return client


@pytest.fixture
def api(api_client):
    api_client.force_authenticate(get_user_model().objects.create_user("api-counter"))
    return api_client


# A signed-in browser request reads the session and the user, and saves the session (in a
# savepoint) because SESSION_SAVE_EVERY_REQUEST is on: five queries before the page's own.
SIGNED_IN = 5


def queries(client, url: str, params: dict | None = None) -> tuple[int, object]:
    """The number of queries the page itself runs (without the session overhead)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200, url
    own = [q for q in captured.captured_queries if not _session_overhead(q["sql"])]
    return len(own), response


def _session_overhead(sql: str) -> bool:
    return (
        '"django_session"' in sql
        or sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
        or ('FROM "auth_user"' in sql and '"auth_user"."id" =' in sql)
    )


def rows_of(response) -> int:
    context = getattr(response, "context", None)
    if context is None:
        return len(response.json()["results"])
    for key in ("page_obj", "rows", "families", "functions"):
        if key in context:
            return len(list(context[key]))
    raise AssertionError("no rows in context")


def test_session_overhead_is_what_the_bounds_leave_out(browser):
    with CaptureQueriesContext(connection) as captured:
        browser.get(reverse("rmf:family_list"))
    assert len(captured) == SIGNED_IN + 1


# (url name, args, small params, large params, bound on the page's own queries)
PAGES = [
    # count, page, baselines of the page's controls, families for the filter's choices
    ("rmf:control_list", [], {"q": "ac-2.1"}, {}, 4),
    ("rmf:control_list", [], {"baseline": "HIGH", "page": 8}, {"baseline": "HIGH"}, 4),
    # categories for the filter's choices, count, page
    ("assets:information_type_list", [], {"q": "C.2.8.12"}, {}, 3),
]
FAMILY_PAGES = [("rmf:family_detail", "pt", "ac", 3)]  # family, controls, their baselines
DETAIL_PAGES = [
    # control, parts, parameters, enhancements, related, baselines, CSF mappings
    ("rmf:control_detail", ["ac-14"], ["ac-2"], 7),
    ("rmf:control_detail", ["ac-2.1"], ["si-4"], 7),
    # element, children, mappings, examples, crosswalk out, crosswalk in
    ("csf:element", ["2.0", "GV.OC-01"], ["2.0", "PR.AA-01"], 6),
    ("csf:element", ["1.1", "RC"], ["1.1", "PR"], 6),
    ("csf:version", ["1.1"], ["2.0"], 2),  # functions, their categories
]
# API clients authenticate without a session here: every query is the endpoint's own.
# count + page, plus one prefetch where rows carry a list (baselines, categories, controls).
API_LISTS = [
    ("api-family-list", {}, 2),
    ("api-control-list", {}, 3),
    ("api-control-list", {"baseline": "HIGH"}, 3),
    ("api-csf-function-list", {}, 3),
    ("api-csf-subcategory-list", {"version": "2.0"}, 3),
    ("api-information-type-list", {}, 2),
]


@pytest.mark.parametrize("name, args, small, large, bound", PAGES)
def test_list_pages_do_not_grow_with_rows(browser, name, args, small, large, bound):
    url = reverse(name, args=args)
    few, few_response = queries(browser, url, small)
    many, many_response = queries(browser, url, large)
    assert rows_of(few_response) < rows_of(many_response)
    assert few == many <= bound, (few, many)


@pytest.mark.parametrize("name, small, large, bound", FAMILY_PAGES)
def test_family_pages_do_not_grow_with_rows(browser, name, small, large, bound):
    few, few_response = queries(browser, reverse(name, args=[small]))
    many, many_response = queries(browser, reverse(name, args=[large]))
    assert rows_of(few_response) < rows_of(many_response)
    assert few == many <= bound, (few, many)


@pytest.mark.parametrize("name, small, large, bound", DETAIL_PAGES)
def test_detail_pages_do_not_grow_with_parts(browser, name, small, large, bound):
    few, _ = queries(browser, reverse(name, args=small))
    many, _ = queries(browser, reverse(name, args=large))
    assert few == many <= bound, (few, many)


def test_family_list_and_csf_home_are_constant(browser):
    assert queries(browser, reverse("rmf:family_list"))[0] == 1
    assert queries(browser, reverse("csf:home"))[0] <= 3


def test_a_large_control_page_is_built_from_one_query_of_parts(browser):
    count, response = queries(browser, reverse("rmf:control_detail", args=["ac-2"]))
    detail = response.context["detail"]
    assert len(detail.objectives[0].children) >= 12  # many nodes, still one parts query
    assert count <= 7


def test_withdrawn_control_page_is_bounded(browser):
    # One more: the titles of the controls it moved to.
    assert queries(browser, reverse("rmf:control_detail", args=["ac-2.10"]))[0] <= 8


def test_parameters_of_other_controls_cost_one_query(browser):
    # IA-13(3) inserts a parameter of IA-13 in its statement.
    count, response = queries(browser, reverse("rmf:control_detail", args=["ia-13.3"]))
    assert count <= 8
    assert "{{ insert" not in response.content.decode()


@pytest.mark.parametrize("name, params, bound", API_LISTS)
def test_api_lists_do_not_grow_with_page_size(api, name, params, bound):
    url = reverse(name)
    few, few_response = queries(api, url, {**params, "page_size": 5})
    many, many_response = queries(api, url, {**params, "page_size": 100})
    assert rows_of(few_response) < rows_of(many_response)
    assert few == many <= bound, (few, many)


@pytest.mark.parametrize(
    "name, small, large, bound",
    [
        ("api-control-detail", ["ac-14"], ["ac-2"], 7),
        ("api-csf-subcategory-detail", ["2.0", "GV.OC-01"], ["2.0", "PR.AA-01"], 6),
        ("api-information-type-detail", ["C.2.8.12"], ["D.14.1"], 1),
    ],
)
def test_api_details_do_not_grow(api, name, small, large, bound):
    few, _ = queries(api, reverse(name, args=small))
    many, _ = queries(api, reverse(name, args=large))
    assert few == many <= bound, (few, many)
