"""Fill PostgreSQL with N realistic tickets, fast: COPY streamed from generators, memory flat.

    DATABASE_URL=postgres://servicedesk:servicedesk@127.0.0.1:5432/sd_bench \
        .venv/bin/python bench/fill_tickets.py --tickets 1000000 --reset

Customers (about one in five comes back), devices (valid IMEIs, serials), tickets spread over the
last year in business hours, each walked along the SOP until "now" so old tickets are mostly closed
and recent ones sit in every open state, and their timeline events. Secondary indexes and foreign
keys of the four tables are dropped for the load and rebuilt after it (rebuilding is much faster than
maintaining them row by row); their DDL is saved first, so an interrupted run restores them next time.
"""
import argparse
import json
import random
import resource
import sys
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import bench_users, copy_layout, raw_connection, setup_django  # noqa: E402
from _ddl import capture_ddl, drop_ddl, restore_ddl  # noqa: E402

FLUSH_EVERY = 2000  # tickets per COPY write: bounds memory whatever N is
CST = 8 * 3600  # business hours are Beijing time
DAY_OPEN, DAY_HOURS = 8 * 3600, 12 * 3600
NULL = "\\N"

PHONE_PREFIXES = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
                  "155", "156", "157", "158", "159", "166", "177", "180", "181", "185", "186", "187", "188", "189",
                  "198", "199"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
         "秀兰", "霞", "平", "刚", "桂英", "建华", "文", "华", "金凤", "海燕", "志强", "晓东", "子涵", "欣怡", "浩然", "梓萱"]
CITIES = ["北京市朝阳区", "上海市浦东新区", "广州市天河区", "深圳市南山区", "杭州市西湖区", "成都市武侯区",
          "武汉市洪山区", "南京市鼓楼区", "西安市雁塔区", "重庆市渝北区", "苏州市工业园区", "长沙市岳麓区"]
PRODUCTS = {  # category: [(brand, model)], weight
    "phone": ([("华为", "Mate 60"), ("小米", "14 Pro"), ("OPPO", "Find X7"), ("vivo", "X100"), ("荣耀", "Magic6"),
               ("Apple", "iPhone 15")], 50),
    "appliance": ([("美的", "KFR-35GW 空调"), ("海尔", "BCD-470 冰箱"), ("格力", "云佳 空调"), ("小天鹅", "TG100 洗衣机"),
                   ("方太", "EMD20T 油烟机")], 28),
    "computer": ([("联想", "ThinkPad X1"), ("华硕", "天选5"), ("戴尔", "XPS 13"), ("惠普", "战66")], 15),
    "furniture": ([("顾家", "布艺沙发"), ("林氏", "实木餐桌"), ("全友", "床头柜")], 6),
    "other": ([("九阳", "豆浆机"), ("飞利浦", "电动牙刷")], 1),
}
FAULTS = ["开机后屏幕闪烁，偶尔黑屏", "充电很慢，电池掉电快", "通话时对方听不到声音", "摄像头无法对焦", "不制冷，外机不转",
          "冰箱冷藏室结霜严重", "洗衣机脱水时噪音大", "键盘部分按键失灵", "无法开机，指示灯不亮", "沙发扶手开裂",
          "桌腿松动摇晃", "WiFi 经常断开", "耳机左声道无声", "快递显示已签收但本人未收到", "收到的商品与订单不符",
          "申请七天无理由退货", "咨询保修期和保修范围", "预约上门安装空调", "油烟机吸力变小，有异响", "屏幕碎裂，触摸失灵"]
KINDS = (["repair", "consultation", "return_exchange", "complaint", "installation", "maintenance", "logistics_chase",
          "logistics_trace", "logistics_signed_by_other", "logistics_lost_damaged", "logistics_wrong_item",
          "logistics_missing_item", "price_protection"], [40, 14, 12, 4, 6, 4, 5, 3, 2, 2, 2, 2, 4])
