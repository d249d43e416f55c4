"""The warranty policies we ship, version 1, as plain data.

A data migration loads these into the policy tables; managers then edit new versions in the
admin. Every reason a policy gives cites the rule *of that policy* — the national regulation's name
and article, or the company policy's name and clause — in words reception can read out to a
customer (tests/rules/test_warranty_rules.py checks that no policy cites another's rules).

- The invoice alone proves the purchase date (start_documents): the regulations' periods run
  "自开具发票之日起"; the warranty card is then a document a return or exchange still needs.
- Phones: periods without invoice and card start on the 90th day after the factory date (the
  2001 regulation; warranty/rules.py also holds it as the law's floor).
- repair_overdue_exchange_days only for furniture: the company's rules grant it outright, while
  the national phone/appliance/computer rules tie it to the maker failing to supply parts, which
  the desk cannot know from the facts.
Article numbers are cited only where they were checked against the regulation's text
(《移动电话机商品修理更换退货责任规定》第十一、十二、十三条); other clauses are cited by their words.
"""

from __future__ import annotations

from collections.abc import Mapping

from warranty.periods import Period
from warranty.rules import ComponentRule, WarrantyPolicySnapshot

DAYS_7, DAYS_15 = Period(7, "day"), Period(15, "day")
ONE_YEAR = Period(1, "year")

PHONE_RULE = "《移动电话机商品修理更换退货责任规定》"
APPLIANCE_RULE = "《部分商品修理更换退货责任规定》"
COMPUTER_RULE = "《微型计算机商品修理更换退货责任规定》"
CONSUMER_LAW_24 = "《消费者权益保护法》第二十四条"
CONSUMER_LAW_25 = "《消费者权益保护法》第二十五条（网购七日无理由退货，运费由消费者承担）"
CIVIL_CODE_203 = "《民法典》第二百零三条：期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日"
CIVIL_CODE_1259 = "《民法典》第一千二百五十九条（“超过”不含本数）"
PAID_REPAIR_CASES = "不实行三包，可以实行收费修理"

# The clauses the three national 三包 regulations share, by reason code, without the rule's name.
NATIONAL_CLAUSES: Mapping[str, str] = {
    "return.within_period": "自售出之日起7日内发生性能故障，消费者可以选择退货、换货或者修理",
    "exchange.within_period": "自售出之日起第8日至第15日内发生性能故障，消费者可以选择换货或者修理",
    "repair.free_within_period": "三包有效期内发生性能故障，免费修理",
    "repeat_repair.exchange": "三包有效期内经两次修理仍不能正常使用的，凭修理记录免费调换同型号同规格的产品",
    "expired": f"超过三包有效期的，{PAID_REPAIR_CASES}",
    "excluded.misuse": f"未按产品使用说明书要求使用、维护、保养而造成损坏的，{PAID_REPAIR_CASES}",
    "excluded.water": f"三包只适用于性能故障；进水属未按产品使用说明书要求使用造成的损坏，{PAID_REPAIR_CASES}",
    "excluded.unauthorised_repair": f"非承担三包修理者拆动造成损坏的，{PAID_REPAIR_CASES}",
    "excluded.force_majeure": f"因不可抗拒力造成损坏的，{PAID_REPAIR_CASES}",
    "excluded.documents_altered": f"三包凭证型号与修理产品型号不符或者涂改的，{PAID_REPAIR_CASES}",
    "no_invoice.factory_date": "丢失发货票和三包凭证，但依出厂日期推算仍在三包有效期内的，负责免费修理",
    "no_invoice.no_factory_date": f"无三包凭证及有效发货票，且不能证明在三包有效期内的，{PAID_REPAIR_CASES}",
    "appearance.not_covered": "三包只适用于性能故障表所列性能故障，外观磨损、划伤不在其列",
    "repair_time.extended": "三包有效期自开具发票之日起计算，扣除因修理占用和无零配件待修延误的时间",
    "exchange.new_period": "换货后的三包有效期自换货之日起重新计算",
}


