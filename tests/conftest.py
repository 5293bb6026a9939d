"""Shared fixtures: the NIST catalogs loaded once per test session, and the personas."""

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
        call_command("load_catalogs", dir=str(nist_dir), verbosity=0, stdout=open(os.devnull, "w"))


@pytest.fixture
def catalogs(db):
    """For tests that need the catalogs after a transactional test flushed them."""
    from rmf.models import Control

    if not Control.objects.exists():
        call_command("load_catalogs", dir=str(NIST_DIR), stdout=open(os.devnull, "w"))
