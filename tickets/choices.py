from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    PREPROCESSED = "preprocessed", _("Pre-processed")
    DISPATCHED = "dispatched", _("Dispatched")
    REPLIED = "replied", _("Engineer replied")
    WAITING = "waiting", _("Waiting")
    SOLVED = "solved", _("Solution recorded")
    CALLED_BACK = "called_back", _("Called back")
    REOPENED = "reopened", _("Reopened")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")
    MERGED = "merged", _("Merged")  # a duplicate merged into another ticket (Ticket.merged_into), tickets/merging.py


OPEN_STATUSES = frozenset(Status.values) - {Status.CLOSED, Status.CANCELLED, Status.MERGED}


class Kind(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation")
    REPAIR = "repair", _("Repair")
    RETURN_EXCHANGE = "return_exchange", _("Return / exchange")
    COMPLAINT = "complaint", _("Complaint")
    INSTALLATION = "installation", _("Installation")
    MAINTENANCE = "maintenance", _("Maintenance")
    LOGISTICS_CHASE = "logistics_chase", _("Parcel chase")
    LOGISTICS_TRACE = "logistics_trace", _("Parcel trace")
    LOGISTICS_SIGNED_BY_OTHER = "logistics_signed_by_other", _("Signed by someone else")
    LOGISTICS_LOST_DAMAGED = "logistics_lost_damaged", _("Lost or damaged")
    LOGISTICS_WRONG_ITEM = "logistics_wrong_item", _("Wrong item sent")
    LOGISTICS_MISSING_ITEM = "logistics_missing_item", _("Missing item or gift")
    PRICE_PROTECTION = "price_protection", _("Price protection")


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    WALK_IN = "walk_in", _("Walk-in")
    EMAIL = "email", _("E-mail")
    WEB = "web", _("Web form")
    PARTNER_API = "partner_api", _("Partner API")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class ProductCategory(models.TextChoices):
    PHONE = "phone", _("Mobile phone")
    APPLIANCE = "appliance", _("Home appliance")
    COMPUTER = "computer", _("Computer")
    FURNITURE = "furniture", _("Furniture")
    OTHER = "other", _("Other goods")


class WaitReason(models.TextChoices):
    CUSTOMER = "customer", _("Waiting for the customer")
    PARTS = "parts", _("Waiting for spare parts")
    MANUFACTURER = "manufacturer", _("At the manufacturer")


# --- Engineer's work (tickets/engineering/) -------------------------------------------------
class SolutionKind(models.TextChoices):
    REMOTE_GUIDANCE = "remote_guidance", _("Remote guidance")
    SHOP_REPAIR = "shop_repair", _("Repair in the shop")
    ONSITE = "onsite", _("On-site visit")
    EXCHANGE = "exchange", _("Exchange")
    RETURN_REFUND = "return_refund", _("Return / refund")
    MANUFACTURER = "manufacturer", _("Sent to the manufacturer")


class ReplyTo(models.TextChoices):
    """Seed 002: the engineer answers the desk or the customer directly."""

    CUSTOMER = "customer", _("The customer")
    DESK = "desk", _("The service desk")