CHANNELS = (["phone", "walk_in", "email", "web", "partner_api"], [55, 15, 8, 20, 2])
PRIORITIES = (["low", "normal", "high", "urgent"], [8, 70, 17, 5])
NOTES = {"preprocess": "已核实三包，远程指导未解决", "reply": "已联系客户，预约上门检测", "solve": "更换主板，测试正常",
         "callback_ok": "客户确认已修复", "callback_failed": "客户反馈问题仍在", "wait": "等待备件到货", "note": "客户来电催促进度"}

CUSTOMER_COLS = ["id", "name", "phone", "email", "address", "created_at"]
DEVICE_COLS = ["id", "customer_id", "category", "component", "brand", "model", "imei", "serial", "purchase_date",
               "invoice_number", "invoice_date", "warranty_card_number", "factory_date", "sold_online", "value"]
TICKET_COLS = ["id", "number", "customer_id", "device_id", "partner_id", "kind", "channel", "priority", "status",
               "fault_description", "engineer_id", "created_by_id", "created_at", "updated_at", "status_changed_at",
               "version", "preprocessed_at", "dispatched_at", "replied_at", "solved_at", "called_back_at",
               "closed_at", "wait_reason", "resume_status", "next_due_at", "search_text"]
EVENT_COLS = ["id", "ticket_id", "actor_id", "action", "from_status", "to_status", "at", "note", "data"]
STAMP_OF = {"preprocess": 16, "dispatch": 17, "reply": 18, "solve": 19, "callback_ok": 20, "close": 21,
            "close_unreachable": 21}  # index into the ticket row


# strftime per value was most of the generator's time: cache the date part, precompute the clock part.
_DAYS: dict[int, str] = {}
_CLOCK = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}+00" for s in range(86400)]


def ts(epoch: float) -> str:
    """COPY text of a UTC timestamptz, to the second."""
    day, second = divmod(int(epoch), 86400)
    prefix = _DAYS.get(day)
    if prefix is None:
        prefix = _DAYS[day] = datetime.fromtimestamp(day * 86400, UTC).strftime("%Y-%m-%d ")
    return prefix + _CLOCK[second]


def customer_of(cid: int) -> tuple[str, str]:
    """A customer's phone and name from its id alone, so a returning caller's ticket can carry them in its search
    text without a table of every customer in memory."""
    phone = f"+86{PHONE_PREFIXES[cid % len(PHONE_PREFIXES)]}{(cid * 48271) % 10**8:08d}"
    return phone, SURNAMES[(cid * 2654435761) % 4093 % len(SURNAMES)] + GIVEN[(cid * 40503) % 8191 % len(GIVEN)]


def weighted(options: list, weights: list[int]) -> list:
    """A flat table to pick from with one random() call (random.choices is slow per call)."""
    return [option for option, weight in zip(options, weights) for _ in range(weight)]


def luhn_digit(body: str) -> str:
    total = 0
    for index, char in enumerate(reversed(body)):
        digit = int(char) * (2 if index % 2 == 0 else 1)
        total += digit - 9 if digit > 9 else digit
    return str(-total % 10)


# A stalled ticket stops at one of these (weights): the backlog a real desk carries. Without stalls the
# walk leaves ~1 % open (everything old gets closed), an easy shape for open-ticket lists and the dashboard.
STALL_AT = (["registered", "preprocessed", "dispatched", "replied", "waiting", "solved", "called_back",
                             "reopened"], [8, 10, 16, 22, 14, 16, 6, 8])


class Stalled(Exception):
    """The walk reached the status this ticket stalls at."""


