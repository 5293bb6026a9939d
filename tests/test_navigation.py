"""The main navigation marks exactly the section a page belongs to."""

import pytest
from django.urls import reverse

from workbench.context_processors import nav_section

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "section"),
    [
        ("/systems/", "systems"),
        ("/systems/4/edit/", "systems"),
        ("/systems/4/rmf/", "rmf"),
        ("/authorizations/2/select/", "rmf"),
        ("/rmf/portfolio/", "rmf"),
        ("/catalog/controls/ac-2/", "controls"),
        ("/catalog/information-types/", "information_types"),
        ("/csf/2.0/", "csf"),
        ("/organizations/3/", "organizations"),
        ("/audit/", "organizations"),
        ("/", ""),
    ],
)
def test_nav_section(path, section):
    assert nav_section(path) == section


def test_one_link_is_current_on_a_page(client, personas):
    client.force_login(personas.member)
    for url in (
        reverse("assets:system_detail", args=[personas.system.pk]),
        reverse("rmf:portfolio"),
        reverse("rmf:family_list"),
    ):
        body = client.get(url).content.decode()
        assert body.count('aria-current="page"') == 1, url
