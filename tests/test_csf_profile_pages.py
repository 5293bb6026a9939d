"""The CSF profile pages of an organization: current against target, the prioritized gaps turned
into action items, the target form, the action items' list and pages. Every persona: the
agency's planner edits; its administrator, the city's authorizing official and the state's
viewer read; the sibling agency's planner, the one-system assessor and outsiders get 404;
anonymous visitors are sent to sign in. Bad input is answered next to the field, nothing
written; pages cost the same queries for a small and a large organization."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assets.models import AuditEvent
from csf.models import CsfActionItem, CsfTarget
from tests.csf_profile_steps import (
    NEXT_MONTH,
    TODAY,
    action_item,
    assessment_with_scores,
    set_target,
    subcategories,
)

pytestmark = pytest.mark.django_db

PERSONAS = ("admin", "member", "sibling", "assessor", "authorizing_official", "viewer", "outsider")
READERS = frozenset({"admin", "member", "authorizing_official", "viewer"})
PLANNERS = frozenset({"member"})


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def world(personas) -> dict:
    """The agency's 2025 assessment approved (Detect scores lowest), one own target, an open
    action item."""
    assessment_with_scores(personas.agency, {"DE.CM-01": 1, "DE.CM-02": 2}, default=5)
    set_target(personas.agency, "PR.AA-01", 7, "Badges open the traffic control room.")
    item = action_item(personas.agency, "DE.CM-02", owner=personas.member)
    return {"agency": personas.agency.pk, "item": item.pk}


def _pages(world) -> list[str]:
    agency, item = world["agency"], world["item"]
    return [
        reverse("csf:profile", args=[agency]),
        reverse("csf:profile", args=[agency]) + "?version=1.1",
        reverse("csf:targets", args=[agency]) + "?function=PR",
        reverse("csf:action_items", args=[agency]) + "?status=open",
        reverse("csf:action_item", args=[item]),
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_reads_the_profile_pages(client, personas, world, persona):
    client.force_login(getattr(personas, persona))
    for url in _pages(world):
        expected = 200 if persona in READERS else 404
        assert client.get(url).status_code == expected, (persona, url)


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    for url in _pages(world):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def _posts(world) -> list[tuple[str, dict]]:
    agency, item = world["agency"], world["item"]
    return [
        (
            reverse("csf:profile", args=[agency]),
            {"subcategories": ["DE.CM-01"], "owner": "", "due_date": NEXT_MONTH.isoformat()},
        ),
        (reverse("csf:targets", args=[agency]) + "?function=DE", {}),
        (reverse("csf:action_item", args=[item]), {"title": "x", "expected_version": 1}),
        (
            reverse("csf:action_item_close", args=[item]),
            {"outcome": "cancelled", "note": "x", "expected_version": 1},
        ),
    ]


@pytest.mark.parametrize("persona", sorted(set(PERSONAS) - PLANNERS))
def test_only_planners_post_the_others_get_404_and_nothing_changes(
    client, personas, world, persona
):
    client.force_login(getattr(personas, persona))
    for url, data in _posts(world):
        assert client.post(url, data).status_code == 404, (persona, url)
    assert CsfActionItem.objects.get(pk=world["item"]).version == 1
    assert not AuditEvent.objects.filter(action__startswith="csf_").exists()


def test_readers_see_the_profile_without_forms(client, personas, world):
    client.force_login(personas.viewer)
    response = client.get(reverse("csf:profile", args=[world["agency"]]))
    page = text(response)
    assert "2025 assessment" in page
    assert "left out of the averages, not counted as zero" in page  # the rule
    assert 'name="subcategories"' not in response.content.decode()
    assert response.context["form"] is None
    targets = client.get(reverse("csf:targets", args=[world["agency"]]) + "?function=PR")
    assert "<select" not in targets.content.decode()
    assert "Only the planners" in text(targets)


def test_the_profile_compares_current_and_target_by_function_and_lists_gaps(
    client, personas, world
):
    client.force_login(personas.member)
    response = client.get(reverse("csf:profile", args=[world["agency"]]))
    assert response.status_code == 200
    body, page = response.content.decode(), text(response)
    profile = response.context["profile"]
    detect = next(line for line in profile.functions if line.identifier == "DE")
    # DE.CM: (1 + 2 + 5 + 5 + 5) / 5 = 3.6; DE.AE all 5: DE = 4.3.
    categories = {line.identifier: line.current for line in detect.categories}
    assert categories == {"DE.CM": pytest.approx(3.6), "DE.AE": 5.0}
    assert "DE.CM Continuous Monitoring 3.6 5.0 1.4" in page
    assert "DE Detect 4.3 5.0 0.7" in page
    assert 'class="csf-bar"' in body and 'style="width: 61.4%"' in body  # 4.3 / 7
    # Detect is the lowest function: its gaps come first; DE.CM-02 has an item open.
    assert [line.subcategory for line in profile.prioritized[:2]] == ["DE.CM-01", "DE.CM-02"]
    assert 'value="DE.CM-01"' in body and 'value="DE.CM-02"' not in body
    assert f'href="/csf/action-items/{world["item"]}/"' in body
    assert response.context["form"].fields["owner"].queryset.filter(pk=personas.viewer.pk)


def test_without_an_approved_assessment_the_page_says_so_and_points_to_assessments(
    client, personas, world
):
    client.force_login(personas.member)
    response = client.get(reverse("csf:profile", args=[world["agency"]]) + "?version=1.1")
    page = text(response)
    assert "There is no approved CSF 1.1 assessment of Department of Transportation yet" in page
    assert f'href="/organizations/{world["agency"]}/csf/assessments/"' in (
        response.content.decode()
    )
    assert "Gaps to close" not in page


def test_an_unknown_version_is_404(client, personas, world):
    client.force_login(personas.member)
    assert client.get(
        reverse("csf:profile", args=[world["agency"]]) + "?version=9"
    ).status_code == (404)


def test_a_planner_turns_ticked_gaps_into_action_items(client, personas, world):
    client.force_login(personas.member)
    url = reverse("csf:profile", args=[world["agency"]])
    response = client.post(
        url,
        {
            "subcategories": ["DE.CM-01", "DE.CM-02"],
            "owner": personas.admin.pk,
            "due_date": NEXT_MONTH.isoformat(),
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0].startswith(
        reverse("csf:action_items", args=[world["agency"]])
    )
    page = text(response)
    assert "1 action item created: DE.CM-01." in page
    assert "Left out, each already has an action item open or in progress: DE.CM-02." in page
    created = CsfActionItem.objects.get(subcategory__identifier="DE.CM-01")
    assert (created.owner, created.due_date, created.current_score) == (
        personas.admin,
        NEXT_MONTH,
        1,
    )


def test_bad_gap_requests_are_answered_on_the_page_and_nothing_is_created(client, personas, world):
    client.force_login(personas.member)
    url = reverse("csf:profile", args=[world["agency"]])
    nothing = client.post(url, {"owner": personas.member.pk, "due_date": NEXT_MONTH.isoformat()})
    assert nothing.status_code == 400
    assert "Choose at least one gap" in text(nothing)
    late = client.post(
        url,
        {
            "subcategories": ["DE.CM-01"],
            "owner": "",
            "due_date": (TODAY - timedelta(days=1)).isoformat(),
        },
    )
    assert late.status_code == 400
    page = text(late)
    assert "Choose who answers for this action." in page
    assert 'value="DE.CM-01" id="gap-DE.CM-01" checked' in late.content.decode()
    past = client.post(
        url,
        {
            "subcategories": ["DE.CM-01"],
            "owner": personas.member.pk,
            "due_date": (TODAY - timedelta(days=1)).isoformat(),
        },
    )
    assert past.status_code == 400
    assert "Choose today or a later date." in text(past)
    off_list = client.post(
        url,
        {
            "subcategories": ["PR.AA-02"],
            "owner": personas.member.pk,
            "due_date": NEXT_MONTH.isoformat(),
        },
    )
    assert "PR.AA-02 is not on the gap list" in text(off_list)
    assert CsfActionItem.objects.count() == 1


def test_a_planner_edits_the_targets_of_one_function(client, personas, world):
    client.force_login(personas.member)
    url = reverse("csf:targets", args=[world["agency"]]) + "?function=PR"
    page = client.get(url)
    form = page.context["form"]
    assert page.context["page"].function == "PR"
    assert "The recommended minimum is 5" in text(page)
    data = {name: field.initial for name, field in form.fields.items()}
    assert data["score_PR.AA-01"] == 7 and data["score_PR.AA-02"] == 5
    data["score_PR.AA-02"] = 6
    data["score_PR.AA-01"] = 5
    data["rationale_PR.AA-01"] = ""
    response = client.post(url, data, follow=True)
    assert "Targets of Protect saved: 2 subcategories changed." in text(response)
    assert dict(CsfTarget.objects.values_list("subcategory__identifier", "score")) == {
        "PR.AA-02": 6
    }


def test_a_refused_target_row_saves_nothing_and_is_marked(client, personas, world):
    client.force_login(personas.member)
    url = reverse("csf:targets", args=[world["agency"]]) + "?function=PR"
    form = client.get(url).context["form"]
    data = {name: field.initial for name, field in form.fields.items()}
    data["score_PR.AA-02"] = 6  # fine alone
    data["score_PR.AA-03"] = 2  # below 5, no rationale
    response = client.post(url, data)
    assert response.status_code == 400
    page = text(response)
    assert "Nothing was saved." in page
    assert "a target below the recommended minimum of 5 needs a rationale" in page
    assert 'id="error-PR.AA-03"' in response.content.decode()
    data["score_PR.AA-04"] = 9  # not on the scale
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Choose 1 to 7." in text(response)
    assert dict(CsfTarget.objects.values_list("subcategory__identifier", "score")) == {
        "PR.AA-01": 7
    }


def test_the_action_item_list_filters_and_counts(client, personas, world):
    action_item(personas.agency, "PR.AA-03", due_date=TODAY - timedelta(days=3), title="Late one")
    action_item(personas.agency, "PR.AA-04", status="done", title="Done one")
    client.force_login(personas.authorizing_official)
    url = reverse("csf:action_items", args=[world["agency"]])
    page = text(client.get(url))
    assert "All: 3" in page and "Overdue: 1" in page and "Done: 1" in page
    overdue = client.get(url, {"overdue": "1"})
    assert [item.title for item in overdue.context["page_obj"]] == ["Late one"]
    protect = client.get(url, {"function": "PR", "status": "open"})
    assert [item.title for item in protect.context["page_obj"]] == ["Late one"]
    odd = client.get(url, {"status": "nonsense"})
    assert "A filter value was not recognized" in text(odd)


def test_a_planner_edits_an_action_item_and_a_stale_form_shows_the_conflict(
    client, personas, world
):
    client.force_login(personas.member)
    url = reverse("csf:action_item", args=[world["item"]])
    data = {
        "title": "Watch the signal network",
        "description": "Netflow to the SOC.",
        "owner": personas.admin.pk,
        "due_date": NEXT_MONTH.isoformat(),
        "status": "in_progress",
        "expected_version": 1,
    }
    saved = client.post(url, data, follow=True)
    assert "The action item is saved." in text(saved)
    item = CsfActionItem.objects.get(pk=world["item"])
    assert (item.title, item.owner, item.status, item.version) == (
        "Watch the signal network",
        personas.admin,
        "in_progress",
        2,
    )
    stale = client.post(url, {**data, "title": "Something else"})
    assert stale.status_code == 409
    page = text(stale)
    assert "Someone else saved this action item while you were editing" in page
    assert "Title Watch the signal network Something else" in page
    assert 'name="expected_version" value="2"' in stale.content.decode()
    assert CsfActionItem.objects.get(pk=world["item"]).title == "Watch the signal network"
    history = client.get(url).context["history"]
    assert [line.what for line in history] == ["Changed"]


def test_bad_edits_are_answered_next_to_the_field(client, personas, world):
    client.force_login(personas.member)
    url = reverse("csf:action_item", args=[world["item"]])
    response = client.post(
        url,
        {
            "title": "",
            "owner": personas.member.pk,
            "due_date": (TODAY - timedelta(days=1)).isoformat(),
            "status": "open",
            "expected_version": 1,
        },
    )
    assert response.status_code == 400
    assert "Say what will be done." in text(response)
    response = client.post(
        url,
        {
            "title": "ok",
            "owner": personas.member.pk,
            "due_date": (TODAY - timedelta(days=1)).isoformat(),
            "status": "open",
            "expected_version": 1,
        },
    )
    assert response.status_code == 400
    assert response.context["edit_form"].errors["due_date"] == ["Choose today or a later date."]
    assert CsfActionItem.objects.get(pk=world["item"]).version == 1


def test_a_planner_closes_an_action_item_with_a_note(client, personas, world):
    client.force_login(personas.member)
    close = reverse("csf:action_item_close", args=[world["item"]])
    missing = client.post(close, {"outcome": "done", "note": "", "expected_version": 1})
    assert missing.status_code == 400
    assert missing.context["close_form"].errors["note"] == [
        "Say what was done, and where the proof of it can be found."
    ]
    response = client.post(
        close,
        {"outcome": "done", "note": "Netflow feeds the SOC since May.", "expected_version": 1},
        follow=True,
    )
    page = text(response)
    assert "The action item is closed as done." in page
    assert "Netflow feeds the SOC since May." in page
    assert response.context["edit_form"] is None and response.context["close_form"] is None
    assert CsfActionItem.objects.get(pk=world["item"]).status == "done"


def _count(client, url: str) -> int:
    client.get(url)  # warm the process-wide caches first
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


def test_pages_cost_the_same_queries_for_a_small_and_a_large_organization(client, personas):
    small, large = personas.sibling_agency, personas.agency
    assessment_with_scores(small, {"PR.AA-01": 2})
    set_target(small, "PR.AA-01", 6)
    small_item = action_item(small, "PR.AA-01", owner=personas.sibling)
    assessment_with_scores(large, {}, default=2)
    for identifier in subcategories()[:60]:
        set_target(large, identifier, 6)
        action_item(large, identifier, owner=personas.member)
    large_item = CsfActionItem.objects.filter(organization=large).first()

    def urls(organization, item):
        return [
            reverse("csf:profile", args=[organization.pk]),
            reverse("csf:targets", args=[organization.pk]) + "?function=PR",
            reverse("csf:action_items", args=[organization.pk]),
            reverse("csf:action_item", args=[item.pk]),
        ]

    # Reading (the state's viewer reads both agencies), and planning (each agency's planner
    # sees the forms of their own).
    for small_reader, large_reader in (
        (personas.viewer, personas.viewer),
        (personas.sibling, personas.member),
    ):
        for small_url, large_url in zip(
            urls(small, small_item), urls(large, large_item), strict=True
        ):
            client.force_login(small_reader)
            small_count = _count(client, small_url)
            client.force_login(large_reader)
            assert _count(client, large_url) == small_count, large_url
