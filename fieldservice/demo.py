"""Demo: the on-site visits of the demo's history — lent to the tickets step as "onsite_visit" (step
"fieldservice.visits": each solved appliance or furniture ticket had its visit, booked, done and signed) — and a
few on open air-conditioner tickets today: planned, on site, and one confirmed and solved (step "fieldservice")."""
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from core.demo import DemoClock, DemoRun, demo_clock
from tickets.choices import ProductCategory, SolutionKind, Status
from tickets.engineering import services as engineering
from tickets.models import Ticket

from . import services

ADDRESSES = ["上海市浦东新区世纪大道 100 号 12 楼", "上海市徐汇区漕溪北路 88 号 3 单元 502",
             "上海市闵行区七莘路 2000 弄 16 号", "上海市静安区南京西路 1266 号 2 楼", "上海市杨浦区国权路 39 弄 5 号 301",
             "上海市长宁区天山路 600 弄 8 号 1202", "上海市普陀区真北路 1108 弄 22 号 604", "上海市宝山区牡丹江路 1211 号 3 楼"]


def demo_visits_lend(run: DemoRun) -> None:
    run.helpers["onsite_visit"] = lambda **kwargs: demo_visit(rng=run.rng, desk=run.users["reception"], **kwargs)


def demo_visit(*, rng, desk, ticket, clock: DemoClock, before: datetime, heard: str, fix: str, part: str,
               within_warranty: bool) -> None:
    """A visit from booking to the customer's signature by the ticket's engineer, laid out to end before
    `before` (when the solution is recorded), each step at its own time on `clock` (core.demo.demo_clock).
    Out of warranty the customer pays the call-out fee and the part, and gets a receipt."""
    engineer = ticket.engineer
    start = max(clock.at + timedelta(minutes=30), before - timedelta(hours=3)).replace(minute=0, second=0,
                                                                                         microsecond=0)
    work_order = services.work_order_create(
        ticket=ticket, actor=desk, window_start=start, window_end=start + timedelta(hours=2),
        address=rng.choice(ADDRESSES), note="客户要求上门前电话联系")
    clock.set(start + timedelta(minutes=rng.uniform(0, 30)))
    services.work_order_depart(work_order=work_order, actor=engineer)
    clock.advance(rng.uniform(15, 45))
    services.work_order_arrive(work_order=work_order, actor=engineer)
    clock.advance(rng.uniform(10, 25))
    services.work_order_inspect(work_order=work_order, actor=engineer, heard=heard,
                                seen="保修卡齐全，无拆修痕迹" if within_warranty else "已过三包期，无拆修痕迹",
                                checked=f"{part}故障" if part else "安装位置和电源符合要求", opened_before=False, within_warranty=within_warranty)
    price = Decimal(rng.choice(["60.00", "120.00", "180.00"])) if part and not within_warranty else Decimal(0)
    if part:  # an installation or an upkeep visit replaces nothing
        services.work_order_part_add(work_order=work_order, actor=engineer, name=part, reason=f"{part}失效",
                                     quantity=1, charged=not within_warranty, unit_price=price)
    if not within_warranty:
        services.work_order_quote(work_order=work_order, actor=engineer, callout_fee=Decimal("80.00"),
                                  note="上门费 80 + 配件")
        services.work_order_approve_fee(work_order=work_order, actor=engineer, amount=price + 80,
                                        customer_name=work_order.contact_name)
    clock.advance(rng.uniform(30, 80))
    services.work_order_complete(work_order=work_order, actor=engineer, fix=fix,
                                 old_parts_taken_back=True if part else None)
    if not within_warranty:
        services.work_order_record_payment(work_order=work_order, actor=engineer,
                                           receipt_number=f"SJ-{rng.randrange(10**6):06d}")
    clock.advance(rng.uniform(2, 6))
    services.work_order_confirm(work_order=work_order, actor=engineer, customer_name=work_order.contact_name,
                                satisfied=True, comment=rng.choice(["师傅很专业", "准时上门，态度好", ""]))


def demo_work_orders(run: DemoRun) -> None:
    # Air conditioners only: the findings below (outdoor unit, start capacitor) are an air conditioner's. Those
    # that had a visit before (reopened after it) are left alone.
    tickets = list(Ticket.objects.filter(status__in=[Status.DISPATCHED, Status.REPLIED], engineer__isnull=False,
                                         device__category=ProductCategory.APPLIANCE, device__model__endswith="空调",
                                         work_orders__isnull=True)
                   .select_related("customer", "engineer").order_by("id")[:5])
    with demo_clock(run.until):  # today's visits are booked at the end of the replay, in working hours
        _visits_today(run, tickets)


def _visits_today(run: DemoRun, tickets) -> None:
    users, rng = run.users, run.rng
    now = timezone.localtime()
    this_hour = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    tomorrow_9 = (now + timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
    for index, ticket in enumerate(tickets):
        engineer = ticket.engineer
        # The first three are under way (the window began an hour ago), the others booked for tomorrow.
        start = this_hour if index < 3 else tomorrow_9 + timedelta(hours=5 * (index - 3))
        work_order = services.work_order_create(
            ticket=ticket, actor=users["reception"], window_start=start, window_end=start + timedelta(hours=2),
            address=rng.choice(ADDRESSES), note="客户要求上门前电话联系")
        if index >= 3:
            continue  # planned visits
        services.work_order_depart(work_order=work_order, actor=engineer)
        services.work_order_arrive(work_order=work_order, actor=engineer)
        services.work_order_inspect(
            work_order=work_order, actor=engineer, heard="开机后外机不转，室内机只吹自然风",
            seen="机身无拆修痕迹，保修卡齐全" if index else "机身无拆修痕迹，已过三包期",
            checked="启动电容鼓包，容量明显下降", opened_before=False, within_warranty=bool(index))
        services.work_order_part_add(work_order=work_order, actor=engineer, name="启动电容", spec="35μF 450V",
                                     quantity=1, reason="电容鼓包失效", charged=index == 0,
                                     unit_price=Decimal("45.00") if index == 0 else Decimal("0"))
        if index != 0:
            continue  # on site, findings recorded
        services.work_order_quote(work_order=work_order, actor=engineer, amount=Decimal("125.00"),
                                  note="上门费 80 + 电容 45")
        services.work_order_approve_fee(work_order=work_order, actor=engineer, amount=Decimal("125.00"),
                                        customer_name=work_order.contact_name)
        services.work_order_complete(work_order=work_order, actor=engineer, fix="更换启动电容，试机 20 分钟制冷正常",
                                     old_parts_taken_back=True)
        services.work_order_record_payment(work_order=work_order, actor=engineer, receipt_number="SJ-0001")
        services.work_order_confirm(work_order=work_order, actor=engineer, customer_name=work_order.contact_name,
                                    satisfied=True, comment="师傅很专业")
        engineering.ticket_solve(ticket=Ticket.objects.get(pk=ticket.pk), actor=engineer, kind=SolutionKind.ONSITE,
                                 plan="上门更换启动电容", result="试机制冷正常，客户签字确认")
