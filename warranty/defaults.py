"""The warranty policies we ship, version 1, as plain data.

A data migration loads these into the policy tables; managers then edit new versions in the
admin. Each value cites where it comes from (the seeds in /work/shared/seeds, or the national
三包 rule for the category) so a reviewer can check it against the source.

Deliberately left out of version 1:
- factory_date_grace is None everywhere. Seed 000 says the period simply runs from the factory
  date; the national phone rule instead starts it on the 90th day after (a manager can set
  `Period(90, "day")` in a new version).
- repair_overdue_exchange_days only for furniture: seed 001 grants it outright, while the
  national phone/appliance/computer rules tie it to the maker failing to supply parts, which
  the desk cannot know from the facts.
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
CONSUMER_LAW_25 = "《消费者权益保护法》第二十五条（网购七日无理由退货，运费由消费者承担）"
CIVIL_CODE_1259 = "《民法典》第一千二百五十九条（“超过”不含本数）"

# Citations shared by every policy; each policy adds or overrides its own.
COMMON_CITATIONS: Mapping[str, str] = {
    "excluded.misuse": "三包规定不实行三包、可收费修理：使用、维护、保管不当造成损坏"
                       "（seed 001 家具三包 (6)a、服务限制 4.2）",
    "excluded.water": "三包只适用于非人为损坏的性能故障，进水属人为损坏（seed 000 三包政策）",
    "excluded.unauthorised_repair": "三包规定可收费修理：非承担三包修理者拆动造成损坏"
                                    "（seed 001 家具三包 (6)b、服务限制 4.2）",
    "excluded.force_majeure": "三包规定可收费修理：因不可抗拒力造成损坏（seed 001 家具三包 (6)f）",
    "excluded.documents_altered": "三包规定可收费修理：购物凭证与商品不符或者涂改"
                                  "（seed 001 家具三包 (6)d；seed 000 保修卡须未经涂改）",
    "no_invoice.factory_date": "seed 000 （四）保修要求：无法提供保修卡和发票的，按出厂日期计算保修期",
    "no_invoice.no_factory_date": "三包规定可收费修理：无有效购物凭证且不能证明在三包有效期内"
                                  "（seed 001 家具三包 (6)c）",
    "expired": "三包规定可收费修理：超过三包有效期（seed 001 家具三包 (6)g、服务限制）",
    "appearance.not_covered": "三包仅限性能故障；seed 000 （一）故障换机要求：外壳不能有任何磨损",
    "repair_time.extended": "三包有效期扣除因修理占用和无零配件待修的时间（seed 001 家具三包）",
    "exchange.new_period": "换货后的三包有效期自换货之日起重新计算（seed 001 家具三包 (3)）",
    "repair_overdue.exchange": "seed 001 家具三包 (2)b：自送修之日起超过30日未修好的，免费调换；"
                               + CIVIL_CODE_1259,
    "no_reason.return": CONSUMER_LAW_25,
    "no_reason.expired": CONSUMER_LAW_25,
    "no_reason.offline_sale": CONSUMER_LAW_25,
    "no_reason.no_purchase_date": CONSUMER_LAW_25,
}

# The national rules: 7 days return, 15 days exchange for a performance fault.
NATIONAL_PATTERN: Mapping[str, str] = {
    "return.within_period": "7日内性能故障可退货、换货或修理（seed 000：7天包退）",
    "exchange.within_period": "第8日至第15日性能故障可换货或修理（seed 000：15天包换，什么有故障就换什么）",
    "repair.free_within_period": "三包有效期内免费修理（seed 000：1年保修）",
    "repeat_repair.exchange": "三包有效期内两次修理仍不能正常使用的，凭修理记录免费换货",
}


def _cite(rule_name: str, specific: Mapping[str, str]) -> dict[str, str]:
    national = {code: f"{rule_name}：{text}" for code, text in NATIONAL_PATTERN.items()}
    return {**COMMON_CITATIONS, **national, **specific}


def _components(*rules: ComponentRule) -> dict[str, ComponentRule]:
    return {rule.component: rule for rule in rules}


def _whole_unit_pattern(component: str, repair: Period) -> ComponentRule:
    """7-day return, 15-day exchange, then free repair for `repair`: the national pattern.
    Main parts share the first 15 days with the unit (a failed compressor in week one is a
    failed fridge) but keep their longer repair period."""
    return ComponentRule(component, DAYS_7, DAYS_15, repair)


def _accessory(component: str, period: Period) -> ComponentRule:
    # seed 000 （三）: a faulty accessory within its period is exchanged, nothing else.
    return ComponentRule(component, None, period, None)


INVOICE_AND_CARD = ("invoice", "warranty_card")

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
    repair_time_extends=True, exchange_restarts=True, factory_date_grace=None,
    # Repair needs no document: without them the factory date is used instead (seed 000 四).
    required_documents={"return": INVOICE_AND_CARD, "exchange": INVOICE_AND_CARD, "repair": ()},
    citations=_cite(PHONE_RULE, {
        "exchange.within_period": f"{PHONE_RULE}第十二条；seed 000 （二）十五天换机要求："
                                  "手机有故障只更换手机，电池、充电器等一律不换",
        "repeat_repair.exchange": f"{PHONE_RULE}第十三条：经两次修理仍不能正常使用的，免费更换主机",
        "accessory.exchange": "seed 000 （三）附件更换要求：耳机3个月、电池半年、充电器/数据线一年",
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
    required_documents={"return": INVOICE_AND_CARD, "exchange": INVOICE_AND_CARD, "repair": ()},
    citations=_cite(APPLIANCE_RULE, {
        "repair.free_within_period": f"{APPLIANCE_RULE}：整机三包有效期1年，"
                                     "主要部件（压缩机、电动机）3年",
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
    required_documents={"return": INVOICE_AND_CARD, "exchange": INVOICE_AND_CARD, "repair": ()},
    citations=_cite(COMPUTER_RULE, {
        "repair.free_within_period": f"{COMPUTER_RULE}第十条：整机三包有效期1年，"
                                     "主要部件（主板、CPU、内存、硬盘、显示器、电源、键盘）2年",
        "no_invoice.factory_date": f"{COMPUTER_RULE}第九条：丢失发货票和三包凭证但能证明在三包"
                                   "有效期内的，仍应修理、更换；seed 000 （四）按出厂日期计算",
    }),
)

FURNITURE_SEED = "seed 001 安徽新粤美家 家具三包"
FURNITURE = WarrantyPolicySnapshot(
    code="furniture", version=1, category="furniture", name="家具三包（家具城）",
    components=_components(ComponentRule("main_unit", Period(30, "day"), Period(60, "day"),
                                         ONE_YEAR)),
    no_reason_return=DAYS_7, no_reason_online_only=True,
    repeat_repair_exchange_after=2, repair_overdue_exchange_days=30,
    repair_time_extends=True, exchange_restarts=True, factory_date_grace=None,
    # "三包期限内顾客凭有效购物凭证及三包凭证办理修理、更换、退货"; repair falls back to the
    # factory date like the other categories ((6)c charges only when nothing proves the date).
    required_documents={"return": INVOICE_AND_CARD, "exchange": INVOICE_AND_CARD, "repair": ()},
    citations={
        **COMMON_CITATIONS,
        "return.within_period": f"{FURNITURE_SEED} (1)：自交货之日起30日内严重质量问题，可退货、换货或修理",
        "exchange.within_period": f"{FURNITURE_SEED} (2)：自交货之日起60日内严重质量问题，可换货或修理",
        "repair.free_within_period": f"{FURNITURE_SEED}：三包期内免费修理（1年）",
        "repeat_repair.exchange": f"{FURNITURE_SEED} (2)a：同一严重质量问题修理两次仍不能正常使用，免费调换",
    },
)

ONLINE_PACKAGING = ("invoice", "original_packaging", "accessories_complete")
# Goods sold at a distance, by law; seed 001 (售后服务细则): exchange within 15 days, return
# within 7. Neither 消保法 nor seed 001 grants repair-time extension or a restart on exchange.
ONLINE = WarrantyPolicySnapshot(
    code="online", version=1, category="online", name="网络销售商品（七日无理由退货）",
    components=_components(ComponentRule("main_unit", DAYS_7, DAYS_15, ONE_YEAR)),
    no_reason_return=DAYS_7, no_reason_online_only=True,
    repeat_repair_exchange_after=None, repair_overdue_exchange_days=None,
    repair_time_extends=False, exchange_restarts=False, factory_date_grace=None,
    start_documents=("invoice",),  # an online order has no paper warranty card
    required_documents={"return": ONLINE_PACKAGING, "exchange": ("invoice", "original_packaging"),
                        "repair": ()},
    citations={
        **COMMON_CITATIONS,
        "return.within_period": "《消费者权益保护法》第二十四条：不符合质量要求的，可自收到商品之日起七日内退货",
        "exchange.within_period": "seed 001 售后服务细则：质量问题可在交付后15天内凭有效凭证和完好包装换货",
        "repair.free_within_period": "seed 001 售后服务政策：一年质量保证期",
        "no_invoice.factory_date": "seed 000 （四）：无购物凭证时按出厂日期计算保修期",
    },
)

MERCHANT_30 = "seed 001 售后服务政策及细则（30天无理由退货）"
# The merchant's own promise (seed 001): 30-day no-reason return on every sale, one-year
# quality guarantee with repair or exchange, and "经过维修后仍存在问题 → 更换" after one repair.
ONLINE_30 = WarrantyPolicySnapshot(
    code="online_30", version=1, category="online", name="商家30天无理由退货",
    components=_components(ComponentRule("main_unit", Period(30, "day"), ONE_YEAR, ONE_YEAR)),
    no_reason_return=Period(30, "day"), no_reason_online_only=False,
    repeat_repair_exchange_after=1, repair_overdue_exchange_days=None,
    repair_time_extends=False, exchange_restarts=False, factory_date_grace=None,
    start_documents=("invoice",),
    required_documents={"return": ONLINE_PACKAGING, "exchange": ("invoice",), "repair": ()},
    citations={
        **COMMON_CITATIONS,
        "return.within_period": f"{MERCHANT_30} 2.2：质量问题退货，商家承担退货运费",
        "exchange.within_period": f"{MERCHANT_30} 1：一年质量保证期内负责维修或更换",
        "repair.free_within_period": f"{MERCHANT_30} 1 / 2.1：一年质量保证期内免费维修",
        "repeat_repair.exchange": f"{MERCHANT_30} 2.1：经过维修后产品仍存在问题，可要求更换",
        "no_reason.return": f"{MERCHANT_30} 2：30天内无理由退货，原装配件包装齐全，运费由客户承担",
        "no_reason.expired": f"{MERCHANT_30} 2：超过30天无法接受退货",
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
