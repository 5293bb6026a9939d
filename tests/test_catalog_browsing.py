"""Browsing the SP 800-53 catalog and the SP 800-60 information types in the browser."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from rmf.selectors.catalog import control_id_parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(db):
    return get_user_model().objects.create_user("reader", password="a long password 123")


@pytest.fixture
def browser(client, reader):
    client.force_login(reader)
    return client


def text(response) -> str:
    """The page's text with tags removed and whitespace collapsed."""
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", body)


def all_pages(client, url: str, params: dict) -> list:
    """Every row of a paginated list page."""
    rows, page = [], 1
    while True:
        response = client.get(url, {**params, "page": page})
        assert response.status_code == 200
        rows += list(response.context["page_obj"])
        if not response.context["page_obj"].has_next():
            return rows
        page += 1


# ----------------------------------------------------------------------------- access


@pytest.mark.parametrize(
    "name, args",
    [
        ("rmf:family_list", []),
        ("rmf:family_detail", ["ac"]),
        ("rmf:control_list", []),
        ("rmf:control_detail", ["ac-2"]),
        ("assets:information_type_list", []),
        ("assets:information_type_detail", ["C.2.8.12"]),
    ],
)
def test_anonymous_visitors_are_sent_to_sign_in(client, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "name, args",
    [
        ("rmf:family_detail", ["zz"]),
        ("rmf:control_detail", ["ac-999"]),
        ("rmf:control_detail", ["not a control"]),
        ("assets:information_type_detail", ["Z.9.9"]),
    ],
)
def test_unknown_ids_are_404(browser, name, args):
    assert browser.get(reverse(name, args=args)).status_code == 404


# ----------------------------------------------------------------------------- families


def test_family_list_shows_the_20_families_with_their_counts(browser):
    response = browser.get(reverse("rmf:family_list"))
    assert response.status_code == 200
    families = list(response.context["families"])
    assert len(families) == 20
    assert sum(f.control_count for f in families) == 324
    assert sum(f.enhancement_count for f in families) == 872
    assert sum(f.withdrawn_count for f in families) == 182
    access = next(f for f in families if f.pk == "ac")
    assert access.title == "Access Control"
    body = text(response)
    assert "20 control families" in body
    assert "Access Control" in body and "Supply Chain Risk Management" in body


def test_family_page_lists_controls_and_enhancements_with_withdrawn_greyed(browser):
    response = browser.get(reverse("rmf:family_detail", args=["ac"]))
    assert response.status_code == 200
    ids = [control.pk for control, _ in response.context["rows"]]
    assert ids[:3] == ["ac-1", "ac-2", "ac-2.1"]
    assert "ac-2.10" in ids
    body = response.content.decode()
    # AC-2(10) was incorporated into AC-2k.
    row = re.search(
        r'<tr class="enhancement withdrawn">\s*<th scope="row"><a href="[^"]*ac-2\.10/"', body
    )
    assert row, "withdrawn enhancement rendered greyed"
    assert 'Withdrawn: moved to <a href="/catalog/controls/ac-2/#ac-2_smt.k">AC-2k.</a>' in body


def test_family_id_is_case_insensitive(browser):
    assert browser.get(reverse("rmf:family_detail", args=["AC"])).status_code == 200


# ----------------------------------------------------------------------------- control list


def test_control_list_hides_withdrawn_by_default_and_paginates_by_50(browser):
    response = browser.get(reverse("rmf:control_list"))
    page = response.context["page_obj"]
    assert page.paginator.count == 1014
    assert len(page.object_list) == 50
    assert not any(control.withdrawn for control in page.object_list)
    assert "Page 1 of 21 (1014 in all)" in text(response)


@pytest.mark.parametrize(
    "withdrawn, count", [("no", 1014), ("yes", 182), ("all", 1196), ("bogus", 1014)]
)
def test_withdrawn_filter(browser, withdrawn, count):
    response = browser.get(reverse("rmf:control_list"), {"withdrawn": withdrawn})
    assert response.context["page_obj"].paginator.count == count


def test_baseline_high_gives_370_controls_across_pages(browser):
    rows = all_pages(browser, reverse("rmf:control_list"), {"baseline": "HIGH"})
    assert len(rows) == 370
    assert len({control.pk for control in rows}) == 370
    assert all("HIGH" in {b.pk for b in control.baselines.all()} for control in rows)


@pytest.mark.parametrize("baseline, count", [("LOW", 149), ("MODERATE", 287), ("PRIVACY", 96)])
def test_baseline_filter_counts(browser, baseline, count):
    response = browser.get(reverse("rmf:control_list"), {"baseline": baseline})
    assert response.context["page_obj"].paginator.count == count


