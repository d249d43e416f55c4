"""Labels for the 三包 vocabulary. Codes are the engine's (warranty/rules.py); labels are English msgids
translated to Chinese by the locale, so reception reads 退货 / 换货 / 免费维修 in zh-hans."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodUnit(models.TextChoices):
    DAY = "day", _("days")
    MONTH = "month", _("months")
    YEAR = "year", _("years")


class SalesChannel(models.TextChoices):
    """Which sales a policy is chosen for automatically (with its product category)."""

    ANY = "any", _("Any sale")
    ONLINE = "online", _("Sold online or at a distance")
    SHOP = "shop", _("Sold in a shop")


class FaultKind(models.TextChoices):
    PERFORMANCE = "performance", _("Performance fault")
    APPEARANCE = "appearance", _("Appearance (scratches, wear)")
    MISUSE = "misuse", _("Misuse or improper care")
    WATER = "water", _("Water damage")
    UNAUTHORISED_REPAIR = "unauthorised_repair", _("Opened or repaired by someone else")
    FORCE_MAJEURE = "force_majeure", _("Force majeure")
    NONE = "none", _("Nothing broken: no-reason return")


class Remedy(models.TextChoices):
    RETURN = "return", _("Return")
    EXCHANGE = "exchange", _("Exchange")
    REPAIR = "repair", _("Repair")


# (remedy, charge) → what reception says to the customer.
REMEDY_LABELS = {
    ("return", "free"): _("Return"),
    ("return", "paid"): _("No-reason return (customer pays shipping)"),
    ("exchange", "free"): _("Free exchange"),
    ("exchange", "paid"): _("Paid exchange"),
    ("repair", "free"): _("Free repair"),
    ("repair", "paid"): _("Paid repair"),
}

CHARGE_LABELS = {"free": _("free"), "paid": _("paid")}

DOCUMENT_LABELS = {
    "invoice": _("Original invoice"),
    "warranty_card": _("Warranty card"),
    "original_packaging": _("Original packaging"),
    "accessories_complete": _("All accessories"),
    "repair_record": _("Repair record"),
}

# Components of the shipped policies; a manager may add others in the admin (shown by their code).
COMPONENT_LABELS = {
    "main_unit": _("Main unit"),
    "battery": _("Battery"),
    "charger": _("Charger"),
    "data_cable": _("Data cable"),
    "earphones": _("Earphones"),
    "compressor": _("Compressor"),
    "motor": _("Motor"),
    "motherboard": _("Motherboard"),
    "cpu": _("CPU"),
    "memory": _("Memory"),
    "hard_disk": _("Hard disk"),
    "display": _("Display"),
    "power_supply": _("Power supply"),
    "keyboard": _("Keyboard"),
}


def component_label(code: str) -> str:
    return str(COMPONENT_LABELS.get(code, code))


def document_label(code: str) -> str:
    return str(DOCUMENT_LABELS.get(code, code))


def remedy_label(remedy: str, charge: str) -> str:
    return str(REMEDY_LABELS.get((remedy, charge), remedy))
