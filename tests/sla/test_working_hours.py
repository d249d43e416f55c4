"""Issue 14 part 7: the shipped policy counts desk steps in the desk's hours (holidays and 调休 included), and a
working calendar that lacks the holiday schedule of the coming 60 days is named in the admin, on the dashboard
and in /readyz until the year is entered."""
import importlib
from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from sla.defaults import ALWAYS_OPEN_NAME, DESK_NAME, OFFICE_NAME
from sla.enforcement import sla_sweep
from sla.models import CalendarYear, SlaClock, SlaEvent, SlaPolicy, SlaTarget, WorkingCalendar
from sla.selectors import calendar_schedule_gaps

from .conftest import SHANGHAI, at

pytestmark = pytest.mark.django_db


def test_the_shipped_policy_runs_desk_steps_in_desk_hours_and_the_solution_round_the_clock():
    policy = SlaPolicy.objects.get(code="default")
    calendars = dict(SlaTarget.objects.filter(policy=policy).values_list("step", "calendar__name"))
    assert calendars == {"preprocess": DESK_NAME, "dispatch": DESK_NAME, "first_reply": DESK_NAME,
                         "callback": DESK_NAME, "solution": ALWAYS_OPEN_NAME}
    desk = WorkingCalendar.objects.get(name=DESK_NAME)
    assert sorted(desk.windows.values_list("weekday", flat=True)) == list(range(7))
    assert set(desk.years.values_list("year", flat=True)) >= {2025, 2026}


def test_registered_at_1755_on_a_friday_before_a_holiday_breaches_the_next_working_morning(create_ticket):
    # Friday 2026-04-03; Tomb-sweeping Day runs Saturday to Monday; the desk opens again Tuesday 09:00.
    with time_machine.travel(at(2026, 4, 3, 17, 55), tick=False):
        ticket = create_ticket()
    clock = SlaClock.objects.get(ticket=ticket, step="preprocess")
    assert clock.due_at == at(2026, 4, 7, 9, 25)
    with time_machine.travel(at(2026, 4, 3, 18, 26), tick=False):
        sla_sweep(now=timezone.now())
    assert not SlaEvent.objects.filter(clock=clock, kind="breach").exists()
    with time_machine.travel(at(2026, 4, 7, 9, 26), tick=False):
        sla_sweep(now=timezone.now())
    assert SlaEvent.objects.get(clock=clock, kind="breach").at == at(2026, 4, 7, 9, 25)


def test_registered_at_1755_on_a_working_day_breaches_at_0925_next_morning(create_ticket):
    with time_machine.travel(at(2026, 3, 2, 17, 55), tick=False):
        ticket = create_ticket()
    assert SlaClock.objects.get(ticket=ticket, step="preprocess").due_at == at(2026, 3, 3, 9, 25)


def test_24x7_remains_a_choice(create_ticket, always_open):
    SlaTarget.objects.filter(policy__code="default", step="preprocess").update(calendar=always_open)
    with time_machine.travel(at(2026, 3, 2, 17, 55), tick=False):
        ticket = create_ticket()
    assert SlaClock.objects.get(ticket=ticket, step="preprocess").due_at == at(2026, 3, 2, 18, 25)


@pytest.fixture
def november_2026():
    with time_machine.travel(at(2026, 11, 20, 10, 0), tick=False):
        yield


def holidays_2027(tmp_path):
    path = tmp_path / "2027.csv"
    path.write_text("date,kind,note\n2027-01-01,holiday,元旦\n2027-02-06,holiday,春节\n2027-02-07,holiday,春节\n"
                    "2027-02-08,holiday,春节\n2027-02-14,makeup_workday,春节调休\n", encoding="utf-8")
    return str(path)


