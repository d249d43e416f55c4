"""Walk a work order through its steps with the services."""
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from fieldservice import services


def schedule(ticket, actor, **overrides):
    start = timezone.now() + timedelta(hours=2)
    kwargs = {"window_start": start, "window_end": start + timedelta(hours=2)} | overrides
    return services.work_order_create(ticket=ticket, actor=actor, **kwargs)


def on_site(ticket, actor):
    work_order = schedule(ticket, actor)
    services.work_order_depart(work_order=work_order, actor=actor)
    return services.work_order_arrive(work_order=work_order, actor=actor)


def inspect(work_order, actor, **overrides):
    kwargs = {"heard": "空调不制冷，外机不转", "seen": "机身无拆修痕迹，保修卡在", "checked": "启动电容鼓包",
              "opened_before": False, "within_warranty": True} | overrides
    return services.work_order_inspect(work_order=work_order, actor=actor, **kwargs)


def add_part(work_order, actor, **overrides):
    kwargs = {"name": "启动电容", "spec": "35μF 450V", "quantity": 1, "reason": "电容鼓包失效",
              "charged": True, "unit_price": Decimal("45.00")} | overrides
    return services.work_order_part_add(work_order=work_order, actor=actor, **kwargs)


def paid_and_done(work_order, actor, fee=Decimal("125.00")):
    """Inspect, one charged part, quote, approval, work done: ready for the customer's confirmation."""
    inspect(work_order, actor)
    add_part(work_order, actor)
    services.work_order_quote(work_order=work_order, actor=actor, amount=fee, note="上门费 80 + 电容 45")
    services.work_order_approve_fee(work_order=work_order, actor=actor, amount=fee, customer_name="张三")
    return services.work_order_complete(work_order=work_order, actor=actor, fix="更换启动电容，试机制冷正常",
                                        old_parts_taken_back=True)
