"""The systems access function: who reaches which system, for reading and for editing."""

import pytest
from django.http import Http404

from assets.roles import ASSESS, EDIT_INVENTORY, VIEW
from assets.selectors import system_get_for_user, system_list_for_user

pytestmark = pytest.mark.django_db

# persona -> (systems readable, systems editable, systems assessable), by fixture attribute
EXPECTED = {
    "admin": ({"system"}, {"system"}, set()),
    "member": ({"system"}, {"system"}, set()),
    "sibling": ({"sibling_system"}, {"sibling_system"}, set()),
    "assessor": ({"system"}, set(), {"system"}),
    "authorizing_official": ({"system", "sibling_system"}, set(), set()),
    "viewer": ({"system", "sibling_system"}, set(), set()),
    "outsider": (set(), set(), set()),
}


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_each_persona_reaches_exactly_its_systems(personas, persona):
    user = getattr(personas, persona)
    for perm, expected in zip((VIEW, EDIT_INVENTORY, ASSESS), EXPECTED[persona], strict=True):
        reached = set(system_list_for_user(user, perm=perm))
        assert reached == {getattr(personas, name) for name in expected}, perm
        for name in ("system", "sibling_system"):
            system = getattr(personas, name)
            if name in expected:
                assert system_get_for_user(user, system.pk, perm=perm) == system
            else:
                with pytest.raises(Http404):
                    system_get_for_user(user, system.pk, perm=perm)


def test_anonymous_and_missing(personas):
    from django.contrib.auth.models import AnonymousUser

    assert not system_list_for_user(AnonymousUser()).exists()
    with pytest.raises(Http404):
        system_get_for_user(personas.viewer, 987654)
    with pytest.raises(Http404):
        system_get_for_user(personas.viewer, "not-a-number")


def test_revoking_the_single_system_grant_removes_access(personas):
    from assets.services import system_assessor_revoke

    system_assessor_revoke(actor=personas.admin, system=personas.system, user=personas.assessor)
    assessor = type(personas.assessor).objects.get(pk=personas.assessor.pk)
    assert not system_list_for_user(assessor).exists()
