from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkOrderStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    EN_ROUTE = "en_route", _("En route")
    ON_SITE = "on_site", _("On site")
    WORK_DONE = "work_done", _("Work done")
    CONFIRMED = "confirmed", _("Confirmed by the customer")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_WORK_ORDER = frozenset({WorkOrderStatus.SCHEDULED, WorkOrderStatus.EN_ROUTE, WorkOrderStatus.ON_SITE,
                             WorkOrderStatus.WORK_DONE})
