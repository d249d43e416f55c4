"""Realistic demo data: one user per role and a few hundred tickets walked through the SOP by the
same services the pages use. Other apps extend it by adding steps to DEMO_STEPS."""
import random
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from stdnum import luhn

from .roles import Role

DEMO_PASSWORD = "demo-2026"
DEMO_USERS = [
    # username, role, full name (last, first), is_staff
    ("reception", Role.RECEPTION, ("王", "小丽"), False),
    ("engineer", Role.ENGINEER, ("李", "工"), False),
    ("engineer2", Role.ENGINEER, ("张", "师傅"), False),
    ("engineer3", Role.ENGINEER, ("赵", "明"), False),
    ("manager", Role.MANAGER, ("陈", "经理"), True),
    ("partner", Role.PARTNER, ("顺丰", "对接"), False),
    ("admin", Role.ADMIN, ("系统", "管理员"), True),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰", "霞"]
PHONES = [("华为", "Mate 60"), ("小米", "14 Pro"), ("OPPO", "Find X7"), ("vivo", "X100"), ("荣耀", "Magic6")]
APPLIANCES = [("美的", "KFR-35GW 空调"), ("海尔", "BCD-470 冰箱"), ("格力", "云佳 空调"), ("小天鹅", "TG100 洗衣机")]
COMPUTERS = [("联想", "ThinkPad X1"), ("华硕", "天选5"), ("戴尔", "XPS 13")]
FURNITURE = [("顾家", "布艺沙发"), ("林氏", "实木餐桌")]
FAULTS = [
    "开机后屏幕闪烁，偶尔黑屏", "充电很慢，电池掉电快", "通话时对方听不到声音", "摄像头无法对焦",
    "不制冷，外机不转", "冰箱冷藏室结霜严重", "洗衣机脱水时噪音大", "键盘部分按键失灵",
    "无法开机，指示灯不亮", "沙发扶手开裂", "桌腿松动摇晃", "WiFi 经常断开", "耳机左声道无声",
]


def demo_users() -> dict[str, object]:
    User = get_user_model()
    users = {}
    for username, role, (last, first), is_staff in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=username, defaults={"last_name": last, "first_name": first})
        user.set_password(DEMO_PASSWORD)
        user.is_staff = is_staff
        user.is_superuser = role == Role.ADMIN
        user.save()
        user.groups.add(Group.objects.get(name=role))
        users[username] = user
    from partners.models import Partner, PartnerKind

    Partner.objects.get_or_create(code="sf-express", defaults={
        "name": "顺丰速运", "kind": PartnerKind.COURIER, "account": users["partner"]})
    return users


def random_imei(rng: random.Random) -> str:
    body = "86" + "".join(rng.choice("0123456789") for _ in range(12))
    return body + luhn.calc_check_digit(body)


def random_phone(rng: random.Random) -> str:
    return rng.choice(["138", "139", "150", "186", "177"]) + "".join(rng.choice("0123456789") for _ in range(8))


def random_intake(rng: random.Random, today: date) -> dict:
    from tickets.choices import Channel, Kind, Priority, ProductCategory

    category = rng.choices(
        [ProductCategory.PHONE, ProductCategory.APPLIANCE, ProductCategory.COMPUTER, ProductCategory.FURNITURE],
        weights=[5, 3, 2, 1])[0]
    brand, model = rng.choice({ProductCategory.PHONE: PHONES, ProductCategory.APPLIANCE: APPLIANCES,
                               ProductCategory.COMPUTER: COMPUTERS, ProductCategory.FURNITURE: FURNITURE}[category])
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
        "fault_description": rng.choice(FAULTS),
    }


def _walk(ticket, users, rng: random.Random, depth: int):
    """Walk a ticket `depth` steps along the SOP with the services, as the people would."""
    from tickets import services

    reception, manager = users["reception"], users["manager"]
    engineer = users[rng.choice(["engineer", "engineer2", "engineer3"])]
    steps = [
        lambda t: services.ticket_preprocess(ticket=t, actor=reception, note="已核实三包，远程指导未解决"),
        lambda t: services.ticket_dispatch(ticket=t, actor=reception, engineer=engineer),
        lambda t: services.ticket_transition(ticket=t, action="reply", actor=engineer, note="已联系客户，预约明天上门检测"),
        lambda t: services.ticket_transition(ticket=t, action="solve", actor=engineer, note="更换主板，测试正常"),
        lambda t: services.ticket_transition(ticket=t, action="callback_ok", actor=reception, note="客户确认已修复"),
        lambda t: services.ticket_transition(ticket=t, action="close", actor=manager),
    ]
    for step in steps[:depth]:
        ticket = step(ticket)
    return ticket


# Other apps append callables (users, rng) -> None to enrich the demo.
DEMO_STEPS: list = []


def _partner_demo(users, rng) -> None:
    from partners.demo import demo_partner_tickets  # lazy: partners builds on tickets

    demo_partner_tickets(users, rng)


DEMO_STEPS.append(_partner_demo)


def _fieldservice_demo(users, rng) -> None:
    from fieldservice.demo import demo_work_orders  # lazy: fieldservice builds on tickets

    demo_work_orders(users, rng)


DEMO_STEPS.append(_fieldservice_demo)


def _callbacks_demo(users, rng) -> None:
    from callbacks.demo import demo_callbacks  # lazy: callbacks builds on tickets

    demo_callbacks(users, rng)


DEMO_STEPS.append(_callbacks_demo)


def load_demo(*, tickets: int = 300, seed: int = 2026) -> dict:
    from django.utils import timezone

    from tickets import services
    from tickets.models import Ticket

    users = demo_users()
    if Ticket.objects.exists():
        return users
    rng = random.Random(seed)
    today = timezone.localdate()
    for index in range(tickets):
        ticket = services.ticket_create(created_by=users["reception"], **random_intake(rng, today))
        _walk(ticket, users, rng, depth=index % 7)
    for step in DEMO_STEPS:
        step(users, rng)
    return users
