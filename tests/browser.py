"""Shared by the browser journeys: Debian's Chromium driven by Playwright."""

import os
import shutil

import pytest

from tests.factories import PASSWORD

CHROMIUM = os.environ.get("WORKBENCH_CHROMIUM", "/usr/bin/chromium")
# Generous: CI runs on two cores, and a page may render hundreds of controls.
TIMEOUT_MS = 60_000
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Apply to a journey module: `pytestmark = BROWSER_JOURNEY`.
BROWSER_JOURNEY = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM),
        reason="Debian's chromium is installed by the test command",
    ),
]


def sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
