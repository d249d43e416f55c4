"""What people see: the bell on every page, the clocks on the ticket page and in lists and the API,
the admin's versioning of a used policy, and the holiday loader."""
import re
from datetime import timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from sla.models import CalendarDay, Notification, SlaClock, SlaPolicy, WorkingCalendar
from tests.conftest import make_user
from tests.factories import TicketFactory
from tickets import services

from .conftest import at

pytestmark = pytest.mark.django_db


def notify(user, n: int, ticket=None):
    ticket = ticket or TicketFactory()
    return [Notification.objects.create(user=user, ticket=ticket, text=f"{ticket.number}: 提醒 {i}") for i in range(n)]


def bell_queries(client) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("tickets:list")).status_code == 200
    return len(queries), sum("sla_notification" in q["sql"] for q in queries.captured_queries)


def test_the_bell_shows_the_unread_count_on_every_page_in_one_query(reception_client, reception, settings):
    # The bell's own reads on a drawn page: the page cache's change-token query names the table too (one per view
    # whatever the bell holds; tests/tickets/test_list_cache.py counts it), and its hits draw nothing.
    settings.PAGE_CACHE = False
    notify(reception, 1)
    few, bell = bell_queries(reception_client)
    notify(reception, 11)
    assert bell_queries(reception_client) == (few, 1) and bell == 1
    html = reception_client.get(reverse("tickets:list")).content.decode()
    assert re.search(r'data-testid="bell-count">\s*12<', html)
    assert html.count('data-testid="bell-item"') == 8  # the newest eight; the page lists them all


