"""After-commit knocks that a broker outage cannot turn into a 500.

`task.delay_on_commit(...)` raises from inside the commit when the broker (Redis) is down: the rows are
committed, yet the request answers 500 and nothing says the follow-up is missing. Every knock goes
through here instead: a failed send is logged and reported to the caller, and the owning app's sweep
(a beat task that asks the database what is still undone) knocks again once the broker is back. The
task itself must be idempotent — a claim on its row — because a knock may then arrive twice."""
from __future__ import annotations

import logging
from functools import partial

from django.db import transaction

log = logging.getLogger("servicedesk.knock")


def knock(task, *args) -> bool:
    """`task.delay(*args)`; False (and a warning) when the broker refused it."""
    try:
        task.delay(*args)
    except Exception as exc:  # noqa: BLE001 — kombu's OperationalError, redis errors, a full disk …
        log.warning("could not enqueue %s%r (%s: %s); its sweep will enqueue it again",
                    task.name, args, type(exc).__name__, exc)
        return False
    return True


def knock_each(task, ids) -> int:
    """`knock(task, pk)` for each id in turn, stopping at the first refusal (the broker is still down: the
    rest would be refused too, and the next sweep asks again). Returns how many were enqueued."""
    sent = 0
    for pk in ids:
        if not knock(task, pk):
            break
        sent += 1
    return sent


def knock_after_commit(task, *args) -> None:
    """`task.delay_on_commit(*args)`, minus the 500 when the broker is down."""
    transaction.on_commit(partial(knock, task, *args))
