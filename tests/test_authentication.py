"""Sign in, sign out, password change, failed-login throttling, session expiry, API tokens."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_sign_in_and_out(client, personas):
    response = client.post(reverse("login"), {"username": "member", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_wrong_password_shows_a_message(client, personas):
    response = client.post(reverse("login"), {"username": "member", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_repeated_failures_lock_the_account_from_that_address(client, personas):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "member", "password": "guess"})
    locked = client.post(reverse("login"), {"username": "member", "password": PASSWORD})
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()
    assert client.get(reverse("home")).status_code == 302  # still not signed in
    # another account from the same address is not affected
    other = client.post(reverse("login"), {"username": "viewer", "password": PASSWORD})
    assert other.status_code == 302


def test_password_change(client, personas):
    client.force_login(personas.member)
    new = "a-much-longer-passphrase-2026"
    bad = client.post(
        reverse("password_change"),
        {"old_password": "nope", "new_password1": new, "new_password2": new},
    )
    assert bad.status_code == 200
    assert "Your old password was entered incorrectly" in bad.content.decode()
    good = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert good.status_code == 302
    personas.member.refresh_from_db()
    assert personas.member.check_password(new)


def test_sessions_expire(client, personas):
    client.post(reverse("login"), {"username": "member", "password": PASSWORD})
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_api_token_authentication(api_client, personas):
    response = api_client.post(
        reverse("api-token"), {"username": "member", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    data = api_client.get(reverse("api-organization-list")).json()
    assert {row["name"] for row in data["results"]} == {"Department of Transportation"}
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert api_client.get(reverse("api-organization-list")).status_code == 401
