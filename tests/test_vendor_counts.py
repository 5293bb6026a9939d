"""Vendors are a shared list, but their component counts only count what the caller may see."""

import pytest
from django.urls import reverse

from assets.services import component_create, vendor_get_or_create

pytestmark = pytest.mark.django_db


def test_vendor_counts_do_not_reveal_other_agencies_components(api_client, personas):
    vendor = vendor_get_or_create(name="Acme Signals")
    component_create(
        actor=None,
        system=personas.system,
        name="Controller",
        component_type="ot_device",
        vendor=vendor,
    )
    for number in range(3):
        component_create(
            actor=None,
            system=personas.sibling_system,
            name=f"Kiosk {number}",
            component_type="hardware",
            vendor=vendor,
        )
    expected = {"member": 1, "sibling": 3, "viewer": 4, "outsider": 0}
    for persona, count in expected.items():
        api_client.force_authenticate(getattr(personas, persona))
        rows = api_client.get(reverse("api-vendor-list"), {"q": "Acme"}).json()["results"]
        assert [row["component_count"] for row in rows] == [count], persona
