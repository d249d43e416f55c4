"""SLA policy as data (calendars, versioned policies and their per-step targets) and the clocks,
pauses, events and notifications that enforce it. Logic lives in lifecycle.py (pure), services.py
(clocks) and enforcement.py (sweep, notify); see README "SLA"."""
from decimal import Decimal
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.choices import Channel, Kind, Priority, WaitReason

from .choices import CalendarDayKind, CalendarYearSource, ClockEvent, ClockState, SlaEventKind, Step, Weekday


def validate_tz(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(_("Unknown time zone."), code="tz")


class WorkingCalendar(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    tz = models.CharField(_("time zone"), max_length=60, default="Asia/Shanghai", validators=[validate_tz])
    always_open = models.BooleanField(
        _("24×7"), default=False, help_text=_("Open around the clock: windows and holidays are ignored."))

    class Meta:
        verbose_name = _("working calendar")
        verbose_name_plural = _("working calendars")
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)


class CalendarWindow(models.Model):
    """Open hours on one weekday; several a day express a lunch break (8:00–12:00, 13:30–17:00)."""

    calendar = models.ForeignKey(WorkingCalendar, on_delete=models.CASCADE, related_name="windows",
                                 verbose_name=_("calendar"))
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"), help_text=_("00:00 means midnight at the end of the day."))

    class Meta:
        verbose_name = _("opening window")
        verbose_name_plural = _("opening windows")
        ordering = ("weekday", "opens")
        constraints = [models.CheckConstraint(condition=Q(weekday__lte=6), name="sla_window_weekday")]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self) -> None:
        if self.opens and self.closes and self.closes.hour + self.closes.minute and self.closes <= self.opens:
            raise ValidationError({"closes": _("A window must close after it opens.")})


class CalendarDay(models.Model):
    """A public holiday (closed) or a 调休 make-up working day (open, with Monday's hours)."""

    calendar = models.ForeignKey(WorkingCalendar, on_delete=models.CASCADE, related_name="days",
                                 verbose_name=_("calendar"))
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=CalendarDayKind.choices)
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("holiday or make-up day")
        verbose_name_plural = _("holidays and make-up days")
        ordering = ("date",)
        constraints = [models.UniqueConstraint(fields=["calendar", "date"], name="sla_day_once")]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class CalendarYear(models.Model):
    """A year whose holiday schedule has been entered for a calendar (loaded from chinese-calendar, typed in
    the admin or imported from a file). A working calendar without a row for a year counts every weekday of
    that year as a working day, so the admin, the dashboard and /readyz warn before such a year comes near
    (sla.selectors.calendar_schedule_gaps)."""

    calendar = models.ForeignKey(WorkingCalendar, on_delete=models.CASCADE, related_name="years",
                                 verbose_name=_("calendar"))
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    source = models.CharField(_("entered from"), max_length=20, choices=CalendarYearSource.choices,
                              default=CalendarYearSource.ADMIN)
    entered_at = models.DateTimeField(_("entered at"), default=timezone.now)

    class Meta:
        verbose_name = _("year with a holiday schedule")
        verbose_name_plural = _("years with a holiday schedule")
        ordering = ("year",)
        constraints = [models.UniqueConstraint(fields=["calendar", "year"], name="sla_calendar_year_once")]

    def __str__(self) -> str:
        return str(self.year)


class Team(models.Model):
    """Engineers and their lead: "the engineer's lead" among an SLA target's recipients."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="teams_led",
                             verbose_name=_("lead"))
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="teams",
                                     verbose_name=_("members"))

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class SlaPolicy(models.Model):
    """One version of a policy. Versions are immutable once a ticket uses them: the admin then offers
    "save as a new version" and the old version stays as it was for the tickets that started on it.

    Matching (sla/matching.py): blank criteria match anything. The most specific policy wins, with
    criteria weighed customer > partner > kind > priority > channel; ties go to the lower `rank`.
    For each code only the newest active version effective at the ticket's registration counts."""

    code = models.SlugField(_("code"), max_length=40)
    version = models.PositiveIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)
    effective_from = models.DateTimeField(_("effective from"), default=timezone.now,
                                          help_text=_("Tickets registered from then on may use this version."))
    kind = models.CharField(_("kind of request"), max_length=30, choices=Kind.choices, blank=True)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, blank=True)
    customer = models.ForeignKey("tickets.Customer", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("customer"))
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("partner"))
    rank = models.PositiveSmallIntegerField(_("rank"), default=100,
                                            help_text=_("Among equally specific policies the lower rank wins."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ("code", "-version")
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="sla_policy_version")]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    @property
    def in_use(self) -> bool:
        # Through the targets: clock.policy has no index (see SlaClock.policy).
        return SlaClock.objects.filter(target__policy=self).exists()


