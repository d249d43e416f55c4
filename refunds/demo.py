"""Demo refunds (core.demo runs it as step "refunds", after the callbacks): the older two thirds of the pending
refunds are paid as the desk records them (refund_mark_paid, about a day after acceptance: a ticket the customer
already confirmed closes as refunded), the newest third (at least one) stays owed — so the refunds list, the
ticket's panel, the customer's progress page and the dashboard show both states, and a confirmed return still
waits for its money in "called back"."""
from datetime import timedelta
from decimal import Decimal

from core.demo import DemoRun, demo_clock

from .models import Refund, RefundMethod, RefundState
from .services import refund_mark_paid

METHODS = (RefundMethod.ORIGINAL, RefundMethod.ORIGINAL, RefundMethod.ALIPAY, RefundMethod.WECHAT,
           RefundMethod.BANK_TRANSFER)


def demo_refunds(run: DemoRun) -> None:
    desk, rng = run.users["reception"], run.rng
    pending = list(Refund.objects.filter(state=RefundState.PENDING).select_related("ticket__device")
                   .order_by("accepted_at", "pk"))
    to_pay = pending[:len(pending) - max(1, len(pending) // 3)]
    for refund in to_pay:
        at = min(refund.accepted_at + timedelta(hours=rng.randint(20, 44)), refund.due_at, run.until)
        value = refund.amount or getattr(refund.ticket.device, "value", None) or Decimal("199.00")
        with demo_clock(at):
            refund_mark_paid(refund=refund, actor=desk, amount=Decimal(value), method=rng.choice(METHODS),
                             reference=f"TK{at:%Y%m%d}{refund.pk:05d}")
    if to_pay:
        run.say(f"refunds: {len(to_pay)} paid, {len(pending) - len(to_pay)} still owed")
