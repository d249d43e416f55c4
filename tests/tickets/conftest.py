import pytest

from core import pagecache
from partners.models import Partner, PartnerKind
from tests.factories import TicketFactory
from tickets.choices import Status


@pytest.fixture
def ticket_in(engineer):
    """ticket_in(status, **fields): a bare ticket row in `status`, dispatched to `engineer` once past dispatch."""

    def make(status: str, **fields):
        if status not in (Status.REGISTERED, Status.PREPROCESSED, Status.CANCELLED):
            fields.setdefault("engineer", engineer)
        return TicketFactory(status=status, **fields)

    return make


@pytest.fixture
def partner_account(partner_user):
    """The partner role user with its Partner record, as partner systems authenticate."""
    Partner.objects.create(code="sf", name="顺丰速运", kind=PartnerKind.COURIER, account=partner_user)
    partner_user.refresh_from_db()
    return partner_user


@pytest.fixture
def pinned_minute(monkeypatch):
    """A stored page's key holds the minute: two views a test compares must not straddle a minute boundary
    (under load a view takes seconds; CI saw views at hh:mm:59.9 drawn twice). Pinned to the minute the test
    began; tests/tickets/test_list_cache.py turns the minute itself."""
    minute = pagecache._minute()
    monkeypatch.setattr(pagecache, "_minute", lambda: minute)


def named(user, name: str):
    """The user with this display name (the header shows it): pages of different readers told apart."""
    user.last_name, user.first_name = name, ""
    user.save(update_fields=["last_name", "first_name"])
    return user