def test_family_and_baseline_filters_combine(browser):
    response = browser.get(reverse("rmf:control_list"), {"family": "ac", "baseline": "LOW"})
    controls = list(response.context["page_obj"])
    assert controls and all(c.family_id == "ac" for c in controls)
    assert "ac-2" in {c.pk for c in controls}
    assert "ac-2.1" not in {c.pk for c in controls}  # MODERATE and up


@pytest.mark.parametrize("q", ["ac-2", "AC-2", "AC 2", "ac-02", "AC2"])
def test_search_by_control_id_finds_the_control_and_its_enhancements(browser, q):
    response = browser.get(reverse("rmf:control_list"), {"q": q, "withdrawn": "all"})
    ids = [control.pk for control in response.context["page_obj"]]
    assert ids[0] == "ac-2"
    assert "ac-2.1" in ids and "ac-2.13" in ids
    assert all(i == "ac-2" or i.startswith("ac-2.") for i in ids)


@pytest.mark.parametrize("q", ["AC-2(1)", "ac-2.1", "AC-02(01)", "ac-2 (1)"])
def test_search_by_enhancement_id(browser, q):
    response = browser.get(reverse("rmf:control_list"), {"q": q})
    assert [control.pk for control in response.context["page_obj"]] == ["ac-2.1"]


def test_search_by_words_matches_title_and_statement(browser):
    response = browser.get(reverse("rmf:control_list"), {"q": "account managers"})
    ids = {control.pk for control in response.context["page_obj"].paginator.object_list}
    assert "ac-2" in ids  # "Assign account managers;" in the statement only
    by_title = browser.get(reverse("rmf:control_list"), {"q": "Account Management"})
    assert "ac-2" in {c.pk for c in by_title.context["page_obj"].paginator.object_list}
    nothing = browser.get(reverse("rmf:control_list"), {"q": "xyzzy plugh"})
    assert nothing.context["page_obj"].paginator.count == 0
    assert "No control matches." in text(nothing)


def test_control_list_markup_is_accessible(browser):
    body = browser.get(reverse("rmf:control_list")).content.decode()
    for field in ("q", "baseline", "family", "withdrawn"):
        assert f'<label for="id_{field}">' in body
    assert "<caption>" in body and '<th scope="col">' in body and '<th scope="row">' in body


@pytest.mark.parametrize(
    "text_in, expected",
    [
        ("ac-2", "ac-2"),
        ("AC-2(1)", "ac-2.1"),
        ("AC 2", "ac-2"),
        ("ac-02.01", "ac-2.1"),
        ("SC-7 (5)", "sc-7.5"),
        ("access", None),
        ("ac-", None),
    ],
)
def test_control_id_parse(text_in, expected):
    assert control_id_parse(text_in) == expected


# ----------------------------------------------------------------------------- control page


def test_ac2_page_shows_statement_parameters_objectives_methods_baselines_and_csf(browser):
    response = browser.get(reverse("rmf:control_detail", args=["ac-2"]))
    assert response.status_code == 200
    body = response.content.decode()
    page = text(response)
    assert "AC-2 Account Management" in page
    # Statement tree: items a. to l., sub-items 1. 2. 3., parameters inline.
    assert '<li id="ac-2_smt.a"><span class="part-label">a.</span>' in body
    assert '<li id="ac-2_smt.d.1"><span class="part-label">1.</span>' in body
    assert (
        'Require <span class="param" title="AC-02_ODP[01]">[Assignment: organization-defined '
        "prerequisites and criteria]</span> for group and role membership;"
    ) in body
    assert "{{ insert" not in body
    # Parameters table.
    assert "AC-02_ODP[01]" in page and "prerequisites and criteria for group and role" in page
    # Guidance.
    assert "Examples of system account types include individual, shared, group" in page
    # SP 800-53A objectives and methods.
    assert "AC-02a.[01]" in page
    assert "account types allowed for use within the system are defined and documented" in page
    for method in ("EXAMINE", "INTERVIEW", "TEST"):
        assert f">{method}</h3>" in body
    assert "system/network administrators" in page
    # Baselines.
    detail = response.context["detail"]
    assert [b.pk for b in detail.baselines] == ["HIGH", "LOW", "MODERATE"]
    assert '<span class="badge low">Low</span>' in body
    # Enhancements and related controls.
    assert [e.pk for e in detail.enhancements][:2] == ["ac-2.1", "ac-2.2"]
    assert "ac-3" in {c.pk for c in detail.related}
    # CSF 1.1 and 2.0 mappings, grouped by version, with the function.
    versions = {group.version: group for group in detail.csf}
    assert set(versions) == {"1.1", "2.0"}
    assert {"PR.AC-4", "DE.CM-3"} <= {row.element.identifier for row in versions["1.1"].rows}
    assert "PR" in {row.function.identifier for row in versions["1.1"].rows}
    assert "PR.AA-01" in {row.element.identifier for row in versions["2.0"].rows}
    assert "CSF 1.1 subcategories AC-2 maps to" in page
    assert "CSF 2.0 subcategories AC-2 maps to" in page
    assert 'href="/csf/1.1/PR.AC-4/"' in body


