"""The demo: each app's step runs in core.demo.DEMO_ORDER; `manage.py demo_data` gives users, the demo partner
and its key, tickets in every open state spread over the last 30 days in working hours, with faults that fit
their product, valid phones and IMEIs, on-site visits, refunds, complaints and callbacks; a second run adds
nothing; the same seed plans the same desk."""
import random
from collections import Counter
from datetime import datetime, timedelta
from io import StringIO
from itertools import pairwise

import phonenumbers
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone
from stdnum import imei as stdnum_imei

from callbacks.models import Callback
from core import demo
from fieldservice.models import WorkOrder
from partners.demo import PARCEL_FAULTS
from partners.models import Partner
from refunds.models import Refund
from tickets.choices import OPEN_STATUSES, Kind, ProductCategory, SolutionKind, Status
from tickets.demo import plan_tickets
from tickets.demo_catalogue import CATEGORY_OF_SORT, SORT_OF, descriptions_for
from tickets.engineering.models import TicketSolution
from tickets.models import Customer, Device, Ticket
from warranty.models import WarrantyDecision

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """One demo of 120 tickets for the module's checks (a demo costs ~0.4 s a ticket), rolled back after."""
    from django.db import transaction

    with django_db_blocker.unblock():
        transaction.set_autocommit(False)
        try:
            out = StringIO()
            call_command("demo_data", tickets=120, stdout=out)
            yield out.getvalue()
        finally:
            transaction.rollback()
            transaction.set_autocommit(True)


def test_every_app_registered_its_step():
    assert [name for name, _step in demo.demo_steps()] == list(demo.DEMO_ORDER)


def test_an_unknown_step_name_is_refused():
    with pytest.raises(LookupError, match="not in DEMO_ORDER"):
        demo.demo_step_register("warranty", lambda run: None)


def test_a_missing_step_stops_the_demo_before_any_write(monkeypatch):
    steps = dict(demo._steps)
    del steps["fieldservice"]
    monkeypatch.setattr(demo, "_steps", steps)
    users = get_user_model().objects.count()
    with pytest.raises(LookupError, match="fieldservice"):
        demo.load_demo(tickets=3)
    assert get_user_model().objects.count() == users


def test_a_failing_step_leaves_no_half_demo(monkeypatch):
    def broken(run):
        raise RuntimeError("fieldservice broke")

    monkeypatch.setattr(demo, "_steps", {**demo._steps, "fieldservice": broken})
    with pytest.raises(RuntimeError):
        demo.load_demo(tickets=4)
    assert not Ticket.objects.exists()  # a second run starts afresh instead of taking it for loaded


def test_the_command_prints_the_users_and_the_partner_key(loaded):
    assert "Demo users (password for all: demo-2026):" in loaded
    for username, _role, _name, _staff in demo.DEMO_USERS:
        assert f"  {username:<10}" in loaded
    _head, key = loaded.split("API key of the demo partner sf-express (shown once):\n")
    assert key.strip().startswith("sd_")
    partner = Partner.objects.get(code="sf-express")
    assert partner.account.username == "partner" and partner.api_keys.count() == 1


def test_tickets_are_walked_through_every_step(loaded):
    assert Ticket.objects.filter(partner=None).count() == 120 + Ticket.objects.filter(
        complaint__source_ticket__isnull=False).count()
    assert Ticket.objects.filter(partner__code="sf-express").count() == 12
    statuses = set(Ticket.objects.values_list("status", flat=True))
    assert OPEN_STATUSES <= statuses  # every open status: the desk, the engineers and the callback desk have work
    assert {Status.CLOSED, Status.CANCELLED} <= statuses
    assert Ticket.objects.filter(status=Status.WAITING, wait_reason="parts").exists()
    # An on-site visit under way and one booked, and history: every on-site solution had its signed visit.
    assert WorkOrder.objects.filter(status="on_site").exists() and WorkOrder.objects.filter(status="scheduled").exists()
    onsite = TicketSolution.objects.filter(kind=SolutionKind.ONSITE)
    assert onsite.count() >= 10
    assert not onsite.exclude(ticket__work_orders__status="confirmed").exists()
    assert Callback.objects.filter(state="unreachable").count() == 1
    assert Ticket.objects.filter(kind=Kind.COMPLAINT).count() >= 3
    assert Refund.objects.filter(amount__gt=0).count() >= 2  # the price of the product returned
    # The older refunds paid at their time (after the acceptance, by the desk), the newest still owed.
    paid = Refund.objects.filter(state="paid")
    assert paid.exists() and Refund.objects.filter(state="pending").exists()
    assert not paid.exclude(paid_at__gt=F("accepted_at")).exists()
    # Old open tickets have breached their clocks; the newest are still on time.
    now = timezone.now()
    open_tickets = Ticket.objects.filter(status__in=OPEN_STATUSES, next_due_at__isnull=False)
    assert open_tickets.filter(next_due_at__lt=now).count() >= 5
    assert open_tickets.filter(next_due_at__gte=now).exists()