class SlaTarget(models.Model):
    """The promise for one SOP step under one policy version."""

    policy = models.ForeignKey(SlaPolicy, on_delete=models.CASCADE, related_name="targets", verbose_name=_("policy"))
    step = models.CharField(_("step"), max_length=20, choices=Step.choices)
    minutes = models.PositiveIntegerField(_("target (minutes)"))
    start_event = models.CharField(_("starts when"), max_length=20, choices=ClockEvent.choices)
    stop_event = models.CharField(_("stops when"), max_length=20, choices=ClockEvent.choices)
    calendar = models.ForeignKey(WorkingCalendar, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("calendar"))
    warn_ratio = models.DecimalField(
        _("warn at share of target"), max_digits=3, decimal_places=2, default=Decimal("0.80"),
        validators=[MinValueValidator(Decimal("0.05")), MaxValueValidator(Decimal("1"))])
    restart_on_reopen = models.BooleanField(_("restart when reopened"), default=False)
    escalate_after_minutes = models.PositiveIntegerField(
        _("escalate after (minutes past due)"), null=True, blank=True,
        help_text=_("Business minutes after the breach; empty: no escalation."))
    warning_to = models.JSONField(_("warn"), default=list, blank=True)
    breach_to = models.JSONField(_("tell at breach"), default=list, blank=True)
    escalation_to = models.JSONField(_("escalate to"), default=list, blank=True)
    warning_users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+",
                                           verbose_name=_("also warn"))
    breach_users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+",
                                          verbose_name=_("also tell at breach"))
    escalation_users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+",
                                              verbose_name=_("also escalate to"))

    class Meta:
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        ordering = ("policy", "id")
        constraints = [models.UniqueConstraint(fields=["policy", "step"], name="sla_target_step_once")]

    def __str__(self) -> str:
        return f"{self.get_step_display()} {self.minutes}′"

    def clean(self) -> None:
        if self.start_event and self.start_event == self.stop_event:
            raise ValidationError({"stop_event": _("A clock cannot stop on the event that starts it.")})


class SlaClock(models.Model):
    """One step of one ticket (one round: a reopened ticket owes dispatch and solution again)."""

    # No index of its own: the unique (ticket, step, round) leads with ticket_id. Every index here is written
    # again on each sweep update of next_check_at (not a HOT update): fewer indexes, faster sweeps.
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="sla_clocks", db_index=False,
                               verbose_name=_("ticket"))
    # No index of its own: policy and target are always set together from one of the policy's targets
    # (services.py), so "clocks of a policy" is "clocks of its targets", which the target index finds
    # (SlaPolicy.in_use). Deleting a policy is an admin act: its PROTECT check may scan the table.
    policy = models.ForeignKey(SlaPolicy, on_delete=models.PROTECT, related_name="clocks", db_index=False,
                               verbose_name=_("policy"))
    target = models.ForeignKey(SlaTarget, on_delete=models.PROTECT, related_name="clocks", verbose_name=_("target"))
    step = models.CharField(_("step"), max_length=20, choices=Step.choices)
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    state = models.CharField(_("state"), max_length=10, choices=ClockState.choices, default=ClockState.PENDING)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    # Business time spent before basis_at: 0 at the start; kept across a re-prioritisation.
    basis_at = models.DateTimeField(_("counted from"), null=True, blank=True)
    basis_spent_seconds = models.FloatField(_("spent before (s)"), default=0)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    warn_at = models.DateTimeField(_("warn at"), null=True, blank=True)
    escalate_at = models.DateTimeField(_("escalate at"), null=True, blank=True)
    met_at = models.DateTimeField(_("done at"), null=True, blank=True)  # step done (late or not)
    warned_at = models.DateTimeField(_("warned at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)  # == due_at when breached
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(_("paused (s)"), default=0)  # closed pauses, wall clock
    paused_since = models.DateTimeField(_("paused since"), null=True, blank=True)
    pause_reason = models.CharField(_("paused for"), max_length=20, choices=WaitReason.choices, blank=True)
    # STYLE §5: the one column the sweep reads: next warning, breach or escalation; NULL when none.
    next_check_at = models.DateTimeField(_("next check at"), null=True, blank=True)

    class Meta:
        verbose_name = _("SLA clock")
        verbose_name_plural = _("SLA clocks")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "step", "round"], name="sla_clock_round_once"),
            models.CheckConstraint(condition=Q(state__in=ClockState.values), name="sla_clock_state_valid"),
        ]
        indexes = [
            models.Index(fields=["next_check_at"], name="sla_clock_next_check",
                         condition=Q(next_check_at__isnull=False)),
            # The dashboard reads clocks through its own partial indexes (dashboard/migrations 0002, 0003:
            # settled by day, open breaches, warnings). sla_clock_step_started and sla_clock_breached were
            # dropped (0008): no query used them, and a breach rewrote both (bench/SLA.md).
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.step}#{self.round} {self.state}"

    @property
    def is_open(self) -> bool:
        """Started and still owed (running, paused, or breached and not yet done)."""
        return self.started_at is not None and self.met_at is None and self.cancelled_at is None


