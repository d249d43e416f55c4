import pytest

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
