"""Playwright against `live_server`, with Debian's Chromium (no browser download on CI).

Fixtures: `page` (pytest-playwright's, with base_url = live_server, zh-CN, a desk-sized window),
`login(page, user)` through the real login page, `screenshot(page, "name")` → test-artifacts/name.png.
Users come from tests/conftest.py (reception, engineer, manager, …); their password is PASSWORD."""
import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run there unless
# told it is safe (it is: the loop only drives the browser). Set here so it works outside scripts/test.sh.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, live_server):
    return {**browser_context_args, "base_url": live_server.url, "locale": "zh-CN",
            "timezone_id": "Asia/Shanghai", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def page(page: Page) -> Page:
    page.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    return page


@pytest.fixture
def login():
    """login(page, user): fill the real login form and wait until the app has let us in.
    For a second user in the same test, log in on a page of `new_context()` (cookies are per context)."""

    def do_login(page: Page, user, password: str = PASSWORD) -> None:
        page.goto("/accounts/login/")
        page.locator("#id_username").fill(user.get_username())
        page.locator("#id_password").fill(password)
        page.locator("form button[type=submit]").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)

    return do_login


@pytest.fixture
def screenshot():
    """screenshot(page, "name", full_page=True) → test-artifacts/name.png; returns the path."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page: Page, name: str, *, full_page: bool = True) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take