class Lifecycle:
    """Walks one ticket along the SOP (seed 002) until `now` (or until the status it stalls at);
    returns its events and final fields."""

    def __init__(self, rng: random.Random, now: float, users: dict, open_share: float = 0.0):
        self.rng, self.now, self.open_share = rng, now, open_share
        self.stall_table = [s for s, w in zip(*STALL_AT) for _ in range(w)]
        self.reception = [u.pk for u in users["reception"]]
        self.engineers = [(u.pk, u.username) for u in users["engineer"]]
        self.manager = users["manager"][0].pk

    def walk(self, created: float):
        rng = self.rng
        stall = rng.choice(self.stall_table) if self.open_share and rng.random() < self.open_share else None
        events = [(rng.choice(self.reception), "register", "", "registered", created, "", "{}")]
        t = {"status": "registered", "engineer": None, "wait": ("", ""), "changed": created, "stamps": {}}
        if stall == "registered":
            return events, t
        try:
            self._walk(events, t, stall)
        except Stalled:
            pass
        return events, t

    def _walk(self, events: list, t: dict, stall: str | None) -> None:
        rng, now, hours = self.rng, self.now, 3600.0
        slow = 40.0 if rng.random() < 0.01 else 1.0  # a few tickets get stuck for weeks
        desk = events[0][0]

        def step(action, to_status, delay_hours, actor, data="{}"):
            at = events[-1][4] + rng.expovariate(1 / (delay_hours * hours * slow))
            if at > now:
                return False
            stamp = STAMP_OF.get(action)
            if stamp and stamp not in t["stamps"]:
                t["stamps"][stamp] = at
            if to_status != t["status"]:
                t["changed"] = at
            events.append((actor, action, t["status"], to_status, at, NOTES.get(action, ""), data))
            t["status"] = to_status
            if to_status == stall:
                raise Stalled
            return True

        def dispatch_and_work():
            eng_id, eng_name = rng.choice(self.engineers)
            data = f'{{"engineer": "{eng_name}", "engineer_id": {eng_id}}}'
            if not step("dispatch", "dispatched", 1.5, desk, data):
                return False
            t["engineer"] = eng_id
            if not step("reply", "replied", 4, eng_id):
                return False
            if rng.random() < 0.12 or stall == "waiting":
                reason = rng.choice(["parts", "customer", "manufacturer"])
                if not step("wait", "waiting", 3, eng_id):
                    return False
                t["wait"] = (reason, "replied")
                if not step("resume", "replied", 60, eng_id):
                    return False
                t["wait"] = ("", "")
            return step("solve", "solved", 20, eng_id)

        if not step("preprocess", "preprocessed", 0.4, desk):
            return
        if rng.random() < 0.03 and not stall:
            step("cancel", "cancelled", 0.5, desk)
            return
        quick = rng.random() < 0.12 and stall not in ("dispatched", "replied", "waiting")
        solved = step("solve", "solved", 0.5, desk) if quick else dispatch_and_work()
        for _round in range(2):
            if not solved:
                return
            outcome = rng.random()
            if outcome < 0.08 and not stall:
                step("close_unreachable", "closed", 30, desk)
                return
            if (outcome < 0.12 or stall == "reopened") and _round == 0:
                if not step("callback_failed", "reopened", 30, desk):
                    return
                solved = dispatch_and_work()
                continue
            if step("callback_ok", "called_back", 30, desk):
                step("close", "closed", 2, self.manager)
            return


def search_text(number: str, phone: str, name: str, brand: str, model: str, serial: str, fault: str) -> str:
    from tickets.search import search_text_for

    text = search_text_for(number=number, contact_name=name, contact_phone=phone, brand=brand, model=model,
                           serial=serial, fault=fault)
    return text.replace("\\", "\\\\").replace("\t", " ")  # COPY text format


