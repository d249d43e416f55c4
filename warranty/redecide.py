"""三包 decided again when the desk corrects what it was decided from (issue 14, part 1).

A tickets.hooks `updated` effect (warranty/apps.py), inside the edit's transaction. Only a change of the
facts the decision reads — the device's category, component, dates, documents, sold online, or the kind of
request — re-decides; a new description or priority does not. The decision is made as at registration: the
fault was reported on the day the ticket was registered (`report_date`), with the policy that applies to the
product now (policy_snapshot_for, as at intake), and the fault kind and "documents altered" reception gave
at intake are kept. The timeline says so ("warranty_redecided": before → after, and which change caused it).

A manager's override was granted on the old facts: it is withdrawn (the event says so) and may be granted
again on the new ones. Facts the engine refuses, or a product no policy covers, leave the ticket without a
decision — the desk decides by hand, as at registration.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.utils import timezone

from tickets.models import Ticket
from tickets.timeline import timeline_record

from .facts import decision_as_json, facts_as_json, facts_from_intake
from .models import WarrantyDecision
from .rules import decide
from .selectors import device_prior_tickets, policy_snapshot_for, statutory_rest_days
from .services import DEFAULT_FAULT, DEVICE_FACT_FIELDS

logger = logging.getLogger(__name__)

DECISION_FIELDS = frozenset({"kind"} | {f"device.{field}" for field in DEVICE_FACT_FIELDS})


def _options(remedies) -> list[str]:
    return [f"{r['remedy']}:{r['charge']}" for r in remedies or ()]


def _decide(ticket: Ticket, previous: WarrantyDecision | None):
    device = ticket.device
    if device is None or not device.category:
        return None
    current = policy_snapshot_for(category=device.category, sold_online=device.sold_online)
    if current is None:
        return None
    fault = previous.fault if previous else DEFAULT_FAULT
    altered = bool(previous.facts.get("documents_altered")) if previous else False
    history = device_prior_tickets(imei=device.imei, serial=device.serial, category=device.category,
                                   exclude_ticket_id=ticket.pk)
    try:
        facts = facts_from_intake(device={f: getattr(device, f) for f in DEVICE_FACT_FIELDS}, fault=fault,
                                  documents_altered=altered, report_date=timezone.localdate(ticket.created_at),
                                  history=history)
        return current, facts, decide(facts, current.snapshot, statutory_rest_days())
    except ValueError:
        logger.warning("ticket %s: no 三包 decision for the corrected facts", ticket.number, exc_info=True)
        return None


def warranty_on_ticket_updated(*, ticket: Ticket, changes: Mapping[str, Any], at: datetime, actor) -> None:
    causes = sorted(DECISION_FIELDS.intersection(changes))
    if not causes:
        return
    previous = WarrantyDecision.objects.select_for_update().select_related("policy").filter(ticket=ticket).first()
    before = _options(previous.effective_remedies) if previous else []
    override_withdrawn = bool(previous and previous.is_overridden)
    outcome = _decide(ticket, previous)
    if outcome is None:
        if previous is None:
            return  # undecidable before and after: nothing changed for 三包
        previous.delete()
        after, policy = [], ""
    else:
        current, facts, decision = outcome
        values = {"policy_id": current.pk, "facts": facts_as_json(facts), "fault": facts.fault,
                  "component": facts.component, "decided_at": at, "override_remedies": None,
                  "override_reason": "", "overridden_by": None, "overridden_at": None, **decision_as_json(decision)}
        if previous is None:
            row = WarrantyDecision.objects.create(ticket=ticket, **values)
        else:
            for key, value in values.items():
                setattr(previous, key, value)
            previous.save()
            row = previous
        row.refresh_from_db(fields=["policy"])
        after, policy = _options(row.remedies), f"{row.policy.code} v{row.policy.version}"
    # The same ticket instance the edit holds: its version stays in step for the response's ETag.
    timeline_record(ticket=ticket, actor=actor, action="warranty_redecided", at=at, data={
        "causes": causes, "previous": before, "remedies": after, "policy": policy,
        "override_withdrawn": override_withdrawn})
