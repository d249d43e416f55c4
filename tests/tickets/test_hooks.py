"""The hooks port (tickets/hooks.py): which apps react to a ticket change and in which order, the ticket
page's cards, and that the effects share the change's transaction."""
from datetime import timedelta

import pytest
from django.utils import timezone

from callbacks import effects as callback_effects
from callbacks.models import Complaint
from tickets import hooks, services
from tickets.models import Ticket, TicketEvent


def test_the_effect_order_is_the_declared_one():
    # 三包 first (the SLA policy may depend on nothing it decides, but the callback desk reads both), the
    # callback due before the completion notice looks for it, refunds last.
    assert hooks.effect_order() == {
        "created": ["warranty", "sla", "callbacks"],
        "transitioned": ["sla", "webhooks", "callbacks", "fieldservice", "progress", "refunds"],
        "updated": ["warranty", "sla"],
    }


def test_the_ticket_page_cards_come_in_the_declared_order():
    assert [panel.template for panel in hooks.panels()] == [
        "sla/_ticket_panel.html", "warranty/_detail_panel.html", "attachments/_panel.html",
        "fieldservice/_ticket_panel.html", "callbacks/_ticket_panel.html", "refunds/_panel.html",
        "progress/_message_panel.html"]


def test_customer_facts_come_from_fieldservice_then_refunds():
    """progress reads the visit window and the refund through the port, never importing those apps."""
    assert [app for app in hooks.FACT_ORDER if app in hooks._registry.facts] == ["fieldservice", "refunds"]
    with pytest.raises(LookupError, match="FACT_ORDER"):
        hooks.customer_facts("newapp", lambda **kwargs: {})


def test_intake_and_rows_come_in_the_declared_order():
    assert [app for app, _intake in hooks.intakes()] == ["warranty", "callbacks"]
    assert [rows.output_key for rows in hooks.row_extensions()] == ["clocks", "warranty"]


def test_an_app_missing_from_the_order_cannot_register():
    with pytest.raises(LookupError, match="EFFECT_ORDER"):
        hooks.on_created("newapp", lambda **kwargs: None)
    assert "newapp" not in hooks.effect_order()["created"]


def test_registering_again_replaces_rather_than_doubles(monkeypatch):
    """A second ready() (tests, autoreload) must not run an effect twice."""
    monkeypatch.setattr(hooks, "_registry", hooks._Registry(created=dict(hooks._registry.created)))
    hooks.on_created("sla", hooks._registry.created["sla"])
    assert hooks.effect_order()["created"] == ["warranty", "sla", "callbacks"]


def _complaint(reception, promised):
    return services.ticket_create(
        created_by=reception, customer={"name": "张三", "phone": "+8613800138000"}, device=None, kind="complaint",
        fault_description="维修后仍然黑屏，要求投诉", extras={"callbacks": promised})


def test_a_complaint_and_its_promise_are_written_together(reception):
    promised = timezone.now() + timedelta(hours=6)
    ticket = _complaint(reception, promised)
    assert Complaint.objects.get(ticket=ticket).promised_answer_at == promised
    assert TicketEvent.objects.filter(ticket=ticket, action="complaint_promise").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_crash_between_the_complaint_and_its_promise_leaves_neither(reception, monkeypatch):
    def crash(**kwargs):
        raise RuntimeError("worker died")

    monkeypatch.setattr(callback_effects, "complaint_promise", crash)
    with pytest.raises(RuntimeError):
        _complaint(reception, timezone.now() + timedelta(hours=6))
    assert (Ticket.objects.count(), Complaint.objects.count(), TicketEvent.objects.count()) == (0, 0, 0)
