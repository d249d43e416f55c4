"""Writes for 三包: the decision stored at intake, a manager's override, new policy versions."""
from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError
from core.roles import Role, user_has_role
from core.sql import instance_new, row_insert
from tickets.models import Ticket
from tickets.timeline import timeline_record

from .choices import FaultKind
from .facts import decision_as_json, facts_as_json, facts_from_intake
from .models import WarrantyComponentRule, WarrantyDecision, WarrantyPolicy
from .rules import decide
from .selectors import device_prior_tickets, policy_snapshot_for, statutory_rest_days

logger = logging.getLogger(__name__)

# What reception did not say is presumed: the customer reports a fault with the product itself.
DEFAULT_FAULT = FaultKind.PERFORMANCE
OVERRIDE_OPTIONS = ("return:free", "return:paid", "exchange:free", "repair:free", "repair:paid")

DEVICE_FACT_FIELDS = ("category", "component", "purchase_date", "invoice_date", "invoice_number",
                      "warranty_card_number", "factory_date", "sold_online")


def warranty_decision_record(*, ticket: Ticket, intake: Mapping[str, Any] | None, at: datetime
                             ) -> WarrantyDecision | None:
    """Decide at registration, inside the ticket-create transaction (tickets.hooks, warranty/effects.py).

    No device, no policy for the product, or facts the engine refuses → no decision, and the ticket is
    registered all the same: the desk then decides by hand. The input was validated before."""
    device = ticket.device
    if device is None or not device.category:
        return None
    intake = intake or {}
    current = policy_snapshot_for(category=device.category, sold_online=device.sold_online,
                                  code=intake.get("policy") or None)
    if current is None:
        return None
    fault = intake.get("fault") or DEFAULT_FAULT
    data = {field: getattr(device, field) for field in DEVICE_FACT_FIELDS}
    # A device registered with no earlier row of the same item (tickets/caller.py says so as it inserts it) has no
    # earlier tickets: nothing to read.
    history = [] if getattr(device, "first_seen", False) else device_prior_tickets(
        imei=device.imei, serial=device.serial, category=device.category, exclude_ticket_id=ticket.pk)
    try:
        facts = facts_from_intake(device=data, fault=fault, documents_altered=intake.get("documents_altered", False),
                                  report_date=timezone.localdate(at), history=history)
        decision = decide(facts, current.snapshot, statutory_rest_days())
    except ValueError:
        logger.warning("ticket %s: no 三包 decision for these facts", ticket.number, exc_info=True)
        return None
    recorded = instance_new(  # WarrantyDecision(ticket=ticket, …) through the positional path (core/sql.py)
        WarrantyDecision, {"ticket": ticket}, policy_id=current.pk, facts=facts_as_json(facts), fault=facts.fault,
        component=facts.component, decided_at=at, **decision_as_json(decision))
    row_insert(recorded)  # WarrantyDecision.objects.create without the ORM's compiler (core/sql.py)
    # The policy as the snapshot knows it (other fields deferred: read on access), so the create API's answer
    # shows the decision with its policy without reading either back; `ticket.warranty_decision` is set by create.
    recorded.policy = WarrantyPolicy.from_db(WarrantyDecision.objects.db, ["id", "code", "version", "name"],
                                             [current.pk, current.code, current.version, current.snapshot.name])
    return recorded


def _override_remedies(decision: WarrantyDecision, options: Sequence[str]) -> list[dict[str, Any]]:
    """The chosen options, keeping the computed deadline and missing documents where the engine had them."""
    computed = {(r["remedy"], r["charge"]): r for r in decision.remedies}
    granted = []
    for option in OVERRIDE_OPTIONS:  # a stable order, whatever order the form sent
        if option in options:
            remedy, charge = option.split(":")
            known = computed.get((remedy, charge), {})
            granted.append({"remedy": remedy, "charge": charge, "until": known.get("until"),
                            "missing_documents": list(known.get("missing_documents", []))})
    return granted


@transaction.atomic
def warranty_decision_override(*, ticket: Ticket, actor, remedies: Sequence[str], reason: str,
                               exchanged_on: date | None = None) -> WarrantyDecision:
    """A manager replaces the remedies (with a reason); the timeline records it as "warranty_override"."""
    if not user_has_role(actor, Role.MANAGER):
        raise ApplicationError(_("Only a manager may override a 三包 decision."), code="forbidden", status=403)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Say why the decision is overridden."), code="reason_required", field="reason",
                               status=400)
    if not remedies or set(remedies) - set(OVERRIDE_OPTIONS):
        raise ApplicationError(_("Choose at least one remedy."), code="remedies_required", field="remedies",
                               status=400)
    decision = WarrantyDecision.objects.select_for_update().filter(ticket=ticket).first()
    if decision is None:
        raise ApplicationError(_("This ticket has no 三包 decision to override."), code="no_decision", status=409)
    if exchanged_on is not None and exchanged_on < timezone.localdate(decision.decided_at):
        raise ApplicationError(_("The replacement cannot have been handed over before the ticket was registered."),
                               code="exchanged_before_ticket", field="exchanged_on", status=400)
    now = timezone.now()
    previous = decision.effective_remedies
    decision.override_remedies = _override_remedies(decision, remedies)
    decision.override_reason, decision.overridden_by, decision.overridden_at = reason, actor, now
    decision.exchanged_on = exchanged_on
    decision.save(update_fields=["override_remedies", "override_reason", "overridden_by", "overridden_at",
                                 "exchanged_on"])
    # Partners poll by updated_since: the ticket's warranty changed, so the ticket did (the writer bumps it).
    timeline_record(
        ticket=ticket, actor=actor, action="warranty_override", at=now, note=reason,
        data={"remedies": [f"{r['remedy']}:{r['charge']}" for r in decision.override_remedies],
              "previous": [f"{r['remedy']}:{r['charge']}" for r in previous],
              "policy": f"{decision.policy.code} v{decision.policy.version}",
              "exchanged_on": exchanged_on.isoformat() if exchanged_on else None})
    return decision


def policy_is_used(policy: WarrantyPolicy) -> bool:
    return WarrantyDecision.objects.filter(policy=policy).exists()


def policy_next_version(*, code: str) -> int:
    """The next version number for `code`, with the code's rows locked so two saves cannot collide."""
    list(WarrantyPolicy.objects.select_for_update().filter(code=code).values_list("pk", flat=True))
    return (WarrantyPolicy.objects.filter(code=code).aggregate(top=Max("version"))["top"] or 0) + 1


@transaction.atomic
def policy_new_version(*, policy: WarrantyPolicy, change_note: str = "") -> WarrantyPolicy:
    """Copy a version with its component periods into version N+1 (active), to be edited from there."""
    rules = list(policy.rules.all())
    copy = WarrantyPolicy.objects.get(pk=policy.pk)
    copy.pk, copy.version = None, policy_next_version(code=policy.code)
    copy.is_active = True
    copy.change_note = change_note or f"Copied from v{policy.version}"
    copy.save()
    for rule in rules:
        rule.pk, rule.policy = None, copy
    WarrantyComponentRule.objects.bulk_create(rules)
    return copy
