"""Demo tickets: callers and their products, registered over the last days in working hours and walked
along the SOP by the services, as the desk and the engineers would (core.demo runs it as step "tickets").

Each product has the faults that happen to it and the fix an engineer records: a laptop never reports
"沙发扶手开裂" (tests/core/test_demo.py checks every demo ticket against this table)."""
from __future__ import annotations

import random
from datetime import date, timedelta

from django.utils import timezone
from stdnum import luhn

from core.demo import DemoAlreadyLoaded, DemoRun, demo_clock, past_working_instants

from . import services
from .choices import Channel, Kind, Priority, ProductCategory
from .models import Ticket

DAYS = 14  # the tickets are spread over the last two weeks

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰", "霞"]
# category → (brand, model, sort of product); the sort picks the faults and the fix below.
PRODUCTS = {
    ProductCategory.PHONE: [("华为", "Mate 60", "phone"), ("小米", "14 Pro", "phone"), ("OPPO", "Find X7", "phone"),
                            ("vivo", "X100", "phone"), ("荣耀", "Magic6", "phone")],
    ProductCategory.APPLIANCE: [("美的", "KFR-35GW 空调", "air_conditioner"), ("海尔", "BCD-470 冰箱", "fridge"),
                                ("格力", "云佳 空调", "air_conditioner"), ("小天鹅", "TG100 洗衣机", "washer")],
    ProductCategory.COMPUTER: [("联想", "ThinkPad X1", "laptop"), ("华硕", "天选5", "laptop"), ("戴尔", "XPS 13", "laptop")],
    ProductCategory.FURNITURE: [("顾家", "布艺沙发", "sofa"), ("林氏", "实木餐桌", "table")],
}
FAULTS = {
    "phone": ("开机后屏幕闪烁，偶尔黑屏", "充电很慢，电池掉电快", "通话时对方听不到声音", "摄像头无法对焦",
              "WiFi 经常断开", "无法开机，指示灯不亮"),
    "air_conditioner": ("不制冷，外机不转", "室内机漏水", "开机几分钟后自动停机，显示 E1"),
    "fridge": ("冰箱冷藏室结霜严重", "冷冻室不结冰，压缩机一直运转"),
    "washer": ("洗衣机脱水时噪音大", "进水后不排水，显示 E21"),
    "laptop": ("键盘部分按键失灵", "无法开机，指示灯不亮", "WiFi 经常断开", "屏幕有一条竖线"),
    "sofa": ("沙发扶手开裂", "坐垫塌陷，弹簧有异响"),
    "table": ("桌腿松动摇晃", "桌面漆面起泡"),
}
FIXES = {
    "phone": "更换主板，测试正常", "air_conditioner": "更换启动电容并补充冷媒，试机制冷正常",
    "fridge": "更换温控器，观察 24 小时温度正常", "washer": "更换减震器和排水泵，试机正常",
    "laptop": "更换键盘和屏线，测试正常", "sofa": "上门修补扶手，加固框架", "table": "更换连接件，加固桌腿",
}
SORT_OF = {(brand, model): sort for products in PRODUCTS.values() for brand, model, sort in products}
# Minutes from one step to the next, (shortest, longest): mostly within seed 002's targets (pre-process 30,
# dispatch 10, reply 30, solution 24 h, callback 20), about one step in ten late.
STEP_MINUTES = ((3, 33), (1, 11), (5, 33), (60, 20 * 60), (5, 22), (5, 90))


def random_imei(rng: random.Random) -> str:
    body = "86" + "".join(rng.choice("0123456789") for _ in range(12))
    return body + luhn.calc_check_digit(body)


def random_phone(rng: random.Random) -> str:
    return rng.choice(["138", "139", "150", "186", "177"]) + "".join(rng.choice("0123456789") for _ in range(8))


