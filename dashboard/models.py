"""Rollups behind the SLA dashboard, the KPI policy and supervisor ratings, and export jobs.

The rollup rows are derived data (dashboard/rollup.py rebuilds a day from the SLA clocks, the
timeline and the callbacks); deleting them loses nothing. See dashboard/README.md for freshness."""
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import Dim, ExportFormat, ExportKind, ExportState, KpiPeriod, RatingScale


class StepDay(models.Model):
    """Steps settled on one day (met, or breached and then done or cancelled), per slice.

    One row per (day, step, engineer or all, dim, value): `engineer` NULL is every engineer; `dim`
    "all" is unfiltered, otherwise the one filter the row answers (kind=repair, channel=phone …).
    `hist` maps whole business minutes taken → how many steps took that long: exact medians and
    percentiles from sums of rows."""

    day = models.DateField(_("day"))
    step = models.CharField(_("step"), max_length=20)
    engineer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="+", verbose_name=_("engineer"))
    dim = models.CharField(_("slice"), max_length=10, choices=Dim.choices)
    value = models.CharField(_("value"), max_length=40, blank=True)
    met = models.PositiveIntegerField(_("met"), default=0)
    breached = models.PositiveIntegerField(_("breached"), default=0)
    hist = models.JSONField(_("minutes taken"), default=dict)

    class Meta:
        verbose_name = _("step rollup")
        verbose_name_plural = _("step rollups")
        indexes = [
            models.Index(fields=["dim", "value", "day"], name="dash_stepday_all",
                         condition=Q(engineer__isnull=True)),
            models.Index(fields=["dim", "value", "day", "engineer"], name="dash_stepday_eng",
                         condition=Q(engineer__isnull=False)),
            models.Index(fields=["day"], name="dash_stepday_day"),
        ]


class VolumeDay(models.Model):
    """Tickets registered, dispatches, callbacks (satisfaction, failed) on one day, per slice."""

    day = models.DateField(_("day"))
    engineer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="+", verbose_name=_("engineer"))
    dim = models.CharField(_("slice"), max_length=10, choices=Dim.choices)
    value = models.CharField(_("value"), max_length=40, blank=True)
    registered = models.PositiveIntegerField(_("registered"), default=0)
    dispatched = models.PositiveIntegerField(_("dispatched"), default=0)
    callbacks_failed = models.PositiveIntegerField(_("reopened after a failed callback"), default=0)
    satisfaction_sum = models.DecimalField(_("satisfaction sum"), max_digits=14, decimal_places=4, default=0)
    satisfaction_count = models.PositiveIntegerField(_("rated callbacks"), default=0)

    class Meta:
        verbose_name = _("volume rollup")
        verbose_name_plural = _("volume rollups")
        indexes = [
            models.Index(fields=["dim", "value", "day"], name="dash_volday_all", condition=Q(engineer__isnull=True)),
            models.Index(fields=["dim", "value", "day", "engineer"], name="dash_volday_eng",
                         condition=Q(engineer__isnull=False)),
            models.Index(fields=["day"], name="dash_volday_day"),
        ]


class RollupDay(models.Model):
    """When a day's rollup was last built; `final` once built after the day ended (never rebuilt again)."""

    day = models.DateField(_("day"), primary_key=True)
    built_at = models.DateTimeField(_("built at"))
    final = models.BooleanField(_("final"), default=False)
    seconds = models.FloatField(_("build time (s)"), default=0)

    class Meta:
        verbose_name = _("rollup day")
        verbose_name_plural = _("rollup days")


class KpiPolicy(models.Model):
    """Seed 001: 主管评分 + 客户评分, the customers' part weighted higher. Versioned by effective_from:
    a period is scored by the version in force at its start."""

    name = models.CharField(_("name"), max_length=100)
    effective_from = models.DateField(_("effective from"))
    period = models.CharField(_("period"), max_length=10, choices=KpiPeriod.choices, default=KpiPeriod.MONTH)
    customer_weight = models.DecimalField(
        _("customer weight"), max_digits=3, decimal_places=2, default=Decimal("0.60"),
        validators=[MinValueValidator(Decimal("0.51")), MaxValueValidator(Decimal("1.00"))],
        help_text=_("Share of the score from callback satisfaction; more than half (seed 001)."))
    min_ratings = models.PositiveSmallIntegerField(
        _("minimum rated callbacks"), default=1,
        help_text=_("Fewer rated callbacks in the period: no customer score."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("KPI policy")
        verbose_name_plural = _("KPI policies")
        ordering = ("-effective_from", "-id")
        constraints = [
            models.CheckConstraint(condition=Q(customer_weight__gt=Decimal("0.5"), customer_weight__lte=1),
                                   name="kpi_customer_weight_higher"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.effective_from:%Y-%m-%d})"

    @property
    def supervisor_weight(self) -> Decimal:
        return Decimal("1") - self.customer_weight


class SupervisorRating(models.Model):
    """A manager's rating of an engineer for one KPI period (the period's first day)."""

    engineer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("engineer"))
    period_start = models.DateField(_("period starting"))
    scale = models.CharField(_("scale"), max_length=5, choices=RatingScale.choices, default=RatingScale.HUNDRED)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0)])
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                           verbose_name=_("rated by"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("supervisor rating")
        verbose_name_plural = _("supervisor ratings")
        ordering = ("-period_start", "engineer")
        constraints = [
            models.UniqueConstraint(fields=["engineer", "period_start"], name="kpi_rating_once"),
            models.CheckConstraint(
                condition=(Q(scale="100", score__gte=0, score__lte=100) | Q(scale="5", score__gte=1, score__lte=5)),
                name="kpi_rating_in_scale"),
        ]

    def __str__(self) -> str:
        return f"{self.engineer} {self.period_start:%Y-%m-%d}: {self.score}/{self.scale}"

    @property
    def score_100(self) -> Decimal:
        """1–5 maps onto 0–100 linearly (1 → 0, 5 → 100), so both scales mean the same at the ends."""
        if self.scale == RatingScale.FIVE:
            return (self.score - 1) * 25
        return self.score


class ExportJob(models.Model):
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("requested by"))
    kind = models.CharField(_("what"), max_length=12, choices=ExportKind.choices)
    format = models.CharField(_("format"), max_length=5, choices=ExportFormat.choices)
    filters = models.JSONField(_("filters"), default=dict)
    # The requester's language: the worker has no request, and the file's labels must read as the page did.
    language = models.CharField(_("language"), max_length=10, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=ExportState.choices, default=ExportState.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    file = models.FileField(_("file"), upload_to="exports/%Y/%m/", blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [models.Index(fields=["requested_by", "-created_at"], name="dash_export_mine")]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=ExportState.values), name="dash_export_state_valid"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="dash_export_progress_pct"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.format} #{self.pk}"
