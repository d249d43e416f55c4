import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from core.roles import Role
from partners.models import ApiScope, Partner, PartnerKind
from partners.services import api_key_create
from tests.factories import TicketFactory, UserFactory

ALL_SCOPES = list(ApiScope.values)


def make_partner(code: str, kind: str = PartnerKind.COURIER) -> Partner:
    account = UserFactory(username=f"svc-{code}")
    account.groups.add(Group.objects.get(name=Role.PARTNER))
    return Partner.objects.create(code=code, name=code.upper(), kind=kind, account=account)


def key_client(raw_key: str, *, header: str = "bearer") -> APIClient:
    client = APIClient()
    if header == "bearer":
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    else:
        client.credentials(HTTP_X_API_KEY=raw_key)
    return client


@pytest.fixture
def partner_a(db):
    return make_partner("courier-a")


@pytest.fixture
def partner_b(db):
    return make_partner("maker-b", PartnerKind.MANUFACTURER)


@pytest.fixture
def key_a(partner_a):
    """(key row, raw key) of partner A with every scope."""
    return api_key_create(partner=partner_a, name="a", scopes=ALL_SCOPES)


@pytest.fixture
def key_b(partner_b):
    return api_key_create(partner=partner_b, name="b", scopes=ALL_SCOPES)


@pytest.fixture
def api_a(key_a):
    return key_client(key_a[1])


@pytest.fixture
def api_b(key_b):
    return key_client(key_b[1])


@pytest.fixture
def ticket_of():
    """ticket_of(partner, **fields): a bare ticket row belonging to `partner`."""

    def make(partner, **fields):
        return TicketFactory(partner=partner, **fields)

    return make
