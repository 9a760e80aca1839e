"""Playwright helpers: Debian's Chromium (Playwright cannot download browsers here)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("STUDIO_CHROMIUM", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parent.parent
#: Where ``screenshot`` writes. The test suite writes under var/ and leaves the README's pictures alone;
#: ``make screenshots`` sets STUDIO_SCREENSHOT_DIR=docs/screenshots to remake them on purpose.
SCREENSHOTS = Path(os.environ.get("STUDIO_SCREENSHOT_DIR") or ROOT / "var" / "test-screenshots")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make setup` (installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(15000)
    blocked: list[str] = []  # the Content-Security-Policy must not block anything the studio's pages do
    page.on("console", lambda msg: blocked.append(msg.text) if "Content Security Policy" in msg.text else None)
    yield page
    context.close()
    assert not blocked, f"the page broke its Content-Security-Policy: {blocked[:3]}"


def sign_in(page, live_server, username, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path