def _national(rule_name: str, specific: Mapping[str, str]) -> dict[str, str]:
    """A national regulation's clauses under its name, the consumer law's no-reason return, and
    the civil code's rest-day rule; `specific` replaces or adds whole citations."""
    return {
        **{code: f"{rule_name}：{text}" for code, text in NATIONAL_CLAUSES.items()},
        **{code: CONSUMER_LAW_25 for code in ("no_reason.return", "no_reason.expired",
                                               "no_reason.offline_sale", "no_reason.no_purchase_date")},
        "period.after_rest": CIVIL_CODE_203,
        **specific,
    }


def _company(policy_name: str, clauses: Mapping[str, str]) -> dict[str, str]:
    """A company's own policy: each clause under the policy's name."""
    return {code: f"{policy_name}{text}" for code, text in clauses.items()}


def _components(*rules: ComponentRule) -> dict[str, ComponentRule]:
    return {rule.component: rule for rule in rules}


def _whole_unit_pattern(component: str, repair: Period) -> ComponentRule:
    """7-day return, 15-day exchange, then free repair for `repair`: the national pattern.
    Main parts share the first 15 days with the unit (a failed compressor in week one is a
    failed fridge) but keep their longer repair period."""
    return ComponentRule(component, DAYS_7, DAYS_15, repair)


def _accessory(component: str, period: Period) -> ComponentRule:
    # A faulty accessory within its period is exchanged, nothing else (the phone regulation).
    return ComponentRule(component, None, period, None)


INVOICE_AND_CARD = ("invoice", "warranty_card")
INVOICE_PROVES_THE_DATE = ("invoice",)

PHONE = WarrantyPolicySnapshot(
    code="phone", version=1, category="phone", name="手机三包（移动电话机）",
    components=_components(
        _whole_unit_pattern("main_unit", ONE_YEAR),
        _accessory("battery", Period(6, "month")),
        _accessory("charger", ONE_YEAR),
        _accessory("data_cable", ONE_YEAR),
        _accessory("earphones", Period(3, "month")),
    ),
    no_reason_return=DAYS_7, no_reason_online_only=True,
    repeat_repair_exchange_after=2, repair_overdue_exchange_days=None,
    repair_time_extends=True, exchange_restarts=True, factory_date_grace=Period(90, "day"),
    start_documents=INVOICE_PROVES_THE_DATE,
    # Repair needs no document: without them the factory date is used instead.
    required_documents={"return": INVOICE_AND_CARD, "exchange": INVOICE_AND_CARD, "repair": ()},
    citations=_national(PHONE_RULE, {
        "return.within_period": f"{PHONE_RULE}第十一条：自售出之日起7日内，主机出现性能故障的，"
                                "消费者可以选择退货、换货或者修理",
        "exchange.within_period": f"{PHONE_RULE}第十二条：自售出之日起第8日至第15日内，主机出现性能故障的，"
                                  "消费者可以选择换货或者修理（只换主机，电池、充电器等附件不换）",
        "repeat_repair.exchange": f"{PHONE_RULE}第十三条：三包有效期内，主机经两次修理仍不能正常使用的，"
                                  "凭修理记录免费更换同型号同规格的主机",
        "repair.free_within_period": f"{PHONE_RULE}：主机三包有效期1年，有效期内性能故障免费修理",
        "accessory.exchange": f"{PHONE_RULE}：三包有效期内附件出现性能故障的，免费更换同品牌同型号同规格的附件"
                              "（电池6个月，外接有线耳机3个月，充电器1年）",
        "no_invoice.factory_date": f"{PHONE_RULE}：丢失发货票和三包凭证，但依主机机身号显示的出厂日期推算仍在"
                                   "三包有效期内的，以出厂日期后的第90日为三包有效期的起始日期，负责免费修理",
        "appearance.not_covered": f"{PHONE_RULE}《移动电话机商品性能故障表》：外壳只有因结构或材料因素造成的"
                                  "裂损属性能故障，磨损、划伤不在其列",
        "excluded.water": f"{PHONE_RULE}《移动电话机商品性能故障表》：由于顾客人为损坏（进水）造成的故障除外，"
                          f"{PAID_REPAIR_CASES}",
        "repair_time.extended": f"{PHONE_RULE}：三包有效期自开具发票之日起计算，扣除因修理占用、"
                                "无零配件待修延误的时间",
        "period.after_rest": f"{PHONE_RULE}：三包有效期的最后一天为法定休假日的，以休假日的次日为三包有效期的"
                             "最后一天",
    }),
)

