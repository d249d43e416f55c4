"""Issue 14 part 6: warnings reach people who can act — the desk on duty, the engineer, the engineer's lead,
the managers — never a partner's service account; one notice per ticket, step and person; the bell groups
them; an optional e-mail digest."""
import json
import re

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from sla.enforcement import sla_events_notify, sla_sweep
from sla.models import EmailDelivery, Notification, SlaEvent, SlaTarget, Team, WorkingCalendar
from tests.conftest import make_user
from tests.factories import intake_payload
from tests.partners.conftest import key_client, make_partner
from partners.services import api_key_create
from tickets import services
from tickets.models import Ticket

from .conftest import at, make_policy

pytestmark = pytest.mark.django_db
MONDAY = (2026, 3, 2)


def sweep_and_notify(*when) -> None:
    with time_machine.travel(at(*when), tick=False):
        sla_sweep(now=timezone.now())
        sla_events_notify(event_ids=list(SlaEvent.objects.filter(notified_at=None).values_list("pk", flat=True)))


def told(ticket, step: str) -> set[str]:
    return set(Notification.objects.filter(ticket=ticket, step=step).values_list("user__username", flat=True))


def partner_ticket(partner) -> Ticket:
    raw = api_key_create(partner=partner, name="k", scopes=["tickets:create", "tickets:read"])[1]
    response = key_client(raw).post("/api/v1/tickets/", json.dumps(intake_payload()), content_type="application/json")
    assert response.status_code == 201, response.content
    return Ticket.objects.get(number=response.json()["number"])


@pytest.fixture
def desk(reception):
    return reception, make_user(Role.RECEPTION, "reception2")


def test_a_ticket_a_partner_registers_warns_the_desk_and_not_the_partner_account(desk):
    partner = make_partner("courier-x")
    with time_machine.travel(at(*MONDAY, 10, 0), tick=False):
        ticket = partner_ticket(partner)
    assert ticket.created_by == partner.account
    sweep_and_notify(*MONDAY, 10, 25)  # 80 % of the 30-minute pre-process target
    assert told(ticket, "preprocess") == {"reception", "reception2"}
    sweep_and_notify(*MONDAY, 10, 31)
    assert Notification.objects.get(ticket=ticket, step="preprocess", user=desk[0]).kind == "breach"
    assert not Notification.objects.filter(user=partner.account).exists()


def test_a_partner_account_is_skipped_even_when_a_policy_names_it(desk, always_open):
    # A policy written the old way: the creator is told, and the partner account is even named by hand.
    partner = make_partner("courier-y")
    policy = make_policy(code="old-style", calendar=always_open, rank=1, warn_to=("creator",),
                         breach_to=("creator", "reception"))
    SlaTarget.objects.get(policy=policy, step="preprocess").breach_users.add(partner.account)
    with time_machine.travel(at(*MONDAY, 10, 0), tick=False):
        ticket = partner_ticket(partner)
    sweep_and_notify(*MONDAY, 10, 31)
    assert told(ticket, "preprocess") == {"reception", "reception2"}
    assert not Notification.objects.filter(user=partner.account).exists()


def test_engineer_steps_tell_the_engineer_and_the_lead_then_the_managers(create_ticket, reception, engineer, manager):
    lead = make_user(Role.ENGINEER, "lead")
    Team.objects.create(name="Phones", lead=lead).members.add(engineer, lead)
    with time_machine.travel(at(*MONDAY, 10, 0), tick=False) as t:
        ticket = services.ticket_preprocess(ticket=create_ticket(), actor=reception)
        ticket = services.ticket_dispatch(ticket=ticket, actor=reception, engineer=engineer)
        t.move_to(at(*MONDAY, 10, 25))  # the reply (30 min) is warned at 24 min
    sweep_and_notify(*MONDAY, 10, 25)
    assert told(ticket, "first_reply") == {"engineer"}
    sweep_and_notify(*MONDAY, 10, 31)
    assert told(ticket, "first_reply") == {"engineer", "lead"}
    sweep_and_notify(*MONDAY, 11, 1)  # 30 minutes past due: the escalation
    assert told(ticket, "first_reply") == {"engineer", "lead", "manager"}
    assert Notification.objects.get(ticket=ticket, step="first_reply", user=manager).kind == "escalation"


