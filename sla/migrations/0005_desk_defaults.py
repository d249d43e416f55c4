"""Issue 14 on a database that already has the seed's policy:

- notices get their step and kind from their event, and the older duplicates per ticket, step and person are
  marked read into the newest one (deleted: 0006 then makes the pair unique);
- every calendar that has holidays entered for a year records that year as known (CalendarYear);
- the desk's calendar (9:00–18:00, every day, 2025–2026 holidays) is created, and when the newest version of
  the "default" policy is still the one shipped before (every step 24×7, the creator warned), a new version
  is saved with the new defaults (sla/defaults.py), effective now: tickets already registered keep theirs.
  A policy a manager has edited is left alone."""
from django.db import migrations
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

# The targets shipped before issue 14, as (step, minutes, warn, breach, escalate) on the 24×7 calendar.
SHIPPED_BEFORE = {
    ("preprocess", 30, ("creator",), ("reception",), ("manager",)),
    ("dispatch", 10, ("creator",), ("reception",), ("manager",)),
    ("first_reply", 30, ("assignee",), ("assignee", "reception"), ("manager",)),
    ("solution", 1440, ("assignee",), ("assignee", "reception"), ("manager",)),
    ("callback", 20, ("creator",), ("reception",), ("manager",)),
}


def notices(apps, schema_editor):
    Notification, SlaEvent = apps.get_model("sla", "Notification"), apps.get_model("sla", "SlaEvent")
    event = SlaEvent.objects.filter(pk=OuterRef("event_id"))
    Notification.objects.filter(event__isnull=False).update(
        step=Subquery(event.values("clock__step")[:1]), kind=Subquery(event.values("kind")[:1]))
    newest: dict[tuple, int] = {}
    stale: list[int] = []
    rows = (Notification.objects.filter(event__isnull=False).order_by("event_id", "id")
            .values_list("pk", "user_id", "ticket_id", "step"))
    for pk, user_id, ticket_id, step in rows.iterator():
        key = (user_id, ticket_id, step)
        if key in newest:
            stale.append(newest[key])
        newest[key] = pk
    Notification.objects.filter(pk__in=stale).delete()


def years(apps, schema_editor):
    CalendarDay, CalendarYear = apps.get_model("sla", "CalendarDay"), apps.get_model("sla", "CalendarYear")
    seen = {(calendar_id, day.year) for calendar_id, day in
            CalendarDay.objects.filter(kind="holiday").values_list("calendar_id", "date")}
    CalendarYear.objects.bulk_create([CalendarYear(calendar_id=c, year=y, source="chinese_calendar")
                                      for c, y in sorted(seen)], ignore_conflicts=True)


def policy(apps, schema_editor):
    from sla.defaults import calendars_ensure, default_targets_create

    models = {name: apps.get_model("sla", name) for name in
              ("WorkingCalendar", "CalendarWindow", "CalendarDay", "CalendarYear", "SlaPolicy", "SlaTarget")}
    calendars = calendars_ensure(models["WorkingCalendar"], models["CalendarWindow"], models["CalendarDay"],
                                 models["CalendarYear"])
    SlaPolicy, SlaTarget = models["SlaPolicy"], models["SlaTarget"]
    newest = SlaPolicy.objects.filter(code="default").aggregate(v=Max("version"))["v"]
    if newest is None:
        return
    current = SlaPolicy.objects.get(code="default", version=newest)
    targets = {(t.step, t.minutes, tuple(t.warning_to), tuple(t.breach_to), tuple(t.escalation_to))
               for t in SlaTarget.objects.filter(policy=current, calendar__always_open=True)}
    if targets != SHIPPED_BEFORE or SlaTarget.objects.filter(policy=current).count() != len(SHIPPED_BEFORE):
        return
    fresh = SlaPolicy.objects.create(
        code="default", version=newest + 1, name=current.name, is_active=current.is_active,
        effective_from=timezone.now(), kind=current.kind, priority=current.priority, channel=current.channel,
        customer_id=current.customer_id, partner_id=current.partner_id, rank=current.rank)
    default_targets_create(SlaTarget, fresh, calendars)


class Migration(migrations.Migration):
    dependencies = [("sla", "0004_teams_years_notice_step")]
    operations = [
        migrations.RunPython(notices, migrations.RunPython.noop),
        migrations.RunPython(years, migrations.RunPython.noop),
        migrations.RunPython(policy, migrations.RunPython.noop),
    ]
