import pytest

from tests.engineering.walk import dispatched_ticket


@pytest.fixture
def dispatched(reception, engineer):
    """dispatched(**fields) → a ticket walked to DISPATCHED with `engineer`; pass engineer=… for another."""

    def make(**fields):
        return dispatched_ticket(reception=reception, engineer=fields.pop("engineer", engineer), **fields)

    return make
