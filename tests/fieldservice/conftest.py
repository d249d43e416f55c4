import pytest

# The browser fixtures of tests/browser/conftest.py (Debian Chromium, live_server, login, screenshot).
from tests.browser.conftest import (  # noqa: F401
    browser_context_args,
    browser_type_launch_args,
    login,
    page,
    screenshot,
)
from tests.engineering.walk import dispatched_ticket


@pytest.fixture
def dispatched(reception, engineer):
    """dispatched(**fields) → a ticket walked to DISPATCHED with `engineer`; pass engineer=… for another."""

    def make(**fields):
        return dispatched_ticket(reception=reception, engineer=fields.pop("engineer", engineer), **fields)

    return make
