"""Demo callbacks: a few recorded outcomes, one customer never reached, one complaint, periodic calls
(core.demo runs it as step "callbacks")."""
from decimal import Decimal

from django.utils import timezone

from core.demo import DemoRun, demo_clock
from tickets.choices import SolutionKind
from tickets.models import Device, TicketSolution

from .choices import CallbackState
from .models import Callback
from .services import callback_record
from .sweep import callback_periodic_create


def demo_callbacks(run: DemoRun) -> None:
    with demo_clock(run.until):  # the calls are made at the end of the replay, in working hours
        _calls(run)


def _calls(run: DemoRun) -> None:
    desk, rng = run.users["reception"], run.rng
    due = list(Callback.objects.filter(state=CallbackState.DUE, ticket__isnull=False).order_by("id")[:6])
    if len(due) < 5:
        return
    fixed, not_fixed, unreachable, retry, complaint = due[:5]
    callback_record(callback=fixed, actor=desk, reached=True, outcome="fixed", score_attitude=5, score_quality=4,
                    score_price=4, comments="客户确认已修复")
    callback_record(callback=not_fixed, actor=desk, reached=True, outcome="not_fixed", score_attitude=3,
                    comments="客户反映问题依旧，故障仍会出现")
    for _ in range(unreachable.policy.max_attempts):  # never answered: closed and flagged for the manager
        # The demo does not wait for each retry (2 hours, then the next working day): it makes it due now.
        Callback.objects.filter(pk=unreachable.pk, due_at__gt=timezone.now()).update(due_at=timezone.now())
        callback_record(callback=unreachable, actor=desk, reached=False, comments="无人接听")
    callback_record(callback=retry, actor=desk, reached=False, comments="关机")
    # The customer's words fit what happened: a late visit only where an engineer went on site.
    visited = TicketSolution.objects.filter(ticket_id=complaint.ticket_id, kind=SolutionKind.ONSITE).exists()
    callback_record(callback=complaint, actor=desk, reached=True, outcome="fixed", score_attitude=2,
                    score_quality=4, score_price=3,
                    comments="问题已解决，但对上门时间不满" if visited else "问题已解决，但对维修时长不满",
                    complaint="工程师上门迟到两个小时，且未提前电话告知" if visited
                    else "送修一周才修好，期间没有人主动告知进度",
                    promised_answer_at=timezone.now() + timezone.timedelta(hours=24))
    # High-value products: a few devices worth more than the threshold get their periodic callbacks.
    for device in Device.objects.filter(purchase_date__isnull=False).order_by("purchase_date", "id")[:4]:
        Device.objects.filter(pk=device.pk).update(value=Decimal(rng.choice(["6999.00", "12999.00", "8499.00"])))
    callback_periodic_create(now=timezone.now())
