"""Bad input is refused with field errors and nothing is stored — through the API and through the form."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import intake_payload
from tickets.models import Customer, Device, Ticket, TicketEvent

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = timedelta(days=1)
GOOD_IMEI, BAD_CHECK_DIGIT_IMEI = "490154203237518", "490154203237519"

# (id, API body overrides, form data overrides, API error key, form field)
BAD_INPUT = [
    ("imei-check-digit", {"device": {"imei": BAD_CHECK_DIGIT_IMEI}}, {"imei": BAD_CHECK_DIGIT_IMEI},
     "device.imei", "imei"),
    ("phone-malformed", {"customer": {"phone": "1380013800"}}, {"phone": "1380013800"},
     "customer.phone", "phone"),
    ("phone-letters", {"customer": {"phone": "138-abcd-8000"}}, {"phone": "138-abcd-8000"},
     "customer.phone", "phone"),
    ("purchase-in-future", {"device": {"purchase_date": str(TODAY + DAY), "invoice_date": None}},
     {"purchase_date": TODAY + DAY, "invoice_date": ""}, "device.purchase_date", "purchase_date"),
    ("purchase-after-invoice", {"device": {"purchase_date": str(TODAY - DAY), "invoice_date": str(TODAY - 2 * DAY)}},
     {"purchase_date": TODAY - DAY, "invoice_date": TODAY - 2 * DAY}, "device.purchase_date", "purchase_date"),
    ("description-too-long", {"fault_description": "屏" * 2001}, {"fault_description": "屏" * 2001},
     "fault_description", "fault_description"),
]


def form_data(**overrides) -> dict:
    data = {"phone": "13800138000", "name": "张三", "kind": "repair", "channel": "phone", "priority": "normal",
            "fault_description": "开机黑屏", "category": "phone", "brand": "华为", "model": "Mate 60",
            "imei": GOOD_IMEI, "purchase_date": TODAY - 20 * DAY, "invoice_date": TODAY - 20 * DAY}
    data.update(overrides)
    return data


def assert_nothing_stored():
    assert (Ticket.objects.count(), Customer.objects.count(), Device.objects.count(),
            TicketEvent.objects.count()) == (0, 0, 0, 0)


@pytest.mark.parametrize(("body", "key"), [pytest.param(b, k, id=i) for i, b, _, k, _ in BAD_INPUT])
def test_api_refuses_bad_input_with_a_field_error(reception_api, body, key):
    response = reception_api.post(reverse("api:ticket-list"), intake_payload(**body), format="json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "urn:servicedesk:invalid"
    assert list(problem["errors"]) == [key]
    assert problem["errors"][key] and all(isinstance(message, str) for message in problem["errors"][key])
    assert_nothing_stored()


@pytest.mark.parametrize(("data", "field"), [pytest.param(d, f, id=i) for i, _, d, _, f in BAD_INPUT])
def test_form_refuses_bad_input_inline_and_stores_nothing(reception_client, data, field):
    response = reception_client.post(reverse("tickets:new"), form_data(**data))

    assert response.status_code == 400
    html = response.content.decode()
    assert f'data-testid="error-{field}"' in html
    assert html.count('class="invalid-feedback d-block"') == 1  # only the bad field is marked
    assert 'data-testid="form-errors"' in html
    assert_nothing_stored()


def test_the_same_rule_gives_the_same_message_on_both_doors(reception_api, reception_client):
    api = reception_api.post(reverse("api:ticket-list"), intake_payload(device={"imei": BAD_CHECK_DIGIT_IMEI}),
                             format="json", HTTP_ACCEPT_LANGUAGE="en").json()
    page = reception_client.post(reverse("tickets:new"), form_data(imei=BAD_CHECK_DIGIT_IMEI),
                                 HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert api["errors"]["device.imei"] == ["This IMEI's check digit is wrong; please read it again."]
    assert "This IMEI&#x27;s check digit is wrong; please read it again." in page


@pytest.mark.parametrize(("body", "field"), [
    pytest.param({"fault_description": "屏" * 2000}, "fault_description", id="description-at-the-limit"),
    pytest.param({"device": {"purchase_date": str(TODAY), "invoice_date": str(TODAY)}}, "purchase_date",
                 id="bought-today"),
    pytest.param({"customer": {"phone": "+86 138 0013 8000"}}, "phone", id="phone-with-spaces-and-code"),
    pytest.param({"device": {"imei": "49-015420-323751-8"}}, "imei", id="imei-with-dashes"),
])
def test_boundaries_are_accepted(reception_api, body, field):
    response = reception_api.post(reverse("api:ticket-list"), intake_payload(**body), format="json")
    assert response.status_code == 201, response.json()
    ticket = Ticket.objects.select_related("customer", "device").get()
    assert (ticket.customer.phone, ticket.device.imei) == ("+8613800138000", GOOD_IMEI)


def test_form_keeps_what_was_typed_after_an_error(reception_client):
    html = reception_client.post(reverse("tickets:new"), form_data(imei=BAD_CHECK_DIGIT_IMEI, name="李四")).content
    assert 'value="李四"' in html.decode()
    assert f'value="{BAD_CHECK_DIGIT_IMEI}"' in html.decode()


def test_form_registers_a_good_ticket_and_redirects_to_it(reception_client):
    response = reception_client.post(reverse("tickets:new"), form_data())
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("tickets:detail", args=[ticket.number])


# --- list filters: a bad parameter is a 400 with the reason, never a 500 -------------------------------------

BAD_FILTERS = [
    pytest.param({"status": "bogus"}, "status", id="status"),
    pytest.param({"kind": "bogus"}, "kind", id="kind"),
    pytest.param({"engineer": "abc"}, "engineer", id="engineer"),
    pytest.param({"created_from": "2026-13-45"}, "created_from", id="date"),
    pytest.param({"created_from": "2026-03-02", "created_to": "2026-03-01"}, "created_to", id="dates-reversed"),
]


@pytest.mark.parametrize(("params", "key"), BAD_FILTERS)
def test_api_list_refuses_bad_filters(reception_api, params, key):
    response = reception_api.get(reverse("api:ticket-list"), params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert list(response.json()["errors"]) == [key]


@pytest.mark.parametrize(("params", "key"), BAD_FILTERS)
def test_list_page_refuses_bad_filters(reception_client, params, key):
    response = reception_client.get(reverse("tickets:list"), params)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'data-testid="error-{key}"' in html
    assert 'data-testid="no-tickets"' not in html  # not "nothing matches": the filter is wrong


def test_a_mangled_cursor_is_a_client_error(reception_api, reception_client):
    assert reception_api.get(reverse("api:ticket-list"), {"cursor": "!!notacursor"}).status_code == 404
    assert reception_client.get(reverse("tickets:list"), {"after": "!!notacursor"}).status_code == 200
