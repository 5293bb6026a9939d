"""`user_can`, the single-system permission check the services use, answers exactly as the
lists do (`system_list_for_user`): through organization roles (direct or cascading down the
tree) and through grants of one system to an outside assessor."""

import pytest
from django.contrib.auth.models import AnonymousUser

from assets.roles import ASSESS, AUTHORIZE, EDIT_INVENTORY, EDIT_RMF, MANAGE, VIEW
from assets.selectors import system_list_for_user, user_can
from assets.services import system_assessor_revoke

pytestmark = pytest.mark.django_db

PERMS = (VIEW, MANAGE, EDIT_INVENTORY, EDIT_RMF, ASSESS, AUTHORIZE)


def test_user_can_agrees_with_the_system_lists(personas):
    systems = [personas.system, personas.sibling_system]
    for name, user in personas.all_signed_in().items():
        for perm in PERMS:
            listed = set(system_list_for_user(user, perm=perm).values_list("pk", flat=True))
            for system in systems:
                assert user_can(user, perm, system) == (system.pk in listed), (name, perm)


def test_the_roles_reach_what_they_should(personas):
    assert user_can(personas.member, EDIT_RMF, personas.system)
    assert not user_can(personas.member, EDIT_RMF, personas.sibling_system)
    assert user_can(personas.authorizing_official, AUTHORIZE, personas.sibling_system)
    assert user_can(personas.viewer, VIEW, personas.sibling_system)
    assert not user_can(personas.viewer, EDIT_RMF, personas.system)
    assert user_can(personas.assessor, ASSESS, personas.system)
    assert not user_can(personas.assessor, ASSESS, personas.sibling_system)
    assert not user_can(personas.outsider, VIEW, personas.system)


def test_inactive_anonymous_and_revoked_users_hold_nothing(personas):
    assert not user_can(AnonymousUser(), VIEW, personas.system)
    assert not user_can(None, VIEW, personas.system)
    system_assessor_revoke(actor=None, system=personas.system, user=personas.assessor)
    assert not user_can(personas.assessor, VIEW, personas.system)
    personas.member.is_active = False
    personas.member.save()
    assert not user_can(personas.member, VIEW, personas.system)


def test_one_query_per_check(personas, django_assert_num_queries):
    with django_assert_num_queries(1):
        user_can(personas.member, EDIT_RMF, personas.system)
