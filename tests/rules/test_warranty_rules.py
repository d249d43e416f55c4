"""三包 decisions, boundaries first: the last day in and the first day out of every period.

Each row: policy, the facts that differ from a phone bought 2026-03-01 with invoice and card and
a performance fault, the exact remedies (remedy, last day, charge), the exact reason codes, and
the documents still missing.
"""

from dataclasses import replace
from datetime import date
from functools import partial

import pytest

from warranty.defaults import default_policy
from warranty.periods import Period
from warranty.messages import MESSAGES
from warranty.rules import ComponentRule, Facts, decide

d = partial(date, 2026)
PHONE, APPLIANCE, COMPUTER = (default_policy(c) for c in ("phone", "appliance", "computer"))
FURNITURE, ONLINE, ONLINE_30 = (default_policy(c) for c in ("furniture", "online", "online_30"))
# A policy with a one-month accessory, to pin month-end arithmetic inside decide().
ONE_MONTH = replace(PHONE, code="one_month", components={
    **PHONE.components, "earphones": ComponentRule("earphones", None, Period(1, "month"), None)})
PHONE_90_DAY_GRACE = replace(PHONE, factory_date_grace=Period(90, "day"))
NO_GRACE_PHONE = replace(PHONE, factory_date_grace=None)  # the 90 days are the law's, not the policy's
NO_NO_REASON = replace(FURNITURE, no_reason_return=None, no_reason_online_only=False)


def ret(until, charge="free"):
    return ("return", until, charge)


def exch(until):
    return ("exchange", until, "free")


def rep(until):
    return ("repair", until, "free")


PAID = ("repair", None, "paid")
PHONE_ALL = {ret(d(3, 8)), exch(d(3, 16)), rep(date(2027, 3, 1))}
ALL = {"return.within_period", "exchange.within_period", "repair.free_within_period"}
EX_REP = {"exchange.within_period", "repair.free_within_period"}
REP = {"repair.free_within_period"}
BOX = ("original_packaging", "accessories_complete")
FURNITURE_REPAIR_END = date(2027, 3, 1)


def facts(**changes) -> Facts:
    base = dict(category="phone", component="main_unit", purchase_date=d(3, 1),
                report_date=d(3, 8), fault="performance", has_invoice=True,
                has_warranty_card=True)
    return Facts(**{**base, **changes})


