"""Realistic demo data: one user per role, then each app's own demo step, walked by the same services the
pages use. core imports no other project app (issue 11), so the apps register their steps from their
`AppConfig.ready()` with `demo_step_register(name, fn)`, and `DEMO_ORDER` below says, in one place, in
which order they run. A name missing from DEMO_ORDER cannot register; a name in it that nobody
registered stops the demo before anything is written.

A step is `fn(run: DemoRun) -> None`. It may raise DemoAlreadyLoaded to end the demo quietly (the data is
there from an earlier run), add lines for the command to print with `run.say()`, and replay past work at
its own time with `demo_clock()`."""
from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from unittest import mock

import chinese_calendar
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from .roles import Role

# The demo's steps, in the order they run. Read top to bottom:
DEMO_ORDER: tuple[str, ...] = (
    "partners.partner",      # the courier sf-express, its service account and an API key (printed once)
    "fieldservice.visits",   # lends "onsite_visit" to the tickets step: the on-site visits of its history
    "tickets",               # a few hundred tickets over the last 30 days, walked along the SOP; stops here if loaded
    "partners.tickets",      # the courier's own cases over the API channel
    "fieldservice",          # on-site visits on open air-conditioner tickets
    "callbacks",             # recorded callback outcomes, an unreachable customer, a complaint, periodic calls
    "refunds",               # the older returns' refunds paid (confirmed tickets close as refunded), newer ones owed
)

DEMO_PASSWORD = "demo-2026"
DEMO_USERS = [
    # username, role, full name (last, first), is_staff
    ("reception", Role.RECEPTION, ("王", "小丽"), False),
    ("engineer", Role.ENGINEER, ("李", "工"), False),
    ("engineer2", Role.ENGINEER, ("张", "师傅"), False),
    ("engineer3", Role.ENGINEER, ("赵", "明"), False),
    ("manager", Role.MANAGER, ("陈", "经理"), True),
    ("partner", Role.PARTNER, ("顺丰", "对接"), False),
    ("admin", Role.ADMIN, ("系统", "管理员"), True),
]


class DemoAlreadyLoaded(Exception):
    """Raised by a step that finds its data from an earlier run: the steps after it do not run."""


@dataclass
class DemoRun:
    users: dict[str, object]
    rng: random.Random
    tickets: int = 300
    # Where the replay ends (demo_until): every step stamps its work at or before it, in working hours.
    until: datetime = field(default_factory=lambda: demo_until(timezone.now()))
    # What a step lends the steps after it, by name: an app that may not import another (tickets imports only
    # core) still walks its work, e.g. fieldservice's "onsite_visit" before an on-site solution.
    helpers: dict[str, Callable[..., object]] = field(default_factory=dict)
    lines: list[tuple[str, bool]] = field(default_factory=list)  # (text, is_heading) for the command

    def say(self, text: str, *, heading: bool = False) -> None:
        self.lines.append((text, heading))


DemoStep = Callable[[DemoRun], None]
_steps: dict[str, DemoStep] = {}


def demo_step_register(name: str, fn: DemoStep) -> None:
    """Called from an app's AppConfig.ready(). Registering the same name again replaces the step (a second
    ready() in tests adds nothing)."""
    if name not in DEMO_ORDER:
        raise LookupError(f"core.demo: {name!r} is not in DEMO_ORDER; declare its place there first")
    _steps[name] = fn


def demo_steps() -> list[tuple[str, DemoStep]]:
    missing = [name for name in DEMO_ORDER if name not in _steps]
    if missing:
        raise LookupError(f"core.demo: no step registered for {', '.join(missing)} (is the app installed, "
                          "and does its AppConfig.ready() register it?)")
    return [(name, _steps[name]) for name in DEMO_ORDER]


def demo_users() -> dict[str, object]:
    User = get_user_model()
    users = {}
    for username, role, (last, first), is_staff in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=username, defaults={"last_name": last, "first_name": first})
        if role == Role.PARTNER:  # a partner system signs in with its API key only, never with a password
            user.set_unusable_password()
        else:
            user.set_password(DEMO_PASSWORD)
        user.is_staff = is_staff
        user.is_superuser = role == Role.ADMIN
        user.save()
        user.groups.add(Group.objects.get(name=role))
        users[username] = user
    return users


def load_demo(*, tickets: int = 300, seed: int = 2026) -> DemoRun:
    steps = demo_steps()  # before any write: a missing step is a configuration error, not half a demo
    # One transaction: a step that fails leaves no half demo behind (the next run would take it for loaded).
    # Knocks held until after its commit, when the after-commit knocks run.
    with mock.patch("core.knock.knock", _knock_later), transaction.atomic():
        run = DemoRun(users=demo_users(), rng=random.Random(seed), tickets=tickets)
        for _name, step in steps:
            try:
                step(run)
            except DemoAlreadyLoaded:
                break
    return run


def _knock_later(task, *args) -> bool:
    """No broker round trip per replayed step while the demo loads (~250 completion notices alone, each tens of
    milliseconds on the SQLite broker of command 1). Nothing is lost: every knock's row is in the database,
    and its app's sweep (beat) enqueues what is still unsent, as after a broker outage (core/knock.py)."""
    return False