class ClockPause(models.Model):
    """Time that is not the company's (waiting for the customer, parts, the manufacturer)."""

    clock = models.ForeignKey(SlaClock, on_delete=models.CASCADE, related_name="pauses", verbose_name=_("clock"))
    reason = models.CharField(_("reason"), max_length=20, choices=WaitReason.choices, blank=True)
    started_at = models.DateTimeField(_("from"))
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("clock pause")
        verbose_name_plural = _("clock pauses")
        ordering = ("started_at",)
        constraints = [models.UniqueConstraint(fields=["clock"], condition=Q(ended_at__isnull=True),
                                               name="sla_pause_one_open")]


class SlaEvent(models.Model):
    """A warning, breach or escalation, recorded once per clock (the unique constraint is the guard)."""

    # No index of its own: the unique (clock, kind) leads with clock_id. No database constraint (db_constraint=False;
    # Django still cascades a clock's deletion): events are written only by the sweep, for clocks its transaction
    # holds FOR UPDATE until commit, so the clock is there; re-checking each event's clock at commit was ~0.07 s of
    # a 10,000-clock sweep (bench/SLA.md). As Notification.ticket.
    clock = models.ForeignKey(SlaClock, on_delete=models.CASCADE, related_name="events", db_index=False,
                              db_constraint=False, verbose_name=_("clock"))
    kind = models.CharField(_("kind"), max_length=12, choices=SlaEventKind.choices)
    at = models.DateTimeField(_("happened at"))  # the warn/due/escalation instant, not when a sweep saw it
    detected_at = models.DateTimeField(_("detected at"))
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("SLA event")
        verbose_name_plural = _("SLA events")
        constraints = [models.UniqueConstraint(fields=["clock", "kind"], name="sla_event_once")]
        indexes = [
            models.Index(fields=["detected_at"], name="sla_event_unnotified", condition=Q(notified_at__isnull=True)),
            # sla_event_kind_at was dropped (0008): no query reads events by kind and time, and the sweep's
            # insert and the notifier's claim (not a HOT update: notified_at is in the index above) wrote it.
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.clock_id} {self.at:%Y-%m-%d %H:%M}"


class Notification(models.Model):
    """What a user sees under the bell on every page. An SLA notice is one row per ticket, step and person:
    a later event of the same step (the breach after the warning, a new round) updates it and makes it
    unread again (sla.notifications), so a person is never told the same thing twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
                             verbose_name=_("user"))
    # No database constraint (db_constraint=False; Django still cascades a ticket's deletion): every notice is
    # written by sla.notifications with the event its transaction has just claimed (the claim's row lock holds
    # the event until commit) and that event's clock's ticket, so event → clock → ticket, each a real foreign
    # key, already keeps the ticket. Checking it again cost the notifier a key-share lock on 10,000 ticket rows
    # at commit (0.5–0.8 s of a 10,000-event run, bench/SLA.md).
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="+", db_constraint=False, verbose_name=_("ticket"))
    # No index of its own: the partial unique (event, user) covers every lookup by event (event_id = x implies
    # event_id IS NOT NULL). No database constraint either, for the reason ticket has none: the notifier writes a
    # notice only for an event its transaction has just claimed (and so holds); the commit-time check key-share
    # locked each of them again, 0.17-0.25 s of a 10,000-event run against 0.04-0.07 s without (bench/SLA.md).
    # Django still cascades an event's deletion.
    event = models.ForeignKey(SlaEvent, on_delete=models.CASCADE, null=True, blank=True, db_index=False,
                              db_constraint=False, related_name="notifications", verbose_name=_("SLA event"))
    step = models.CharField(_("step"), max_length=20, choices=Step.choices, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=SlaEventKind.choices, blank=True)
    text = models.CharField(_("text"), max_length=300)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [models.UniqueConstraint(fields=["event", "user"], condition=Q(event__isnull=False),
                                               name="notification_event_user_once"),
                       # sla.notifications upserts on exactly these columns and this condition.
                       models.UniqueConstraint(fields=["user", "ticket", "step"], condition=Q(event__isnull=False),
                                               name="notification_ticket_step_user_once")]
        indexes = [models.Index(fields=["user", "-created_at"], name="notification_unread",
                                condition=Q(read_at__isnull=True))]

    def __str__(self) -> str:
        return self.text


class EmailDelivery(models.Model):
    """Outbox row of one e-mail; sent by its own idempotent task (enforcement.email_delivery_send). One per
    notice (a notice made unread again by a later event gets another), or with SLA_EMAIL_DIGEST one per person
    per notifying run, listing its notices (then `notification` is empty)."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="emails", verbose_name=_("notification"))
    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    claimed_until = models.DateTimeField(_("being sent until"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("e-mail delivery")
        verbose_name_plural = _("e-mail deliveries")
        indexes = [models.Index(fields=["created_at"], name="sla_email_pending", condition=Q(sent_at__isnull=True))]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"