APPLIANCE = WarrantyPolicySnapshot(
    code="appliance", version=1, category="appliance", name="家用电器三包",
    components=_components(
        _whole_unit_pattern("main_unit", ONE_YEAR),
        _whole_unit_pattern("compressor", Period(3, "year")),  # fridges, air conditioners
        _whole_unit_pattern("motor", Period(3, "year")),       # washing machines
    ),
    no_reason_return=DAYS_7, no_reason_online_only=True,
    repeat_repair_exchange_after=2, repair_overdue_exchange_days=None,
    repair_time_extends=True, exchange_restarts=True, factory_date_grace=None,
    start_documents=INVOICE_PROVES_THE_DATE,
    required_documents={"return": INVOICE_AND_CARD, "exchange": INVOICE_AND_CARD, "repair": ()},
    citations=_national(APPLIANCE_RULE, {
        "repair.free_within_period": f"{APPLIANCE_RULE}：整机三包有效期1年，"
                                     "主要部件（压缩机、电动机）3年，有效期内性能故障免费修理",
    }),
)

COMPUTER = WarrantyPolicySnapshot(
    code="computer", version=1, category="computer", name="微型计算机三包",
    components=_components(
        _whole_unit_pattern("main_unit", ONE_YEAR),
        *(_whole_unit_pattern(part, Period(2, "year")) for part in (
            "motherboard", "cpu", "memory", "hard_disk", "display", "power_supply", "keyboard")),
    ),
    no_reason_return=DAYS_7, no_reason_online_only=True,
    repeat_repair_exchange_after=2, repair_overdue_exchange_days=None,
    repair_time_extends=True, exchange_restarts=True, factory_date_grace=None,
    start_documents=INVOICE_PROVES_THE_DATE,
    required_documents={"return": INVOICE_AND_CARD, "exchange": INVOICE_AND_CARD, "repair": ()},
    citations=_national(COMPUTER_RULE, {
        "repair.free_within_period": f"{COMPUTER_RULE}：整机三包有效期1年，主要部件（主板、CPU、内存、硬盘、"
                                     "显示器、电源、键盘）2年，有效期内性能故障免费修理",
    }),
)

