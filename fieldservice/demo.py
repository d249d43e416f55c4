"""Demo: a few on-site visits on open air-conditioner tickets — planned, on site, and one confirmed and
solved (core.demo runs it as step "fieldservice")."""
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from core.demo import DemoRun
from tickets.choices import ProductCategory, SolutionKind, Status
from tickets.engineering import services as engineering
from tickets.models import Ticket

from . import services
from .models import WorkOrder

ADDRESSES = ["上海市浦东新区世纪大道 100 号 12 楼", "上海市徐汇区漕溪北路 88 号 3 单元 502",
             "上海市闵行区七莘路 2000 弄 16 号", "上海市静安区南京西路 1266 号 2 楼"]


def demo_work_orders(run: DemoRun) -> None:
    users, rng = run.users, run.rng
    if WorkOrder.objects.exists():
        return
    # Air conditioners only: the findings below (outdoor unit, start capacitor) are an air conditioner's.
    tickets = list(Ticket.objects.filter(status__in=[Status.DISPATCHED, Status.REPLIED], engineer__isnull=False,
                                         device__category=ProductCategory.APPLIANCE, device__model__endswith="空调")
                   .select_related("customer", "engineer").order_by("id")[:5])
    today_9 = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    for index, ticket in enumerate(tickets):
        engineer = ticket.engineer
        start = today_9 + timedelta(days=index // 2, hours=2 * (index % 4))
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
