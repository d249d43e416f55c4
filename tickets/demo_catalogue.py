"""What the demo's callers own and say: products by category, the faults each sort of product has (with the
三包 fault kind they count as), the questions, installs and upkeep people call about, and the engineer's words
for each. Pure data and pure helpers over a random.Random, so the same seed gives the same desk.

A laptop never reports "沙发扶手开裂": every description the demo writes is one of `descriptions_for(sort)`,
and tests/core/test_demo.py checks each demo ticket against its own product's list."""
from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import phonenumbers
from stdnum import luhn

from .choices import Kind, ProductCategory

C = ProductCategory
# category → (brand, model, sort, price in CNY); the sort picks the faults and the engineer's words below. The
# models name the kind of product (空调, 冰箱…), as reception types them; the on-site demo finds 空调 by it.
PRODUCTS: dict[str, list[tuple[str, str, str, int]]] = {
    C.PHONE: [("华为", "Mate 60 Pro", "phone", 6999), ("华为", "nova 12", "phone", 2999),
              ("小米", "14 Pro", "phone", 4999), ("Redmi", "K70", "phone", 2499), ("OPPO", "Find X7", "phone", 3999),
              ("OPPO", "Reno11", "phone", 2699), ("vivo", "X100", "phone", 3999), ("vivo", "S18", "phone", 2499),
              ("荣耀", "Magic6", "phone", 4399), ("荣耀", "90", "phone", 2199), ("一加", "12", "phone", 4299)],
    C.APPLIANCE: [("格力", "云佳 KFR-35GW 空调", "air_conditioner", 2899),
                  ("美的", "酷省电 KFR-35GW 空调", "air_conditioner", 2599),
                  ("海尔", "BCD-470WGHFD 冰箱", "fridge", 3299), ("容声", "BCD-520WD 冰箱", "fridge", 3599),
                  ("小天鹅", "TG100V88 滚筒洗衣机", "washer", 2799), ("海尔", "EG100MATE2S 滚筒洗衣机", "washer", 2399),
                  ("海信", "65E5K 电视", "tv", 3999), ("TCL", "75T7E 电视", "tv", 5499)],
    C.COMPUTER: [("联想", "ThinkPad X1 Carbon 笔记本", "laptop", 9999), ("联想", "小新 Pro 14 笔记本", "laptop", 5299),
                 ("华为", "MateBook 14 笔记本", "laptop", 5999), ("戴尔", "XPS 13 笔记本", "laptop", 8999),
                 ("华硕", "天选5 笔记本", "laptop", 7499), ("联想", "拯救者刃 7000K 台式机", "desktop", 6999),
                 ("惠普", "战99 台式机", "desktop", 4999)],
    C.FURNITURE: [("顾家家居", "布艺沙发 三人位", "sofa", 5999), ("芝华仕", "头等舱功能沙发", "sofa", 7999),
                  ("林氏家居", "实木餐桌 1.4 米", "table", 1899), ("源氏木语", "橡木书桌", "table", 1599),
                  ("西昊", "M57 人体工学椅", "chair", 899), ("索菲亚", "平开门衣柜", "wardrobe", 4599)],
}
CATEGORY_WEIGHTS = {C.PHONE: 5, C.APPLIANCE: 3, C.COMPUTER: 2, C.FURNITURE: 1}
SORT_OF = {(brand, model): sort for products in PRODUCTS.values() for brand, model, sort, _price in products}
CATEGORY_OF_SORT = {sort: category for category, products in PRODUCTS.items() for *_bm, sort, _price in products}

