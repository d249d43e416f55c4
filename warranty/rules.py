"""三包 decisions: a pure function of the case's facts and one frozen policy snapshot (STYLE §2).

No Django, no clock: `report_date` is an argument and the caller stores the decision with the
policy version that made it, so a later policy change never rewrites history.

Judgement calls, each pinned by a table test in tests/rules/test_warranty_rules.py:
- Periods run from the purchase date when the documents in `policy.start_documents` are
  presented (shipped: the invoice alone proves the date); otherwise from the factory date plus
  `factory_date_grace` — for phones at least the 90 days the 2001 regulation sets
  (以出厂日期后的第90日为三包有效期的起始日期), whatever the policy says. A start the sale does not
  prove gives free repair only (an accessory is still exchanged, its only remedy): the return and
  exchange periods count from the sale.
- A remedy that still needs a document is offered with that document listed as missing: the
  desk tells the customer what to bring, it does not refuse outright. The decision's
  `missing_documents` also names the invoice or card the customer lacks when bringing it would
  open a remedy that is not offered now (the same case decided with both documents in hand).
- A period's last day that is a statutory rest day moves to the day after the rest
  (`RestDays`, passed in: the caller loads the calendar; the rule never reads one).
- "appearance" (scratches, worn housing) is not a 性能故障: the national fault tables (seed 000
  lists the exchange conditions "外壳不能有任何磨损") give no return or exchange for it and the
  housing is not a warranted part, so it is paid repair. Cracks from structure or material are
  performance faults and must be reported as such. A no-reason return, where the policy has
  one, still applies: it needs no fault at all.
- A repair is overdue only when it took *more than* `repair_overdue_exchange_days` (seed 001
  "超过30日未修好"; 《民法典》第一千二百五十九条: "超过" excludes the number itself).
- The charge is what the customer bears: a no-reason return is "paid" because the customer
  pays the return shipping (消保法第二十五条, seed 001 "退货运费由客户承担").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal, get_args

from warranty.messages import MESSAGES
from warranty.periods import NO_REST_DAYS, Period, RestDays, after_rest, end_of, extend, is_within

__all__ = [
    "ComponentRule", "Decision", "Facts", "NO_REST_DAYS", "Period", "Reason", "RemedyOption", "RestDays",
    "WarrantyPolicySnapshot", "decide",
]

Remedy = Literal["return", "exchange", "repair"]
Charge = Literal["free", "paid"]
Fault = Literal["performance", "appearance", "misuse", "water", "unauthorised_repair",
                "force_majeure", "none"]
REMEDIES: tuple[str, ...] = get_args(Remedy)
FAULTS: frozenset[str] = frozenset(get_args(Fault))
EXCLUDED_FAULTS: tuple[str, ...] = ("misuse", "water", "unauthorised_repair", "force_majeure")
MAIN_UNIT = "main_unit"
# The only documents the facts can vouch for; anything else a policy requires (packaging,
# accessories) is handed over with the goods and therefore always listed as still needed.
KNOWN_DOCUMENTS: tuple[str, ...] = ("invoice", "warranty_card")
# The law's floor, whatever a policy's own grace: without invoice and card a phone's periods start on
# the 90th day after the factory date (《移动电话机商品修理更换退货责任规定》, 2001).
STATUTORY_FACTORY_GRACE: Mapping[str, Period] = {"phone": Period(90, "day")}


@dataclass(frozen=True, kw_only=True)
class Facts:
    """What the desk knows about one request. Field names are the REST API's names.
    `category` chose the policy (the caller's job) and is kept for the record; decide() does
    not read it."""

    category: str
    component: str = MAIN_UNIT
    purchase_date: date | None  # the delivery date for goods sent to the customer
    report_date: date
    fault: Fault  # "none": a no-reason return request, nothing is broken
    has_invoice: bool
    has_warranty_card: bool
    documents_altered: bool = False
    factory_date: date | None = None
    prior_repairs_same_fault: int = 0
    repair_days: int = 0  # days spent in repair during the current period (after any exchange)
    exchanged_on: date | None = None  # this item is itself a replacement handed over that day
    sold_online: bool = False


@dataclass(frozen=True)
class ComponentRule:
    """Periods for one component; None means the remedy does not exist for it (an earphone
    is exchanged, never returned or repaired)."""

    component: str
    return_period: Period | None = None
    exchange_period: Period | None = None
    repair_period: Period | None = None

    def __post_init__(self) -> None:
        if not (self.return_period or self.exchange_period or self.repair_period):
            raise ValueError(f"component {self.component!r} has no period at all")


@dataclass(frozen=True, kw_only=True)
class WarrantyPolicySnapshot:
    """One version of a warranty policy, copied out of the database. Treat as read-only."""

    code: str
    version: int
    category: str
    name: str
    components: Mapping[str, ComponentRule]
    no_reason_return: Period | None = None
    no_reason_online_only: bool = True
    repeat_repair_exchange_after: int | None = None
    repair_overdue_exchange_days: int | None = None
    repair_time_extends: bool = True
    exchange_restarts: bool = True
    factory_date_grace: Period | None = None
    start_documents: tuple[str, ...] = KNOWN_DOCUMENTS
    required_documents: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    citations: Mapping[str, str] = field(default_factory=dict)  # reason code → rule cited

    def __post_init__(self) -> None:
        for key, rule in self.components.items():
            if key != rule.component:
                raise ValueError(f"{self.code}: component key {key!r} != {rule.component!r}")
        if unknown := set(self.required_documents) - set(REMEDIES):
            raise ValueError(f"{self.code}: required_documents for unknown remedies {unknown}")
        if unknown := set(self.start_documents) - set(KNOWN_DOCUMENTS):
            raise ValueError(f"{self.code}: start_documents must be among {KNOWN_DOCUMENTS}")
        for name in ("repeat_repair_exchange_after", "repair_overdue_exchange_days"):
            if (value := getattr(self, name)) is not None and value < 1:
                raise ValueError(f"{self.code}: {name} must be None or ≥ 1")

    def cite(self, code: str) -> str:
        return self.citations.get(code) or f"{self.name}（{self.code} v{self.version}）"


@dataclass(frozen=True)
class RemedyOption:
    remedy: Remedy
    until: date | None  # last day (inclusive) the customer may choose it; None: no deadline
    charge: Charge
    missing_documents: tuple[str, ...] = ()  # what this remedy still needs handed over


@dataclass(frozen=True)
class Reason:
    code: str
    message_zh: str
    message_en: str
    rule: str


@dataclass(frozen=True)
class Decision:
    remedies: tuple[RemedyOption, ...]
    missing_documents: tuple[str, ...]
    reasons: tuple[Reason, ...]

    @property
    def reason_codes(self) -> tuple[str, ...]:
        return tuple(reason.code for reason in self.reasons)


def _reason(policy: WarrantyPolicySnapshot, code: str, **values: object) -> Reason:
    zh, en = MESSAGES[code]
    return Reason(code, zh.format(**values), en.format(**values), policy.cite(code))


def _validate(facts: Facts, policy: WarrantyPolicySnapshot) -> ComponentRule:
    if facts.fault not in FAULTS:
        raise ValueError(f"unknown fault {facts.fault!r}; expected one of {sorted(FAULTS)}")
    if facts.prior_repairs_same_fault < 0 or facts.repair_days < 0:
        raise ValueError("prior_repairs_same_fault and repair_days cannot be negative")
    for label in ("purchase_date", "factory_date", "exchanged_on"):
        if (day := getattr(facts, label)) is not None and day > facts.report_date:
            raise ValueError(f"report_date {facts.report_date} is before {label} {day}")
    if facts.exchanged_on and facts.purchase_date and facts.exchanged_on < facts.purchase_date:
        raise ValueError(f"exchanged_on {facts.exchanged_on} is before the purchase date")
    if facts.component not in policy.components:
        raise ValueError(f"policy {policy.code} has no rule for component {facts.component!r}")
    return policy.components[facts.component]


def _presented(facts: Facts) -> frozenset[str]:
    return frozenset(name for name, shown in (("invoice", facts.has_invoice),
                                              ("warranty_card", facts.has_warranty_card)) if shown)


def _exclusions(facts: Facts) -> list[str]:
    codes = [f"excluded.{facts.fault}"] if facts.fault in EXCLUDED_FAULTS else []
    return codes + (["excluded.documents_altered"] if facts.documents_altered else [])


def _period_start(facts: Facts, policy: WarrantyPolicySnapshot, reasons: list[Reason]
                  ) -> tuple[date | None, bool]:
    """The day the periods count from (None when nothing can be proven), and whether the sale
    itself proves it (False: the factory date, free repair only)."""
    if policy.exchange_restarts and facts.exchanged_on is not None:
        # Our own exchange record proves the date (换货后的三包有效期自换货之日起重新计算).
        reasons.append(_reason(policy, "exchange.new_period", exchanged_on=facts.exchanged_on))
        return facts.exchanged_on, True
    if facts.purchase_date is not None and set(policy.start_documents) <= _presented(facts):
        return facts.purchase_date, True
    if facts.factory_date is None:
        reasons.append(_reason(policy, "no_invoice.no_factory_date"))
        return None, False
    graces = (policy.factory_date_grace, STATUTORY_FACTORY_GRACE.get(policy.category))
    start = max((end_of(facts.factory_date, grace) for grace in graces if grace),
                default=facts.factory_date)
    reasons.append(_reason(policy, "no_invoice.factory_date", factory_date=facts.factory_date,
                           start=start))
    return start, False


def _warranty_options(facts: Facts, policy: WarrantyPolicySnapshot, rule: ComponentRule,
                      start: date, reasons: list[Reason], *, rest_days: RestDays = NO_REST_DAYS,
                      repair_only: bool = False) -> list[RemedyOption]:
    """Free remedies for a performance fault, each with its own last day. `repair_only`: the
    sale does not prove the start, so no return or exchange of the product (an accessory, which
    has no repair, keeps its exchange)."""
    days_in_repair = facts.repair_days if policy.repair_time_extends else 0
    if days_in_repair:
        reasons.append(_reason(policy, "repair_time.extended", days=days_in_repair))
    accessory = rule.repair_period is None
    periods = (("return", None if repair_only else rule.return_period),
               ("exchange", None if repair_only and not accessory else rule.exchange_period),
               ("repair", rule.repair_period))
    calendar_ends = {remedy: extend(end_of(start, period), days_in_repair)
                     for remedy, period in periods if period is not None}
    ends = {remedy: after_rest(end, rest_days) for remedy, end in calendar_ends.items()}
    moved: set[date] = set()

    def offer(remedy: str, code: str, until: date, **values: object) -> None:
        options.append(RemedyOption(remedy, until, "free"))
        reasons.append(_reason(policy, code, until=until, **values))
        if (last_day := calendar_ends[remedy]) != until and last_day not in moved:
            moved.add(last_day)
            reasons.append(_reason(policy, "period.after_rest", last_day=last_day, until=until))

    report, options = facts.report_date, []
    if "return" in ends and is_within(report, ends["return"]):
        offer("return", "return.within_period", ends["return"])
    if "exchange" in ends and is_within(report, ends["exchange"]):
        offer("exchange", "accessory.exchange" if accessory and facts.component != MAIN_UNIT
              else "exchange.within_period", ends["exchange"], component=facts.component)
    if "repair" in ends and is_within(report, ends["repair"]):
        until = ends["repair"]
        offer("repair", "repair.free_within_period", until)
        threshold = None if repair_only else policy.repeat_repair_exchange_after
        if threshold is not None and facts.prior_repairs_same_fault >= threshold:
            options.append(RemedyOption("exchange", until, "free"))
            reasons.append(_reason(policy, "repeat_repair.exchange",
                                   repairs=facts.prior_repairs_same_fault, until=until))
        limit = None if repair_only else policy.repair_overdue_exchange_days
        if limit is not None and facts.repair_days > limit:
            options.append(RemedyOption("exchange", until, "free"))
            reasons.append(_reason(policy, "repair_overdue.exchange", days=facts.repair_days,
                                   limit=limit, until=until))
    if not options and ends:
        reasons.append(_reason(policy, "expired", until=max(ends.values())))
    return options


def _no_reason_return(facts: Facts, policy: WarrantyPolicySnapshot
                      ) -> tuple[RemedyOption | None, Reason]:
    """The no-reason return (消保法第二十五条 / a merchant's promise), or why there is none.

    It counts from the purchase (delivery) date on the order, not from the 三包 start: it is
    about the sale, so neither repairs nor exchanges move it.
    """
    period = policy.no_reason_return
    if period is None:
        return None, _reason(policy, "no_reason.not_offered")
    if policy.no_reason_online_only and not facts.sold_online:
        return None, _reason(policy, "no_reason.offline_sale")
    if facts.purchase_date is None:
        return None, _reason(policy, "no_reason.no_purchase_date")
    until = end_of(facts.purchase_date, period)
    if not is_within(facts.report_date, until):
        return None, _reason(policy, "no_reason.expired", until=until)
    return RemedyOption("return", until, "paid"), _reason(policy, "no_reason.return", until=until)


def _merge(options: list[RemedyOption]) -> list[RemedyOption]:
    """One free option per remedy (the latest deadline); a paid one only if it outlasts it."""
    best: dict[tuple[str, str], RemedyOption] = {}
    for option in options:
        key = (option.remedy, option.charge)
        current = best.get(key)
        if current is None or (option.until or date.max) > (current.until or date.max):
            best[key] = option
    merged = []
    for (remedy, charge), option in best.items():
        free = best.get((remedy, "free"))
        if charge == "paid" and free is not None and (
                free.until is None or (option.until is not None and option.until <= free.until)):
            continue
        merged.append(option)
    return sorted(merged, key=lambda o: (REMEDIES.index(o.remedy), o.charge != "free"))


def _with_documents(options: list[RemedyOption], facts: Facts,
                    policy: WarrantyPolicySnapshot) -> tuple[RemedyOption, ...]:
    presented = _presented(facts)
    result = []
    for option in options:
        if option.remedy == "repair" and option.charge == "paid":
            result.append(option)  # a paid service needs no proof of entitlement
            continue
        required = policy.required_documents.get(option.remedy, ())
        missing = tuple(doc for doc in required if doc not in presented)
        result.append(RemedyOption(option.remedy, option.until, option.charge, missing))
    return tuple(result)


def _decision(options: list[RemedyOption], reasons: list[Reason], facts: Facts,
              policy: WarrantyPolicySnapshot, would_open: tuple[str, ...] = ()) -> Decision:
    remedies = _with_documents(_merge(options), facts, policy)
    missing = tuple(dict.fromkeys([*(doc for option in remedies for doc in option.missing_documents),
                                   *would_open]))
    return Decision(remedies=remedies, missing_documents=missing, reasons=tuple(reasons))


def _documents_that_would_open(facts: Facts, policy: WarrantyPolicySnapshot, rule: ComponentRule,
                               rest_days: RestDays, proven: bool) -> tuple[str, ...]:
    """The invoice or card the customer lacks that a remedy needs — decided again as if both were
    handed over (bought on the day claimed, or today when no day is claimed) — so the desk names
    them even when only a lesser remedy is offered now."""
    presented = _presented(facts)
    lacking = [doc for doc in KNOWN_DOCUMENTS if doc not in presented]
    if not lacking:
        return ()
    shown = replace(facts, has_invoice=True, has_warranty_card=True,
                    purchase_date=facts.purchase_date or facts.report_date)
    start, shown_proven = _period_start(shown, policy, [])
    if start is None:
        return ()
    options = _warranty_options(shown, policy, rule, start, [], rest_days=rest_days,
                                repair_only=not shown_proven)
    needed = {doc for option in options for doc in policy.required_documents.get(option.remedy, ())}
    if options and not proven:
        needed |= set(policy.start_documents)  # what proves the date opens the periods themselves
    return tuple(doc for doc in lacking if doc in needed)


PAID_REPAIR = RemedyOption("repair", None, "paid")


def decide(facts: Facts, policy: WarrantyPolicySnapshot,
           rest_days: RestDays = NO_REST_DAYS) -> Decision:
    """The remedies the customer may choose, their deadlines and charges, the documents
    still needed, and why. `rest_days`: the statutory rest days a last day moves past (none by
    default: calendar dates). Raises ValueError for impossible facts (e.g. reported before
    purchase) or a component the policy does not cover."""
    rule = _validate(facts, policy)
    excluded = _exclusions(facts)
    reasons = [_reason(policy, code) for code in excluded]
    if facts.fault == "none":  # a no-reason return request: there is nothing to repair
        if excluded:
            return _decision([], reasons, facts, policy)
        option, why = _no_reason_return(facts, policy)
        return _decision([option] if option else [], [why], facts, policy)
    if excluded:
        return _decision([PAID_REPAIR], reasons, facts, policy)

    options: list[RemedyOption] = []
    would_open: tuple[str, ...] = ()
    if facts.fault == "appearance":  # no 三包 remedy at all, so no period to explain either
        reasons.append(_reason(policy, "appearance.not_covered"))
    else:
        start, proven = _period_start(facts, policy, reasons)
        if start is not None:
            options += _warranty_options(facts, policy, rule, start, reasons, rest_days=rest_days,
                                         repair_only=not proven)
        would_open = _documents_that_would_open(facts, policy, rule, rest_days, proven)
    no_reason, why = _no_reason_return(facts, policy)
    if no_reason is not None and no_reason in _merge(options + [no_reason]):
        options.append(no_reason)
        reasons.append(why)
    if not any(option.charge == "free" for option in options):
        options.append(PAID_REPAIR)
    return _decision(options, reasons, facts, policy, would_open)