def test_a_missing_2027_is_named_in_the_admin_the_dashboard_and_readyz_until_entered(
        november_2026, admin_client, manager_client, client, tmp_path):
    gaps = calendar_schedule_gaps(today=timezone.localdate())
    assert {(g.calendar, g.year) for g in gaps} == {(DESK_NAME, 2027), (OFFICE_NAME, 2027)}

    admin_page = admin_client.get(reverse("admin:sla_workingcalendar_changelist"), HTTP_ACCEPT_LANGUAGE="en")
    assert "has no holiday schedule for 2027" in admin_page.content.decode()
    assert "import_holidays" in admin_page.content.decode()
    desk = WorkingCalendar.objects.get(name=DESK_NAME)
    one = admin_client.get(reverse("admin:sla_workingcalendar_change", args=[desk.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert f"{DESK_NAME} has no holiday schedule for 2027" in one.content.decode()
    assert OFFICE_NAME not in one.content.decode().split("messagelist")[1].split("</ul>")[0]

    dashboard = manager_client.get(reverse("dashboard:page"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert dashboard.count('data-testid="calendar-gap"') == 2 and "2027" in dashboard

    ready = client.get("/readyz")
    assert ready.status_code == 200
    body = ready.json()
    assert body["status"] == "ok"
    calendar = body["components"]["calendar"]
    assert calendar["ok"] and not calendar["required"] and "2027" in calendar["warning"]
    assert "import_holidays" in calendar["warning"] and body["warnings"]

    call_command("import_holidays", holidays_2027(tmp_path), "--year", "2027")
    assert calendar_schedule_gaps(today=timezone.localdate()) == []
    assert "no holiday schedule" not in admin_client.get(
        reverse("admin:sla_workingcalendar_changelist"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="calendar-gap"' not in manager_client.get(reverse("dashboard:page")).content.decode()
    body = client.get("/readyz").json()
    assert "warning" not in body["components"]["calendar"] and "warnings" not in body
    assert desk.days.get(date="2027-02-14").kind == "makeup_workday"


def test_a_year_entered_in_the_admin_ends_the_warning_for_that_calendar(november_2026, admin_client):
    desk = WorkingCalendar.objects.get(name=DESK_NAME)
    CalendarYear.objects.create(calendar=desk, year=2027)  # what the calendar page's year inline saves
    assert {g.calendar for g in calendar_schedule_gaps(today=timezone.localdate())} == {OFFICE_NAME}


def test_no_warning_when_the_next_60_days_are_known():
    with time_machine.travel(at(2026, 6, 1, 10, 0), tick=False):
        assert calendar_schedule_gaps(today=timezone.localdate()) == []


def test_the_desk_counts_a_2027_holiday_once_the_year_is_imported(create_ticket, tmp_path):
    call_command("import_holidays", holidays_2027(tmp_path), "--year", "2027", "--calendar", DESK_NAME)
    with time_machine.travel(at(2027, 2, 5, 17, 55), tick=False):  # Friday before the Spring Festival
        ticket = create_ticket()
    assert SlaClock.objects.get(ticket=ticket, step="preprocess").due_at == at(2027, 2, 9, 9, 25)


def test_loading_an_unknown_year_says_how_to_enter_it():
    with pytest.raises(CommandError, match="import_holidays"):
        call_command("load_holidays", "--years", "2027")


def test_a_bad_import_file_changes_nothing(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("2027-01-01,holiday,元旦\n2027-13-01,holiday,x\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 2"):
        call_command("import_holidays", str(path), "--year", "2027")
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_the_migration_moves_an_untouched_old_default_to_a_new_version():
    from django.apps import apps

    migration = importlib.import_module("sla.migrations.0005_desk_defaults")
    always = WorkingCalendar.objects.get(always_open=True)
    old = {step: (minutes, list(warn), list(breach), list(esc))
           for step, minutes, warn, breach, esc in migration.SHIPPED_BEFORE}
    for target in SlaTarget.objects.filter(policy__code="default"):  # as a database from before issue 14 has it
        minutes, warn, breach, esc = old[target.step]
        SlaTarget.objects.filter(pk=target.pk).update(calendar=always, warning_to=warn, breach_to=breach,
                                                      escalation_to=esc)
    migration.policy(apps, None)
    newest = SlaPolicy.objects.filter(code="default").order_by("-version").first()
    assert newest.version == 2 and newest.effective_from > datetime.now(SHANGHAI) - timedelta(minutes=1)
    assert SlaTarget.objects.get(policy=newest, step="preprocess").calendar.name == DESK_NAME
    migration.policy(apps, None)  # an edited (or already moved) policy is left alone
    assert SlaPolicy.objects.filter(code="default").count() == 2
