from django.db import models
from django.utils.translation import gettext_lazy as _


class WebhookEvent(models.TextChoices):
    TICKET_STATUS_CHANGED = "ticket.status_changed", _("Ticket status changed")
    SLA_BREACHED = "sla.breached", _("SLA breached")
    TICKET_SOLUTION_RECORDED = "ticket.solution_recorded", _("Solution recorded")
    TICKET_CLOSED = "ticket.closed", _("Ticket closed")
    TICKET_CANCELLED = "ticket.cancelled", _("Ticket cancelled")
    TICKET_MERGED = "ticket.merged", _("Ticket merged into another")


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