# The furniture store's own rules (售后服务标准及细则 二（一）2 家具三包): clause numbers are the store's.
FURNITURE_RULES = "家具城《售后服务标准及细则》家具三包"
FURNITURE = WarrantyPolicySnapshot(
    code="furniture", version=1, category="furniture", name="家具三包（家具城）",
    components=_components(ComponentRule("main_unit", Period(30, "day"), Period(60, "day"),
                                         ONE_YEAR)),
    no_reason_return=DAYS_7, no_reason_online_only=True,
    repeat_repair_exchange_after=2, repair_overdue_exchange_days=30,
    repair_time_extends=True, exchange_restarts=True, factory_date_grace=None,
    start_documents=INVOICE_PROVES_THE_DATE,
    # "三包期限内顾客凭有效购物凭证及三包凭证办理修理、更换、退货"; repair falls back to the
    # factory date like the other categories ((6)c charges only when nothing proves the date).
    required_documents={"return": INVOICE_AND_CARD, "exchange": INVOICE_AND_CARD, "repair": ()},
    citations={
        **_company(FURNITURE_RULES, {
            "return.within_period": " (1)：产品自交货之日起30日内发生严重质量问题，顾客可以选择退货、换货或修理",
            "exchange.within_period": " (2)：产品自交货之日起60日内发生严重质量问题，顾客可以选择换货或修理",
            "repair.free_within_period": "：三包期限内免费修理（1年）",
            "repeat_repair.exchange": " (2)a：同一严重质量问题修理两次仍不能正常使用的，免费调换",
            "repair_overdue.exchange": " (2)b：自送修之日起超过30日未修好的，免费调换；" + CIVIL_CODE_1259,
            "exchange.new_period": " (3)：换货后的三包期限自换货之日起重新计算",
            "repair_time.extended": "：三包期自交付之日起计算，扣除因返厂修理和无零配件待修占用的时间",
            "excluded.misuse": " (6)a：因顾客使用、维护、保管不当造成损坏的，可以实行收费修理",
            "excluded.water": " (6)a：进水属使用、维护、保管不当造成的损坏，可以实行收费修理",
            "excluded.unauthorised_repair": " (6)b：非承担三包修理者拆动造成损坏的，可以实行收费修理",
            "no_invoice.no_factory_date": " (6)c：无有效购物凭证，且不能证明属三包有效期内的，可以实行收费修理",
            "no_invoice.factory_date": " (6)c：无有效购物凭证，但依出厂日期能证明属三包有效期内的，仍免费修理",
            "excluded.documents_altered": " (6)d：有效购物凭证与修理产品不符或者涂改的，可以实行收费修理",
            "excluded.force_majeure": " (6)f：因不可抗拒力造成损坏的，可以实行收费修理",
            "expired": " (6)g：过了三包期的，可以实行收费修理",
            "appearance.not_covered": "：三包只适用于附录所列严重质量问题，外观磨损不在其列",
        }),
        **{code: CONSUMER_LAW_25 for code in ("no_reason.return", "no_reason.expired",
                                               "no_reason.offline_sale", "no_reason.no_purchase_date")},
        "period.after_rest": CIVIL_CODE_203,
    },
)

ONLINE_PACKAGING = ("invoice", "original_packaging", "accessories_complete")
ONLINE_NAME = "网络销售商品（七日无理由退货）"
# Goods sold at a distance, by law; the shop's 售后服务细则: exchange within 15 days, return
# within 7. Neither 消保法 nor the shop grants repair-time extension or a restart on exchange.
ONLINE = WarrantyPolicySnapshot(
    code="online", version=1, category="online", name=ONLINE_NAME,
    components=_components(ComponentRule("main_unit", DAYS_7, DAYS_15, ONE_YEAR)),
    no_reason_return=DAYS_7, no_reason_online_only=True,
    repeat_repair_exchange_after=None, repair_overdue_exchange_days=None,
    repair_time_extends=False, exchange_restarts=False, factory_date_grace=None,
    start_documents=INVOICE_PROVES_THE_DATE,  # an online order has no paper warranty card
    required_documents={"return": ONLINE_PACKAGING, "exchange": ("invoice", "original_packaging"),
                        "repair": ()},
    citations={
        **_company(f"{ONLINE_NAME}：", {
            "exchange.within_period": "质量问题自交付之日起15天内凭有效凭证和完好包装换货",
            "repair.free_within_period": "一年质量保证期内免费修理",
            "no_invoice.factory_date": "无购物凭证时按出厂日期推算质量保证期，只提供免费修理",
            "no_invoice.no_factory_date": "无购物凭证且不能证明在质量保证期内的，只能收费修理",
            "expired": "超过一年质量保证期的，只能收费修理",
            "appearance.not_covered": "外观磨损不属质量问题，只能收费修理",
            "excluded.misuse": "使用、维护、保管不当造成的损坏不属质量问题，只能收费修理",
            "excluded.water": "进水等人为损坏不属质量问题，只能收费修理",
            "excluded.unauthorised_repair": "非授权拆修造成的损坏不属质量问题，只能收费修理",
            "excluded.force_majeure": "不可抗力造成的损坏不属质量问题，只能收费修理",
            "excluded.documents_altered": "购物凭证与商品不符或者涂改的，只能收费修理",
        }),
        "return.within_period": f"{CONSUMER_LAW_24}：不符合质量要求的，可自收到商品之日起七日内退货",
        **{code: CONSUMER_LAW_25 for code in ("no_reason.return", "no_reason.expired",
                                               "no_reason.offline_sale", "no_reason.no_purchase_date")},
        "period.after_rest": CIVIL_CODE_203,
    },
)

