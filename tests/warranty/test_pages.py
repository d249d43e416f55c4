"""The 三包 pages: live preview on the intake form, the stored decision, a manager's override (HTMX)."""
from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from tests.factories import intake_payload
from tickets.models import TicketEvent
from tickets.services import ticket_create
from warranty.models import WarrantyDecision
from warranty.periods import after_rest
from warranty.selectors import statutory_rest_days

pytestmark = pytest.mark.django_db
PREVIEW = "/warranty/preview/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def ago(days: int) -> str:
    return (timezone.localdate() - timedelta(days=days)).isoformat()


def intake_fields(days_ago: int, **changes) -> dict:
    return {"category": "phone", "component": "main_unit", "fault_kind": "performance",
            "purchase_date": ago(days_ago), "invoice_number": "INV-1", "warranty_card_number": "WC-1", **changes}


def test_preview_on_day_5_offers_return_and_on_day_10_only_exchange_or_repair(reception_client):
    day5 = reception_client.post(PREVIEW, intake_fields(5), **HTMX)
    assert day5.status_code == 200
    html = day5.content.decode()
    assert 'data-testid="remedy-return"' in html and "退货期内" in html
    # Bought 5 days ago: the 7-day period's last day, or the day after the rest when that is a rest day.
    last_day = after_rest(timezone.localdate() + timedelta(days=2), statutory_rest_days())
    assert f'data-testid="remedy-return-until">{last_day.isoformat()}<' in html

    day10 = reception_client.post(PREVIEW, intake_fields(10), **HTMX).content.decode()
    assert 'data-testid="remedy-return"' not in day10 and "退货期内" not in day10  # (the rule's name says 退货)
    assert 'data-testid="remedy-exchange"' in day10 and 'data-testid="remedy-repair"' in day10


def test_preview_shows_missing_documents_and_the_rule(reception_client):
    html = reception_client.post(PREVIEW, intake_fields(3, warranty_card_number="", factory_date=ago(4)),
                                 **HTMX).content.decode()
    assert 'data-testid="warranty-missing"' in html
    assert "《移动电话机商品修理更换退货责任规定》" in html  # the rule each reason applies, by its name
    assert "seed" not in html.lower()


def test_preview_prompts_before_any_date_and_reports_bad_input_in_place(reception_client):
    assert "remedy-" not in reception_client.post(PREVIEW, intake_fields(3, purchase_date=""), **HTMX).content.decode()
    future = reception_client.post(PREVIEW, intake_fields(-3), **HTMX)
    assert future.status_code == 200 and 'data-testid="warranty-errors"' in future.content.decode()
    wrong_part = reception_client.post(PREVIEW, intake_fields(3, category="furniture", component="battery"), **HTMX)
    assert 'data-testid="warranty-errors"' in wrong_part.content.decode()


def test_preview_knows_when_no_policy_applies(reception_client):
    html = reception_client.post(PREVIEW, intake_fields(3, category="other"), **HTMX).content.decode()
    assert 'data-testid="warranty-no-policy"' in html


def test_preview_is_for_the_desk_only(engineer_client):
    assert engineer_client.post(PREVIEW, intake_fields(3), **HTMX).status_code == 403


def test_new_ticket_page_wires_the_panel_to_the_preview(reception_client):
    html = reception_client.get("/tickets/new/").content.decode()
    assert 'data-testid="warranty-decision"' in html and f'hx-post="{PREVIEW}"' in html
    assert 'name="fault_kind"' in html and 'name="component"' in html and 'name="documents_altered"' in html
    assert 'data-categories="phone"' in html  # the battery option belongs to phones only


@pytest.fixture
def ticket(reception):
    body = intake_payload()
    bought = timezone.localdate() - timedelta(days=12)
    return ticket_create(created_by=reception, customer=body["customer"], kind="repair", fault_description="黑屏",
                         device={**body["device"], "purchase_date": bought, "invoice_date": bought,
                                 "invoice_number": "I-1", "warranty_card_number": "W-1"})


def test_ticket_page_shows_the_stored_decision(reception_client, ticket):
    html = reception_client.get(f"/tickets/{ticket.number}/").content.decode()
    assert 'data-testid="warranty-detail"' in html and 'data-testid="remedy-exchange"' in html
    assert "phone v1" in html
    assert 'data-testid="warranty-override-form"' not in html  # reception may not override


