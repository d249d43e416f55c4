"""The engineer's solutions (解决方案) and dispatch profiles (the categories each handles). Imported from
tickets/models.py so Django sees the models.

A ticket may carry several solutions over its life (a failed callback reopens it); the latest one is
what the callback desk confirms with the customer (tickets.engineering.selectors.solution_latest)."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import ProductCategory, SolutionKind


class TicketSolution(models.Model):
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="solutions",
                               verbose_name=_("ticket"))
    kind = models.CharField(_("solution type"), max_length=20, choices=SolutionKind.choices)
    plan = models.TextField(_("plan"))
    result = models.TextField(_("result"))
    # 返厂: the manufacturer's reference and the dates the product went and came back.
    manufacturer_reference = models.CharField(_("manufacturer reference"), max_length=60, blank=True)
    sent_on = models.DateField(_("sent to the manufacturer on"), null=True, blank=True)
    returned_on = models.DateField(_("back from the manufacturer on"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("solution")
        verbose_name_plural = _("solutions")
        indexes = [models.Index(fields=["ticket", "-recorded_at", "-id"], name="solution_ticket_latest")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=SolutionKind.values), name="solution_kind_valid"),
            # A 返厂 solution always carries its reference and both dates, in order.
            models.CheckConstraint(
                condition=~Q(kind=SolutionKind.MANUFACTURER)
                | (~Q(manufacturer_reference="") & Q(sent_on__isnull=False) & Q(returned_on__isnull=False)
                   & Q(returned_on__gte=models.F("sent_on"))),
                name="solution_manufacturer_tracked",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.get_kind_display()}"


class EngineerProfile(models.Model):
    """What dispatch knows of an engineer beyond their tickets: the product categories they handle (edited in the
    admin; none means every category) and when they were last given a ticket (written by dispatch and
    reassignment, tickets.engineering.assignment), the round robin among engineers with equal load.

    An engineer without a row handles every category and was never given a ticket."""

    engineer = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dispatch_profile",
                                    verbose_name=_("engineer"))
    # A list of ProductCategory values, the same choices as a ticket's device (tickets.models.Device.category): a
    # JSON list rather than rows so the dispatch select reads it in its one query, on PostgreSQL and SQLite alike.
    categories = models.JSONField(
        _("product categories"), default=list, blank=True,
        help_text=_("The device categories this engineer handles; dispatch suggests them for tickets of these "
                    "categories first. Tick none and the engineer handles every category."))
    last_assigned_at = models.DateTimeField(_("last given a ticket at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("engineer's product categories")
        verbose_name_plural = _("engineers' product categories")

    def clean(self) -> None:
        unknown = sorted(set(self.categories or ()) - set(ProductCategory.values))
        if unknown:
            raise ValidationError({"categories": _("Unknown product category: %(codes)s") % {"codes": ", ".join(unknown)}})

    def __str__(self) -> str:
        return str(self.engineer)