def generate(args, users, bases, counters, partner_id, now: float):
    """Yields (customers, devices, tickets, events) lists of COPY lines every FLUSH_EVERY tickets."""
    rng = random.Random(args.seed)
    life = Lifecycle(rng, now, users, args.open_share)
    cid, did, tid, eid = bases
    first_customer = cid + 1
    today0 = (int(now + CST) // 86400) * 86400 - CST  # 00:00 today, Beijing time
    day0 = today0 - 364 * 86400
    # business seconds from a year ago to now: tickets arrive 08:00-20:00 and the last one is "now"
    slot = (364 * DAY_HOURS + min(max(now - today0 - DAY_OPEN, 0), DAY_HOURS)) / args.tickets
    rand = rng.random
    kinds, channels, priorities = weighted(*KINDS), weighted(*CHANNELS), weighted(*PRIORITIES)
    categories = weighted(list(PRODUCTS), [weight for _models, weight in PRODUCTS.values()])
    customers, devices, tickets, events = [], [], [], []
    for index in range(args.tickets):
        business = (index + rng.random()) * slot
        created = min(day0 + (business // DAY_HOURS) * 86400 + DAY_OPEN + business % DAY_HOURS, now)
        day = ts(created + CST)[:10].replace("-", "")  # the ticket number's day is Beijing's
        counters[day] = seq = counters.get(day, 0) + 1
        created_s = ts(created)

        if cid >= first_customer and rng.random() < 0.2:
            customer = rng.randint(first_customer, cid)
        else:
            cid = customer = cid + 1
            phone, name = customer_of(cid)
            email = f"c{cid}@example.cn" if rng.random() < 0.15 else ""
            customers.append(f"{cid}\t{name}\t{phone}\t{email}\t{rng.choice(CITIES)}\t{created_s}")

        kind = kinds[int(rand() * len(kinds))]
        device = NULL
        brand = model = serial = ""
        if not kind.startswith("logistics") or rng.random() < 0.5:
            did += 1
            device = str(did)
            category = categories[int(rand() * len(categories))]
            brand, model = rng.choice(PRODUCTS[category][0])
            imei = serial = ""
            if category == "phone":
                body = f"86{(did * 7919) % 10**12:012d}"
                imei = body + luhn_digit(body)
            else:
                serial = f"SN{did:010d}"
            bought = created - rng.choice([2, 5, 7, 12, 20, 40, 100, 200, 300, 364, 400, 800]) * 86400
            bought_d = ts(bought)[:10]
            invoiced = rng.random() < 0.85
            devices.append("\t".join((
                device, str(customer), category, "main_unit", brand, model, imei, serial, bought_d,
                f"{rng.randrange(10**8):08d}" if invoiced else "", bought_d if invoiced else NULL,
                f"W{rng.randrange(10**6):06d}" if invoiced else "", ts(bought - rng.randrange(20, 120) * 86400)[:10],
                "t" if rng.random() < 0.4 else "f", f"{rng.randrange(199, 12999)}.00")))

        tid += 1
        channel = channels[int(rand() * len(channels))]
        trail, state = life.walk(created)
        status = state["status"]
        row = [str(tid), f"SD-{day}-{seq:04d}", str(customer), device,
               str(partner_id) if channel == "partner_api" else NULL, kind, channel,
               priorities[int(rand() * len(priorities))], status, rng.choice(FAULTS),
               str(state["engineer"]) if state["engineer"] else NULL, str(trail[0][0]), created_s,
               ts(trail[-1][4]), ts(state["changed"]), str(len(trail)), NULL, NULL, NULL, NULL, NULL, NULL,
               state["wait"][0], state["wait"][1], NULL, ""]
        row[25] = search_text(row[1], *customer_of(customer), brand, model, serial, row[9])
        for position, at in state["stamps"].items():
            row[position] = ts(at)
        if status in ("preprocessed", "dispatched", "replied", "reopened", "registered"):
            row[24] = ts(state["changed"] + rng.choice([4, 8, 24, 48]) * 3600)
        tickets.append("\t".join(row))
        for actor, action, from_s, to_s, at, note, data in trail:
            eid += 1
            events.append(f"{eid}\t{tid}\t{actor}\t{action}\t{from_s}\t{to_s}\t{ts(at)}\t{note}\t{data}")
        if rng.random() < 0.1:
            eid += 1
            events.append(f"{eid}\t{tid}\t{trail[-1][0]}\tnote\t\t\t{ts(trail[-1][4])}\t{NOTES['note']}\t{{}}")

        if len(tickets) >= FLUSH_EVERY:
            yield customers, devices, tickets, events
            customers, devices, tickets, events = [], [], [], []
    yield customers, devices, tickets, events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--reset", action="store_true", help="truncate customers, devices, tickets first")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--open-share", type=float, default=0.2,
                        help="share of tickets that stall in an open status (the backlog); 0 = every ticket "
                             "walks until now, which leaves ~1 %% open")
    args = parser.parse_args()
    started = time.monotonic()
    setup_django()
    from django.conf import settings

    from partners.models import Partner
    from tickets.models import Customer, Device, Ticket, TicketEvent, TicketNumberCounter

    tables = [m._meta.db_table for m in (Customer, Device, Ticket, TicketEvent)]
    counter_table = TicketNumberCounter._meta.db_table
    # One file per database: two fills at once (another database) must not restore or delete each other's DDL.
    pending = Path(settings.VAR_DIR) / f"bench_pending_ddl.{settings.DATABASES['default']['NAME']}.json"
    admin = raw_connection(autocommit=True)
    cur = admin.cursor()
    if pending.exists():  # a previous run died mid-load: put its indexes and keys back first
        print("restoring indexes and keys from an interrupted run …", flush=True)
        restore_ddl(cur, json.loads(pending.read_text()))
        pending.unlink()
    if args.reset:
        cur.execute(f"TRUNCATE {', '.join(tables)}, {counter_table} RESTART IDENTITY CASCADE")
    users = bench_users()
    partner, _ = Partner.objects.get_or_create(code="bench-courier", defaults={"name": "基准快递", "kind": "courier"})
    bases = []
    for table in tables:
        cur.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
        bases.append(cur.fetchone()[0])
    cur.execute(f"SELECT to_char(day, 'YYYYMMDD'), value FROM {counter_table}")
    counters = dict(cur.fetchall())
    layouts = [copy_layout(cur, t, cols) for t, cols in zip(tables, (CUSTOMER_COLS, DEVICE_COLS, TICKET_COLS,
                                                                     EVENT_COLS))]
    ddl = capture_ddl(cur, tables)
    pending.write_text(json.dumps(ddl, ensure_ascii=False))
    drop_ddl(cur, ddl)
    print(f"dropped {len(ddl)} secondary indexes / foreign keys for the load", flush=True)

    rows = [0, 0, 0, 0]
    conns = [raw_connection() for _ in tables]
    try:
        for conn in conns:
            conn.execute("SET synchronous_commit = off")
        cursors = [conn.cursor() for conn in conns]
        with ExitStack() as stack:  # four COPYs open at once, fed from one generator
            streams = [stack.enter_context(c.copy(f"COPY {t} ({', '.join(cols)}) FROM STDIN"))
                       for c, t, (cols, _s) in zip(cursors, tables, layouts)]
            for batch_no, batch in enumerate(generate(args, users, bases, counters, partner.pk, time.time())):
                for i, (stream, lines, (_cols, suffix)) in enumerate(zip(streams, batch, layouts)):
                    if lines:
                        stream.write((suffix + "\n").join(lines) + suffix + "\n")
                        rows[i] += len(lines)
                if batch_no % 50 == 0:
                    print(f"  {rows[2]:>9,} tickets  {time.monotonic() - started:6.1f} s", flush=True)
        for conn in conns:
            conn.commit()
        copied = time.monotonic()
        print(f"copied {rows[0]:,} customers, {rows[1]:,} devices, {rows[2]:,} tickets, {rows[3]:,} events "
              f"in {copied - started:.1f} s", flush=True)
    finally:
        for conn in conns:
            conn.close()
        cur.execute("SET maintenance_work_mem = '512MB'")
        restore_ddl(cur, ddl)
        pending.unlink()
    print(f"rebuilt indexes and foreign keys in {time.monotonic() - copied:.1f} s", flush=True)

    for table in tables:  # the next ORM insert must not reuse an id
        cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 1) FROM {table}))")
    with admin.cursor() as c:  # new numbers continue after the bench's, never collide
        c.executemany(f"INSERT INTO {counter_table} (day, value) VALUES (to_date(%s, 'YYYYMMDD'), %s) "
                      f"ON CONFLICT (day) DO UPDATE SET value = GREATEST({counter_table}.value, EXCLUDED.value)",
                      list(counters.items()))
    vacuumed = time.monotonic()
    cur.execute(f"VACUUM (ANALYZE) {', '.join(tables)}, {counter_table}")
    print(f"VACUUM ANALYZE in {time.monotonic() - vacuumed:.1f} s", flush=True)
    cur.execute(f"SELECT status, count(*) FROM {tables[2]} GROUP BY 1 ORDER BY 2 DESC")
    print("status mix:", ", ".join(f"{s} {n:,}" for s, n in cur.fetchall()))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"done: {args.tickets:,} tickets in {time.monotonic() - started:.1f} s, peak RSS {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
