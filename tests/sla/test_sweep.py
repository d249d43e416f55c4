"""The sweep with a frozen clock: each warning, breach and escalation recorded once, dated when it
happened; notification claimed once; e-mail sent once; what was lost is knocked again."""
import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.roles import Role
from sla import conf, tasks
from sla.enforcement import email_delivery_send, sla_events_notify, sla_requeue_stale, sla_sweep, sla_sweep_run
from sla.models import EmailDelivery, Notification, SlaClock, SlaEvent
from tests.conftest import make_user
from tickets import services

from .conftest import at, bulk_due_clocks

pytestmark = pytest.mark.django_db
S = timedelta(seconds=1)


@pytest.fixture
def knocks(monkeypatch):
    """Record what would be sent to the broker (these are unit tests; tests/sla/test_workers.py sends)."""
    sent = []
    monkeypatch.setattr(tasks.sla_events_notify_task, "delay", lambda ids: sent.append(("notify", list(ids))))
    monkeypatch.setattr(tasks.email_delivery_send_task, "delay", lambda pk: sent.append(("email", pk)))
    return sent


@pytest.fixture
def people(reception, manager):
    reception.email, manager.email = "reception@example.com", "manager@example.com"
    reception.save()
    manager.save()
    return reception, manager


def preprocess_clock(ticket) -> SlaClock:
    return SlaClock.objects.get(ticket=ticket, step="preprocess")


def test_warning_breach_and_escalation_are_each_recorded_once_when_they_happen(create_ticket, people):
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False) as t:
        ticket = create_ticket()  # pre-process: warn 10:24, due 10:30, escalate 11:00 (default policy)
        seen = []
        for moment in (at(2026, 3, 2, 10, 23), at(2026, 3, 2, 10, 24), at(2026, 3, 2, 10, 30),
                       at(2026, 3, 2, 10, 30) + S, at(2026, 3, 2, 10, 45), at(2026, 3, 2, 11, 0),
                       at(2026, 3, 2, 12, 0)):
            t.move_to(moment)
            sla_sweep(now=timezone.now())
            seen.append(sorted(SlaEvent.objects.values_list("kind", flat=True)))

    assert seen == [[], ["warning"], ["warning"], ["breach", "warning"], ["breach", "warning"],
                    ["breach", "escalation", "warning"], ["breach", "escalation", "warning"]]
    clock = preprocess_clock(ticket)
    events = {e.kind: e for e in SlaEvent.objects.filter(clock=clock)}
    assert events["breach"].at == clock.due_at == clock.breached_at == at(2026, 3, 2, 10, 30)
    assert events["breach"].detected_at == at(2026, 3, 2, 10, 30) + S
    assert (events["warning"].at, events["escalation"].at) == (at(2026, 3, 2, 10, 24), at(2026, 3, 2, 11, 0))
    assert (clock.state, clock.next_check_at) == ("breached", None)


def test_the_notifier_is_knocked_only_after_commit(create_ticket, django_capture_on_commit_callbacks):
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False) as t:
        ticket = create_ticket()
        t.move_to(at(2026, 3, 2, 10, 31))
        with django_capture_on_commit_callbacks() as callbacks:
            sla_sweep(now=timezone.now())
            assert SlaEvent.objects.filter(kind="breach").count() == 1  # the event first …
    event = SlaEvent.objects.get(clock=preprocess_clock(ticket))
    assert [(c.func, c.args) for c in callbacks] == [(tasks.sla_events_notify_task.delay, ([event.pk],))]


def test_a_done_or_paused_clock_is_not_swept(create_ticket, manager, engineer):
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False) as t:
        ticket = create_ticket()
        ticket = services.ticket_preprocess(ticket=ticket, actor=manager)
        ticket = services.ticket_dispatch(ticket=ticket, actor=manager, engineer=engineer)
        services.ticket_transition(ticket=ticket, action="wait", actor=manager,
                                   changes={"wait_reason": "customer", "resume_status": "dispatched"})
        t.move_to(at(2026, 3, 5, 10, 0))
        assert sla_sweep(now=timezone.now()) == 0
    assert not SlaEvent.objects.exists()


def test_notification_is_claimed_once_and_reaches_the_people_the_policy_names(create_ticket, people):
    reception, manager = people
    make_user(Role.RECEPTION, "reception2")
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False) as t:
        ticket = create_ticket()
        t.move_to(at(2026, 3, 2, 11, 1))
        sla_sweep(now=timezone.now())
        ids = list(SlaEvent.objects.values_list("pk", flat=True))
        assert sla_events_notify(event_ids=ids) == 2  # breach + escalation (the warning was overtaken)
        assert sla_events_notify(event_ids=ids) == 0  # a redelivered message finds nothing to claim

    rows = sorted(Notification.objects.values_list("event__kind", "user__username"))
    # default policy, pre-process step: breach → every reception user; escalation → the managers
    assert rows == [("breach", "reception"), ("breach", "reception2"), ("escalation", "manager")]
    assert all(n.text.startswith(ticket.number) or ticket.number in n.text for n in Notification.objects.all())
    assert sorted(EmailDelivery.objects.values_list("to", flat=True)) == ["manager@example.com",
                                                                          "reception@example.com"]
    assert not SlaEvent.objects.filter(notified_at=None).exists()