def random_intake(rng: random.Random, today: date) -> dict:
    """ticket_create's keyword arguments for a caller on `today` (the purchase is never after it)."""
    category = rng.choices(
        [ProductCategory.PHONE, ProductCategory.APPLIANCE, ProductCategory.COMPUTER, ProductCategory.FURNITURE],
        weights=[5, 3, 2, 1])[0]
    brand, model, sort = rng.choice(PRODUCTS[category])
    bought = today - timedelta(days=rng.choice([2, 5, 7, 8, 12, 15, 20, 40, 100, 200, 300, 364, 400, 800]))
    has_invoice = rng.random() < 0.85
    return {
        "customer": {"name": rng.choice(SURNAMES) + rng.choice(GIVEN), "phone": "+86" + random_phone(rng)},
        "device": {
            "category": category, "brand": brand, "model": model,
            "imei": random_imei(rng) if category == ProductCategory.PHONE else "",
            "serial": "" if category == ProductCategory.PHONE else f"SN{rng.randrange(10**9):09d}",
            "purchase_date": bought, "invoice_date": bought if has_invoice else None,
            "invoice_number": f"{rng.randrange(10**8):08d}" if has_invoice else "",
            "warranty_card_number": f"W{rng.randrange(10**6):06d}" if has_invoice else "",
            "factory_date": bought - timedelta(days=rng.randrange(20, 120)),
            "sold_online": rng.random() < 0.4,
        },
        "kind": rng.choices([Kind.REPAIR, Kind.CONSULTATION, Kind.RETURN_EXCHANGE, Kind.COMPLAINT,
                             Kind.INSTALLATION, Kind.LOGISTICS_CHASE], weights=[10, 3, 3, 1, 1, 1])[0],
        "channel": rng.choice([Channel.PHONE, Channel.PHONE, Channel.WALK_IN, Channel.EMAIL, Channel.WEB]),
        "priority": rng.choices(Priority.values, weights=[1, 8, 2, 1])[0],
        "fault_description": rng.choice(FAULTS[sort]),
    }


def walk(ticket: Ticket, users, rng: random.Random, depth: int, clock) -> Ticket:
    """Walk a ticket `depth` steps along the SOP with the services, as the people would, each step some
    minutes after the one before (`clock`: core.demo.demo_clock)."""
    reception, manager = users["reception"], users["manager"]
    engineer = users[rng.choice(["engineer", "engineer2", "engineer3"])]
    fix = FIXES[SORT_OF.get((ticket.device.brand, ticket.device.model), "phone")] if ticket.device_id else "远程指导后恢复正常"
    steps = [
        lambda t: services.ticket_preprocess(ticket=t, actor=reception, note="已核实三包，远程指导未解决"),
        lambda t: services.ticket_dispatch(ticket=t, actor=reception, engineer=engineer),
        lambda t: services.ticket_transition(ticket=t, action="reply", actor=engineer, note="已联系客户，预约明天上门检测"),
        lambda t: services.ticket_transition(ticket=t, action="solve", actor=engineer, note=fix),
        lambda t: services.ticket_transition(ticket=t, action="callback_ok", actor=reception, note="客户确认已修复"),
        lambda t: services.ticket_transition(ticket=t, action="close", actor=manager),
    ]
    for step, (shortest, longest) in zip(steps[:depth], STEP_MINUTES):
        clock.advance(rng.uniform(shortest, longest))
        ticket = step(ticket)
    return ticket


def demo_tickets(run: DemoRun) -> None:
    if Ticket.objects.exists():
        raise DemoAlreadyLoaded  # loaded before: the demo does not add a second batch
    rng = run.rng
    instants = past_working_instants(rng, run.tickets, days=DAYS, until=timezone.now() - timedelta(hours=1))
    # Every 7th ticket stops at each step (registered … closed), as before; the older a ticket, the further
    # along it tends to be, as at a desk that works its queue oldest first.
    depths = sorted((index % 7 for index in range(run.tickets)), key=lambda d: -d + rng.uniform(-2.5, 2.5))
    for at, depth in zip(instants, depths):
        with demo_clock(at) as clock:
            intake = random_intake(rng, timezone.localdate())
            ticket = services.ticket_create(created_by=run.users["reception"], **intake)
            walk(ticket, run.users, rng, depth, clock)