def test_sixty_warnings_are_one_bell_entry_and_mark_all_read_clears_it(create_ticket, desk, client):
    reception, other = desk
    with time_machine.travel(at(*MONDAY, 10, 0), tick=False):
        tickets = [create_ticket() for _ in range(60)]
    sweep_and_notify(*MONDAY, 10, 25)
    assert Notification.objects.filter(user=reception, kind="warning", step="preprocess").count() == 60
    client.force_login(reception)
    html = client.get(reverse("tickets:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    bell = html.split('id="sla-bell"')[1].split("</li>")[0]
    assert bell.count('data-testid="bell-item"') == 1
    assert "60 tickets warned at Pre-process" in bell
    assert re.search(r'data-testid="bell-count">\s*60<', bell)
    # The other desk user gets their own single grouped entry too.
    assert Notification.objects.filter(user=other).count() == 60
    group = client.get(reverse("sla:notifications") + "?step=preprocess&kind=warning").content.decode()
    assert all(t.number in group for t in tickets[-10:])
    response = client.post(reverse("sla:notifications-read-all"), HTTP_HX_REQUEST="true")
    assert 'data-testid="bell-empty"' in response.content.decode()
    assert not Notification.objects.filter(user=reception, read_at=None).exists()
    assert Notification.objects.filter(user=other, read_at=None).count() == 60


def test_a_bell_group_is_marked_read_on_its_own(create_ticket, reception, client):
    with time_machine.travel(at(*MONDAY, 10, 0), tick=False):
        create_ticket(), create_ticket()
        ticket = services.ticket_preprocess(ticket=create_ticket(), actor=reception)
    sweep_and_notify(*MONDAY, 10, 9)  # the two pre-process warnings (24 min) not yet; dispatch (8 min) warned
    sweep_and_notify(*MONDAY, 10, 25)
    client.force_login(reception)
    client.post(reverse("sla:notifications-read-all"), {"step": "preprocess", "kind": "warning"})
    unread = set(Notification.objects.filter(user=reception, read_at=None).values_list("step", "kind"))
    assert unread == {("dispatch", "breach")}
    assert told(ticket, "dispatch") == {"reception"}


def test_one_notice_per_ticket_step_and_person_a_breach_makes_it_unread_again(create_ticket, reception):
    reception.email = "desk@example.com"
    reception.save()
    with time_machine.travel(at(*MONDAY, 10, 0), tick=False):
        ticket = create_ticket()
    sweep_and_notify(*MONDAY, 10, 25)
    notice = Notification.objects.get(user=reception, ticket=ticket, step="preprocess")
    Notification.objects.filter(pk=notice.pk).update(read_at=timezone.now())
    sweep_and_notify(*MONDAY, 10, 31)
    again = Notification.objects.get(user=reception, ticket=ticket, step="preprocess")
    assert (again.pk, again.kind, again.read_at) == (notice.pk, "breach", None)
    assert "overdue" in again.text or "超时" in again.text or "逾期" in again.text
    assert EmailDelivery.objects.filter(to="desk@example.com").count() == 2  # one per thing to know
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(user=reception, ticket=ticket, step="preprocess", kind="warning",
                                    event=SlaEvent.objects.get(clock__ticket=ticket, kind="warning"), text="x")


def test_an_older_event_notified_late_does_not_undo_a_newer_one(create_ticket, reception):
    with time_machine.travel(at(*MONDAY, 10, 0), tick=False):
        ticket = create_ticket()
    with time_machine.travel(at(*MONDAY, 10, 25), tick=False):
        sla_sweep(now=timezone.now())
    with time_machine.travel(at(*MONDAY, 10, 31), tick=False):
        sla_sweep(now=timezone.now())
        warning, breach = (SlaEvent.objects.get(clock__ticket=ticket, clock__step="preprocess", kind=kind)
                           for kind in ("warning", "breach"))
        sla_events_notify(event_ids=[breach.pk])
        sla_events_notify(event_ids=[warning.pk])  # a redelivered, older message
    notice = Notification.objects.get(user=reception, ticket=ticket, step="preprocess")
    assert (notice.kind, notice.event_id) == ("breach", breach.pk)


def test_the_digest_sends_one_email_per_person_per_run(create_ticket, reception, settings):
    settings.SLA_EMAIL_DIGEST = True
    reception.email = "desk@example.com"
    reception.save()
    with time_machine.travel(at(*MONDAY, 10, 0), tick=False):
        tickets = [create_ticket() for _ in range(3)]
    sweep_and_notify(*MONDAY, 10, 25)
    mail = EmailDelivery.objects.get(to="desk@example.com")
    assert all(t.number in mail.body for t in tickets) and "3" in mail.subject
    assert Notification.objects.filter(user=reception).count() == 3


def test_without_an_engineer_the_desk_hears_of_the_solution_step(create_ticket, reception, always_open):
    make_policy(code="quick", calendar=always_open, rank=1, targets={"solution": 60},
                warn_to=("assignee",), breach_to=("assignee", "lead"))
    with time_machine.travel(at(*MONDAY, 10, 0), tick=False):
        ticket = create_ticket()
    sweep_and_notify(*MONDAY, 11, 1)
    assert told(ticket, "solution") == {"reception"}
    assert WorkingCalendar.objects.filter(always_open=True).exists()
