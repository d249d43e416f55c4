"""From what the desk recorded to the engine's Facts: pure functions, no database.

- has_invoice: an invoice number or an invoice date was recorded; has_warranty_card: a card number.
- purchase_date: the purchase date, else the invoice date.
- The device's history (warranty.selectors.device_prior_tickets) supplies, for the same component:
  exchanged_on — the latest day a replacement was handed over (an exchange solution, or a manager's
  override that marked it); prior_repairs_same_fault — closed repair tickets since that exchange (or
  since the purchase) whose decision recorded the same fault kind; repair_days — the days those closed
  repairs took, registration day to closing day, counted like periods (the first day not counted).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import fields
from datetime import date
from typing import Any

from .rules import MAIN_UNIT, Decision, Facts


def _exchanged_on(history: Iterable, component: str, purchase_date: date | None, report_date: date) -> date | None:
    days = [row.exchanged_on for row in history
            if row.exchanged_on and (row.component or MAIN_UNIT) == component and row.exchanged_on <= report_date
            and (purchase_date is None or row.exchanged_on >= purchase_date)]
    return max(days, default=None)


def history_facts(history: Iterable, *, fault: str, component: str, purchase_date: date | None,
                  report_date: date) -> dict[str, Any]:
    history = list(history)
    exchanged_on = _exchanged_on(history, component, purchase_date, report_date)
    since = exchanged_on or purchase_date
    repairs = [row for row in history
               if row.kind == "repair" and row.closed_on is not None and row.exchanged_on is None
               and (row.component or MAIN_UNIT) == component and (since is None or row.created_on >= since)]
    return {
        "exchanged_on": exchanged_on,
        "prior_repairs_same_fault": sum(1 for row in repairs if row.fault == fault),
        "repair_days": sum(max((row.closed_on - row.created_on).days, 0) for row in repairs),
    }


def facts_from_intake(*, device: Mapping[str, Any], fault: str, documents_altered: bool, report_date: date,
                      history: Iterable = ()) -> Facts:
    """`device`: the intake's device fields (category, component, purchase_date, invoice_number, …)."""
    component = device.get("component") or MAIN_UNIT
    purchase_date = device.get("purchase_date") or device.get("invoice_date")
    return Facts(
        category=device["category"], component=component, purchase_date=purchase_date, report_date=report_date,
        fault=fault, has_invoice=bool(device.get("invoice_number") or device.get("invoice_date")),
        has_warranty_card=bool(device.get("warranty_card_number")), documents_altered=bool(documents_altered),
        factory_date=device.get("factory_date"), sold_online=bool(device.get("sold_online")),
        **history_facts(history, fault=fault, component=component, purchase_date=purchase_date,
                        report_date=report_date),
    )


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


# Facts holds plain values only: dataclasses.asdict's recursive deep copy was ~300 Python calls of every create.
_FACT_NAMES = tuple(field.name for field in fields(Facts))


def facts_as_json(facts: Facts) -> dict[str, Any]:
    return {name: _iso(getattr(facts, name)) for name in _FACT_NAMES}


def remedies_as_json(decision: Decision) -> list[dict[str, Any]]:
    return [{"remedy": o.remedy, "until": _iso(o.until), "charge": o.charge,
             "missing_documents": list(o.missing_documents)} for o in decision.remedies]


def reasons_as_json(decision: Decision) -> list[dict[str, str]]:
    return [{"code": r.code, "message_zh": r.message_zh, "message_en": r.message_en, "rule": r.rule}
            for r in decision.reasons]


def decision_as_json(decision: Decision) -> dict[str, Any]:
    return {"remedies": remedies_as_json(decision), "missing_documents": list(decision.missing_documents),
            "reasons": reasons_as_json(decision)}
