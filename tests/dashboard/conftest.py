"""A known history built with the real services under a frozen clock (the default SOP policy: 24×7
calendar; preprocess 30′, dispatch 10′, reply 30′, solution 24 h from registration, callback 20′)."""
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from callbacks.models import Callback
from callbacks.services import callback_record
from dashboard.rollup import rollup_refresh
from sla.enforcement import sla_events_notify, sla_sweep
from sla.models import SlaEvent
from sla.snapshot import snapshot_reset
from tests.conftest import make_user
from tests.factories import intake_payload
from tickets import services
from tickets.engineering.services import ticket_reply, ticket_resume, ticket_solve, ticket_wait

SH = ZoneInfo("Asia/Shanghai")
DAY = datetime(2026, 3, 2, tzinfo=SH)  # a Monday
NOW = DAY.replace(hour=16)


def at(hour: int, minute: int = 0) -> datetime:
    return DAY.replace(hour=hour, minute=minute)


@pytest.fixture(autouse=True)
def fresh_sla_snapshot():
    snapshot_reset()
    yield
    snapshot_reset()


def _intake(kind: str, channel: str, category: str = "phone", value: Decimal | None = None) -> dict:
    body = intake_payload()
    body["device"]["category"] = category
    if category != "phone":  # another item: an appliance has a serial, not the phone's IMEI (one caller, two devices)
        body["device"].pop("imei")
        body["device"]["serial"] = f"SN-{category}"
    body["device"]["purchase_date"] = body["device"]["invoice_date"] = (DAY - timedelta(days=3)).date()
    if value is not None:
        body["device"]["value"] = value
    return {"customer": body["customer"], "device": body["device"], "kind": kind, "channel": channel,
            "fault_description": "屏幕闪烁"}


class History:
    def __init__(self, reception, manager, eng_a, eng_b):
        self.reception, self.manager, self.eng_a, self.eng_b = reception, manager, eng_a, eng_b
        self.clock = None

    def go(self, when: datetime) -> None:
        self.clock.move_to(when)

    def create(self, when, kind="repair", channel="phone", category="phone", value=None):
        self.go(when)
        return services.ticket_create(created_by=self.reception, **_intake(kind, channel, category, value))


def build_history(h: History) -> dict:
    """T1 all on time (A); T2 preprocess late, reply paused 2 h, failed callback (B); T3 reply breached
    and escalated, still open (A); T4 warned only (B, consultation/web); T5 a return → refund (A)."""
    r, a, b = h.reception, h.eng_a, h.eng_b
    t1 = h.create(at(9))
    t2 = h.create(at(9), kind="consultation", channel="web", category="appliance")
    t3 = h.create(at(9))
    h.go(at(9, 10)); t1 = services.ticket_preprocess(ticket=t1, actor=r)  # noqa: E702
    h.go(at(9, 15)); t1 = services.ticket_dispatch(ticket=t1, actor=r, engineer=a)  # noqa: E702
    h.go(at(9, 20)); t3 = services.ticket_preprocess(ticket=t3, actor=r)  # noqa: E702
    h.go(at(9, 25)); t3 = services.ticket_dispatch(ticket=t3, actor=r, engineer=a)  # noqa: E702
    h.go(at(9, 30)); t1 = ticket_reply(ticket=t1, actor=a, difficulty="无", next_step="换屏")  # noqa: E702
    h.go(at(10)); ticket_solve(ticket=t1, actor=a, kind="shop_repair", plan="换屏", result="正常")  # noqa: E702
    h.go(at(10)); t2 = services.ticket_preprocess(ticket=t2, actor=r)  # noqa: E702  (60′: breached)
    h.go(at(10, 5)); t2 = services.ticket_dispatch(ticket=t2, actor=r, engineer=b)  # noqa: E702
    h.go(at(10, 10))
    callback_record(callback=Callback.objects.get(ticket=t1), actor=r, reached=True, outcome="fixed",
                    score_attitude=5, score_quality=5, score_price=4)
    t2 = ticket_wait(ticket=t2, actor=b, reason="parts", note="等备件")
    h.go(at(10, 30)); sla_sweep(now=at(10, 30))  # noqa: E702  T3 reply due 9:55 → breached
    h.go(at(10, 30)); sla_sweep(now=at(10, 30))  # noqa: E702  idempotent
    h.go(at(12, 10)); t2 = ticket_resume(ticket=t2, actor=b)  # noqa: E702
    h.go(at(12, 30)); t2 = ticket_reply(ticket=t2, actor=b, difficulty="无", next_step="上门")  # noqa: E702 25′ met
    h.go(at(12, 40)); ticket_solve(ticket=t2, actor=b, kind="remote_guidance", plan="远程", result="正常")  # noqa: E702
    h.go(at(13, 30))  # callback 50′ after the solution: breached, and the customer says not fixed
    callback_record(callback=Callback.objects.get(ticket=t2, state="due"), actor=r, reached=True,
                    outcome="not_fixed", score_attitude=2, score_quality=1, score_price=3, comments="还是坏")
    t4 = h.create(at(15, 35), kind="consultation", channel="web")
    t5 = h.create(at(14), kind="return_exchange", value=Decimal("2999.00"))
    h.go(at(14, 5)); t5 = services.ticket_preprocess(ticket=t5, actor=r)  # noqa: E702
    h.go(at(14, 10)); t5 = services.ticket_dispatch(ticket=t5, actor=r, engineer=a)  # noqa: E702
    h.go(at(14, 20)); ticket_solve(ticket=t5, actor=a, kind="return_refund", plan="退货", result="已退货")  # noqa: E702
    h.go(at(15, 56)); sla_sweep(now=at(15, 56))  # noqa: E702  nothing new yet
    h.go(NOW); sla_sweep(now=NOW)  # noqa: E702  T3 escalated (due 9:55 + 30′)
    # Notifying is its own step, sent after commit: the test transaction never commits, so run it here.
    sla_events_notify(event_ids=list(SlaEvent.objects.values_list("id", flat=True)), now=NOW)
    rollup_refresh(now=NOW, days_back=2)
    return {"t1": t1, "t2": t2, "t3": t3, "t4": t4, "t5": t5}


@pytest.fixture
def people(db, reception, manager):
    return {"reception": reception, "manager": manager, "a": make_user("engineer", "eng_a"),
            "b": make_user("engineer", "eng_b")}


@pytest.fixture
def history(people):
    h = History(people["reception"], people["manager"], people["a"], people["b"])
    with time_machine.travel(at(9), tick=False) as traveller:
        h.clock = traveller
        tickets = build_history(h)
        yield {**people, **tickets, "traveller": traveller}


@pytest.fixture
def history_in_the_past(people):
    """The same history, with the clock running again afterwards (a live server and a browser need it)."""
    h = History(people["reception"], people["manager"], people["a"], people["b"])
    with time_machine.travel(at(9), tick=False) as traveller:
        h.clock = traveller
        tickets = build_history(h)
    return {**people, **tickets}
