from django.db import models
from django.utils.translation import gettext_lazy as _


class Dim(models.TextChoices):
    """The one filter a rollup row answers ("all": none)."""

    ALL = "all", _("All")
    KIND = "kind", _("Kind")
    CHANNEL = "channel", _("Channel")
    PRIORITY = "priority", _("Priority")
    CATEGORY = "category", _("Category")
    PARTNER = "partner", _("Partner")


class KpiPeriod(models.TextChoices):
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")


class RatingScale(models.TextChoices):
    HUNDRED = "100", _("0–100")
    FIVE = "5", _("1–5")


class ExportKind(models.TextChoices):
    TICKETS = "tickets", _("Tickets")
    BREACHES = "breaches", _("SLA breaches")
    KPI = "kpi", _("Engineer KPI")


class ExportFormat(models.TextChoices):
    CSV = "csv", _("CSV")
    XLSX = "xlsx", _("Excel")


class ExportState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