CASES = [
    # --- phone main unit: 7 / 15 days, 1 year -------------------------------------------
    pytest.param(PHONE, dict(report_date=d(3, 1)), PHONE_ALL, ALL, (), id="phone-purchase-day"),
    pytest.param(PHONE, dict(report_date=d(3, 8)), PHONE_ALL, ALL, (), id="phone-day-7-return"),
    pytest.param(PHONE, dict(report_date=d(3, 9)), {exch(d(3, 16)), rep(date(2027, 3, 1))},
                 EX_REP, (), id="phone-day-8-no-return"),
    pytest.param(PHONE, dict(report_date=d(3, 16)), {exch(d(3, 16)), rep(date(2027, 3, 1))},
                 EX_REP, (), id="phone-day-15-last-exchange"),
    pytest.param(PHONE, dict(report_date=d(3, 17)), {rep(date(2027, 3, 1))}, REP, (),
                 id="phone-day-16-repair-only"),
    pytest.param(PHONE, dict(report_date=date(2027, 3, 1)), {rep(date(2027, 3, 1))}, REP, (),
                 id="phone-last-repair-day"),
    pytest.param(PHONE, dict(report_date=date(2027, 3, 2)), {PAID}, {"expired"}, (),
                 id="phone-first-day-expired"),
    # --- phone accessories: exchanged within their own period, never returned -------------
    pytest.param(PHONE, dict(component="battery", report_date=d(3, 4)), {exch(d(9, 1))},
                 {"accessory.exchange"}, (), id="battery-day-3-exchange-not-return"),
    pytest.param(PHONE, dict(component="battery", report_date=d(9, 1)), {exch(d(9, 1))},
                 {"accessory.exchange"}, (), id="battery-last-day-6-months"),
    pytest.param(PHONE, dict(component="battery", report_date=d(9, 2)), {PAID}, {"expired"}, (),
                 id="battery-day-after"),
    pytest.param(PHONE, dict(component="earphones", report_date=d(6, 1)), {exch(d(6, 1))},
                 {"accessory.exchange"}, (), id="earphones-last-day-3-months"),
    pytest.param(PHONE, dict(component="earphones", report_date=d(6, 2)), {PAID}, {"expired"},
                 (), id="earphones-day-after"),
    pytest.param(PHONE, dict(component="charger", report_date=date(2027, 3, 1)),
                 {exch(date(2027, 3, 1))}, {"accessory.exchange"}, (), id="charger-last-day"),
    pytest.param(PHONE, dict(component="charger", report_date=date(2027, 3, 2)), {PAID},
                 {"expired"}, (), id="charger-day-after"),
    pytest.param(PHONE, dict(component="data_cable", report_date=date(2027, 3, 1)),
                 {exch(date(2027, 3, 1))}, {"accessory.exchange"}, (), id="data-cable-last-day"),
    pytest.param(PHONE, dict(component="data_cable", report_date=date(2027, 3, 2)), {PAID},
                 {"expired"}, (), id="data-cable-day-after"),
    pytest.param(PHONE, dict(component="battery", report_date=d(4, 1), has_warranty_card=False,
                             factory_date=d(2, 20)),
                 {exch(d(9, 1))}, {"accessory.exchange"},
                 ("warranty_card",), id="battery-invoice-proves-date-card-still-needed"),
    # --- leap days and month ends -----------------------------------------------------------
    pytest.param(PHONE, dict(purchase_date=date(2024, 2, 29), report_date=date(2025, 2, 28)),
                 {rep(date(2025, 2, 28))}, REP, (), id="leap-purchase-last-repair-day"),
    pytest.param(PHONE, dict(purchase_date=date(2024, 2, 29), report_date=date(2025, 3, 1)),
                 {PAID}, {"expired"}, (), id="leap-purchase-expired-03-01"),
    pytest.param(PHONE, dict(component="battery", purchase_date=date(2024, 2, 29),
                             report_date=date(2024, 8, 29)),
                 {exch(date(2024, 8, 29))}, {"accessory.exchange"}, (),
                 id="leap-purchase-battery-last-day"),
    pytest.param(PHONE, dict(component="battery", purchase_date=date(2024, 2, 29),
                             report_date=date(2024, 8, 30)),
                 {PAID}, {"expired"}, (), id="leap-purchase-battery-day-after"),
    pytest.param(PHONE, dict(component="battery", purchase_date=date(2025, 8, 31),
                             report_date=d(2, 28)),
                 {exch(d(2, 28))}, {"accessory.exchange"}, (), id="battery-aug-31-ends-feb-28"),
    pytest.param(PHONE, dict(component="battery", purchase_date=date(2025, 8, 31),
                             report_date=d(3, 1)),
                 {PAID}, {"expired"}, (), id="battery-aug-31-out-on-mar-1"),
    pytest.param(ONE_MONTH, dict(component="earphones", purchase_date=d(1, 31),
                                 report_date=d(2, 28)),
                 {exch(d(2, 28))}, {"accessory.exchange"}, (), id="jan-31-plus-month-feb-28"),
    pytest.param(ONE_MONTH, dict(component="earphones", purchase_date=d(1, 31),
                                 report_date=d(3, 1)),
                 {PAID}, {"expired"}, (), id="jan-31-plus-month-out-mar-1"),
    pytest.param(ONE_MONTH, dict(component="earphones", purchase_date=date(2024, 1, 31),
                                 report_date=date(2024, 2, 29)),
                 {exch(date(2024, 2, 29))}, {"accessory.exchange"}, (),
                 id="jan-31-plus-month-leap-feb-29"),
    pytest.param(PHONE, dict(component="earphones", purchase_date=date(2025, 11, 30),
                             report_date=d(2, 28)),
                 {exch(d(2, 28))}, {"accessory.exchange"}, (), id="earphones-nov-30-feb-28"),
    # --- the invoice alone proves the purchase date; the card is what a return/exchange needs --
    pytest.param(PHONE, dict(has_warranty_card=False, factory_date=d(2, 25), report_date=d(3, 1)),
                 PHONE_ALL, ALL, ("warranty_card",), id="invoice-without-card-statutory-remedies"),
    pytest.param(PHONE, dict(has_warranty_card=False, report_date=d(3, 17)),
                 {rep(date(2027, 3, 1))}, REP, (),
                 id="invoice-without-card-day-16-the-card-would-open-nothing"),
    pytest.param(FURNITURE, dict(category="furniture", has_warranty_card=False, report_date=d(3, 5)),
                 {ret(d(3, 31)), exch(d(4, 30)), rep(FURNITURE_REPAIR_END)}, ALL, ("warranty_card",),
                 id="furniture-invoice-without-card"),
    # --- without an invoice: the factory date + 90 days (phones), free repair only ---------------
    pytest.param(PHONE, dict(has_invoice=False, factory_date=d(1, 10), report_date=d(6, 1)),
                 {rep(date(2027, 4, 10))}, {"no_invoice.factory_date", *REP}, ("invoice",),
                 id="no-invoice-repair-from-factory-plus-90"),
    pytest.param(PHONE, dict(has_invoice=False, factory_date=d(1, 10), report_date=date(2027, 4, 10)),
                 {rep(date(2027, 4, 10))}, {"no_invoice.factory_date", *REP}, (),
                 id="factory-plus-90-last-day-in"),
    pytest.param(PHONE, dict(has_invoice=False, factory_date=d(1, 10), report_date=date(2027, 4, 11)),
                 {PAID}, {"no_invoice.factory_date", "expired"}, (), id="factory-plus-90-first-day-out"),
    pytest.param(NO_GRACE_PHONE, dict(has_invoice=False, factory_date=d(1, 10),
                                      report_date=date(2027, 4, 10)),
                 {rep(date(2027, 4, 10))}, {"no_invoice.factory_date", *REP}, (),
                 id="phone-90-days-is-the-law-whatever-the-policy-grace"),
    pytest.param(APPLIANCE, dict(category="appliance", has_invoice=False, factory_date=d(1, 10),
                                 report_date=date(2027, 1, 11)),
                 {PAID}, {"no_invoice.factory_date", "expired"}, ("invoice",),
                 id="appliance-no-grace-factory-period-over-the-invoice-would-help"),
    pytest.param(PHONE, dict(has_invoice=False, factory_date=None, report_date=d(3, 3)),
                 {PAID}, {"no_invoice.no_factory_date"}, ("invoice",), id="no-invoice-no-factory-date"),
    pytest.param(PHONE, dict(has_invoice=False, has_warranty_card=False, factory_date=d(2, 27),
                             report_date=d(3, 1)),
                 {rep(date(2027, 5, 28))}, {"no_invoice.factory_date", *REP}, ("invoice", "warranty_card"),
                 id="no-documents-repair-only-both-named"),
    pytest.param(PHONE, dict(has_invoice=False, has_warranty_card=False, purchase_date=None,
                             factory_date=d(2, 27), report_date=d(3, 1)),
                 {rep(date(2027, 5, 28))}, {"no_invoice.factory_date", *REP}, ("invoice", "warranty_card"),
                 id="no-documents-no-claimed-date-both-named"),
    pytest.param(PHONE, dict(component="battery", has_invoice=False, has_warranty_card=False,
                             factory_date=d(1, 10), report_date=d(6, 1)),
                 {exch(d(10, 10))}, {"no_invoice.factory_date", "accessory.exchange"},
                 ("invoice", "warranty_card"), id="no-documents-accessory-still-exchanged"),
    pytest.param(PHONE, dict(has_invoice=False, prior_repairs_same_fault=2, factory_date=d(1, 10),
                             report_date=d(9, 1)),
                 {rep(date(2027, 4, 10))}, {"no_invoice.factory_date", *REP}, ("invoice",),
                 id="no-invoice-repaired-twice-still-repair-only"),
    pytest.param(PHONE, dict(purchase_date=None, factory_date=d(1, 10), report_date=d(6, 1)),
                 {rep(date(2027, 4, 10))}, {"no_invoice.factory_date", *REP}, (),
                 id="no-purchase-date-uses-factory-date"),
    pytest.param(PHONE_90_DAY_GRACE, dict(has_invoice=False, factory_date=date(2025, 12, 1),
                                          report_date=date(2027, 3, 1)),
                 {rep(date(2027, 3, 1))}, {"no_invoice.factory_date", *REP}, ("invoice",),
                 id="factory-grace-90-days-last-day"),
    pytest.param(PHONE_90_DAY_GRACE, dict(has_invoice=False, factory_date=date(2025, 12, 1),
                                          report_date=date(2027, 3, 2)),
                 {PAID}, {"no_invoice.factory_date", "expired"}, (),
                 id="factory-grace-90-days-day-after"),
    pytest.param(ONLINE, dict(has_warranty_card=False, report_date=d(3, 5)),
                 {ret(d(3, 8)), exch(d(3, 16)), rep(date(2027, 3, 1))}, ALL, BOX,
                 id="online-needs-no-warranty-card"),
    # --- exclusions: paid repair only, a reason each ------------------------------------------
    pytest.param(PHONE, dict(fault="misuse", report_date=d(3, 3)), {PAID}, {"excluded.misuse"},
                 (), id="excluded-misuse-day-2"),
    pytest.param(PHONE, dict(fault="water", report_date=d(3, 3)), {PAID}, {"excluded.water"}, (),
                 id="excluded-water"),
    pytest.param(PHONE, dict(fault="unauthorised_repair", report_date=d(3, 3)), {PAID},
                 {"excluded.unauthorised_repair"}, (), id="excluded-unauthorised-repair"),
    pytest.param(PHONE, dict(fault="force_majeure", report_date=d(3, 3)), {PAID},
                 {"excluded.force_majeure"}, (), id="excluded-force-majeure"),
    pytest.param(PHONE, dict(documents_altered=True, report_date=d(3, 3)), {PAID},
                 {"excluded.documents_altered"}, (), id="excluded-documents-altered"),
    pytest.param(PHONE, dict(fault="water", documents_altered=True, report_date=d(3, 3)), {PAID},
                 {"excluded.water", "excluded.documents_altered"}, (),
                 id="two-exclusions-two-reasons"),
    pytest.param(ONLINE_30, dict(fault="misuse", sold_online=True, report_date=d(3, 10)), {PAID},
                 {"excluded.misuse"}, (), id="misuse-loses-no-reason-return-too"),
    pytest.param(PHONE, dict(fault="appearance", report_date=d(3, 3)), {PAID},
                 {"appearance.not_covered"}, (), id="appearance-shop-sale-paid"),
    pytest.param(PHONE, dict(fault="appearance", has_invoice=False, factory_date=d(2, 1),
                             report_date=d(3, 3)),
                 {PAID}, {"appearance.not_covered"}, (), id="appearance-no-period-talk"),
    pytest.param(ONLINE, dict(fault="appearance", sold_online=True, report_date=d(3, 3)),
                 {ret(d(3, 8), "paid"), PAID}, {"appearance.not_covered", "no_reason.return"},
                 BOX, id="appearance-online-no-reason-return"),
    # --- repaired twice, repair overdue, repair time extends ---------------------------------
    pytest.param(PHONE, dict(prior_repairs_same_fault=2, report_date=d(9, 17)),
                 {exch(date(2027, 3, 1)), rep(date(2027, 3, 1))},
                 {"repeat_repair.exchange", *REP}, (), id="repaired-twice-exchange"),
    pytest.param(PHONE, dict(prior_repairs_same_fault=1, report_date=d(9, 17)),
                 {rep(date(2027, 3, 1))}, REP, (), id="repaired-once-no-exchange"),
    pytest.param(PHONE, dict(prior_repairs_same_fault=2, report_date=date(2027, 3, 2)), {PAID},
                 {"expired"}, (), id="repaired-twice-but-expired"),
    pytest.param(PHONE, dict(prior_repairs_same_fault=2, report_date=d(3, 10)),
                 {exch(date(2027, 3, 1)), rep(date(2027, 3, 1))},
                 {"exchange.within_period", "repeat_repair.exchange", *REP}, (),
                 id="repaired-twice-exchange-outlasts-15-days"),
    pytest.param(ONLINE_30, dict(prior_repairs_same_fault=1, report_date=d(9, 1)),
                 {exch(date(2027, 3, 1)), rep(date(2027, 3, 1))},
                 {"exchange.within_period", "repeat_repair.exchange", *REP}, (),
                 id="online-30-one-repair-enough"),
    pytest.param(ONLINE, dict(prior_repairs_same_fault=3, report_date=d(9, 1)),
                 {rep(date(2027, 3, 1))}, REP, (), id="online-policy-has-no-repeat-rule"),
    pytest.param(PHONE, dict(repair_days=10, report_date=date(2027, 3, 11)),
                 {rep(date(2027, 3, 11))}, {"repair_time.extended", *REP}, (),
                 id="repair-days-push-last-day-back"),
    pytest.param(PHONE, dict(repair_days=10, report_date=date(2027, 3, 12)), {PAID},
                 {"repair_time.extended", "expired"}, (), id="repair-days-day-after"),
    pytest.param(PHONE, dict(repair_days=2, report_date=d(3, 10)),
                 {ret(d(3, 10)), exch(d(3, 18)), rep(date(2027, 3, 3))},
                 {"repair_time.extended", *ALL}, (), id="repair-days-bring-return-back"),
    pytest.param(ONLINE, dict(repair_days=10, report_date=date(2027, 3, 5)), {PAID},
                 {"expired"}, (), id="online-repair-time-does-not-extend"),
    pytest.param(FURNITURE, dict(category="furniture", repair_days=30, report_date=d(6, 1)),
                 {rep(date(2027, 3, 31))}, {"repair_time.extended", *REP}, (),
                 id="furniture-repair-30-days-not-overdue"),
    pytest.param(FURNITURE, dict(category="furniture", repair_days=31, report_date=d(6, 1)),
                 {exch(date(2027, 4, 1)), rep(date(2027, 4, 1))},
                 {"repair_time.extended", "repair_overdue.exchange", *REP}, (),
                 id="furniture-repair-31-days-overdue-exchange"),
    pytest.param(PHONE, dict(repair_days=45, report_date=d(6, 1)), {rep(date(2027, 4, 15))},
                 {"repair_time.extended", *REP}, (), id="phone-has-no-overdue-rule"),
    # --- furniture: 30 / 60 days, 1 year --------------------------------------------------------
    pytest.param(FURNITURE, dict(category="furniture", report_date=d(3, 31)),
                 {ret(d(3, 31)), exch(d(4, 30)), rep(FURNITURE_REPAIR_END)}, ALL, (),
                 id="furniture-day-30-return"),
    pytest.param(FURNITURE, dict(category="furniture", report_date=d(4, 1)),
                 {exch(d(4, 30)), rep(FURNITURE_REPAIR_END)}, EX_REP, (),
                 id="furniture-day-31-no-return"),
    pytest.param(FURNITURE, dict(category="furniture", report_date=d(4, 30)),
                 {exch(d(4, 30)), rep(FURNITURE_REPAIR_END)}, EX_REP, (),
                 id="furniture-day-60-exchange"),
    pytest.param(FURNITURE, dict(category="furniture", report_date=d(5, 1)),
                 {rep(FURNITURE_REPAIR_END)}, REP, (), id="furniture-day-61-repair-only"),
    pytest.param(FURNITURE, dict(category="furniture", prior_repairs_same_fault=2,
                                 report_date=d(8, 1)),
                 {exch(FURNITURE_REPAIR_END), rep(FURNITURE_REPAIR_END)},
                 {"repeat_repair.exchange", *REP}, (), id="furniture-repaired-twice"),
    pytest.param(FURNITURE, dict(category="furniture", has_invoice=False, report_date=d(3, 5)),
                 {PAID}, {"no_invoice.no_factory_date"}, ("invoice",), id="furniture-no-invoice-no-factory"),
    # --- an exchanged item starts a new period -------------------------------------------------
    pytest.param(PHONE, dict(exchanged_on=d(5, 1), report_date=date(2027, 4, 1)),
                 {rep(date(2027, 5, 1))}, {"exchange.new_period", *REP}, (),
                 id="exchanged-item-new-year"),
    pytest.param(PHONE, dict(exchanged_on=d(5, 1), report_date=date(2027, 5, 2)), {PAID},
                 {"exchange.new_period", "expired"}, (), id="exchanged-item-new-year-over"),
    pytest.param(PHONE, dict(exchanged_on=d(5, 1), report_date=d(5, 8)),
                 {ret(d(5, 8)), exch(d(5, 16)), rep(date(2027, 5, 1))},
                 {"exchange.new_period", *ALL}, (), id="exchanged-item-new-7-days"),
    pytest.param(PHONE, dict(exchanged_on=d(5, 1), has_invoice=False, report_date=d(6, 1)),
                 {rep(date(2027, 5, 1))}, {"exchange.new_period", *REP}, (),
                 id="exchange-record-proves-date-without-invoice"),
    pytest.param(ONLINE, dict(exchanged_on=d(5, 1), report_date=date(2027, 4, 1)), {PAID},
                 {"expired"}, (), id="online-exchange-does-not-restart"),
    # --- no-reason returns: customer pays the shipping ------------------------------------------
    pytest.param(ONLINE, dict(fault="none", sold_online=True, report_date=d(3, 8)),
                 {ret(d(3, 8), "paid")}, {"no_reason.return"}, BOX, id="online-no-reason-day-7"),
    pytest.param(ONLINE, dict(fault="none", sold_online=True, report_date=d(3, 9)), set(),
                 {"no_reason.expired"}, (), id="online-no-reason-day-8"),
    pytest.param(ONLINE, dict(fault="none", sold_online=False, report_date=d(3, 2)), set(),
                 {"no_reason.offline_sale"}, (), id="online-policy-shop-sale"),
    pytest.param(ONLINE, dict(fault="none", sold_online=True, has_invoice=False,
                              report_date=d(3, 2)),
                 {ret(d(3, 8), "paid")}, {"no_reason.return"}, ("invoice", *BOX),
                 id="online-no-reason-without-order-proof"),
    pytest.param(ONLINE, dict(fault="none", sold_online=True, purchase_date=None,
                              report_date=d(3, 2)),
                 set(), {"no_reason.no_purchase_date"}, (), id="online-no-reason-no-date"),
    pytest.param(ONLINE, dict(fault="none", sold_online=True, documents_altered=True,
                              report_date=d(3, 2)),
                 set(), {"excluded.documents_altered"}, (), id="no-reason-altered-documents"),
    pytest.param(ONLINE_30, dict(fault="none", report_date=d(3, 31)), {ret(d(3, 31), "paid")},
                 {"no_reason.return"}, BOX, id="online-30-day-30-any-sale"),
    pytest.param(ONLINE_30, dict(fault="none", report_date=d(4, 1)), set(),
                 {"no_reason.expired"}, (), id="online-30-day-31"),
    pytest.param(PHONE, dict(fault="none", sold_online=True, report_date=d(3, 8)),
                 {ret(d(3, 8), "paid")}, {"no_reason.return"}, (), id="phone-online-no-reason"),
    pytest.param(PHONE, dict(fault="none", report_date=d(3, 2)), set(),
                 {"no_reason.offline_sale"}, (), id="phone-shop-sale-no-reason"),
    pytest.param(NO_NO_REASON, dict(fault="none", sold_online=True, report_date=d(3, 2)), set(),
                 {"no_reason.not_offered"}, (), id="policy-without-no-reason-return"),
    pytest.param(ONLINE_30, dict(report_date=d(3, 20), sold_online=True),
                 {ret(d(3, 31)), exch(date(2027, 3, 1)), rep(date(2027, 3, 1))}, ALL, BOX,
                 id="online-30-quality-return-free-beats-no-reason"),
    pytest.param(ONLINE, dict(report_date=d(3, 5), sold_online=True),
                 {ret(d(3, 8)), exch(d(3, 16)), rep(date(2027, 3, 1))}, ALL, BOX,
                 id="online-quality-return-same-day-as-no-reason"),
    # --- appliances and computers: main parts keep their longer repair period ----------------
    pytest.param(APPLIANCE, dict(category="appliance", component="compressor",
                                 report_date=d(3, 6)),
                 {ret(d(3, 8)), exch(d(3, 16)), rep(date(2029, 3, 1))}, ALL, (),
                 id="compressor-week-one-whole-unit-remedies"),
    pytest.param(APPLIANCE, dict(category="appliance", component="compressor",
                                 report_date=date(2029, 3, 1)),
                 {rep(date(2029, 3, 1))}, REP, (), id="compressor-last-day-3-years"),
    pytest.param(APPLIANCE, dict(category="appliance", component="compressor",
                                 report_date=date(2029, 3, 2)),
                 {PAID}, {"expired"}, (), id="compressor-day-after"),
    pytest.param(APPLIANCE, dict(category="appliance", report_date=date(2027, 3, 2)), {PAID},
                 {"expired"}, (), id="appliance-unit-one-year"),
    pytest.param(COMPUTER, dict(category="computer", component="hard_disk",
                                report_date=date(2028, 3, 1)),
                 {rep(date(2028, 3, 1))}, REP, (), id="hard-disk-last-day-2-years"),
    pytest.param(COMPUTER, dict(category="computer", component="motherboard",
                                report_date=date(2028, 3, 2)),
                 {PAID}, {"expired"}, (), id="motherboard-day-after-2-years"),
    pytest.param(COMPUTER, dict(category="computer", report_date=date(2027, 3, 2)), {PAID},
                 {"expired"}, (), id="computer-unit-one-year"),
]


@pytest.mark.parametrize(("policy", "changes", "remedies", "codes", "missing"), CASES)
def test_decide(policy, changes, remedies, codes, missing):
    decision = decide(facts(**changes), policy)
    assert {(r.remedy, r.until, r.charge) for r in decision.remedies} == remedies
    assert set(decision.reason_codes) == codes
    assert decision.missing_documents == missing


def test_the_table_covers_every_reason_code():
    seen = {code for case in CASES for code in case.values[3]}
    # A moved last day needs a calendar: its table is tests/rules/test_warranty_rest_days.py.
    assert seen | {"period.after_rest"} == set(MESSAGES)
