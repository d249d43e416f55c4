"""Issue 14 parts 1–2 through the services: edit (old → new on the timeline, SLA re-targeted, 三包 decided
again), cancel (clocks leave the figures, callbacks and visits cancelled, partner webhook) and reopen
(window, new round of clocks, back to the last engineer), and the dashboard's reopen rate."""
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from callbacks.choices import CallbackOutcome, CallbackState
from core.errors import ApplicationError
from dashboard.filters import Filters
from dashboard.reopens import reopen_figures
from dashboard.rollup import collect, day_bounds
from fieldservice.choices import WorkOrderStatus
from fieldservice.models import WorkOrder
from fieldservice.services import work_order_create
from sla.choices import ClockState
from sla.models import SlaClock, WorkingCalendar
from tests.callbacks.conftest import intake, solved, walk  # noqa: F401
from tests.sla.conftest import make_policy
from tickets import services
from tickets.choices import Status
from tickets.editing import ticket_edit
from tickets.lifecycle import ticket_cancel, ticket_reopen
from tickets.models import Customer, Ticket, TicketEvent
from tickets.policies import ReopenPolicy
from warranty.models import WarrantyDecision

pytestmark = pytest.mark.django_db


def _close(ticket, reception):
    ticket = services.ticket_transition(ticket=ticket, action="callback_ok", actor=reception)
    return services.ticket_transition(ticket=ticket, action="close", actor=reception)


# ---- edit ---------------------------------------------------------------------------------------------

def test_an_edit_records_each_change_old_to_new_and_keeps_the_customer_record(reception):
    ticket = services.ticket_create(created_by=reception, **intake())
    other = services.ticket_create(created_by=reception, **intake())  # an earlier ticket of the same caller

    ticket = ticket_edit(ticket=ticket, actor=reception, expected_version=ticket.version, changes={
        "kind": "return_exchange", "priority": "high", "contact_name": "李四", "contact_phone": "+8613900139000",
        "fault_description": "开机黑屏，无法充电"})

    event = TicketEvent.objects.filter(ticket=ticket, action="update").get()
    changes = event.data["changes"]
    assert {k: changes[k] for k in ("kind", "priority")} == {
        "kind": ["repair", "return_exchange"], "priority": ["normal", "high"]}
    assert (changes["contact_name"][1], changes["contact_phone"][1]) == ("李四", "+8613900139000")
    assert changes["fault_description"][1] == "开机黑屏，无法充电"
    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.kind, stored.priority, stored.contact_name_shown) == ("return_exchange", "high", "李四")
    # The customer record — and so every other ticket of theirs — still has the registered name.
    assert Customer.objects.get(pk=ticket.customer_id).name == "张三"
    assert Ticket.objects.get(pk=other.pk).contact_name_shown == "张三"
    assert stored.version == ticket.version


def test_a_stale_version_or_a_closed_ticket_changes_nothing(reception, walk):
    ticket = services.ticket_create(created_by=reception, **intake())
    with pytest.raises(ApplicationError) as stale:
        ticket_edit(ticket=ticket, actor=reception, expected_version=ticket.version - 1, changes={"priority": "high"})
    assert stale.value.status == 412
    cancelled = ticket_cancel(ticket=ticket, actor=reception, reason="mistake")
    with pytest.raises(ApplicationError) as closed:
        ticket_edit(ticket=cancelled, actor=reception, expected_version=cancelled.version, changes={"priority": "high"})
    assert closed.value.code == "ticket_closed"
    assert not TicketEvent.objects.filter(ticket=ticket, action="update").exists()
    assert Ticket.objects.get(pk=ticket.pk).priority == "normal"


def test_a_desk_ticket_cannot_claim_the_partner_channel(reception):
    ticket = services.ticket_create(created_by=reception, **intake())
    with pytest.raises(ApplicationError) as refused:
        ticket_edit(ticket=ticket, actor=reception, expected_version=ticket.version, changes={"channel": "partner_api"})
    assert (refused.value.field, refused.value.status) == ("channel", 400)


