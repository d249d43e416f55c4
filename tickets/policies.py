"""The ticket's own lifecycle policy: how long after closing a ticket may be reopened.

Why a model of its own in tickets, and not a field on the callback policy: the reopen rule is part of the
ticket's lifecycle, decided by tickets' own service (tickets/lifecycle.py), and tickets imports no other
app (ARCHITECTURE.md) — reading callbacks' policy table would break that direction. Versioned like the
other policies: the version in force is the latest whose `effective_from` has passed, a saved version is
never edited away (a new row is added), and the reopen event records the version it was decided by."""
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_REOPEN_WINDOW_DAYS = 30


class ReopenPolicy(models.Model):
    name = models.CharField(_("name"), max_length=100)
    effective_from = models.DateTimeField(_("effective from"))
    window_days = models.PositiveSmallIntegerField(
        _("reopen within (days after closing)"), default=DEFAULT_REOPEN_WINDOW_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_("A closed ticket may be reopened by the desk for this many days after it was closed."))
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        app_label = "tickets"
        verbose_name = _("reopen policy")
        verbose_name_plural = _("reopen policies")
        ordering = ("-effective_from", "-id")
        constraints = [models.CheckConstraint(condition=models.Q(window_days__gte=1), name="reopen_policy_window_min")]

    def __str__(self) -> str:
        return f"{self.name} ({self.effective_from:%Y-%m-%d})"