def test_marking_read_answers_the_bell_fragment_and_touches_only_ones_own(reception_client, reception, manager):
    mine = notify(reception, 2)
    theirs = notify(manager, 1)[0]
    response = reception_client.post(reverse("sla:notification-read", args=[mine[0].pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'id="sla-bell"' in response.content.decode()
    assert re.search(r'data-testid="bell-count">\s*1<', response.content.decode())
    reception_client.post(reverse("sla:notification-read", args=[theirs.pk]), HTTP_HX_REQUEST="true")
    theirs.refresh_from_db()
    assert theirs.read_at is None
    response = reception_client.post(reverse("sla:notifications-read-all"), HTTP_HX_REQUEST="true")
    assert 'data-testid="bell-empty"' in response.content.decode()
    assert not Notification.objects.filter(user=reception, read_at=None).exists()


def test_marking_read_is_a_post(reception_client, reception):
    n = notify(reception, 1)[0]
    assert reception_client.get(reverse("sla:notification-read", args=[n.pk])).status_code == 405


def test_the_notifications_page_lists_ones_own(reception_client, reception, manager):
    notify(reception, 2)
    notify(manager, 1)
    html = reception_client.get(reverse("sla:notifications")).content.decode()
    assert html.split('data-testid="notifications"')[1].count("提醒") == 2


def test_the_ticket_page_shows_each_clock_coloured(create_ticket, reception_client, manager, engineer):
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False) as t:
        ticket = create_ticket()
        ticket = services.ticket_preprocess(ticket=ticket, actor=manager)
        t.move_to(at(2026, 3, 2, 10, 20))  # dispatch was due 10:10
        html = reception_client.get(reverse("tickets:detail", args=[ticket.number]),
                                    HTTP_ACCEPT_LANGUAGE="en").content.decode()
        services.ticket_dispatch(ticket=ticket, actor=manager, engineer=engineer)
        ticket.refresh_from_db()
        services.ticket_transition(ticket=ticket, action="wait", actor=manager,
                                   changes={"wait_reason": "parts", "resume_status": "dispatched"})
        paused = reception_client.get(reverse("tickets:detail", args=[ticket.number]),
                                      HTTP_ACCEPT_LANGUAGE="en").content.decode()

    def row(page, step):
        return re.search(rf'<li[^>]*data-testid="clock-{step}".*?</li>', page, re.S).group(0)

    assert "met" in row(html, "preprocess") and "border-success" in row(html, "preprocess")
    assert "overdue 10 min" in row(html, "dispatch") and "border-danger" in row(html, "dispatch")
    assert "23 h 40 min left" in row(html, "solution")  # 1420 minutes of the 24 h, as people say it
    assert "first_reply" not in html.split('data-testid="sla-clocks"')[1].split("</ul>")[0]  # not reached yet
    assert 'data-state="paused"' in row(paused, "first_reply") and "Waiting for spare parts" in row(paused, "first_reply")


def test_lists_colour_the_nearest_due(reception_client):
    now = timezone.now()
    late = TicketFactory(next_due_at=now - timedelta(minutes=5))
    soon = TicketFactory(next_due_at=now + timedelta(minutes=10))
    later = TicketFactory(next_due_at=now + timedelta(hours=3))
    html = reception_client.get(reverse("tickets:list")).content.decode()
    for ticket, tone in ((late, "danger"), (soon, "warning"), (later, "success")):
        row = re.search(rf"{ticket.number}.*?</tr>", html, re.S).group(0)
        assert f'data-testid="due-{tone}"' in row


def test_the_api_exposes_the_started_clocks(create_ticket, reception_api, manager):
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False) as t:
        ticket = create_ticket()
        t.move_to(at(2026, 3, 2, 10, 40))
        services.ticket_preprocess(ticket=ticket, actor=manager)
        body = reception_api.get(reverse("api:ticket-detail", args=[ticket.number])).json()
        listed = reception_api.get(reverse("api:ticket-list")).json()["results"][0]

    assert [(c["step"], c["state"]) for c in body["clocks"]] == [
        ("preprocess", "breached"), ("dispatch", "running"), ("solution", "running")]
    pre = body["clocks"][0]
    assert (pre["due_at"], pre["breached_at"], pre["met_at"], pre["paused_seconds"]) == (
        "2026-03-02T10:30:00+08:00", "2026-03-02T10:30:00+08:00", "2026-03-02T10:40:00+08:00", 0)
    assert listed["clocks"] == body["clocks"]


def test_an_api_action_answers_with_the_new_clocks(create_ticket, reception_api):
    ticket = create_ticket()
    body = reception_api.post(reverse("api:ticket-preprocess", args=[ticket.number]), {}, format="json").json()
    assert {c["step"]: c["state"] for c in body["clocks"]}["dispatch"] == "running"


# --- admin ------------------------------------------------------------------------------------------

@pytest.fixture
def admin_client(client, manager):
    manager.is_staff = True
    manager.save()
    client.force_login(manager)
    return client


def policy_post(policy: SlaPolicy, **changes) -> dict:
    data = {"code": policy.code, "name": policy.name, "is_active": "on", "rank": policy.rank,
            "effective_from_0": "2026-01-01", "effective_from_1": "00:00:00", "kind": "", "priority": "",
            "channel": "", "customer": "", "partner": ""}
    targets = list(policy.targets.all())
    prefix = "targets"
    data.update({f"{prefix}-TOTAL_FORMS": len(targets), f"{prefix}-INITIAL_FORMS": len(targets),
                 f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000})
    for i, target in enumerate(targets):
        data.update({f"{prefix}-{i}-id": target.pk, f"{prefix}-{i}-policy": policy.pk,
                     f"{prefix}-{i}-step": target.step, f"{prefix}-{i}-minutes": target.minutes,
                     f"{prefix}-{i}-start_event": target.start_event, f"{prefix}-{i}-stop_event": target.stop_event,
                     f"{prefix}-{i}-calendar": target.calendar_id, f"{prefix}-{i}-warn_ratio": target.warn_ratio,
                     f"{prefix}-{i}-escalate_after_minutes": target.escalate_after_minutes or "",
                     f"{prefix}-{i}-warning_to": target.warning_to, f"{prefix}-{i}-breach_to": target.breach_to,
                     f"{prefix}-{i}-escalation_to": target.escalation_to})
    data.update(changes)
    return data


def test_editing_a_used_policy_saves_a_new_version_and_the_old_one_stays(admin_client, create_ticket):
    ticket = create_ticket()
    old = SlaPolicy.objects.get(code="default")
    url = reverse("admin:sla_slapolicy_change", args=[old.pk])
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, policy_post(old, **{"targets-0-minutes": 15}))
    assert response.status_code == 302, response.content.decode()[:2000]

    versions = list(SlaPolicy.objects.filter(code="default").order_by("version"))
    assert [p.version for p in versions] == [1, 2]
    assert old.targets.get(step="preprocess").minutes == 30  # what the ticket started on is unchanged
    assert versions[1].targets.get(step="preprocess").minutes == 15
    assert versions[1].effective_from >= ticket.created_at  # never reaches back to registered tickets
    assert SlaClock.objects.get(ticket=ticket, step="preprocess").policy == old
    # A new ticket runs on the new version (not its due time: after office hours it is due tomorrow morning).
    fresh = create_ticket().sla_clocks.select_related("target").get(step="preprocess")
    assert (fresh.policy, fresh.target.minutes) == (versions[1], 15)


