"""The ticket page's attachments panel: HTMX upload (a refusal is a 200 fragment with the error), download."""
from django.test import Client
from django.urls import reverse

from attachments.models import Attachment
from tests.factories import TicketFactory

from .conftest import JPEG, MB, PNG, TEXT, stored_files, upload

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_ticket_page_shows_the_panel_with_an_upload_form(reception_client):
    ticket = TicketFactory()
    page = reception_client.get(reverse("tickets:detail", args=[ticket.number]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="attachments"' in html and reverse("attachments:upload", args=[ticket.number]) in html
    assert 'hx-encoding="multipart/form-data"' in html


def test_htmx_upload_lists_the_file(reception_client, media_root):
    ticket = TicketFactory()
    response = reception_client.post(reverse("attachments:upload", args=[ticket.number]),
                                     {"kind": "warranty_card", "file": upload(JPEG, "card.jpg")}, **HTMX)
    assert response.status_code == 200
    attachment = Attachment.objects.get()
    html = response.content.decode()
    assert reverse("attachments:download", args=[ticket.number, attachment.pk]) in html and "card.jpg" in html
    assert 'hx-swap-oob="true"' in html  # the flash message comes along
    assert len(stored_files(media_root)) == 1


def test_htmx_refusal_is_a_200_fragment_with_the_field_error(reception_client, media_root):
    ticket = TicketFactory()
    response = reception_client.post(reverse("attachments:upload", args=[ticket.number]),
                                     {"kind": "fault_photo", "file": upload(TEXT, "photo.jpg")}, **HTMX)
    assert response.status_code == 200
    assert 'data-testid="error-file"' in response.content.decode()
    assert not Attachment.objects.exists() and stored_files(media_root) == []


def test_oversized_page_upload_is_refused_in_the_panel(reception_client, media_root):
    ticket = TicketFactory()
    response = reception_client.post(reverse("attachments:upload", args=[ticket.number]),
                                     {"kind": "fault_photo", "file": upload(JPEG + b"\0" * (11 * MB))}, **HTMX)
    assert response.status_code == 200 and 'data-testid="error-file"' in response.content.decode()
    assert not Attachment.objects.exists() and stored_files(media_root) == []


def test_upload_without_csrf_token_is_refused(reception):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reception)
    ticket = TicketFactory()
    response = client.post(reverse("attachments:upload", args=[ticket.number]), {"file": upload(PNG, "a.png")})
    assert response.status_code == 403 and not Attachment.objects.exists()


def test_page_download_only_for_those_who_see_the_ticket(reception_client, client, engineer, other_engineer):
    ticket = TicketFactory(engineer=other_engineer)
    reception_client.post(reverse("attachments:upload", args=[ticket.number]),
                          {"kind": "invoice", "file": upload(PNG, "a.png")}, **HTMX)
    url = reverse("attachments:download", args=[ticket.number, Attachment.objects.get().pk])
    response = reception_client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    client.force_login(engineer)  # not assigned: the ticket does not exist for them
    assert client.get(url).status_code == 404
    assert client.post(reverse("attachments:upload", args=[ticket.number]),
                       {"kind": "invoice", "file": upload(PNG, "b.png")}, **HTMX).status_code == 404
    assert Attachment.objects.count() == 1
