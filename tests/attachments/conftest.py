"""Files that are (and are not) what their names say, a storage root per test, partners with tickets."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from core.roles import Role
from partners.models import Partner, PartnerKind
from tests.conftest import make_user
from tests.factories import TicketFactory

MB = 1024 * 1024
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x11" * 200 + b"\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02" + b"\x00" * 100
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
TEXT = b"This is a plain text file, not a photo at all.\n"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
MZ = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200


def upload(content: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def make_partner(code: str) -> Partner:
    return Partner.objects.create(code=code, name=code.upper(), kind=PartnerKind.COURIER,
                                  account=make_user(Role.PARTNER, f"{code}-svc"))


@pytest.fixture
def partner_a(db):
    return make_partner("courier-a")


@pytest.fixture
def partner_b(db):
    return make_partner("courier-b")


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def ticket_a(partner_a, other_engineer):
    """Partner A's ticket, dispatched to other_engineer (so `engineer` is not assigned)."""
    return TicketFactory(partner=partner_a, engineer=other_engineer)