def test_an_unused_policy_is_edited_in_place(admin_client):
    policy = SlaPolicy.objects.get(code="default")
    response = admin_client.post(reverse("admin:sla_slapolicy_change", args=[policy.pk]),
                                 policy_post(policy, name="改名"))
    assert response.status_code == 302
    assert list(SlaPolicy.objects.values_list("version", "name")) == [(1, "改名")]


def test_overlapping_windows_are_refused_in_the_admin(admin_client):
    calendar = WorkingCalendar.objects.create(name="test")
    data = {"name": "test", "tz": "Asia/Shanghai",
            "windows-TOTAL_FORMS": 2, "windows-INITIAL_FORMS": 0, "windows-MIN_NUM_FORMS": 0,
            "windows-MAX_NUM_FORMS": 1000, "days-TOTAL_FORMS": 0, "days-INITIAL_FORMS": 0,
            "days-MIN_NUM_FORMS": 0, "days-MAX_NUM_FORMS": 1000,
            "windows-0-weekday": 0, "windows-0-opens": "08:00", "windows-0-closes": "12:00",
            "windows-1-weekday": 0, "windows-1-opens": "11:00", "windows-1-closes": "17:00"}
    response = admin_client.post(reverse("admin:sla_workingcalendar_change", args=[calendar.pk]), data,
                                 HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "must not overlap" in response.content.decode()
    assert not calendar.windows.exists()


def test_a_manager_may_edit_policies_and_a_receptionist_may_not(client, manager, reception):
    for user, expected in ((manager, True), (reception, False)):
        assert user.has_perm("sla.change_slapolicy") is expected
        assert user.has_perm("sla.change_workingcalendar") is expected


# --- holidays -----------------------------------------------------------------------------------------

def test_load_holidays_fills_working_calendars_once(capsys):
    calendar = WorkingCalendar.objects.create(name="branch")
    call_command("load_holidays", "--years", "2025", "--calendar", "branch")
    days = dict(CalendarDay.objects.filter(calendar=calendar).values_list("date", "kind"))
    from datetime import date
    assert days[date(2025, 10, 1)] == "holiday" and days[date(2025, 10, 11)] == "makeup_workday"
    assert date(2025, 10, 4) in days  # a Saturday of National Day: a calendar open at weekends needs it
    call_command("load_holidays", "--years", "2025", "--calendar", "branch")
    assert CalendarDay.objects.filter(calendar=calendar).count() == len(days)
    assert "0 days added" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("load_holidays", "--years", "2031", "--calendar", "branch")
    with pytest.raises(CommandError):
        call_command("load_holidays", "--years", "2025", "--calendar", "nowhere")


def test_an_engineer_gets_the_breach_of_his_reply(create_ticket, manager, engineer):
    from sla.enforcement import sla_events_notify, sla_sweep

    make_user(Role.MANAGER, "boss")
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False) as t:
        ticket = create_ticket()
        ticket = services.ticket_preprocess(ticket=ticket, actor=manager)
        services.ticket_dispatch(ticket=ticket, actor=manager, engineer=engineer)
        t.move_to(at(2026, 3, 2, 10, 31))
        sla_sweep(now=timezone.now())
        from sla.models import SlaEvent
        sla_events_notify(event_ids=list(SlaEvent.objects.values_list("pk", flat=True)))
    assert Notification.objects.filter(user=engineer, event__clock__step="first_reply").count() == 1
