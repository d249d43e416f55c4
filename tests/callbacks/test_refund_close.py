"""A return/refund ticket does not close as "fixed" while its refund is unpaid (issue 14, part 8): the customer's
confirmation on the callback is kept, the ticket waits "called back" with the reason on its timeline, and it
closes — with the outcome "refunded" — when the refund is recorded as paid."""
from decimal import Decimal

import pytest

from callbacks import services
from callbacks.models import Callback
from core.errors import ApplicationError
from refunds.models import Refund, RefundState
from refunds.services import refund_mark_paid
from tickets.choices import Status
from tickets.engineering.services import ticket_solve
from tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def returned(walk, engineer):
    ticket = walk(solve=False)
    ticket_solve(ticket=ticket, actor=engineer, kind="return_refund", plan="退货退款", result="已收到退货")
    ticket = Ticket.objects.get(pk=ticket.pk)
    return ticket, Callback.objects.get(ticket=ticket), Refund.objects.get(ticket=ticket)


def test_a_fixed_callback_waits_for_the_unpaid_refund_then_the_payment_closes_it_as_refunded(returned, reception):
    ticket, callback, refund = returned
    assert refund.state == RefundState.PENDING
    services.callback_record(callback=callback, actor=reception, reached=True, outcome="fixed", score_price=5)

    waiting = Ticket.objects.get(pk=ticket.pk)
    assert waiting.status == Status.CALLED_BACK and waiting.closed_at is None  # not closed as "fixed"
    assert Callback.objects.get(pk=callback.pk).outcome == "fixed"  # the confirmation is kept
    note = TicketEvent.objects.filter(ticket=ticket, action="note").latest("id")
    assert "refund" in note.note.lower() or "退款" in note.note
    with pytest.raises(ApplicationError) as refused:
        services.ticket_close_after_callback(ticket=waiting, actor=reception)
    assert refused.value.code == "refund_unpaid"
    assert Ticket.objects.get(pk=ticket.pk).status == Status.CALLED_BACK

    refund_mark_paid(refund=refund, actor=reception, amount=Decimal("3999.00"), method="alipay")
    closed = Ticket.objects.get(pk=ticket.pk)
    assert closed.status == Status.CLOSED and closed.closed_at is not None
    close = TicketEvent.objects.get(ticket=ticket, action="close")
    assert close.data["outcome"] == "refunded" and close.data["refund_id"] == refund.pk
    assert list(TicketEvent.objects.filter(ticket=ticket).order_by("id").values_list("action", flat=True))[-3:] == [
        "note", "refund_paid", "close"]


def test_a_refund_paid_before_the_callback_lets_the_fixed_callback_close_at_once(returned, reception):
    ticket, callback, refund = returned
    refund_mark_paid(refund=refund, actor=reception, amount=Decimal("100.00"), method="cash")
    assert Ticket.objects.get(pk=ticket.pk).status == Status.SOLVED  # paid, but nobody confirmed yet
    services.callback_record(callback=callback, actor=reception, reached=True, outcome="fixed")
    assert Ticket.objects.get(pk=ticket.pk).status == Status.CLOSED
    assert "outcome" not in TicketEvent.objects.get(ticket=ticket, action="close").data


def test_a_repair_ticket_without_a_refund_closes_on_the_callback_as_before(solved, reception):
    ticket, callback = solved
    services.callback_record(callback=callback, actor=reception, reached=True, outcome="fixed")
    assert Ticket.objects.get(pk=ticket.pk).status == Status.CLOSED
