from django.db import models
from django.utils.translation import gettext_lazy as _


class AttachmentKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    WARRANTY_CARD = "warranty_card", _("Warranty card")
    FAULT_PHOTO = "fault_photo", _("Fault photo")
    WORK_ORDER = "work_order", _("Work-order scan")
    OTHER = "other", _("Other")
