"""What the beat task asks the database: retries whose time has come, and periodic callbacks for
high-value products (seed 003: 对于价值较高的产品应在售后进行定期回访). Both are idempotent: a
conditional UPDATE, and rows under a unique (device, period) constraint."""
from datetime import datetime

from django.db.models import Exists, OuterRef
from django.utils import timezone

from tickets.models import Device

from . import rules
from .choices import OPEN_STATES, CallbackKind, CallbackState
from .models import Callback
from .services import policy_current

BATCH = 500


def callback_retries_reopen(*, now: datetime) -> int:
    """Unreachable callbacks whose retry time has come are due again."""
    return Callback.objects.filter(state=CallbackState.UNREACHABLE, due_at__lte=now).update(state=CallbackState.DUE)


def callback_periodic_create(*, now: datetime, batch: int = BATCH) -> int:
    """One callback per high-value device and period, counted from the purchase date, without a ticket."""
    policy = policy_current(at=now)
    snapshot = rules.PolicySnapshot.of(policy)
    if snapshot.periodic_months == 0:
        return 0
    today = timezone.localdate(now)
    cutoff = rules.periodic_cutoff(today, snapshot.periodic_months)
    periodic = Callback.objects.filter(device=OuterRef("pk"), kind=CallbackKind.PERIODIC)
    devices = (
        Device.objects.filter(value__gte=snapshot.periodic_value_threshold, purchase_date__isnull=False,
                              purchase_date__lte=cutoff)
        .exclude(Exists(periodic.filter(state__in=OPEN_STATES)))  # still calling about the last period
        .exclude(Exists(periodic.filter(period_due_on__gt=cutoff)))  # this period is already done
        .only("pk", "customer_id", "purchase_date").order_by("pk")[:batch]
    )
    due = rules.into_calling_hours(snapshot, timezone.localtime(now))
    created = 0
    for device in devices:
        period = rules.latest_period_boundary(device.purchase_date, today, snapshot.periodic_months)
        if period is None:
            continue
        _callback, made = Callback.objects.get_or_create(
            kind=CallbackKind.PERIODIC, device=device, period_due_on=period,
            defaults={"customer_id": device.customer_id, "policy": policy, "due_at": due, "first_due_at": due,
                      "created_at": now},
        )
        created += made
    return created


def callbacks_due_run(*, now: datetime) -> dict[str, int]:
    return {"retries_reopened": callback_retries_reopen(now=now),
            "periodic_created": callback_periodic_create(now=now)}
