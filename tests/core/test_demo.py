"""The demo: each app's step runs in core.demo.DEMO_ORDER; `manage.py demo_data` gives users, the demo partner
and its key, tickets in every state spread over the last days with faults that fit their product, on-site
work orders and callbacks; a second run adds nothing."""
from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from callbacks.models import Callback
from core import demo
from fieldservice.models import WorkOrder
from partners.demo import PARCEL_FAULTS
from partners.models import Partner
from tickets.choices import Status
from tickets.demo import FAULTS, SORT_OF
from tickets.models import Ticket

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


def test_the_command_prints_the_users_and_the_partner_key(loaded):
    assert "Demo users (password for all: demo-2026):" in loaded
    for username, _role, _name, _staff in demo.DEMO_USERS:
        assert f"  {username:<10}" in loaded
    head, key = loaded.split("API key of the demo partner sf-express (shown once):\n")
    assert key.strip().startswith("sd_")
    partner = Partner.objects.get(code="sf-express")
    assert partner.account.username == "partner" and partner.api_keys.count() == 1


def test_tickets_are_walked_through_every_step(loaded):
    assert Ticket.objects.filter(partner=None).count() == 120 + Ticket.objects.filter(
        complaint__source_ticket__isnull=False).count()
    assert Ticket.objects.filter(partner__code="sf-express").count() == 12
    statuses = set(Ticket.objects.values_list("status", flat=True))
    assert {Status.REGISTERED, Status.PREPROCESSED, Status.DISPATCHED, Status.REPLIED, Status.SOLVED,
            Status.CALLED_BACK, Status.CLOSED} <= statuses
    assert WorkOrder.objects.filter(status="confirmed").count() == 1  # and up to 4 more at 300 tickets
    assert Callback.objects.filter(state="unreachable").count() == 1


def test_tickets_are_spread_over_the_last_days(loaded):
    created = list(Ticket.objects.values_list("created_at", flat=True))
    days = {timezone.localtime(at).date() for at in created}
    per_minute = Counter(at.replace(second=0, microsecond=0) for at in created)
    assert len(days) >= 7
    assert per_minute.most_common(1)[0][1] <= 3
    assert max(created) <= timezone.now()
    # Numbers follow the clock, as at a real desk: within a day, a later number is a later ticket.
    by_number = sorted(Ticket.objects.values_list("number", "created_at"))
    for (number_a, at_a), (number_b, at_b) in zip(by_number, by_number[1:]):
        if number_a[:11] == number_b[:11]:
            assert at_a <= at_b, (number_a, number_b)
    # The timeline follows too: no step is stamped before the ticket was registered.
    for ticket in Ticket.objects.exclude(status=Status.REGISTERED).prefetch_related("events")[:40]:
        assert all(event.at >= ticket.created_at for event in ticket.events.all())


def test_a_fault_fits_the_product(loaded):
    """No laptop with "沙发扶手开裂": each desk ticket's fault is one of its product's, a courier's is about
    the parcel of its kind. Complaints raised on a callback carry the customer's words."""
    checked = 0
    for ticket in Ticket.objects.select_related("device").exclude(complaint__source_ticket__isnull=False):
        if ticket.partner_id:
            assert ticket.fault_description == PARCEL_FAULTS[ticket.kind]
        else:
            sort = SORT_OF[(ticket.device.brand, ticket.device.model)]
            assert ticket.fault_description in FAULTS[sort], (ticket.device.model, ticket.fault_description)
        checked += 1
    assert checked >= 130


def test_a_second_run_adds_nothing(loaded):
    before = Ticket.objects.count(), WorkOrder.objects.count(), Callback.objects.count()
    out = StringIO()
    call_command("demo_data", tickets=120, stdout=out)
    assert (Ticket.objects.count(), WorkOrder.objects.count(), Callback.objects.count()) == before
    assert "Partner API key: run `manage.py partner_key sf-express` for a new one." in out.getvalue()