P, MISUSE, WATER, LOOKS = "performance", "misuse", "water", "appearance"  # warranty.choices.FaultKind codes
# sort → (what the customer reports, the 三包 fault kind it counts as): mostly performance faults, a few that
# 三包 does not cover (dropped, wet, scratched), so the decisions come out paid as well as free.
FAULTS: dict[str, tuple[tuple[str, str], ...]] = {
    "phone": (("屏幕闪烁，偶尔黑屏", P), ("电池掉电快，充满电半天就没电", P), ("没有信号，显示无服务", P),
              ("充电很慢，充电时机身发烫", P), ("通话时对方听不到声音", P), ("后置摄像头无法对焦", P),
              ("频繁死机重启", P), ("扬声器没有声音", P), ("摔落后屏幕碎裂", MISUSE), ("手机进水后无法开机", WATER)),
    "air_conditioner": (("不制冷，外机不转", P), ("室内机漏水", P), ("开机几分钟后自动停机，显示 E1", P),
                        ("制热效果差，出风是凉的", P), ("运行时室内机噪音大", P)),
    "fridge": (("冷藏室结霜严重", P), ("冷冻室不结冰，压缩机一直运转", P), ("门封条变形，关不严", P),
               ("运行时嗡嗡响，噪音大", P)),
    "washer": (("脱水时滚筒噪音大，机身晃动", P), ("进水后不排水，显示 E21", P), ("门锁打不开", P),
               ("洗衣机不进水", P)),
    "tv": (("开机后屏幕无图像，有声音", P), ("屏幕出现一条竖线", P), ("遥控器无反应", P), ("搬家时屏幕磕碎", MISUSE)),
    "laptop": (("键盘部分按键失灵", P), ("无法开机，电源灯不亮", P), ("WiFi 经常断开", P), ("屏幕有一条竖线", P),
               ("风扇噪音大，机身很烫", P), ("触控板失灵", P), ("键盘洒水后部分按键失灵", WATER)),
    "desktop": (("开机蓝屏，反复重启", P), ("无法开机，电源灯不亮", P), ("前置 USB 接口失灵", P),
                ("运行游戏时自动关机", P)),
    "sofa": (("扶手开裂", P), ("坐垫塌陷，弹簧有异响", P), ("功能沙发电动躺倒失灵", P), ("面料被宠物抓破", MISUSE)),
    "table": (("桌腿松动摇晃", P), ("桌面漆面起泡", P), ("桌面开裂", P)),
    "chair": (("气压棒下沉，升不起来", P), ("椅背断裂", P), ("扶手松动", P), ("椅轮卡死", P)),
    "wardrobe": (("柜门铰链脱落", P), ("抽屉滑轨卡顿", P), ("柜门变形关不上", P)),
}
QUESTIONS = {  # 咨询
    "phone": ("咨询如何备份数据后恢复出厂设置", "咨询电池健康度多少需要更换"),
    "air_conditioner": ("咨询空调滤网多久清洗一次",), "fridge": ("咨询冰箱冷藏室温度设置多少合适",),
    "washer": ("咨询滚筒洗衣机如何清洁除味",), "tv": ("咨询电视如何投屏",),
    "laptop": ("咨询内存能否加装到 32G",), "desktop": ("咨询显卡能否升级",),
    "sofa": ("咨询布艺沙发套能否拆洗",), "table": ("咨询实木桌面如何保养",),
    "chair": ("咨询椅子头枕高度如何调节",), "wardrobe": ("咨询衣柜能否加装隔板",),
}
INSTALLS = {  # 安装: only what is installed at home
    "air_conditioner": "新购空调预约上门安装", "washer": "新购洗衣机预约上门安装", "tv": "新购电视预约挂墙安装",
    "sofa": "新购沙发预约送装", "wardrobe": "新购衣柜预约上门安装",
}
UPKEEP = {"air_conditioner": "空调清洗保养", "washer": "洗衣机滚筒清洗保养", "fridge": "冰箱除霜保养"}  # 保养
RETURN_ASK, COMPLAINT_ASK = "{fault}，刚买不久，要求退换货", "{fault}，维修后又出现，投诉维修质量"

# What the engineer writes: (difficulty, next step) on the first reply, then the solution's (plan, result).
SHOP, HOME = ("需要到店检测确认故障部件", "已约客户明天送修"), ("需要上门检测", "已预约明天上门，上门前电话联系")
REPLY = {"phone": SHOP, "laptop": SHOP, "desktop": SHOP}
FIXES = {
    "phone": ("更换屏幕总成和电池，检测主板", "更换后测试通话、充电、信号正常"),
    "air_conditioner": ("上门更换启动电容并补充冷媒", "试机 20 分钟制冷正常"),
    "fridge": ("上门更换温控器和门封条", "观察 24 小时温度正常"), "washer": ("上门更换减震器和排水泵", "试机正常"),
    "tv": ("上门更换主板和背光灯条", "开机测试画面正常"), "laptop": ("更换键盘和屏线，清灰换硅脂", "测试 2 小时正常"),
    "desktop": ("更换电源并重装系统", "烤机 1 小时无异常"), "sofa": ("上门修补扶手，加固框架", "客户确认满意"),
    "table": ("上门更换连接件，加固桌腿", "桌面平稳无晃动"), "chair": ("上门更换气压棒和扶手", "升降正常"),
    "wardrobe": ("上门更换铰链和滑轨", "开合顺畅"),
}
PARTS = {"phone": "屏幕总成", "air_conditioner": "压缩机", "fridge": "温控器", "washer": "排水泵", "tv": "主板",
         "laptop": "键盘模组", "desktop": "主板", "sofa": "功能沙发电机", "table": "桌腿", "chair": "气压棒",
         "wardrobe": "阻尼铰链"}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "霞", "平", "刚",
         "秀英", "秀兰", "桂英", "建国", "建华", "志强", "志明", "海燕", "晓东", "晓燕", "丽娟", "俊杰", "子涵", "浩然",
         "欣怡", "梓萱", "宇轩", "雨桐", "一鸣", "思远", "佳琪", "文博", "春梅", "红梅", "国庆", "玉兰", "婷婷"]
