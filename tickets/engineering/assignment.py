"""The round robin's memory: when each engineer was last given a ticket (issue 15 §10).

The tickets cannot say it: `dispatched_at` is stamped once per ticket (a reassignment or a reopened ticket keeps
the first), and an engineer whose tickets are all solved has nothing open to date. So dispatch and reassignment
(tickets/services.py) stamp the engineer's profile, one UPSERT, right after the transition. It only orders
equals for a suggestion: a stamp lost to a failure between the two is harmless and the next dispatch rewrites it."""
from datetime import datetime

from django.utils import timezone

from .models import EngineerProfile


def engineer_assignment_record(*, engineer, at: datetime | None = None) -> None:
    # One INSERT … ON CONFLICT DO UPDATE (PostgreSQL, SQLite ≥ 3.24): an engineer without a profile row gets one
    # that handles every category; an existing row keeps its categories.
    at = at or timezone.now()  # timezone.now through the module: core.demo.demo_clock replays it
    EngineerProfile.objects.bulk_create([EngineerProfile(engineer=engineer, last_assigned_at=at)],
                                        update_conflicts=True, unique_fields=["engineer"],
                                        update_fields=["last_assigned_at"])
