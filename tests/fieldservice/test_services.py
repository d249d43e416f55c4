"""On-site work orders on real PostgreSQL: each step, each refusal (nothing stored), the ticket guards."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import ApplicationError
from fieldservice import services
from fieldservice.choices import WorkOrderStatus as W
from fieldservice.models import WorkOrder, WorkOrderPart
from tickets.engineering import services as engineering
from tickets import services as ticket_services
from tickets.choices import SolutionKind, Status
from tickets.models import Ticket, TicketEvent

from .helpers import add_part, inspect, on_site, paid_and_done, schedule

pytestmark = pytest.mark.django_db


def wo_events(ticket) -> list[str]:
    return list(TicketEvent.objects.filter(ticket=ticket, action__startswith="wo_").order_by("at", "id")
                .values_list("action", flat=True))


def refused(call, **kwargs) -> ApplicationError:
    with pytest.raises(ApplicationError) as info:
        call(**kwargs)
    return info.value


def test_a_whole_visit_is_recorded_step_by_step_on_the_ticket(dispatched, engineer):
    ticket = dispatched()

    work_order = schedule(ticket, engineer)
    assert (work_order.number, work_order.status, work_order.engineer) == (f"{ticket.number}-W1", W.SCHEDULED, engineer)
    assert work_order.address == ticket.customer.address and work_order.contact_phone == ticket.customer.phone
    services.work_order_depart(work_order=work_order, actor=engineer)
    services.work_order_arrive(work_order=work_order, actor=engineer)
    paid_and_done(work_order, engineer)
    services.work_order_record_payment(work_order=work_order, actor=engineer, receipt_number="R-0001")
    services.work_order_confirm(work_order=work_order, actor=engineer, customer_name="张三", satisfied=True,
                                comment="师傅很专业")

    stored = WorkOrder.objects.get(pk=work_order.pk)
    assert stored.status == W.CONFIRMED
    assert stored.departed_at <= stored.arrived_at <= stored.work_done_at <= stored.confirmed_at
    assert (stored.heard, stored.opened_before, stored.within_warranty) == ("空调不制冷，外机不转", False, True)
    assert (stored.fee_quote, stored.fee_approved_amount, stored.fee_approved_by) == (
        Decimal("125.00"), Decimal("125.00"), "张三")
    assert (stored.fee_receipt_number, stored.old_parts_taken_back, stored.customer_satisfied) == ("R-0001", True, True)
    part = WorkOrderPart.objects.get(work_order=stored)
    assert (part.name, part.spec, part.quantity, part.charged, part.line_total) == (
        "启动电容", "35μF 450V", 1, True, Decimal("45.00"))
    assert wo_events(ticket) == ["wo_create", "wo_depart", "wo_arrive", "wo_inspect", "wo_add_part", "wo_quote",
                                 "wo_approve_fee", "wo_complete", "wo_payment", "wo_confirm"]
    confirm_event = TicketEvent.objects.get(ticket=ticket, action="wo_confirm")
    assert confirm_event.data["customer_name"] == "张三" and confirm_event.data["work_order"] == stored.number
    assert Ticket.objects.get(pk=ticket.pk).status == Status.DISPATCHED  # a visit does not change the ticket's status


@pytest.mark.parametrize("steps", [[], ["depart"], ["depart", "arrive"]], ids=["scheduled", "en_route", "on_site"])
def test_the_customer_cannot_sign_before_the_work_is_done(dispatched, engineer, steps):
    work_order = schedule(dispatched(), engineer)
    for step in steps:
        getattr(services, f"work_order_{step}")(work_order=work_order, actor=engineer)

    error = refused(services.work_order_confirm, work_order=work_order, actor=engineer, customer_name="张三",
                    satisfied=True)

    assert error.code == "signature_before_work_done"
    stored = WorkOrder.objects.get(pk=work_order.pk)
    assert (stored.confirmed_at, stored.customer_name) == (None, "")
    assert "wo_confirm" not in wo_events(work_order.ticket)


def test_the_database_also_refuses_a_signature_without_work_done(dispatched, engineer):
    work_order = schedule(dispatched(), engineer)
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkOrder.objects.filter(pk=work_order.pk).update(confirmed_at=timezone.now(), customer_name="张三")


def test_work_done_with_a_fee_the_customer_has_not_approved_is_refused(dispatched, engineer):
    work_order = on_site(dispatched(), engineer)
    inspect(work_order, engineer)
    services.work_order_quote(work_order=work_order, actor=engineer, amount=Decimal("80"))

    error = refused(services.work_order_complete, work_order=work_order, actor=engineer, fix="清洗滤网")

    assert (error.code, error.field) == ("fee_not_approved", "fee")
    assert WorkOrder.objects.get(pk=work_order.pk).status == W.ON_SITE


def test_charged_parts_without_a_quote_are_refused_at_work_done(dispatched, engineer):
    work_order = on_site(dispatched(), engineer)
    inspect(work_order, engineer)
    add_part(work_order, engineer)
    error = refused(services.work_order_complete, work_order=work_order, actor=engineer, fix="换电容",
                    old_parts_taken_back=True)
    assert error.code == "quote_missing"


def test_no_money_is_taken_without_the_customers_approval(dispatched, engineer):
    work_order = on_site(dispatched(), engineer)
    services.work_order_quote(work_order=work_order, actor=engineer, amount=Decimal("80"))

    error = refused(services.work_order_record_payment, work_order=work_order, actor=engineer, receipt_number="R-1")

    assert (error.code, error.field) == ("fee_not_approved", "receipt_number")
    assert WorkOrder.objects.get(pk=work_order.pk).fee_receipt_number == ""
    with pytest.raises(IntegrityError), transaction.atomic():  # and the database backs it
        WorkOrder.objects.filter(pk=work_order.pk).update(fee_receipt_number="R-1")


def test_the_customer_approves_the_amount_they_were_shown(dispatched, engineer):
    work_order = on_site(dispatched(), engineer)
    services.work_order_quote(work_order=work_order, actor=engineer, amount=Decimal("100"))
    services.work_order_quote(work_order=work_order, actor=engineer, amount=Decimal("125"))  # changed meanwhile

    error = refused(services.work_order_approve_fee, work_order=work_order, actor=engineer, amount=Decimal("100"),
                    customer_name="张三")

    assert error.code == "amount_mismatch"
    assert WorkOrder.objects.get(pk=work_order.pk).fee_approved_at is None


def test_a_new_quote_needs_a_new_approval(dispatched, engineer):
    work_order = on_site(dispatched(), engineer)
    services.work_order_quote(work_order=work_order, actor=engineer, amount=Decimal("100"))
    services.work_order_approve_fee(work_order=work_order, actor=engineer, amount=Decimal("100"), customer_name="张三")

    services.work_order_quote(work_order=work_order, actor=engineer, amount=Decimal("150"))

    stored = WorkOrder.objects.get(pk=work_order.pk)
    assert (stored.fee_quote, stored.fee_approved_amount, stored.fee_approved_at) == (Decimal("150.00"), None, None)


def test_a_charged_part_after_the_approval_needs_a_new_quote(dispatched, engineer):
    work_order = on_site(dispatched(), engineer)
    services.work_order_quote(work_order=work_order, actor=engineer, amount=Decimal("80"))
    services.work_order_approve_fee(work_order=work_order, actor=engineer, amount=Decimal("80"), customer_name="张三")

    error = refused(add_part, work_order=work_order, actor=engineer)

    assert (error.code, error.field) == ("fee_already_approved", "charged")
    assert not WorkOrderPart.objects.exists()
    add_part(work_order, engineer, charged=False, unit_price=Decimal("0"))  # a free part is fine


def test_the_quote_covers_the_charged_parts(dispatched, engineer):
    work_order = on_site(dispatched(), engineer)
    add_part(work_order, engineer, quantity=2, unit_price=Decimal("45"))
    error = refused(services.work_order_quote, work_order=work_order, actor=engineer, amount=Decimal("89.99"))
    assert error.code == "quote_below_parts"
    services.work_order_quote(work_order=work_order, actor=engineer, amount=Decimal("90"))


@pytest.mark.parametrize(("overrides", "field", "code"), [
    ({"charged": True, "unit_price": Decimal("0")}, "unit_price", "price_required"),
    ({"quantity": 0}, "quantity", "invalid"),
    ({"name": " "}, "name", "required"),
    ({"reason": ""}, "reason", "required"),
])
def test_a_part_is_written_down_completely(dispatched, engineer, overrides, field, code):
    work_order = on_site(dispatched(), engineer)
    error = refused(add_part, work_order=work_order, actor=engineer, **overrides)
    assert (error.field, error.code) == (field, code)
    assert not WorkOrderPart.objects.exists()


def test_a_part_can_be_removed_while_on_site(dispatched, engineer):
    work_order = on_site(dispatched(), engineer)
    part = add_part(work_order, engineer)
    services.work_order_part_remove(work_order=work_order, actor=engineer, part_id=part.pk)
    assert not WorkOrderPart.objects.exists()
    assert wo_events(work_order.ticket)[-1] == "wo_remove_part"


def test_work_done_needs_the_findings_the_fix_and_the_old_parts(dispatched, engineer):
    work_order = on_site(dispatched(), engineer)
    add_part(work_order, engineer, charged=False, unit_price=Decimal("0"))
    assert refused(services.work_order_complete, work_order=work_order, actor=engineer, fix="换件",
                   old_parts_taken_back=True).code == "not_inspected"
    inspect(work_order, engineer)
    assert refused(services.work_order_complete, work_order=work_order, actor=engineer, fix=" ",
                   old_parts_taken_back=True).field == "fix"
    assert refused(services.work_order_complete, work_order=work_order, actor=engineer,
                   fix="换件").field == "old_parts_taken_back"
    services.work_order_complete(work_order=work_order, actor=engineer, fix="换件", old_parts_taken_back=False)
    assert WorkOrder.objects.get(pk=work_order.pk).status == W.WORK_DONE


def test_a_free_visit_needs_no_approval(dispatched, engineer):
    work_order = on_site(dispatched(), engineer)
    inspect(work_order, engineer)
    services.work_order_quote(work_order=work_order, actor=engineer, amount=Decimal("0"))
    services.work_order_complete(work_order=work_order, actor=engineer, fix="调整设置")
    assert refused(services.work_order_record_payment, work_order=work_order, actor=engineer,
                   receipt_number="R").code == "no_fee"


def test_step_times_follow_each_other_and_are_not_in_the_future(dispatched, engineer):
    work_order = schedule(dispatched(), engineer)
    now = timezone.now()
    assert refused(services.work_order_depart, work_order=work_order, actor=engineer,
                   at=now + timedelta(hours=1)).code == "future"
    services.work_order_depart(work_order=work_order, actor=engineer, at=now - timedelta(minutes=30))
    assert refused(services.work_order_arrive, work_order=work_order, actor=engineer,
                   at=now - timedelta(minutes=40)).code == "out_of_order"
    services.work_order_arrive(work_order=work_order, actor=engineer, at=now - timedelta(minutes=5))
    assert WorkOrder.objects.get(pk=work_order.pk).arrived_at == now - timedelta(minutes=5)


def test_the_window_ends_after_it_starts(dispatched, engineer):
    start = timezone.now() + timedelta(days=1)
    error = refused(schedule, ticket=dispatched(), actor=engineer, window_start=start, window_end=start)
    assert (error.field, error.code) == ("window_end", "window_order")
    assert not WorkOrder.objects.exists()


def test_another_engineer_may_not_schedule_or_record(dispatched, engineer, other_engineer):
    ticket = dispatched()
    assert refused(schedule, ticket=ticket, actor=other_engineer).code == "not_your_ticket"
    work_order = schedule(ticket, engineer)
    for call in (services.work_order_depart, services.work_order_arrive):
        assert refused(call, work_order=work_order, actor=other_engineer).code == "not_your_ticket"
    assert refused(services.work_order_cancel, work_order=work_order, actor=other_engineer,
                   reason="x").code == "not_your_ticket"
    assert wo_events(ticket) == ["wo_create"]


def test_reception_schedules_and_cancels_but_does_not_record_the_work(dispatched, reception):
    work_order = schedule(dispatched(), reception)
    assert refused(services.work_order_depart, work_order=work_order, actor=reception).code == "forbidden"
    services.work_order_reschedule(work_order=work_order, actor=reception, window_start=work_order.window_start
                                   + timedelta(days=1), window_end=work_order.window_end + timedelta(days=1),
                                   reason="客户改约明天")
    services.work_order_cancel(work_order=work_order, actor=reception, reason="客户自行解决")
    stored = WorkOrder.objects.get(pk=work_order.pk)
    assert (stored.status, stored.cancel_reason) == (W.CANCELLED, "客户自行解决")


def test_one_open_visit_at_a_time(dispatched, engineer):
    ticket = dispatched()
    first = schedule(ticket, engineer)
    assert refused(schedule, ticket=ticket, actor=engineer).code == "work_order_open"
    services.work_order_cancel(work_order=first, actor=engineer, reason="改期")
    assert schedule(ticket, engineer).number == f"{ticket.number}-W2"


def test_no_visit_once_the_ticket_is_solved(dispatched, engineer):
    ticket = dispatched()
    engineering.ticket_solve(ticket=ticket, actor=engineer, kind=SolutionKind.REMOTE_GUIDANCE, plan="电话指导",
                             result="已恢复")
    assert refused(schedule, ticket=Ticket.objects.get(pk=ticket.pk), actor=engineer).code == "ticket_not_workable"


def test_no_solution_or_hand_back_while_a_visit_is_open(dispatched, engineer):
    ticket = dispatched()
    schedule(ticket, engineer)

    error = refused(engineering.ticket_solve, ticket=ticket, actor=engineer, kind=SolutionKind.SHOP_REPAIR,
                    plan="p", result="r")
    assert error.code == "work_order_open"
    assert refused(engineering.ticket_hand_back, ticket=ticket, actor=engineer, reason="x").code == "work_order_open"
    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.status, stored.solutions.count()) == (Status.DISPATCHED, 0)


def test_an_on_site_solution_needs_a_confirmed_visit(dispatched, engineer):
    ticket = dispatched()
    error = refused(engineering.ticket_solve, ticket=ticket, actor=engineer, kind=SolutionKind.ONSITE,
                    plan="上门", result="修好")
    assert (error.code, error.field) == ("work_order_missing", "kind")

    work_order = on_site(ticket, engineer)
    paid_and_done(work_order, engineer)
    services.work_order_confirm(work_order=work_order, actor=engineer, customer_name="张三", satisfied=True)
    solution = engineering.ticket_solve(ticket=Ticket.objects.get(pk=ticket.pk), actor=engineer,
                                        kind=SolutionKind.ONSITE, plan="上门更换电容", result="制冷正常")
    assert Ticket.objects.get(pk=ticket.pk).status == Status.SOLVED and solution.kind == SolutionKind.ONSITE


def test_after_a_reassignment_the_new_engineer_carries_on(dispatched, engineer, other_engineer, reception):
    ticket = dispatched()
    work_order = schedule(ticket, engineer)
    ticket = ticket_services.ticket_reassign(ticket=Ticket.objects.get(pk=ticket.pk), actor=reception,
                                             engineer=other_engineer, reason="原工程师请假")
    work_order = WorkOrder.objects.select_related("ticket").get(pk=work_order.pk)

    assert refused(services.work_order_depart, work_order=work_order, actor=engineer).code == "not_your_ticket"
    services.work_order_depart(work_order=work_order, actor=other_engineer)
    assert WorkOrder.objects.get(pk=work_order.pk).engineer == other_engineer


def test_a_stale_work_order_is_not_overwritten(dispatched, engineer):
    work_order = on_site(dispatched(), engineer)
    stale = WorkOrder.objects.select_related("ticket").get(pk=work_order.pk)
    services.work_order_quote(work_order=work_order, actor=engineer, amount=Decimal("100"))

    error = refused(services.work_order_quote, work_order=stale, actor=engineer, amount=Decimal("50"))

    assert error.code == "work_order_stale"
    assert WorkOrder.objects.get(pk=work_order.pk).fee_quote == Decimal("100.00")
