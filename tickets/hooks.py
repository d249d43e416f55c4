"""The hooks port: how other apps take part in a ticket's life while `tickets` imports none of them.

tickets owns the port; every other app plugs in from its `AppConfig.ready()` (see ARCHITECTURE.md):

- **effects**: `created`, `transitioned`, `updated` — called by tickets.services inside the same
  transaction as the change, so a step and everything it causes commit or roll back together;
- **guards** per action — may refuse a step (raise ApplicationError) before anything is written;
- **panels** on the ticket page — a template and a context function (the app's own selectors);
- **intake** — the fields another app adds to registration (the 三包 facts, a complaint's promise);
- **rows** — what lists and the API show of other apps (SLA clocks, the 三包 summary, filters);
- **customer facts** — what the customer may be told of other apps (the visit window, the refund).

Mechanism: a small typed registry rather than Django signals, because
1. the order of effects matters (三包 is decided before the SLA policy is picked; the callback is due
   before the completion notice looks for it) and a signal runs receivers in connection order, that is
   the order apps happen to be imported — invisible to a reader. Here the order is the tuple
   `EFFECT_ORDER` below, a test pins it, and an app missing from it cannot register;
2. every hook has a typed signature (Protocols below) instead of `**kwargs`;
3. guards, panels and intake need answers back (a refusal, a context, fields), which signals do not give.
Registration is idempotent per (app, hook), so a second `ready()` (tests, autoreload) adds nothing.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

# The one place that says in which order apps react to a ticket change. Read top to bottom:
EFFECT_ORDER: tuple[str, ...] = (
    "warranty",    # created: the 三包 decision is recorded first, with its policy version
    "sla",         # the policy is picked and clocks start, stop, pause or resume with the step
    "webhooks",    # partner webhook rows now, sent after commit
    "callbacks",   # solve → a callback is due; a complaint gets / keeps its promised answer time
    "fieldservice",  # cancel → the ticket's open visits are cancelled (after callbacks, before the notice)
    "progress",    # closed after a confirmed callback → the customer's completion notice
    "refunds",     # a return/refund solution → a refund due in 7 working days
)
# The cards of the ticket page, top to bottom (a page layout, hence its own order).
PANEL_ORDER: tuple[str, ...] = ("sla", "warranty", "attachments", "fieldservice", "callbacks", "refunds",
                                "progress")  # last, above the timeline: messages to the customer (issue 15)
# The groups of fields reception fills in after the ticket's own, in the order of the call.
INTAKE_ORDER: tuple[str, ...] = ("warranty", "callbacks")
# What a ticket in a list or the API carries of other apps, in the order of TicketOutput's keys.
ROW_ORDER: tuple[str, ...] = ("sla", "warranty")
# What the customer may be told of other apps (the progress page, the placeholders of a message), merged in
# this order: the planned on-site visit, then the refund.
FACT_ORDER: tuple[str, ...] = ("fieldservice", "refunds")


class CreatedHook(Protocol):
    def __call__(self, *, ticket: Any, at: datetime, actor: Any, extras: Mapping[str, Any]) -> None: ...


class CreatingHook(Protocol):
    """Before the ticket's row is inserted: may set columns on the unsaved ticket (sla: `next_due_at`, so the
    row is written once, not inserted then updated). Reads only; the `created` hook still writes the rows."""

    def __call__(self, *, ticket: Any, at: datetime) -> None: ...


class TransitionedHook(Protocol):
    def __call__(self, *, ticket: Any, action: str, from_status: str, at: datetime, actor: Any) -> None: ...


class UpdatedHook(Protocol):
    def __call__(self, *, ticket: Any, changes: Mapping[str, Any], at: datetime, actor: Any) -> None: ...


class Guard(Protocol):
    """Raises core.errors.ApplicationError to refuse `action` on `ticket`; returns None to allow it."""

    def __call__(self, *, ticket: Any, action: str, data: Mapping[str, Any]) -> None: ...


class CustomerFacts(Protocol):
    """Plain values about one ticket that the customer may see (no internal notes): a few keys of the app's
    own, e.g. fieldservice → visit_start/visit_end, refunds → refund_state/refund_amount. One query at most,
    reading only `ticket.pk`: the public lookup asks on a miss too (an id no row has), so a hit and a miss
    cost the same queries."""

    def __call__(self, *, ticket: Any) -> Mapping[str, Any]: ...


@dataclass(frozen=True)
class Panel:
    """A card on the ticket page: `context(request=, ticket=)` returns the template's context, or None
    to show nothing. The context function reads through the app's selectors; the template only formats."""

    template: str
    context: Callable[..., Mapping[str, Any] | None]
    # The page's query budget (ARCHITECTURE.md): `exists()` is an Exists() over the app's rows of
    # OuterRef("pk"); the page's one ticket query carries it as `has_<app>`, and the context skips its own
    # query when that is False (getattr(ticket, "has_<app>", True): elsewhere the ticket is not annotated).
    exists: Callable[[], Any] | None = None


