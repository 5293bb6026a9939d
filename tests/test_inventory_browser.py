"""A real headless Chromium journey through the inventory: a planner adds a system (correcting a
mistake on the way), a component and an SP 800-60 information type, and sees them on its page."""

import os
import re

import pytest

from assets.models import AuditEvent, System
from tests.browser import BROWSER_JOURNEY, sign_in

pytestmark = BROWSER_JOURNEY


@pytest.mark.django_db(transaction=True)
def test_planner_inventories_a_system(page, live_server, catalogs, personas):
    sign_in(page, live_server, "member")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Systems").click()
    page.wait_for_url("**/systems/")
    assert page.get_by_role("rowheader", name="Traffic Signal Control", exact=False).is_visible()
    page.get_by_role("link", name="Add a system to Department of Transportation").click()

    page.get_by_label(re.compile(r"^Name\b")).fill("Air Quality Sensors")
    page.get_by_label(re.compile(r"^Acronym\b")).fill("AQS")
    page.get_by_label(re.compile(r"^Kind\b")).select_option("IoT")
    page.get_by_label(re.compile(r"^System type\b")).select_option("iot_fleet")
    page.get_by_label("The public uses it directly").check()  # but no channel picked: refused
    page.get_by_role("button", name="Add the system").click()

    error = page.locator("#id_channels_error")
    error.wait_for()
    assert "pick at least one channel" in error.inner_text()
    assert page.get_by_label(re.compile(r"^Name\b")).input_value() == "Air Quality Sensors"
    assert not System.objects.filter(acronym="AQS").exists()

    page.get_by_label("Web site").check()
    page.get_by_role("button", name="Add the system").click()
    page.get_by_role("status").get_by_text("was added to the inventory").wait_for()
    system = System.objects.get(acronym="AQS")
    assert page.url.endswith(f"/systems/{system.pk}/")
    assert system.channels == ["web"]

    page.get_by_role("link", name="Add a component").click()
    page.get_by_label(re.compile(r"^Name\b")).fill("Sensor nodes")
    page.get_by_label(re.compile(r"^Type\b")).select_option("iot_device")
    page.get_by_label("Vendor").fill("Acme Sensing")
    page.get_by_label("Quantity").fill("120")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("status").get_by_text("The component was added").wait_for()
    assert page.get_by_role("rowheader", name="Sensor nodes").is_visible()
    assert page.get_by_role("cell", name="Acme Sensing").is_visible()

    page.get_by_role("link", name="Add an information type").click()
    page.get_by_role("searchbox", name="Search SP 800-60").fill("ground transportation")
    page.get_by_role("button", name="Search").click()
    page.get_by_label("Ground Transportation", exact=True).check()
    page.get_by_label("Why this system handles it").fill("Sensors sit along the bus corridors.")
    page.get_by_role("button", name="Add the information type").click()
    page.get_by_role("status").get_by_text("was added").wait_for()

    body = page.content()
    assert "Ground Transportation" in body
    assert "Sensors sit along the bus corridors." in body
    assert "Acme Sensing" in body
    assert "RMF work" in body
    assert set(
        AuditEvent.objects.filter(actor=personas.member).values_list("action", flat=True)
    ) == {"system_create", "component_create", "system_information_type_add"}
    page.screenshot(path=os.path.join(os.environ.get("TMPDIR", "/tmp"), "inventory-system.png"))
