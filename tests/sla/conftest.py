"""SLA test helpers: a ticket walked with the real services, policies built as data, a frozen clock."""
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sla.models import SlaPolicy, SlaTarget, WorkingCalendar
from sla.snapshot import snapshot_reset
from tickets import services

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def fresh_sla_snapshot():
    """A test that changes policies in a transaction that is rolled back must not leave its copy behind."""
    snapshot_reset()
    yield
    snapshot_reset()


def intake(**overrides) -> dict:
    """ticket_create kwargs as the forms hand them over."""
    body = {
        "customer": {"name": "张三", "phone": "+8613800138000", "email": ""},
        "device": {"category": "phone", "brand": "华为", "model": "Mate 60", "imei": "490154203237518",
                   "purchase_date": date(2026, 1, 5), "invoice_date": date(2026, 1, 5)},
        "kind": "repair", "channel": "phone", "fault_description": "开机黑屏",
    }
    body.update(overrides)
    return body


@pytest.fixture
def create_ticket(reception):
    def create(**overrides):
        return services.ticket_create(created_by=reception, **intake(**overrides))

    return create


@pytest.fixture
def always_open(db):
    return WorkingCalendar.objects.get(always_open=True)


def make_policy(*, code: str, calendar, targets: dict[str, int] | None = None, rank: int = 100,
                warn_to=("assignee",), breach_to=("assignee",), escalation_to=("manager",),
                escalate_after=30, **criteria) -> SlaPolicy:
    """A policy whose steps follow the SOP events of the default, with `targets` minutes per step."""
    events = {"preprocess": ("registered", "preprocessed", False), "dispatch": ("preprocessed", "dispatched", True),
              "first_reply": ("dispatched", "replied", False), "solution": ("registered", "solved", True),
              "callback": ("solved", "called_back", False)}
    policy = SlaPolicy.objects.create(code=code, name=code, rank=rank,
                                      effective_from=datetime(2000, 1, 1, tzinfo=SHANGHAI), **criteria)
    for step, minutes in (targets or {"preprocess": 30, "dispatch": 10, "first_reply": 30, "solution": 1440,
                                      "callback": 20}).items():
        start, stop, reopen = events[step]
        SlaTarget.objects.create(policy=policy, step=step, minutes=minutes, start_event=start, stop_event=stop,
                                 calendar=calendar, restart_on_reopen=reopen, escalate_after_minutes=escalate_after,
                                 warning_to=list(warn_to), breach_to=list(breach_to),
                                 escalation_to=list(escalation_to))
    return policy


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def bulk_due_clocks(n: int, *, due: datetime, recipient, creator) -> list[int]:
    """`n` tickets with one running clock each, already warned and due at `due`, told to `recipient` at
    breach: rows written in bulk (factories would take minutes for thousands)."""
    from sla.models import SlaClock
    from tests.factories import CustomerFactory
    from tickets.models import Ticket

    calendar = WorkingCalendar.objects.get(always_open=True)
    policy = SlaPolicy.objects.create(code="race", name="race", rank=1, effective_from=datetime(2000, 1, 1, tzinfo=SHANGHAI))
    target = SlaTarget.objects.create(policy=policy, step="first_reply", minutes=30, start_event="dispatched",
                                      stop_event="replied", calendar=calendar, breach_to=[])
    target.breach_users.add(recipient)
    customer = CustomerFactory()
    started = due - timedelta(minutes=30)
    tickets = Ticket.objects.bulk_create(
        Ticket(number=f"SD-20260302-{i:05d}", customer=customer, kind="repair", channel="phone", status="dispatched",
               fault_description="x", created_by=creator, created_at=started, updated_at=started,
               status_changed_at=started)
        for i in range(n))
    clocks = SlaClock.objects.bulk_create(
        SlaClock(ticket=t, policy=policy, target=target, step="first_reply", state="running", started_at=started,
                 basis_at=started, warn_at=due - timedelta(minutes=6), warned_at=due - timedelta(minutes=6),
                 due_at=due, next_check_at=due)
        for t in tickets)
    return [c.pk for c in clocks]