@dataclass(frozen=True)
class Intake:
    """Fields another app adds to registration. The form's and the API's values reach the app's
    `created` hook as `extras[<app>]`, inside ticket_create's transaction.

    - form_fields(): name → form field, appended to the intake form in this order;
    - form_value(cleaned): the form's cleaned data → extras value (None: nothing);
    - form_errors(cleaned): cross-field problems, field → message;
    - api_field(): the nested input of the create API under the app's name (None: form only);
    - api_errors(attrs): problems of the validated API input, as DRF's ValidationError detail;
    - template: included by tickets/new.html after the device fields ("" for none);
    - kinds: field → the ticket kinds it belongs to (a complaint's promise): the form shows it only for
      them (hidden and disabled otherwise, so no Tab stop) and ignores it for any other kind."""

    form_fields: Callable[[], Mapping[str, Any]]
    form_value: Callable[[Mapping[str, Any]], Any]
    form_errors: Callable[[Mapping[str, Any]], Mapping[str, Any]] = lambda cleaned: {}
    api_field: Callable[[], Any] | None = None
    api_errors: Callable[[Mapping[str, Any]], Mapping[str, Any]] = lambda attrs: {}
    template: str = ""
    kinds: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Rows:
    """What lists and the API show of another app, for many tickets at once (constant queries):

    - load(tickets): attaches the app's data to each ticket of a page (one query or a prefetch);
    - prefetch(queryset): adds prefetches / joins to a list queryset, returns it;
    - output_field(): the serializer field documenting `output_key` in TicketOutput's schema;
    - represent(ticket, tz): the JSON value of `output_key` for one ticket (the fast path);
    - filter(queryset, filters): narrows a ticket queryset by the app's own filter keys."""

    output_key: str = ""
    output_field: Callable[[], Any] | None = None
    represent: Callable[[Any, Any], Any] | None = None
    load: Callable[[list], None] | None = None
    prefetch: Callable[[Any], Any] | None = None
    filter: Callable[[Any, Mapping[str, Any]], Any] | None = None


@dataclass
class _Registry:
    created: dict[str, CreatedHook] = field(default_factory=dict)
    creating: dict[str, CreatingHook] = field(default_factory=dict)
    transitioned: dict[str, TransitionedHook] = field(default_factory=dict)
    updated: dict[str, UpdatedHook] = field(default_factory=dict)
    guards: dict[str, dict[str, Guard]] = field(default_factory=dict)  # action → app → guard
    panels: dict[str, Panel] = field(default_factory=dict)
    intake: dict[str, Intake] = field(default_factory=dict)
    rows: dict[str, Rows] = field(default_factory=dict)
    facts: dict[str, CustomerFacts] = field(default_factory=dict)


_registry = _Registry()


def _check(app: str, order: tuple[str, ...], what: str) -> None:
    if app not in order:
        raise LookupError(f"tickets.hooks: {app!r} is not in {what}; declare its place there first")


def _ordered(entries: Mapping[str, Any], order: tuple[str, ...]) -> list:
    return [entries[app] for app in order if app in entries]


# ---- registration (from AppConfig.ready) -------------------------------------------------------------

