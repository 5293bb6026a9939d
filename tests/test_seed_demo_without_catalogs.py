"""`manage.py seed_demo` without the SP 800-60 catalog still seeds the inventory and says what
to do (a database of its own: the other demo modules share one seeded database)."""

import io

import pytest
from django.core.management import call_command

from assets.demo_inventory import SYSTEMS
from assets.models import InformationType, System, SystemInformationType


def seed_demo() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_information_types_are_skipped_without_the_catalog(monkeypatch):
    """Without the SP 800-60 catalog the command still runs and says what to do."""
    monkeypatch.setattr(
        InformationType.objects, "in_bulk", lambda *args, **kwargs: {}, raising=False
    )
    output = seed_demo()
    assert "load_catalogs" in output
    assert System.objects.count() == len(SYSTEMS)
    assert not SystemInformationType.objects.exists()