MERCHANT_30 = "商家《售后服务政策及细则》（30天无理由退货）"
# The merchant's own promise: 30-day no-reason return on every sale, one-year quality guarantee
# with repair or exchange, and "经过维修后仍存在问题 → 更换" after one repair.
ONLINE_30 = WarrantyPolicySnapshot(
    code="online_30", version=1, category="online", name="商家30天无理由退货",
    components=_components(ComponentRule("main_unit", Period(30, "day"), ONE_YEAR, ONE_YEAR)),
    no_reason_return=Period(30, "day"), no_reason_online_only=False,
    repeat_repair_exchange_after=1, repair_overdue_exchange_days=None,
    repair_time_extends=False, exchange_restarts=False, factory_date_grace=None,
    start_documents=INVOICE_PROVES_THE_DATE,
    required_documents={"return": ONLINE_PACKAGING, "exchange": ("invoice",), "repair": ()},
    citations={
        **_company(MERCHANT_30, {
            "return.within_period": " 2.2：质量问题退货，商家承担退货运费",
            "exchange.within_period": " 1：一年质量保证期内负责维修或更换",
            "repair.free_within_period": " 1 / 2.1：一年质量保证期内免费维修",
            "repeat_repair.exchange": " 2.1：经过维修后产品仍存在问题，可要求更换",
            "no_reason.return": " 2：30天内无理由退货，原装配件包装齐全，运费由客户承担",
            "no_reason.expired": " 2：超过30天无法接受退货",
            "no_reason.no_purchase_date": " 2：退货期限自产品购买之日起30天",
            "no_invoice.factory_date": " 1：无购物凭证时按出厂日期推算质量保证期，只提供免费维修",
            "no_invoice.no_factory_date": " 1：无购物凭证且不能证明在质量保证期内的，只能收费维修",
            "expired": " 1：超过一年质量保证期的，只能收费维修",
            "appearance.not_covered": " 1：质量保证只针对质量问题，外观磨损不在其列",
            "excluded.misuse": " 1：正常使用情况下出现的质量问题才免费维修；使用不当造成的损坏收费维修",
            "excluded.water": " 1：正常使用情况下出现的质量问题才免费维修；进水损坏收费维修",
            "excluded.unauthorised_repair": " 1：非授权拆修造成的损坏收费维修",
            "excluded.force_majeure": " 1：不可抗力造成的损坏收费维修",
            "excluded.documents_altered": " 1：订单信息与商品不符或者涂改的，收费维修",
        }),
        "period.after_rest": CIVIL_CODE_203,
    },
)


def default_policies() -> list[WarrantyPolicySnapshot]:
    """Every shipped policy, version 1, in a stable order."""
    return [PHONE, APPLIANCE, COMPUTER, FURNITURE, ONLINE, ONLINE_30]


def default_policy(code: str) -> WarrantyPolicySnapshot:
    """The shipped policy with this code; KeyError names the known codes."""
    by_code = {policy.code: policy for policy in default_policies()}
    if code not in by_code:
        raise KeyError(f"no shipped warranty policy {code!r}; known: {sorted(by_code)}")
    return by_code[code]