def test_a_new_kind_retargets_the_running_clock_to_the_policy_for_that_kind(reception):
    # SLA matches policies on the kind too (sla.services MATCHING_FIELDS): a return gets its own, shorter target.
    make_policy(code="returns", calendar=WorkingCalendar.objects.get(always_open=True), kind="return_exchange",
                targets={"preprocess": 10, "solution": 120})
    ticket = services.ticket_create(created_by=reception, **intake())
    before = SlaClock.objects.get(ticket=ticket, step="preprocess", round=1)

    ticket_edit(ticket=ticket, actor=reception, expected_version=ticket.version, changes={"kind": "return_exchange"})

    after = SlaClock.objects.get(pk=before.pk)
    assert after.policy.code == "returns"
    assert after.due_at < before.due_at


def test_a_corrected_purchase_date_decides_三包_again_and_says_so(reception):
    ticket = services.ticket_create(created_by=reception, **intake(warranty_card_number="WK-20260001"))
    first = WarrantyDecision.objects.get(ticket=ticket)
    assert any(r["remedy"] == "return" for r in first.remedies)  # bought 3 days ago: 7-day return applies
    long_ago = timezone.localdate() - timedelta(days=400)

    ticket = ticket_edit(ticket=ticket, actor=reception, expected_version=ticket.version,
                         changes={}, device={"purchase_date": long_ago, "invoice_date": long_ago})

    decision = WarrantyDecision.objects.get(ticket=ticket)
    assert not any(r["remedy"] == "return" for r in decision.remedies)
    event = TicketEvent.objects.get(ticket=ticket, action="warranty_redecided")
    assert "return:free" in event.data["previous"] and "return:free" not in event.data["remedies"]
    assert "device.purchase_date" in event.data["causes"]
    # The response's version is the row's: the edit and the 三包 entry each moved it once.
    assert Ticket.objects.get(pk=ticket.pk).version == ticket.version


def test_a_description_change_does_not_touch_三包(reception):
    ticket = services.ticket_create(created_by=reception, **intake())
    ticket_edit(ticket=ticket, actor=reception, expected_version=ticket.version,
                changes={"fault_description": "另有划痕"})
    assert not TicketEvent.objects.filter(ticket=ticket, action="warranty_redecided").exists()


# ---- cancel -------------------------------------------------------------------------------------------

def test_cancel_needs_a_reason_and_other_needs_a_note(reception):
    ticket = services.ticket_create(created_by=reception, **intake())
    for reason, note, field in (("", "", "reason"), ("nonsense", "", "reason"), ("other", "  ", "note")):
        with pytest.raises(ApplicationError) as refused:
            ticket_cancel(ticket=ticket, actor=reception, reason=reason, note=note)
        assert (refused.value.field, refused.value.status) == (field, 400)
    assert Ticket.objects.get(pk=ticket.pk).status == Status.REGISTERED


def test_cancel_stops_the_clocks_out_of_the_figures_even_a_breached_one(reception, engineer):
    t0 = timezone.now() - timedelta(hours=3)
    with time_machine.travel(t0, tick=False):
        ticket = services.ticket_create(created_by=reception, **intake())
    SlaClock.objects.filter(ticket=ticket, step="preprocess").update(
        state=ClockState.BREACHED, breached_at=t0 + timedelta(minutes=30))  # as the sweep records a breach

    ticket_cancel(ticket=ticket, actor=reception, reason="duplicate", note="同一来电登记两次")

    clocks = SlaClock.objects.filter(ticket=ticket)
    assert {c.state for c in clocks} == {ClockState.CANCELLED}
    assert all(c.next_check_at is None for c in clocks)
    start, end = day_bounds(timezone.localdate())
    steps, _volume = collect(start - timedelta(days=1), end)
    assert not any(acc.met or acc.breached for acc in steps.values())


def test_cancel_from_solved_closes_the_open_callback(solved, reception):
    ticket, callback = solved
    ticket_cancel(ticket=ticket, actor=reception, reason="withdrawn")
    callback.refresh_from_db()
    assert (callback.state, callback.outcome) == (CallbackState.CLOSED, CallbackOutcome.TICKET_CANCELLED)