def test_an_email_is_sent_once_even_when_its_task_runs_twice(create_ticket, people):
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False) as t:
        create_ticket()
        t.move_to(at(2026, 3, 2, 10, 31))
        sla_sweep(now=timezone.now())
        sla_events_notify(event_ids=list(SlaEvent.objects.values_list("pk", flat=True)))
    delivery = EmailDelivery.objects.get()
    assert [email_delivery_send(delivery_id=delivery.pk) for _ in range(2)] == [True, False]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["reception@example.com"]
    assert "SD-" in mail.outbox[0].subject and "/tickets/" in mail.outbox[0].body
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.sent_at is not None) == (1, True)


def test_what_a_broker_outage_lost_is_knocked_again_after_two_minutes(create_ticket, people, knocks):
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False) as t:
        create_ticket()
        t.move_to(at(2026, 3, 2, 10, 31))
        sla_sweep(now=timezone.now())  # its knock is lost: never committed in this test, like a dead broker
        event = SlaEvent.objects.get()
        assert sla_requeue_stale(now=timezone.now(), force=True) == (0, 0)  # too early to call it lost
        t.move_to(at(2026, 3, 2, 10, 31) + timedelta(seconds=conf.RENOTIFY_AFTER_SECONDS))
        assert sla_requeue_stale(now=timezone.now(), force=True) == (1, 0)
        assert knocks == [("notify", [event.pk])]
        sla_events_notify(event_ids=[event.pk])  # the worker runs it …
        t.move_to(timezone.now() + timedelta(minutes=5))
        assert sla_requeue_stale(now=timezone.now(), force=True) == (0, 1)  # … but the e-mail was lost too
    assert knocks[-1] == ("email", EmailDelivery.objects.get().pk)


def test_a_sweep_run_goes_on_until_nothing_is_due(db, people, manager):
    reception, _ = people
    bulk_due_clocks(7, due=timezone.now() - timedelta(minutes=1), recipient=reception, creator=manager)
    assert sla_sweep_run(batch=3) == 7
    assert SlaEvent.objects.filter(kind="breach").count() == 7
    assert sla_sweep_run(batch=3) == 0


def test_an_idle_sweep_is_one_indexed_query(db):
    with CaptureQueriesContext(connection) as queries:
        assert sla_sweep(now=timezone.now()) == 0
    # On PostgreSQL the whole batch is this one statement (sla/sweep_sql.py): claim, decide, write.
    statements = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    assert len(statements) == 1 and "FOR UPDATE SKIP LOCKED" in statements[0]
    assert re.search(r'"?next_check_at"? <=', statements[0])


def test_the_command_sweeps_and_can_notify_in_place(create_ticket, people, capsys):
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False) as t:
        create_ticket()
        t.move_to(at(2026, 3, 2, 10, 31))
        call_command("sla_sweep", "--notify")
    out = capsys.readouterr().out
    assert "1 due clocks handled" in out and "1 events notified" in out
    assert Notification.objects.filter(event__kind="breach").count() == 1


def test_a_partners_ticket_breach_is_a_webhook_once(create_ticket, people):
    from partners.models import Partner, PartnerKind
    from webhooks.models import WebhookDelivery
    from webhooks.services import webhook_endpoint_create

    partner = Partner.objects.create(code="shop", name="网店", kind=PartnerKind.STORE)
    webhook_endpoint_create(partner=partner, url="https://shop.example.com/hook", events=["sla.breached"])
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False) as t:
        ticket = create_ticket()
        ticket.__class__.objects.filter(pk=ticket.pk).update(partner=partner)
        t.move_to(at(2026, 3, 2, 10, 31))
        sla_sweep(now=timezone.now())
        ids = list(SlaEvent.objects.values_list("pk", flat=True))
        sla_events_notify(event_ids=ids)
        Notification.objects.all().delete()  # as if the claim were lost: the webhook key still holds
        SlaEvent.objects.update(notified_at=None)
        sla_events_notify(event_ids=ids)

    delivery = WebhookDelivery.objects.get()
    assert (delivery.event, delivery.ticket_id) == ("sla.breached", ticket.pk)
    data = delivery.payload["data"]
    assert (data["step"], data["due_at"], data["ticket"]["number"]) == (
        "preprocess", "2026-03-02T10:30:00+08:00", ticket.number)


def test_a_notice_names_the_due_minute_in_beijing_time_and_goes_with_its_ticket(create_ticket, people):
    # Notification.ticket has no database constraint (sla.0008): the notices must still go with the ticket
    # (Django's cascade, ticket → clocks → events → notices), or the bell would list a ticket that is gone.
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False) as t:
        ticket = create_ticket()
        t.move_to(at(2026, 3, 2, 10, 31))
        sla_sweep(now=timezone.now())
        sla_events_notify(event_ids=list(SlaEvent.objects.values_list("pk", flat=True)))

    notice = Notification.objects.get(event__kind="breach")
    assert notice.ticket_id == ticket.pk and "2026-03-02 10:30" in notice.text
    ticket.delete()
    assert not Notification.objects.exists() and not SlaEvent.objects.exists()


def test_a_clocks_events_and_their_notices_go_with_the_clock(create_ticket, people):
    # SlaEvent.clock and Notification.event have no database constraint (sla.0009, 0010): Django's cascade is what
    # removes them. The ticket stays, so its own cascade to the notices plays no part here.
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False) as t:
        ticket = create_ticket()
        t.move_to(at(2026, 3, 2, 10, 31))
        sla_sweep(now=timezone.now())
        sla_events_notify(event_ids=list(SlaEvent.objects.values_list("pk", flat=True)))
    clock = preprocess_clock(ticket)
    assert Notification.objects.filter(event__clock=clock).exists()
    clock.delete()
    assert not SlaEvent.objects.filter(clock_id=clock.pk).exists()
    assert not Notification.objects.filter(ticket=ticket, step="preprocess").exists()