def test_tickets_are_spread_over_30_days_in_working_hours(loaded):
    created = list(Ticket.objects.values_list("created_at", flat=True))
    local = [timezone.localtime(at) for at in created]
    days = {at.date() for at in local}
    assert len(days) >= 20
    assert min(days) >= timezone.localdate() - timedelta(days=30)
    assert all(demo.WORK_OPENS <= at.time() < demo.WORK_CLOSES for at in local), sorted(
        at for at in local if not demo.WORK_OPENS <= at.time() < demo.WORK_CLOSES)[:5]
    assert any(not demo.is_working_day(day) for day in days)  # a few on weekends
    assert max(created) <= timezone.now()
    per_minute = Counter(at.replace(second=0, microsecond=0) for at in created)
    assert per_minute.most_common(1)[0][1] <= 3
    # Numbers follow the clock, as at a real desk: within a day, a later number is a later ticket.
    by_number = sorted(Ticket.objects.values_list("number", "created_at"))
    for (number_a, at_a), (number_b, at_b) in pairwise(by_number):
        if number_a[:11] == number_b[:11]:
            assert at_a <= at_b, (number_a, number_b)
    # The timeline follows too: no step is stamped before the ticket was registered, nor in the future.
    now = timezone.now()
    for ticket in Ticket.objects.exclude(status=Status.REGISTERED).prefetch_related("events")[:60]:
        assert all(ticket.created_at <= event.at <= now for event in ticket.events.all())


def test_a_fault_fits_the_product(loaded):
    """No laptop with "沙发扶手开裂": each desk ticket's fault is one of its product's, a courier's is about
    the parcel of its kind. Complaints raised on a callback carry the customer's words."""
    furniture_only = {"沙发", "扶手开裂", "桌腿", "衣柜", "椅背"}
    checked = 0
    for ticket in Ticket.objects.select_related("device").exclude(complaint__source_ticket__isnull=False):
        if ticket.partner_id:
            assert ticket.fault_description == PARCEL_FAULTS[ticket.kind]
            continue
        sort = SORT_OF[(ticket.device.brand, ticket.device.model)]
        assert ticket.device.category == CATEGORY_OF_SORT[sort]
        assert ticket.fault_description in descriptions_for(sort), (ticket.device.model, ticket.fault_description)
        if ticket.device.category != ProductCategory.FURNITURE:
            assert not any(word in ticket.fault_description for word in furniture_only), ticket.fault_description
        checked += 1
    assert checked >= 120


def test_callers_and_devices_are_valid(loaded):
    for phone in Customer.objects.values_list("phone", flat=True):
        assert phone.startswith("+861") and phonenumbers.is_valid_number(phonenumbers.parse(phone)), phone
    devices = Device.objects.all()
    for device in devices:
        if device.category == ProductCategory.PHONE:
            assert stdnum_imei.is_valid(device.imei) and not device.serial, device.imei
        else:
            assert device.serial and not device.imei
    # Purchase dates that give every 三包 outcome: return, exchange, free repair, paid repair.
    remedies = {f"{r['remedy']}:{r['charge']}" for d in WarrantyDecision.objects.all() for r in d.remedies}
    assert {"return:free", "exchange:free", "repair:free", "repair:paid"} <= remedies


def test_a_second_run_adds_nothing(loaded):
    before = Ticket.objects.count(), WorkOrder.objects.count(), Callback.objects.count()
    out = StringIO()
    call_command("demo_data", tickets=120, stdout=out)
    assert (Ticket.objects.count(), WorkOrder.objects.count(), Callback.objects.count()) == before
    assert "Partner API key: run `manage.py partner_key sf-express` for a new one." in out.getvalue()


# --- pure parts: the end of the replay, working instants, the plan -----------------------------------------

def _at(text: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(text))


@pytest.mark.parametrize(("now", "until"), [
    ("2026-11-25 15:00", "2026-11-25 15:00"),  # a Wednesday afternoon: now
    ("2026-11-25 22:00", "2026-11-25 17:55"),  # the evening: the day's close
    ("2026-11-25 09:00", "2026-11-24 17:55"),  # before an hour of the day has gone: yesterday's close
    ("2026-11-29 11:00", "2026-11-27 17:55"),  # a Sunday: Friday's close
])
def test_the_replay_ends_in_working_hours(now, until):
    assert demo.demo_until(_at(now)) == _at(until)


def test_working_instants_cover_every_day_in_working_hours():
    until = _at("2026-11-25 15:00")
    instants = demo.past_working_instants(random.Random(7), 60, days=30, until=until)
    assert len(instants) == 60 and instants == sorted(instants) and max(instants) < until
    days = Counter(timezone.localtime(at).date() for at in instants)
    assert len(days) == 30  # every day of the window has a ticket
    assert all(demo.in_working_hours(at) for at in instants)
    weekdays = [n for day, n in days.items() if demo.is_working_day(day)]
    rest_days = [n for day, n in days.items() if not demo.is_working_day(day)]
    assert min(weekdays) >= max(rest_days)  # fewer callers on weekends


def test_the_same_seed_plans_the_same_desk():
    until = _at("2026-11-25 15:00")
    first, second = (plan_tickets(random.Random(2026), 150, until=until) for _ in range(2))
    assert [(p.at, p.fate, p.kind, p.steps) for p in first] == [(p.at, p.fate, p.kind, p.steps) for p in second]
    assert all(at <= until for p in first for _step, at in p.steps)
    assert OPEN_STATUSES <= {p.status for p in first}