# Mainland mobile prefixes of China Mobile, Unicom and Telecom; phonenumbers confirms each number.
MOBILE_PREFIXES = ("134", "135", "136", "137", "138", "139", "147", "150", "151", "152", "157", "158", "159",
                   "182", "183", "187", "188", "198", "130", "131", "132", "155", "156", "166", "185", "186",
                   "133", "153", "173", "177", "180", "181", "189", "199")
# Type allocation codes of phones sold in China (the IMEI's first 8 digits); the 15th digit is Luhn's.
TACS = ("86769203", "86406904", "86158105", "86881303", "86473506", "86012406", "86548805", "86290104")


def descriptions_for(sort: str) -> frozenset[str]:
    """Every text the demo may write as the fault of a product of this sort."""
    faults = [text for text, _kind in FAULTS[sort]]
    return frozenset([*faults, *QUESTIONS[sort], *filter(None, [INSTALLS.get(sort), UPKEEP.get(sort)]),
                      *(RETURN_ASK.format(fault=f) for f in faults), *(COMPLAINT_ASK.format(fault=f) for f in faults)])


def random_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def random_phone(rng: random.Random) -> str:
    """A valid mainland mobile number in E.164 (+86…), as the desk stores it."""
    while True:
        number = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        if phonenumbers.is_valid_number(phonenumbers.parse(number, "CN")):
            return "+86" + number


def random_imei(rng: random.Random) -> str:
    body = rng.choice(TACS) + f"{rng.randrange(10**6):06d}"
    return body + luhn.calc_check_digit(body)


def random_serial(rng: random.Random, category: str) -> str:
    if category == C.COMPUTER:  # service-tag style: letters and digits
        return "PF" + "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(6))
    if category == C.APPLIANCE:  # the barcode on the unit's nameplate
        return f"{rng.randrange(10**19, 10**20)}"
    return f"JJ{rng.randrange(10**9):09d}"  # furniture: the order's delivery number


# How long ago the product was bought, by the 三包 outcome it gives at registration (the phone, appliance and
# computer rules: return within 7 days, exchange within 15, free repair within the year; paid after it).
BOUGHT_DAYS_AGO = {"return": (1, 6), "exchange": (8, 14), "repair": (20, 340), "paid": (380, 900)}
OUTCOME_WEIGHTS = {"return": 1, "exchange": 1, "repair": 5, "paid": 2}


def random_product(rng: random.Random, *, category: str | None = None, sort: str | None = None):
    """(category, brand, model, sort, price): of `sort` or `category` if given, else by CATEGORY_WEIGHTS."""
    if sort:
        category = CATEGORY_OF_SORT[sort]
    category = category or rng.choices(list(CATEGORY_WEIGHTS), weights=list(CATEGORY_WEIGHTS.values()))[0]
    choices = [p for p in PRODUCTS[category] if sort is None or p[2] == sort]
    brand, model, product_sort, price = rng.choice(choices)
    return category, brand, model, product_sort, price


def random_device(rng: random.Random, *, category: str, brand: str, model: str, price: int, today: date,
                  outcome: str, with_value: bool = False) -> dict:
    """ticket_create's `device` for a product bought so long ago that 三包 decides `outcome` (see above)."""
    bought = today - timedelta(days=rng.randint(*BOUGHT_DAYS_AGO[outcome]))
    has_invoice = outcome in ("return", "exchange") or rng.random() < 0.85
    return {
        "category": category, "brand": brand, "model": model,
        "imei": random_imei(rng) if category == C.PHONE else "",
        "serial": "" if category == C.PHONE else random_serial(rng, category),
        "purchase_date": bought, "invoice_date": bought if has_invoice else None,
        "invoice_number": f"{rng.randrange(10**8):08d}" if has_invoice else "",
        "warranty_card_number": f"W{rng.randrange(10**6):06d}" if has_invoice else "",
        "factory_date": bought - timedelta(days=rng.randrange(20, 120)),
        "sold_online": rng.random() < 0.4,
        **({"value": Decimal(price)} if with_value else {}),
    }


def random_fault(rng: random.Random, *, sort: str, kind: str) -> tuple[str, str]:
    """(description, 三包 fault kind) a caller gives for a ticket of this kind about this sort of product."""
    if kind == Kind.CONSULTATION:
        return rng.choice(QUESTIONS[sort]), P
    if kind == Kind.INSTALLATION:
        return INSTALLS[sort], P
    if kind == Kind.MAINTENANCE:
        return UPKEEP[sort], P
    performance = [text for text, fault_kind in FAULTS[sort] if fault_kind == P]
    if kind == Kind.RETURN_EXCHANGE:
        return RETURN_ASK.format(fault=rng.choice(performance)), P
    if kind == Kind.COMPLAINT:
        return COMPLAINT_ASK.format(fault=rng.choice(performance)), P
    return rng.choices(FAULTS[sort], weights=[8 if k == P else 1 for _t, k in FAULTS[sort]])[0]
