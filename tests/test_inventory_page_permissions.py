"""Who reaches which inventory page: every view, every persona. Not allowed looks like missing."""

import pytest
from django.urls import reverse

from assets.models import Component, InformationType, Interconnection, SystemInformationType
from assets.services import (
    component_create,
    interconnection_create,
    system_information_type_add,
)

pytestmark = pytest.mark.django_db

READERS = {"admin", "member", "assessor", "authorizing_official", "viewer"}
EDITORS = {"admin", "member"}
MANAGERS = {"admin"}
PERSONAS = ("admin", "member", "sibling", "assessor", "authorizing_official", "viewer", "outsider")


@pytest.fixture
def parts(personas):
    system = personas.system
    return {
        "component": component_create(
            actor=None, system=system, name="Controllers", component_type="ot_device"
        ),
        "interconnection": interconnection_create(
            actor=None,
            system=system,
            external_party="State DOT",
            direction="outgoing",
            information="Signal timing",
        ),
        "information_type": system_information_type_add(
            actor=None, system=system, catalog_type=InformationType.objects.first(), note="x"
        ),
    }


def _pages(personas, parts):
    """(url, the personas who may open it) for every page that is reached by GET."""
    system, agency = personas.system.pk, personas.agency.pk
    return [
        (reverse("assets:system_detail", args=[system]), READERS),
        (reverse("assets:system_update", args=[system]), EDITORS),
        (reverse("assets:system_create", args=[agency]), EDITORS),
        (reverse("assets:system_component_create", args=[system]), EDITORS),
        (reverse("assets:system_component_update", args=[parts["component"].pk]), EDITORS),
        (reverse("assets:system_interconnection_create", args=[system]), EDITORS),
        (
            reverse("assets:system_interconnection_update", args=[parts["interconnection"].pk]),
            EDITORS,
        ),
        (reverse("assets:system_information_type_add", args=[system]), EDITORS),
        (reverse("assets:organization_information_type_create", args=[agency]), EDITORS),
        (reverse("assets:system_assessors", args=[system]), MANAGERS),
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_page_opens_for_exactly_the_allowed_personas(client, personas, parts, persona):
    client.force_login(getattr(personas, persona))
    for url, allowed in _pages(personas, parts):
        expected = 200 if persona in allowed else 404
        assert client.get(url).status_code == expected, url


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_sibling_agency_system_is_reached_only_from_above_or_inside(client, personas, persona):
    client.force_login(getattr(personas, persona))
    response = client.get(reverse("assets:system_detail", args=[personas.sibling_system.pk]))
    # The sibling's own agency, and the city and state roles that reach both agencies.
    readers = {"sibling", "authorizing_official", "viewer"}
    assert response.status_code == (200 if persona in readers else 404)
    edit = client.get(reverse("assets:system_update", args=[personas.sibling_system.pk]))
    assert edit.status_code == (200 if persona == "sibling" else 404)


def test_missing_objects_give_the_same_404(client, personas):
    client.force_login(personas.admin)
    for name in ("system_detail", "system_update", "system_component_create"):
        assert client.get(reverse(f"assets:{name}", args=[987654])).status_code == 404
    assert client.get(reverse("assets:system_component_update", args=[987654])).status_code == 404


@pytest.mark.parametrize("persona", sorted(set(PERSONAS) - EDITORS))
def test_removals_by_non_editors_are_refused_and_change_nothing(client, personas, parts, persona):
    client.force_login(getattr(personas, persona))
    for name, key in (
        ("system_component_delete", "component"),
        ("system_interconnection_delete", "interconnection"),
        ("system_information_type_remove", "information_type"),
    ):
        response = client.post(reverse(f"assets:{name}", args=[parts[key].pk]))
        assert response.status_code == 404, name
    assert Component.objects.filter(pk=parts["component"].pk).exists()
    assert Interconnection.objects.filter(pk=parts["interconnection"].pk).exists()
    assert SystemInformationType.objects.filter(pk=parts["information_type"].pk).exists()


@pytest.mark.parametrize("persona", sorted(set(PERSONAS) - EDITORS))
def test_non_editors_cannot_post_edits(client, personas, persona):
    client.force_login(getattr(personas, persona))
    system = personas.system
    response = client.post(
        reverse("assets:system_update", args=[system.pk]),
        {"name": "Hijacked", "acronym": "TSC", "kind": "OT", "version": system.version},
    )
    assert response.status_code == 404
    create = client.post(
        reverse("assets:system_create", args=[personas.agency.pk]),
        {"name": "Sneaky", "acronym": "SNK", "kind": "IT", "system_type": "major_application"},
    )
    assert create.status_code == 404
    system.refresh_from_db()
    assert system.name == "Traffic Signal Control"


def test_anonymous_visitors_are_sent_to_sign_in(client, personas, parts):
    urls = [url for url, _ in _pages(personas, parts)] + [reverse("assets:system_list")]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url
    response = client.post(reverse("assets:system_component_delete", args=[parts["component"].pk]))
    assert response.status_code == 302
    assert Component.objects.filter(pk=parts["component"].pk).exists()


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("admin", {"TSC"}),
        ("member", {"TSC"}),
        ("sibling", {"VRS"}),
        ("assessor", {"TSC"}),
        ("authorizing_official", {"TSC", "VRS"}),
        ("viewer", {"TSC", "VRS"}),
        ("outsider", set()),
    ],
)
def test_the_list_shows_exactly_the_systems_each_persona_may_see(
    client, personas, persona, expected
):
    client.force_login(getattr(personas, persona))
    response = client.get(reverse("assets:system_list"))
    assert response.status_code == 200
    assert {system.acronym for system in response.context["page_obj"]} == expected


@pytest.mark.parametrize(
    ("persona", "edit", "manage"),
    [
        ("admin", True, True),
        ("member", True, False),
        ("assessor", False, False),
        ("authorizing_official", False, False),
        ("viewer", False, False),
    ],
)
def test_the_system_page_offers_only_what_the_persona_may_do(
    client, personas, parts, persona, edit, manage
):
    client.force_login(getattr(personas, persona))
    response = client.get(reverse("assets:system_detail", args=[personas.system.pk]))
    body = response.content.decode()
    assert (reverse("assets:system_update", args=[personas.system.pk]) in body) is edit
    assert (reverse("assets:system_component_delete", args=[parts["component"].pk]) in body) is edit
    assert (reverse("assets:system_assessors", args=[personas.system.pk]) in body) is manage
    assert response.context["can_edit"] is edit
