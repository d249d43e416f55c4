"""Rules of the on-site visit. Pure: values in, problems out (field → Problem), no models, no clock.

Seed 003: no fee without the customer agreeing to it (5.1.3, 5.2.4); charged parts are written down with
name, spec, quantity and reason (5.2.8.2); the customer signs only after the service (5.2.2)."""
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from tickets.engineering.rules import Problem, refusal

CENT = Decimal("0.01")
MAX_WINDOW = timedelta(hours=12)
CLOCK_SKEW = timedelta(minutes=2)  # a phone a little ahead of the server is not "the future"


def money(value) -> Decimal:
    """The one place money is rounded: to the fen, half up."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class FeeState:
    quote: Decimal | None
    approved_amount: Decimal | None
    charged_parts_total: Decimal

    @property
    def approved(self) -> bool:
        return self.quote is not None and self.approved_amount == self.quote

    @property
    def payable(self) -> bool:
        return self.quote is not None and self.quote > 0


def window_problems(*, start: datetime | None, end: datetime | None) -> dict[str, Problem]:
    if start is None or end is None:
        return {}
    if end <= start:
        return {"window_end": Problem("window_order", _("The window must end after it starts."))}
    if end - start > MAX_WINDOW:
        return {"window_end": Problem("window_too_long", _("Agree a window of at most 12 hours."))}
    return {}


def step_time_problems(*, at: datetime, after: datetime | None, now: datetime, field: str = "at") -> dict[str, Problem]:
    if at > now + CLOCK_SKEW:
        return {field: Problem("future", _("This time is in the future."))}
    if after is not None and at < after:
        return {field: Problem("out_of_order", _("This time is before the previous step."))}
    return {}


def part_problems(*, name: str, reason: str, quantity: int, charged: bool, unit_price: Decimal,
                  fee: FeeState) -> dict[str, Problem]:
    problems = {}
    if not (name or "").strip():
        problems["name"] = Problem("required", _("Name the part."))
    if not (reason or "").strip():
        problems["reason"] = Problem("required", _("Say why the part was replaced."))
    if quantity < 1:
        problems["quantity"] = Problem("invalid", _("At least one."))
    if unit_price < 0:
        problems["unit_price"] = Problem("invalid", _("A price cannot be negative."))
    elif charged and unit_price == 0:
        problems["unit_price"] = Problem("price_required", _("Enter the price of a charged part."))
    if charged and fee.approved and fee.payable:
        # The customer agreed to an amount; a new charged part needs a new quote and a new approval.
        problems["charged"] = refusal("fee_already_approved",
                                      _("The customer has approved the fee: quote again before adding a charged part."))
    return problems


def quote_problems(*, amount: Decimal, fee: FeeState) -> dict[str, Problem]:
    if amount < 0:
        return {"amount": Problem("invalid", _("A fee cannot be negative."))}
    if amount < fee.charged_parts_total:
        return {"amount": refusal("quote_below_parts",
                                  _("The fee is less than the charged parts (%(total)s).") % {"total": fee.charged_parts_total})}
    return {}


def quote_total(*, amount: Decimal | None, callout: Decimal | None, labour: Decimal | None,
                fee: FeeState) -> tuple[Decimal | None, dict[str, Problem]]:
    """The amount to quote and what is wrong with it. Itemised (a call-out fee or labour given), the quote is
    their sum plus the charged parts, so the printed form adds up; an amount typed as well must equal it.
    Not itemised, the amount alone is the quote, as before the items existed."""
    if callout is None and labour is None:
        if amount is None:
            return None, {"amount": Problem("required", _("Enter the fee, or the call-out fee and labour."))}
        return amount, quote_problems(amount=amount, fee=fee)
    for field, value in (("callout_fee", callout), ("labour_fee", labour)):
        if value is not None and value < 0:
            return None, {field: Problem("invalid", _("A fee cannot be negative."))}
    total = money((callout or 0) + (labour or 0) + fee.charged_parts_total)
    if amount is not None and amount != total:
        return total, {"amount": Problem("amount_not_items", _(
            "Call-out fee, labour and charged parts add up to %(total)s: quote that, or leave the total empty.")
            % {"total": total})}
    return total, {}


@dataclass(frozen=True)
class FeeLine:
    kind: str  # callout / part / labour / other
    label: str
    amount: Decimal
    quantity: int = 1
    unit_price: Decimal | None = None


def fee_lines(*, quote: Decimal | None, callout: Decimal | None, labour: Decimal | None,
              charged_parts: list[tuple[str, int, Decimal]], note: str = "") -> list[FeeLine]:
    """Every fee of a visit, one per line, as the printed form lists it: call-out fee, each charged part (name,
    quantity, unit price), labour, and "other" for the part of the quote no item explains (a quote typed as
    one amount). The lines add up to the quote."""
    lines = []
    if callout is not None:
        lines.append(FeeLine("callout", str(_("Call-out fee")), money(callout)))
    for name, quantity, unit_price in charged_parts:
        lines.append(FeeLine("part", name, money(unit_price * quantity), quantity, money(unit_price)))
    if labour is not None:
        lines.append(FeeLine("labour", str(_("Labour")), money(labour)))
    rest = money((quote or 0) - sum((line.amount for line in lines), Decimal("0")))
    if rest > 0:
        lines.append(FeeLine("other", note or str(_("Other")), rest))
    return lines


def approval_problems(*, amount: Decimal, customer_name: str, fee: FeeState) -> dict[str, Problem]:
    if not fee.payable:
        return {"amount": refusal("no_fee", _("There is no fee to approve: quote it first."))}
    if amount != fee.quote:
        # The customer approves the amount they were shown; a quote changed meanwhile is not approved.
        return {"amount": refusal("amount_mismatch",
                                  _("The quote is %(quote)s: show the customer the current amount.") % {"quote": fee.quote})}
    if not (customer_name or "").strip():
        return {"customer_name": Problem("required", _("Enter the name of the customer who approves."))}
    return {}


def completion_problems(*, fix: str, inspected: bool, has_parts: bool, old_parts_taken_back: bool | None,
                        fee: FeeState) -> dict[str, Problem]:
    problems = {}
    if not inspected:
        problems["inspect"] = refusal("not_inspected", _("Record what you heard, saw and checked first."))
    if not (fix or "").strip():
        problems["fix"] = Problem("required", _("Describe the work done."))
    if has_parts and old_parts_taken_back is None:
        problems["old_parts_taken_back"] = Problem("required", _("Say whether the old parts were brought back."))
    if fee.charged_parts_total > 0 and fee.quote is None:
        problems["fee"] = refusal("quote_missing", _("Charged parts need a fee quoted to the customer."))
    elif fee.payable and not fee.approved:
        problems["fee"] = refusal("fee_not_approved", _("The customer has not approved the fee."))
    return problems


def payment_problems(*, receipt_number: str, fee: FeeState) -> dict[str, Problem]:
    if not fee.payable:
        return {"receipt_number": refusal("no_fee", _("There is no fee to collect."))}
    if not fee.approved:
        return {"receipt_number": refusal("fee_not_approved",
                                          _("The customer has not approved the fee: no money may be taken."))}
    if not (receipt_number or "").strip():
        return {"receipt_number": Problem("required", _("Enter the receipt number."))}
    return {}


def confirmation_problems(*, customer_name: str, satisfied: bool | None) -> dict[str, Problem]:
    problems = {}
    if not (customer_name or "").strip():
        problems["customer_name"] = Problem("required", _("Enter the customer's name as signed."))
    if satisfied is None:
        problems["satisfied"] = Problem("required", _("Ask whether the customer is satisfied."))
    return problems
