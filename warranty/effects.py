"""How the 三包 decision takes part in a ticket's life, plugged into tickets.hooks from warranty/apps.py:
reception's intake fields, the decision recorded at registration, the summary in lists and the API, and
the decision card on the ticket page."""
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet

from core.compiled import IdsQuery

from .api.serializers import WarrantyIntakeInput, WarrantySummaryOutput
from .forms import component_field, documents_altered_field, fault_kind_field
from .intake import intake_warranty_errors
from .models import WarrantyDecision
from .redecide import warranty_on_ticket_updated
from .services import warranty_decision_record


def on_created(*, ticket, at: datetime, actor, extras: Mapping[str, Any]) -> None:
    # Decided at registration, with its policy version; intake: fault kind, documents altered (API or form).
    warranty_decision_record(ticket=ticket, intake=extras.get("warranty"), at=at)


def on_updated(*, ticket, changes: Mapping[str, Any], at: datetime, actor) -> None:
    warranty_on_ticket_updated(ticket=ticket, changes=changes, at=at, actor=actor)


def intake_form_fields() -> dict:
    # 三包 facts the ticket does not hold itself: stored with the warranty decision. `component` is a
    # device field the 三包 policy defines the choices of.
    return {"fault_kind": fault_kind_field(), "component": component_field(),
            "documents_altered": documents_altered_field()}


def intake_form_value(cleaned: Mapping[str, Any]) -> dict:
    return {"fault": cleaned.get("fault_kind") or "performance",
            "documents_altered": bool(cleaned.get("documents_altered"))}


def intake_api_field():
    # 三包 facts the device does not hold (the faulty part is `device.component`); decided at registration.
    return WarrantyIntakeInput(required=False, allow_null=True, default=None)


def intake_api_errors(attrs: Mapping[str, Any]) -> dict:
    if attrs.get("device") and (errors := intake_warranty_errors(attrs["device"])):
        return {"device": errors}
    return {}


SUMMARY_FIELDS = ("ticket_id", "remedies", "override_remedies", "overridden_at", "reasons", "override_reason",
                  "decided_at", "policy__code", "policy__version", "policy__name")


def summaries_prefetch(qs: QuerySet) -> QuerySet:
    # The ORM's way to what summaries_load attaches (tests/tickets/test_api_rows.py compares the two).
    # A list shows the decision's outcome and its policy's name, not the facts it was computed from nor the
    # policy's rules (JSON decoded 25 times over per page).
    decisions = WarrantyDecision.objects.select_related("policy").only(*SUMMARY_FIELDS)
    return qs.prefetch_related(Prefetch("warranty_decision", queryset=decisions))


# summaries_prefetch's decisions by ticket ids, compiled once (core.compiled): the Prefetch machinery and the
# ORM's compiling of the same statement were ~5,500 Python calls an API list page.
_SUMMARY_DECISIONS = IdsQuery(lambda ids: WarrantyDecision.objects.filter(ticket_id__in=ids).select_related(
    "policy").only(*SUMMARY_FIELDS))


def summaries_load(tickets: list) -> None:
    """What summaries_prefetch attaches, from one query: each ticket's decision in the reverse one-to-one's
    cache (None when it has none: the accessor then raises, as after a prefetch), the ticket in the decision's."""
    by_ticket = {decision.ticket_id: decision for decision in _SUMMARY_DECISIONS.objects([t.pk for t in tickets])}
    field = WarrantyDecision._meta.get_field("ticket")
    for ticket in tickets:
        decision = by_ticket.get(ticket.pk)
        field.remote_field.set_cached_value(ticket, decision)
        if decision is not None:
            field.set_cached_value(decision, ticket)


SUMMARY = WarrantySummaryOutput()  # stateless: one instance serves every request


def summary_represent(ticket, tz) -> dict | None:
    decision = getattr(ticket, "warranty_decision", None)  # a missing reverse one-to-one raises AttributeError
    return SUMMARY.represent(decision) if decision is not None else None


def summary_output_field():
    # The 三包 decision stored at registration (prefetched by summaries_prefetch); null if none.
    return WarrantySummaryOutput(source="warranty_decision", read_only=True, allow_null=True)