def on_creating(app: str, hook: CreatingHook) -> None:
    _check(app, EFFECT_ORDER, "EFFECT_ORDER")
    _registry.creating[app] = hook


def on_created(app: str, hook: CreatedHook) -> None:
    _check(app, EFFECT_ORDER, "EFFECT_ORDER")
    _registry.created[app] = hook


def on_transitioned(app: str, hook: TransitionedHook) -> None:
    _check(app, EFFECT_ORDER, "EFFECT_ORDER")
    _registry.transitioned[app] = hook


def on_updated(app: str, hook: UpdatedHook) -> None:
    _check(app, EFFECT_ORDER, "EFFECT_ORDER")
    _registry.updated[app] = hook


def guard(app: str, actions: tuple[str, ...], hook: Guard) -> None:
    for action in actions:
        _registry.guards.setdefault(action, {})[app] = hook


def panel(app: str, template: str, context: Callable[..., Mapping[str, Any] | None],
          exists: Callable[[], Any] | None = None) -> None:
    _check(app, PANEL_ORDER, "PANEL_ORDER")
    _registry.panels[app] = Panel(template=template, context=context, exists=exists)


def intake(app: str, extension: Intake) -> None:
    _check(app, INTAKE_ORDER, "INTAKE_ORDER")
    _registry.intake[app] = extension


def rows(app: str, extension: Rows) -> None:
    _check(app, ROW_ORDER, "ROW_ORDER")
    _registry.rows[app] = extension


def customer_facts(app: str, provider: CustomerFacts) -> None:
    _check(app, FACT_ORDER, "FACT_ORDER")
    _registry.facts[app] = provider


# ---- calls (from tickets) ---------------------------------------------------------------------------

def run_creating(*, ticket, at: datetime) -> None:
    for hook in _ordered(_registry.creating, EFFECT_ORDER):
        hook(ticket=ticket, at=at)


def run_created(*, ticket, at: datetime, actor, extras: Mapping[str, Any] | None = None) -> None:
    extras = extras or {}
    for hook in _ordered(_registry.created, EFFECT_ORDER):
        hook(ticket=ticket, at=at, actor=actor, extras=extras)


def run_transitioned(*, ticket, action: str, from_status: str, at: datetime, actor) -> None:
    for hook in _ordered(_registry.transitioned, EFFECT_ORDER):
        hook(ticket=ticket, action=action, from_status=from_status, at=at, actor=actor)


def run_updated(*, ticket, changes: Mapping[str, Any], at: datetime, actor) -> None:
    for hook in _ordered(_registry.updated, EFFECT_ORDER):
        hook(ticket=ticket, changes=changes, at=at, actor=actor)


def run_guards(*, ticket, action: str, data: Mapping[str, Any]) -> None:
    for hook in _registry.guards.get(action, {}).values():
        hook(ticket=ticket, action=action, data=data)


def panels() -> list[Panel]:
    return _ordered(_registry.panels, PANEL_ORDER)


def panel_annotations() -> dict[str, Any]:
    """`has_<app>` → Exists(): what the ticket page's ticket query carries for the panels that declare it."""
    return {f"has_{app}": _registry.panels[app].exists() for app in PANEL_ORDER
            if app in _registry.panels and _registry.panels[app].exists is not None}


def intakes() -> list[tuple[str, Intake]]:
    return [(app, _registry.intake[app]) for app in INTAKE_ORDER if app in _registry.intake]


def row_extensions() -> list[Rows]:
    return _ordered(_registry.rows, ROW_ORDER)


def facts_for_customer(*, ticket) -> dict[str, Any]:
    """Every registered app's customer facts about `ticket`, merged in FACT_ORDER (read by progress)."""
    merged: dict[str, Any] = {}
    for provider in _ordered(_registry.facts, FACT_ORDER):
        merged.update(provider(ticket=ticket))
    return merged


def effect_order() -> dict[str, list[str]]:
    """Which apps react to each change, in the order they run (pinned by tests/tickets/test_hooks.py)."""
    return {name: [app for app in EFFECT_ORDER if app in entries] for name, entries in (
        ("created", _registry.created), ("transitioned", _registry.transitioned), ("updated", _registry.updated))}