def test_cancel_cancels_the_open_visits_with_the_ticket(walk, reception):
    ticket = walk(solve=False)
    order = work_order_create(ticket=ticket, actor=reception, window_start=timezone.now() + timedelta(hours=2),
                                window_end=timezone.now() + timedelta(hours=4), address="北京市海淀区中关村大街1号")

    ticket = ticket_cancel(ticket=ticket, actor=reception, reason="withdrawn")

    assert WorkOrder.objects.get(pk=order.pk).status == WorkOrderStatus.CANCELLED
    assert TicketEvent.objects.filter(ticket=ticket, action="wo_cancel").exists()
    assert Ticket.objects.get(pk=ticket.pk).version == ticket.version  # the instance stayed in step


def test_an_engineer_may_not_cancel(walk, engineer):
    ticket = walk(solve=False)
    with pytest.raises(ApplicationError) as refused:
        ticket_cancel(ticket=ticket, actor=engineer, reason="mistake")
    assert refused.value.status == 403
    assert Ticket.objects.get(pk=ticket.pk).status == Status.DISPATCHED


# ---- reopen -------------------------------------------------------------------------------------------

def test_reopen_goes_back_to_the_last_engineer_with_a_new_round_of_clocks(walk, reception, engineer):
    ticket = _close(walk(), reception)

    ticket = ticket_reopen(ticket=ticket, actor=reception, reason="客户反馈问题复现")

    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.status, stored.engineer, stored.closed_at) == (Status.DISPATCHED, engineer, None)
    actions = list(TicketEvent.objects.filter(ticket=ticket).order_by("at", "id").values_list("action", flat=True))
    assert actions[-2:] == ["reopen", "dispatch"]
    solution = SlaClock.objects.get(ticket=ticket, step="solution", round=2)
    assert solution.state == ClockState.RUNNING


def test_reopen_to_another_engineer_when_the_desk_chooses(walk, reception, other_engineer):
    ticket = _close(walk(), reception)
    ticket_reopen(ticket=ticket, actor=reception, reason="换人处理", engineer=other_engineer)
    assert Ticket.objects.get(pk=ticket.pk).engineer == other_engineer


def test_reopen_outside_the_window_is_refused_and_the_window_is_policy(walk, reception):
    ticket = _close(walk(), reception)
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        with pytest.raises(ApplicationError) as refused:
            ticket_reopen(ticket=ticket, actor=reception, reason="太晚了")
        assert refused.value.code == "reopen_window_passed"
        assert Ticket.objects.get(pk=ticket.pk).status == Status.CLOSED
        ReopenPolicy.objects.create(name="宽限", effective_from=timezone.now() - timedelta(days=1), window_days=60)
        ticket = ticket_reopen(ticket=ticket, actor=reception, reason="政策放宽后")
    assert ticket.status == Status.DISPATCHED


def test_reopen_needs_a_reason_the_desk_and_a_closed_ticket(walk, reception, engineer):
    ticket = _close(walk(), reception)
    with pytest.raises(ApplicationError) as no_reason:
        ticket_reopen(ticket=ticket, actor=reception, reason=" ")
    with pytest.raises(ApplicationError) as not_desk:
        ticket_reopen(ticket=ticket, actor=engineer, reason="我来")
    open_one = walk(phone="+8613700137000")
    with pytest.raises(ApplicationError) as not_closed:
        ticket_reopen(ticket=open_one, actor=reception, reason="重开")
    assert (no_reason.value.field, not_desk.value.status, not_closed.value.code) == ("reason", 403, "not_closed")
    assert Ticket.objects.get(pk=ticket.pk).status == Status.CLOSED


def test_the_reopen_rate_is_reopened_over_closed_tickets_in_the_period(walk, reception):
    first, second = _close(walk(), reception), _close(walk(phone="+8613700137000"), reception)
    ticket_reopen(ticket=first, actor=reception, reason="复现")
    today = timezone.localdate()
    start, end = day_bounds(today)[0], day_bounds(today)[1]

    figures = reopen_figures(filters=Filters(date_from=today, date_to=today), start=start, end=end)

    assert figures == {"reopened": 1, "closed": 2, "rate_pct": 50.0}
    assert second.status == Status.CLOSED
