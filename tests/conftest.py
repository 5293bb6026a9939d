"""Shared fixtures: the NIST catalogs loaded once per test session, and the personas."""

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command

REPO = Path(__file__).resolve().parent.parent
NIST_DIR = Path(os.environ.get("WORKBENCH_NIST_DIR") or REPO.parent / "shared" / "nist").resolve()

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def nist_dir() -> Path:
    assert (NIST_DIR / "README.md").is_file(), f"NIST reference folder not found at {NIST_DIR}"
    return NIST_DIR


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, nist_dir):
    """Every test database starts with the real NIST catalogs, loaded once per session."""
    with django_db_blocker.unblock():
        call_command("load_catalogs", dir=str(nist_dir), stdout=io.StringIO())


@pytest.fixture(scope="module")
def demo_seeded(django_db_setup, django_db_blocker) -> str:
    """`manage.py seed_demo` once for a whole module (it takes half a minute), inside a
    transaction rolled back when the module is done; each test of the module runs in a
    savepoint of it (the `db` fixture), so what a test changes is undone after it."""
    from django.db import transaction
    from django.test import override_settings

    # The tests' fast hasher (see `_fast_password_hashing`), set before the demo users exist.
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast:
        outer = transaction.atomic()
        outer.__enter__()
        try:
            out = io.StringIO()
            call_command("seed_demo", stdout=out)
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def catalogs(db):
    """For tests that need the catalogs after a transactional test flushed them."""
    from rmf.models import Control

    if not Control.objects.exists():
        call_command("load_catalogs", dir=str(NIST_DIR), stdout=io.StringIO())


@pytest.fixture
def personas(db):
    from tests.factories import build_personas

    return build_personas()


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Personas create several users per test; the production hasher would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    # Counts kept in the cache (wrong passwords at signing) must not leak from test to test.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM, LAUNCH_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    from tests.browser import TIMEOUT_MS

    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    yield page
    context.close()