def test_selection_parameters_render_their_choices(browser):
    body = browser.get(reverse("rmf:control_detail", args=["ac-2.2"])).content.decode()
    assert "[Selection: remove; disable]" in body
    body = browser.get(reverse("rmf:control_detail", args=["ac-1"])).content.decode()
    assert (
        "[Selection (one or more): organization-level; mission/business process-level; "
        "system-level]"
    ) in body


def test_selection_choices_that_insert_parameters_render_them(browser):
    body = browser.get(reverse("rmf:control_detail", args=["ac-7"])).content.decode()
    assert 'lock the account or node for <span class="param"' in body
    assert "{{ insert" not in body


def test_enhancement_page_links_its_base_control(browser):
    response = browser.get(reverse("rmf:control_detail", args=["ac-2.1"]))
    page = text(response)
    assert "AC-2(1) Automated System Account Management" in page
    assert "Enhancement of AC-2 Account Management" in page
    assert "AC-02(01)" in page  # its 800-53A objective


def test_withdrawn_control_links_where_it_moved(browser):
    response = browser.get(reverse("rmf:control_detail", args=["ac-2.10"]))
    body = response.content.decode()
    assert '<span class="badge withdrawn">Withdrawn</span>' in body
    assert '<a href="/catalog/controls/ac-2/#ac-2_smt.k">AC-2k.</a> Account Management' in body


def test_control_id_in_the_url_is_case_insensitive(browser):
    response = browser.get(reverse("rmf:control_detail", args=["AC-2.1"]))
    assert response.status_code == 200
    assert response.context["control"].pk == "ac-2.1"


def test_prose_is_escaped(browser):
    from rmf.models import ControlPart

    part = ControlPart.objects.get(pk="ac-2_smt.b")
    part.prose = "<script>alert(1)</script> & {{ insert: param, ac-02_odp.01 }}"
    part.save()
    body = browser.get(reverse("rmf:control_detail", args=["ac-2"])).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert '&lt;script&gt;alert(1)&lt;/script&gt; &amp; <span class="param"' in body


# ----------------------------------------------------------------------------- SP 800-60


def test_information_type_list_search_and_filters(browser):
    url = reverse("assets:information_type_list")
    everything = browser.get(url)
    assert everything.status_code == 200
    assert everything.context["page_obj"].paginator.count == 169

    found = browser.get(url, {"q": "C.2.8.12"})
    assert [t.pk for t in found.context["page_obj"]] == ["C.2.8.12"]

    words = browser.get(url, {"q": "contingency planning"})
    assert words.context["page_obj"].paginator.count >= 1

    category = everything.context["page_obj"][0].category
    by_category = browser.get(url, {"category": category})
    assert 0 < by_category.context["page_obj"].paginator.count < 169
    assert all(t.category == category for t in by_category.context["page_obj"])

    counts = {
        level: browser.get(url, {"impact": level}).context["page_obj"].paginator.count
        for level in ("NA", "LOW", "MODERATE", "HIGH")
    }
    assert sum(counts.values()) == 169 and all(counts.values())
    assert counts["NA"] == 3  # C.3.5.9, D.26.1, D.26.2: not applicable on all three
    high = browser.get(url, {"impact": "HIGH"}).context["page_obj"]
    assert all("HIGH" in {t.confidentiality, t.integrity, t.availability} for t in high)


def test_information_type_detail_shows_cia_and_notes(browser):
    response = browser.get(reverse("assets:information_type_detail", args=["C.2.8.12"]))
    assert response.status_code == 200
    info = response.context["information_type"]
    page = text(response)
    assert info.title in page
    for objective in ("Confidentiality", "Integrity", "Availability"):
        assert objective in page
    assert info.get_confidentiality_display() in page
    if info.confidentiality_note:
        assert info.confidentiality_note.split()[0] in page


def test_words_and_baseline_combine(browser):
    response = browser.get(
        reverse("rmf:control_list"), {"q": "account management", "baseline": "HIGH"}
    )
    ids = [control.pk for control in response.context["page_obj"]]
    assert ids[0] == "ac-2"
    assert 'href="/catalog/controls/ac-2/"' in response.content.decode()


def test_an_invalid_filter_value_is_ignored_and_the_others_kept(browser):
    response = browser.get(reverse("rmf:control_list"), {"q": "ac-2.1", "baseline": "EXTREME"})
    assert [control.pk for control in response.context["page_obj"]] == ["ac-2.1"]
