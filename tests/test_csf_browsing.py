"""Browsing the CSF 1.1 and 2.0 cores, their SP 800-53 mappings and the 1.1 -> 2.0 crosswalk."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(client):
    user = get_user_model().objects.create_user("reader", password="a long password 123")
    client.force_login(user)
    return client


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.mark.parametrize(
    "name, args",
    [("csf:home", []), ("csf:version", ["2.0"]), ("csf:element", ["2.0", "PR.AA-01"])],
)
def test_anonymous_visitors_are_sent_to_sign_in(client, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "name, args",
    [
        ("csf:version", ["3.0"]),
        ("csf:element", ["2.0", "PR.ZZ-99"]),
        ("csf:element", ["1.1", "GV"]),  # Govern is new in 2.0
    ],
)
def test_unknown_versions_and_elements_are_404(browser, name, args):
    assert browser.get(reverse(name, args=args)).status_code == 404


def test_home_shows_both_versions_with_their_counts(browser):
    response = browser.get(reverse("csf:home"))
    assert response.status_code == 200
    versions = {overview.version: overview for overview in response.context["versions"]}
    assert len(versions["1.1"].functions) == 5
    assert (versions["1.1"].category_count, versions["1.1"].subcategory_count) == (23, 108)
    assert len(versions["2.0"].functions) == 6
    assert (versions["2.0"].category_count, versions["2.0"].subcategory_count) == (22, 106)
    assert versions["2.0"].example_count == 363
    page = text(response)
    assert "CSF 1.1" in page and "CSF 2.0" in page and "GV Govern" in page


def test_version_page_lists_functions_with_categories_and_subcategory_counts(browser):
    response = browser.get(reverse("csf:version", args=["2.0"]))
    functions = list(response.context["functions"])
    assert [f.identifier for f in functions] == ["GV", "ID", "PR", "DE", "RS", "RC"]
    assert sum(f.subcategory_count for f in functions) == 106
    govern = functions[0]
    assert govern.categories[0].identifier == "GV.OC"
    assert govern.categories[0].subcategory_count == 5
    page = text(response)
    assert "6 categories and 31 subcategories of Govern" in page
    assert "Organizational Context" in page

    old = browser.get(reverse("csf:version", args=["1.1"]))
    assert [f.identifier for f in old.context["functions"]] == ["ID", "PR", "DE", "RS", "RC"]


def test_function_page_lists_its_categories(browser):
    response = browser.get(reverse("csf:element", args=["1.1", "PR"]))
    assert response.status_code == 200
    children = response.context["detail"].children
    assert children[0].identifier == "PR.AC" and children[0].child_count == 7
    assert "PR Protect" in text(response)


def test_category_page_lists_subcategories_and_where_it_went(browser):
    response = browser.get(reverse("csf:element", args=["1.1", "PR.AC"]))
    detail = response.context["detail"]
    assert [c.identifier for c in detail.children][:2] == ["PR.AC-1", "PR.AC-2"]
    assert [a.identifier for a in detail.ancestors] == ["PR"]
    assert detail.crosswalk_to  # PR.AC went to PR.AA (and others) in 2.0


def test_csf20_subcategory_page(browser):
    response = browser.get(reverse("csf:element", args=["2.0", "PR.AA-01"]))
    assert response.status_code == 200
    detail = response.context["detail"]
    page = text(response)
    body = response.content.decode()
    assert "Identities and credentials for authorized users, services, and hardware" in page
    # Breadcrumbs through function and category.
    assert [a.identifier for a in detail.ancestors] == ["PR", "PR.AA"]
    assert 'aria-label="Breadcrumb"' in body
    # Implementation examples.
    assert detail.examples and detail.examples[0].identifier.startswith("PR.AA-01.")
    assert "Implementation examples" in page
    # Mapped controls, grouped by source, linking to the control pages.
    assert "ac-2" in {m.control_id for m in detail.mappings}
    assert "CSF 2.0 Reference Tool informative references" in page
    assert 'href="/catalog/controls/ac-2/"' in body
    # 2.0 <- 1.1 crosswalk.
    assert ("PR.AC-1", "incorporated_into") in {
        (link.source.identifier, link.relationship) for link in detail.crosswalk_from
    }
    assert 'href="/csf/1.1/PR.AC-1/"' in body


def test_csf11_subcategory_page(browser):
    response = browser.get(reverse("csf:element", args=["1.1", "PR.AC-1"]))
    detail = response.context["detail"]
    page = text(response)
    assert "Identities and credentials are issued, managed, verified" in page
    assert {"ia-12"} <= {m.control_id for m in detail.mappings}
    assert "NIST CSF 1.1 to SP 800-53 Rev 5 mapping" in page
    assert "PR.AA-01" in {link.target.identifier for link in detail.crosswalk_to}
    assert 'href="/csf/2.0/PR.AA-01/"' in response.content.decode()
    assert not detail.examples


def test_identifiers_are_case_insensitive(browser):
    response = browser.get(reverse("csf:element", args=["2.0", "pr.aa-01"]))
    assert response.status_code == 200
    assert response.context["element"].identifier == "PR.AA-01"
