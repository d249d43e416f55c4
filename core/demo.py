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
from datetime import datetime, timedelta
from unittest import mock

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from .roles import Role

# The demo's steps, in the order they run. Read top to bottom:
DEMO_ORDER: tuple[str, ...] = (
    "partners.partner",      # the courier sf-express, its service account and an API key (printed once)
    "tickets",               # a few hundred tickets over the last days, walked along the SOP; stops here if loaded
    "partners.tickets",      # the courier's own cases over the API channel
    "fieldservice",          # on-site visits on open air-conditioner tickets
    "callbacks",             # recorded callback outcomes, an unreachable customer, a complaint, periodic calls
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
    run = DemoRun(users=demo_users(), rng=random.Random(seed), tickets=tickets)
    for _name, step in steps:
        try:
            step(run)
        except DemoAlreadyLoaded:
            break
    return run


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


@contextmanager
def demo_clock(at: datetime) -> Iterator[DemoClock]:
    """Services stamp their writes with timezone.now() (auto_now_add included), so replaying a ticket
    registered three days ago means setting that clock. unittest.mock is stdlib: the demo also loads in the
    production image, which has no time-machine (a test dependency). Demo loading is single-threaded."""
    clock = DemoClock(at, ceiling=timezone.now())
    with mock.patch("django.utils.timezone.now", lambda: clock.at):
        yield clock


def past_working_instants(rng: random.Random, count: int, *, days: int, until: datetime) -> list[datetime]:
    """`count` instants in working hours (09:00–18:00 local, Monday to Saturday) over the `days` days before
    `until`, in order: ticket numbers then follow the clock, as at a real desk."""
    start_day = timezone.localtime(until).date() - timedelta(days=days)
    instants: list[datetime] = []
    while len(instants) < count:
        day = start_day + timedelta(days=rng.randrange(days + 1))
        if day.weekday() == 6:
            continue  # Sunday: the desk is closed
        at = timezone.make_aware(datetime.combine(day, datetime.min.time())) + timedelta(
            hours=9, seconds=rng.randrange(9 * 3600))
        if at < until:
            instants.append(at)
    return sorted(instants)
