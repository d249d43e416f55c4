"""Intake validation shared by the reception form and the API: one rule set, two front doors."""
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _


def intake_device_errors(device: Mapping[str, Any]) -> dict[str, str]:
    """Cross-field rules on the device's documents; keys are the device's field names."""
    errors: dict[str, str] = {}
    purchase, invoice, factory = device.get("purchase_date"), device.get("invoice_date"), device.get("factory_date")
    if purchase and invoice and purchase > invoice:
        errors["purchase_date"] = _("The purchase date cannot be after the invoice date.")
    if factory and purchase and factory > purchase:
        errors["factory_date"] = _("The factory date cannot be after the purchase date.")
    if device.get("category") == "phone" and not (device.get("imei") or device.get("serial")):
        errors["imei"] = _("Enter the phone's IMEI (or its serial number).")
    return errors
