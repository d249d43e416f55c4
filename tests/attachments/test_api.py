"""Attachments through the API: content-checked, size-limited, stored only when accepted, and served only
to whoever may see the ticket."""
import pytest
from django.conf import settings
from django.urls import reverse

from attachments.models import Attachment
from attachments.sniffing import looks_executable, sniff

from .conftest import ELF, JPEG, MB, MZ, PDF, PNG, TEXT, api_for, stored_files, upload


def list_url(ticket) -> str:
    return reverse("api:ticket-attachment-list", args=[ticket.number])


def download_url(attachment) -> str:
    return reverse("api:ticket-attachment-download", args=[attachment.ticket.number, attachment.pk])


@pytest.mark.parametrize(("head", "expected"), [
    (JPEG, "image/jpeg"), (PNG, "image/png"), (PDF, "application/pdf"),
    (TEXT, None), (ELF, None), (MZ, None), (b"", None), (b"\xff\xd8", None), (b"GIF89a", None),
])
def test_sniff_by_magic_bytes(head, expected):
    assert sniff(head[:16]) == expected


def test_executables_recognised():
    assert looks_executable(ELF) and looks_executable(MZ) and looks_executable(b"#!/bin/sh\n")
    assert not looks_executable(TEXT) and not looks_executable(JPEG)


@pytest.mark.parametrize(("content", "name", "client_type", "detected"), [
    (JPEG, "fault.jpg", "image/jpeg", "image/jpeg"),
    (PNG, "warranty card.PNG", "image/png", "image/png"),
    (PDF, "发票.pdf", "application/pdf", "application/pdf"),
    pytest.param(PNG, "scan.pdf", "application/pdf", "image/png", id="name-and-type-lie-content-wins"),
])
def test_partner_uploads_to_own_ticket(partner_a, ticket_a, media_root, content, name, client_type, detected):
    response = api_for(partner_a.account).post(
        list_url(ticket_a), {"file": upload(content, name, client_type), "kind": "invoice"}, format="multipart")
    assert response.status_code == 201, response.content
    attachment = Attachment.objects.get()
    assert (attachment.content_type, attachment.size, attachment.kind) == (detected, len(content), "invoice")
    assert attachment.original_name == name
    [path] = stored_files(media_root)
    assert path.read_bytes() == content
    assert name not in str(path) and path.name == attachment.file.name.rsplit("/", 1)[-1]  # generated name
    assert response.json()["download_url"] == download_url(attachment)


@pytest.mark.parametrize(("content", "name", "code"), [
    pytest.param(TEXT, "photo.jpg", "unsupported_type", id="text-renamed-jpg"),
    pytest.param(ELF, "invoice.pdf", "executable", id="elf"),
    pytest.param(MZ, "scan.png", "executable", id="windows-exe"),
    pytest.param(b"\xff\xd8\xff" + b"\0" * (10 * MB + 1 - 3), "big.jpg", "too_large", id="10MB-plus-1-byte"),
    pytest.param(b"", "empty.jpg", None, id="empty"),
])
def test_refused_files_leave_nothing_behind(reception_api, ticket_a, media_root, content, name, code):
    response = reception_api.post(list_url(ticket_a), {"file": upload(content, name)}, format="multipart")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["errors"]["file"] and (code is None or body["type"] == f"urn:servicedesk:{code}")
    assert not Attachment.objects.exists()
    assert stored_files(media_root) == []


def test_text_renamed_jpg_gets_a_clear_message(reception_api, ticket_a):
    response = reception_api.post(list_url(ticket_a), {"file": upload(TEXT, "photo.jpg")}, format="multipart",
                                  HTTP_ACCEPT_LANGUAGE="en")
    assert "JPEG, PNG and PDF" in response.json()["errors"]["file"][0]


def test_exactly_10_mb_is_accepted(reception_api, ticket_a):
    content = b"%PDF-1.7\n" + b"0" * (settings.ATTACHMENT_MAX_BYTES - 9)
    response = reception_api.post(list_url(ticket_a), {"file": upload(content, "scan.pdf")}, format="multipart")
    assert response.status_code == 201 and Attachment.objects.get().size == 10 * MB