def override(client, ticket, **data):
    body = {"remedies": ["exchange:free", "repair:free"], "reason": "客户为老客户，主管特批换货", **data}
    return client.post(f"/warranty/tickets/{ticket.number}/override/", body, **HTMX)


def test_manager_overrides_with_a_reason_and_the_timeline_records_it(manager_client, manager, ticket):
    page = manager_client.get(f"/tickets/{ticket.number}/").content.decode()
    assert 'data-testid="warranty-override-form"' in page
    response = override(manager_client, ticket, remedies=["return:free"], exchanged_on="")
    assert response.status_code == 302  # htmx follows it and swaps #ticket-body from the ticket page
    decision = WarrantyDecision.objects.get(ticket=ticket)
    assert decision.is_overridden and decision.overridden_by == manager
    assert decision.effective_remedies == [{"remedy": "return", "charge": "free", "until": None,
                                            "missing_documents": []}]
    assert [r["remedy"] for r in decision.remedies] == ["exchange", "repair"]  # the computed ones are kept
    event = TicketEvent.objects.get(ticket=ticket, action="warranty_override")
    assert event.actor == manager and event.note == "客户为老客户，主管特批换货"
    assert event.data["remedies"] == ["return:free"] and event.data["previous"] == ["exchange:free", "repair:free"]
    page = manager_client.get(f"/tickets/{ticket.number}/").content.decode()
    assert 'data-testid="warranty-overridden"' in page and 'data-testid="event-warranty-override"' in page


def test_override_without_a_reason_is_refused_in_place(manager_client, ticket):
    response = override(manager_client, ticket, reason="  ")
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#warranty-detail"
    assert 'data-testid="error-reason"' in response.content.decode()
    assert not WarrantyDecision.objects.get(ticket=ticket).is_overridden
    assert not TicketEvent.objects.filter(action="warranty_override").exists()


def test_override_needs_a_remedy(manager_client, ticket):
    response = override(manager_client, ticket, remedies=[])
    assert 'data-testid="error-remedies"' in response.content.decode()
    assert not WarrantyDecision.objects.get(ticket=ticket).is_overridden


@pytest.mark.parametrize("who", ["reception_client", "engineer_client"])
def test_only_managers_may_override(request, who, ticket):
    assert override(request.getfixturevalue(who), ticket).status_code == 403
    assert not WarrantyDecision.objects.get(ticket=ticket).is_overridden


def test_api_output_shows_the_override(manager_api, manager_client, ticket):
    override(manager_client, ticket, remedies=["repair:paid"], exchanged_on=ago(0))
    warranty = manager_api.get(f"/api/v1/tickets/{ticket.number}/").json()["warranty"]
    assert warranty["overridden"] is True and warranty["override_reason"]
    assert [(r["remedy"], r["charge"]) for r in warranty["remedies"]] == [("repair", "paid")]


def test_an_exchange_marked_by_a_manager_starts_the_next_ticket_on_a_new_period(manager_client, ticket, reception):
    override(manager_client, ticket, remedies=["exchange:free"], exchanged_on=ago(0))
    body = intake_payload()
    bought = timezone.localdate() - timedelta(days=12)
    again = ticket_create(created_by=reception, customer=body["customer"], kind="repair", fault_description="又坏了",
                          device={**body["device"], "purchase_date": bought, "invoice_date": bought,
                                  "invoice_number": "I-1", "warranty_card_number": "W-1"})
    decision = again.warranty_decision
    assert decision.facts["exchanged_on"] == ago(0)
    assert [r["remedy"] for r in decision.remedies] == ["return", "exchange", "repair"]


def test_queue_summary_template(ticket):
    html = render_to_string("tickets/_queue_warranty.html", {"t": ticket})
    assert 'data-testid="queue-warranty"' in html and "phone" not in html
    assert html.count('class="badge') == 2  # exchange, repair


def test_managers_with_admin_access_find_the_policies_in_the_nav(manager_client, manager):
    assert 'data-testid="nav-warranty-policies"' not in manager_client.get("/tickets/").content.decode()
    manager.is_staff = True  # the admin needs staff status besides the manager group's permissions
    manager.save()
    assert 'href="/admin/warranty/warrantypolicy/"' in manager_client.get("/tickets/").content.decode()


def test_a_replacement_cannot_predate_the_ticket(manager_client, ticket):
    response = override(manager_client, ticket, exchanged_on=ago(30))
    assert 'data-testid="error-exchanged_on"' in response.content.decode()
    assert not WarrantyDecision.objects.get(ticket=ticket).is_overridden