# --- past work at its own time ----------------------------------------------------------------------

class DemoClock:
    """The instant the services read as timezone.now() while a step replays past work. It never passes
    the real time the demo started at: replayed work does not happen in the future."""

    def __init__(self, at: datetime, ceiling: datetime):
        self.ceiling = ceiling
        self.at = min(at, ceiling)

    def advance(self, minutes: float) -> datetime:
        self.at = min(self.at + timedelta(minutes=minutes), self.ceiling)
        return self.at

    def set(self, at: datetime) -> datetime:
        self.at = min(max(at, self.at), self.ceiling)  # time only moves forward
        return self.at


@contextmanager
def demo_clock(at: datetime) -> Iterator[DemoClock]:
    """Services stamp their writes with timezone.now() (auto_now_add included) and take no `at`, so replaying
    a ticket registered three days ago means setting that clock. unittest.mock is stdlib: the demo also loads
    in the production image, which has no time-machine (a test dependency). Demo loading is single-threaded."""
    clock = DemoClock(at, ceiling=timezone.now())
    with mock.patch("django.utils.timezone.now", lambda: clock.at):
        yield clock


# The demo's working hours (Asia/Shanghai, settings.TIME_ZONE): callers reach the desk 08:30–18:00 on working
# days — the official ones, 调休 included — and, fewer of them, on rest days.
WORK_OPENS, WORK_CLOSES = time(8, 30), time(18)
REST_DAY_SHARE = 0.3  # a weekend or holiday sees about a third of a working day's tickets
LEAD = timedelta(hours=1)  # the last hour of the replay is the partner's (partners/demo.py)


def is_working_day(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # a year the library has no schedule for yet: Monday to Friday
        return day.weekday() < 5


def _at(day: date, clock_time: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, clock_time))


def in_working_hours(at: datetime) -> bool:
    """Within 08:30–18:00 of its (local) day; rest days count, as the demo registers a few tickets then."""
    return WORK_OPENS <= timezone.localtime(at).time() < WORK_CLOSES


def demo_until(now: datetime) -> datetime:
    """The end of the replay: `now` if it is at least an hour into a working day's hours, else five minutes
    before the close of the last working day — so that whatever the hour the demo is loaded at, every ticket
    and step it writes lies in working hours, and the partner's last hour too."""
    local = timezone.localtime(now)
    day = local.date()
    while True:
        if is_working_day(day):
            closes = _at(day, WORK_CLOSES) - timedelta(minutes=5)
            if day < local.date() or local >= closes:
                return closes
            if local >= _at(day, WORK_OPENS) + LEAD:
                return now
        day -= timedelta(days=1)


def working_minutes_after(start: datetime, minutes: float) -> datetime:
    """`minutes` of working time after `start`, counted 08:30–18:00 every day (the desk and its engineers work
    weekends too, fewer of them): a step due at 17:50 with 30 minutes to go happens the next morning."""
    t, left = timezone.localtime(start), timedelta(minutes=minutes)
    while True:
        day = t.date()
        opens, closes = _at(day, WORK_OPENS), _at(day, WORK_CLOSES)
        t = max(t, opens)
        if t < closes:
            step = min(left, closes - t)
            t, left = t + step, left - step
            if not left:
                return t
        t = _at(day + timedelta(days=1), time.min)


def past_working_instants(rng: random.Random, count: int, *, days: int, until: datetime) -> list[datetime]:
    """`count` instants over the `days` calendar days that end with `until`'s, in working hours (08:30–18:00),
    in order (ticket numbers then follow the clock, as at a real desk). Each day gets its share — a rest day
    REST_DAY_SHARE of a working day's, `until`'s day the part already gone — so that every day has tickets
    once there are about as many tickets as days."""
    last = timezone.localtime(until).date()
    spans = []  # (opens, closes, weight)
    for back in range(days - 1, -1, -1):
        day = last - timedelta(days=back)
        opens, closes = _at(day, WORK_OPENS), min(_at(day, WORK_CLOSES), until)
        if closes > opens:
            weight = (1.0 if is_working_day(day) else REST_DAY_SHARE) * (closes - opens) / (
                _at(day, WORK_CLOSES) - opens)
            spans.append((opens, closes, weight))
    total = sum(weight for _opens, _closes, weight in spans)
    shares = [count * weight / total for _opens, _closes, weight in spans]
    counts = [int(share) for share in shares]
    # Largest remainders first, so the counts add up to `count` and are the same for the same arguments.
    by_remainder = sorted(range(len(spans)), key=lambda i: (counts[i] - shares[i], i))
    for i in by_remainder[:count - sum(counts)]:
        counts[i] += 1
    instants = []
    for (opens, closes, _weight), n in zip(spans, counts):
        seconds = int((closes - opens).total_seconds())
        instants += [opens + timedelta(seconds=rng.randrange(seconds)) for _ in range(n)]
    return sorted(instants)