def test_a_body_far_over_the_limit_is_a_413_problem_before_it_is_read(reception_api, ticket_a, media_root):
    content = b"\xff\xd8\xff" + b"\0" * (11 * MB)
    response = reception_api.post(list_url(ticket_a), {"file": upload(content)}, format="multipart")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json" and "file" in response.json()["errors"]
    assert not Attachment.objects.exists() and stored_files(media_root) == []


def test_at_most_20_files_per_ticket(reception_api, ticket_a, media_root):
    for n in range(settings.ATTACHMENTS_PER_TICKET):
        assert reception_api.post(list_url(ticket_a), {"file": upload(PNG, f"{n}.png")},
                                  format="multipart").status_code == 201
    response = reception_api.post(list_url(ticket_a), {"file": upload(PNG, "21.png")}, format="multipart")
    assert response.status_code == 409 and "file" in response.json()["errors"]
    assert Attachment.objects.count() == 20 and len(stored_files(media_root)) == 20


def test_list_and_download_with_safe_headers(partner_a, ticket_a, reception):
    client = api_for(partner_a.account)
    client.post(list_url(ticket_a), {"file": upload(JPEG, "fault.jpg"), "kind": "fault_photo"}, format="multipart")
    client.post(list_url(ticket_a), {"file": upload(PDF, "invoice.pdf"), "kind": "invoice"}, format="multipart")
    rows = client.get(list_url(ticket_a)).json()
    assert [(r["kind"], r["content_type"]) for r in rows] == [("fault_photo", "image/jpeg"),
                                                              ("invoice", "application/pdf")]
    image, pdf = Attachment.objects.order_by("id")
    response = client.get(download_url(image), HTTP_ACCEPT="image/*")
    assert response.status_code == 200 and b"".join(response.streaming_content) == JPEG
    assert response["Content-Type"] == "image/jpeg" and response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    response = api_for(reception).get(download_url(pdf), HTTP_ACCEPT="application/pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment") and f"{ticket_a.number}-invoice-" in \
        response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff" and "sandbox" in response["Content-Security-Policy"]


def test_another_partner_and_an_unassigned_engineer_get_404(partner_b, ticket_a, engineer, other_engineer,
                                                            reception_api, media_root):
    reception_api.post(list_url(ticket_a), {"file": upload(PNG, "a.png")}, format="multipart")
    attachment = Attachment.objects.get()
    for user in (partner_b.account, engineer):
        client = api_for(user)
        assert client.get(list_url(ticket_a)).status_code == 404
        assert client.get(download_url(attachment)).status_code == 404
        assert client.post(list_url(ticket_a), {"file": upload(PNG, "x.png")}, format="multipart").status_code == 404
    assert Attachment.objects.count() == 1 and len(stored_files(media_root)) == 1
    assigned = api_for(other_engineer)
    assert assigned.get(download_url(attachment)).status_code == 200
    assert assigned.post(list_url(ticket_a), {"file": upload(PNG, "y.png")}, format="multipart").status_code == 201


def test_unknown_kind_is_a_field_error(reception_api, ticket_a):
    response = reception_api.post(list_url(ticket_a), {"file": upload(PNG, "a.png"), "kind": "selfie"},
                                  format="multipart")
    assert response.status_code == 400 and "kind" in response.json()["errors"]


def test_missing_file_is_a_field_error(reception_api, ticket_a):
    response = reception_api.post(list_url(ticket_a), {"kind": "invoice"}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()["errors"]


def test_an_upload_retried_with_the_same_idempotency_key_is_stored_once(partner_a, ticket_a, media_root):
    from rest_framework.test import APIClient

    from partners.services import api_key_create

    _key, raw = api_key_create(partner=partner_a, name="uploads", scopes=["tickets:read", "tickets:update"])
    client = APIClient()  # a real API key: the middleware must know who is retrying
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    first = client.post(list_url(ticket_a), {"file": upload(PNG, "a.png")}, format="multipart",
                        HTTP_IDEMPOTENCY_KEY="upload-1")
    again = client.post(list_url(ticket_a), {"file": upload(PNG, "a.png")}, format="multipart",
                        HTTP_IDEMPOTENCY_KEY="upload-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert Attachment.objects.count() == 1 and len(stored_files(media_root)) == 1
