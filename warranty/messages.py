"""The reasons a 三包 decision gives (warranty/rules.py), by stable code, in Chinese and English.

Kept apart from the rules: the wording changes with the desk's language, the logic with the law.
Every code here is produced by some case in tests/rules/test_warranty_rules.py, and every code a
policy cites must be one of these.
"""
from collections.abc import Mapping

# Stable codes → (zh, en) templates; the values are filled from the case, dates as ISO.
MESSAGES: Mapping[str, tuple[str, str]] = {
    "return.within_period": (
        "退货期内（截至 {until}）出现性能故障，可选择退货、换货或修理。",
        "Performance fault within the return period (until {until}): return, exchange or repair."),
    "exchange.within_period": (
        "换货期内（截至 {until}）出现性能故障，可免费换货；只换有故障的商品，附件不随之更换。",
        "Performance fault within the exchange period (until {until}): free exchange of the "
        "faulty item only; its accessories are not exchanged."),
    "accessory.exchange": (
        "附件（{component}）在其三包期内（截至 {until}）出现性能故障，免费更换该附件，主机不换。",
        "The accessory ({component}) failed within its period (until {until}): that accessory "
        "is exchanged free of charge, nothing else."),
    "repair.free_within_period": (
        "在保修期内（截至 {until}），免费修理。",
        "Within the warranty period (until {until}): free repair."),
    "expired": (
        "三包有效期已于 {until} 届满，只能收费修理。",
        "The warranty period ended on {until}: paid repair only."),
    "appearance.not_covered": (
        "外观问题不属于性能故障，不予三包退换，只能收费修理。",
        "An appearance defect is not a performance fault: no 三包 return or exchange, paid "
        "repair only."),
    "excluded.misuse": (
        "因使用、维护、保管不当造成的损坏，不属于三包范围，只能收费修理。",
        "Damage from misuse or improper care is not covered: paid repair only."),
    "excluded.water": (
        "进水造成的损坏，不属于三包范围，只能收费修理。",
        "Water damage is not covered: paid repair only."),
    "excluded.unauthorised_repair": (
        "非三包修理者拆动或修理造成的损坏，不属于三包范围，只能收费修理。",
        "The item was opened or repaired by an unauthorised party: paid repair only."),
    "excluded.force_majeure": (
        "因不可抗力造成的损坏，不属于三包范围，只能收费修理。",
        "Damage by force majeure is not covered: paid repair only."),
    "excluded.documents_altered": (
        "购物凭证或三包凭证有涂改或与商品不符，不予三包，只能收费修理。",
        "The invoice or warranty card is altered or does not match the item: paid repair only."),
    "no_invoice.factory_date": (
        "购买日期没有购物凭证证明，三包有效期以出厂日期 {factory_date} 推算，自 {start} 起算；只提供免费修理"
        "（附件为免费更换），不适用自售出之日起计算的退货、换货期限。",
        "The documents presented do not prove the purchase date: the periods are counted from the factory date "
        "{factory_date}, starting on {start}; free repair only (an accessory is exchanged), no return "
        "or exchange, whose periods count from the sale."),
    "no_invoice.no_factory_date": (
        "购买日期没有购物凭证证明，也无法确定出厂日期，只能收费修理。",
        "The documents presented do not prove the purchase date and no factory date is known: paid repair only."),
    "period.after_rest": (
        "期限的最后一天 {last_day} 为法定休假日，以休假日的次日 {until} 为最后一天。",
        "The last day, {last_day}, is a statutory rest day: the period ends on the day after the "
        "rest, {until}."),
    "repeat_repair.exchange": (
        "同一性能故障已修理 {repairs} 次仍不能正常使用，凭修理记录可免费换货（截至 {until}）。",
        "The same fault was repaired {repairs} times and still fails: free exchange with the "
        "repair record (until {until})."),
    "repair_overdue.exchange": (
        "送修已 {days} 日，超过 {limit} 日未修好，可免费换货（截至 {until}）。",
        "The repair has taken {days} days, more than {limit}: free exchange (until {until})."),
    "repair_time.extended": (
        "三包期扣除修理占用的 {days} 日，各期限相应顺延。",
        "The {days} days spent in repair do not count: every deadline moves back by them."),
    "exchange.new_period": (
        "商品已于 {exchanged_on} 换货，三包期自换货之日起重新计算。",
        "The item was exchanged on {exchanged_on}: its periods start again from that day."),
    "no_reason.return": (
        "可在 {until} 前（含）无理由退货，商品须完好、配件包装齐全，退回运费由消费者承担。",
        "No-reason return possible until {until}: goods complete and undamaged, the customer "
        "pays the return shipping."),
    "no_reason.expired": (
        "无理由退货期已于 {until} 届满，不能无理由退货。",
        "The no-reason return period ended on {until}."),
    "no_reason.not_offered": (
        "本政策不提供无理由退货。",
        "This policy offers no no-reason return."),
    "no_reason.offline_sale": (
        "无理由退货仅适用于网络等远程销售的商品，本商品为线下销售。",
        "No-reason return applies to goods sold online or at a distance only; this sale was "
        "in a shop."),
    "no_reason.no_purchase_date": (
        "缺少购买（收货）日期，无法确认无理由退货期限。",
        "Without a purchase (delivery) date the no-reason return period cannot be checked."),
}
