"""An independent recount of the SOP steps from the ticket timeline (TicketEvent rows), for the default
policy: who started and stopped each step, pauses from wait/resume, minutes against the targets."""
from collections import Counter, defaultdict
from datetime import datetime

from tickets.models import TicketEvent

TARGET = {"preprocess": 30, "dispatch": 10, "first_reply": 30, "solution": 1440, "callback": 20}
START = {"register": ("preprocess", "solution"), "preprocess": ("dispatch",), "dispatch": ("first_reply",),
         "solve": ("callback",), "callback_failed": ("dispatch", "solution")}
STOP = {"preprocess": ("preprocess",), "dispatch": ("dispatch",), "reply": ("first_reply",),
        "solve": ("first_reply", "solution"), "callback_ok": ("callback",), "callback_failed": ("callback",)}


def recount(*, now: datetime, ticket_ids=None):
    """→ settled {step: {"met", "breached", "hist"}}, open [(ticket_id, step, minutes overdue)], running
    [(ticket_id, step, elapsed seconds)]."""
    settled = defaultdict(lambda: {"met": 0, "breached": 0, "hist": Counter()})
    open_breaches, running_now = [], []
    events = TicketEvent.objects.order_by("ticket_id", "at", "id")
    if ticket_ids is not None:
        events = events.filter(ticket_id__in=ticket_ids)
    by_ticket = defaultdict(list)
    for e in events:
        by_ticket[e.ticket_id].append(e)
    for ticket_id, evs in by_ticket.items():
        running: dict[str, list] = {}  # step → [started, paused seconds, paused since]
        for e in evs:
            if e.action == "wait":
                for r in running.values():
                    r[2] = e.at
                continue
            if e.action == "resume":
                for r in running.values():
                    if r[2]:
                        r[1] += (e.at - r[2]).total_seconds()
                        r[2] = None
                continue
            for step in STOP.get(e.action, ()):
                if step in running:
                    started, paused, _since = running.pop(step)
                    seconds = (e.at - started).total_seconds() - paused
                    bucket = settled[step]
                    bucket["met" if seconds <= TARGET[step] * 60 else "breached"] += 1
                    bucket["hist"][int(seconds // 60)] += 1
            for step in START.get(e.action, ()):
                running.setdefault(step, [e.at, 0.0, None])
        for step, (started, paused, since) in running.items():
            seconds = (now - started).total_seconds() - paused - ((now - since).total_seconds() if since else 0)
            running_now.append((ticket_id, step, seconds))
            if seconds > TARGET[step] * 60:
                open_breaches.append((ticket_id, step, int((seconds - TARGET[step] * 60) // 60)))
    return settled, open_breaches, running_now
