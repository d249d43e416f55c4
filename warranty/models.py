"""三包 policies as versioned data, and the decision stored with each ticket.

A policy is identified by `code`; each edit of a version that already decided a ticket becomes a new
row with version + 1 (warranty/admin.py), so a stored decision always points at the exact rules that
made it. New evaluations use the newest active version of each code (warranty/selectors.py)."""
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tickets.choices import ProductCategory

from .choices import PeriodUnit, SalesChannel


PAIR_MESSAGE = _("A period needs both a length (1 or more) and a unit, or neither.")


def _pair_constraint(prefix: str, name: str) -> models.CheckConstraint:
    """A period is a length and a unit: both set, or both empty."""
    both_empty = Q(**{f"{prefix}_length__isnull": True, f"{prefix}_unit": ""})
    both_set = Q(**{f"{prefix}_length__gt": 0}) & ~Q(**{f"{prefix}_unit": ""})
    return models.CheckConstraint(condition=both_empty | both_set, name=name, violation_error_message=PAIR_MESSAGE)


def _length(verbose: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(verbose, null=True, blank=True)


def _unit(verbose: str) -> models.CharField:
    return models.CharField(verbose, max_length=10, choices=PeriodUnit.choices, blank=True)


class WarrantyPolicy(models.Model):
    code = models.SlugField(_("code"), max_length=30, help_text=_("Stable name of the policy, e.g. “phone”."))
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    name = models.CharField(_("name"), max_length=100)
    category = models.CharField(
        _("written for"), max_length=30,
        help_text=_("The kind of goods the policy text is written for, e.g. “phone”, “online”."))
    # Which tickets get this policy automatically (warranty/selectors.py policy_choose).
    applies_to_category = models.CharField(_("product category"), max_length=20, choices=ProductCategory.choices)
    applies_to_sales = models.CharField(_("chosen for"), max_length=10, choices=SalesChannel.choices,
                                        default=SalesChannel.ANY)
    is_default = models.BooleanField(
        _("chosen automatically"), default=True,
        help_text=_("Untick for an optional policy that is only used when named (e.g. a merchant's 30-day promise)."))
    is_active = models.BooleanField(_("active"), default=True)

    no_reason_return_length = _length(_("no-reason return period"))
    no_reason_return_unit = _unit(_("no-reason return unit"))
    no_reason_online_only = models.BooleanField(
        _("no-reason return for online sales only"), default=True,
        help_text=_("By law (消保法第二十五条) only goods sold online or at a distance may be returned without reason."))
    repeat_repair_exchange_after = models.PositiveSmallIntegerField(
        _("exchange after this many repairs of the same fault"), null=True, blank=True)
    repair_overdue_exchange_days = models.PositiveSmallIntegerField(
        _("exchange when a repair takes more than (days)"), null=True, blank=True)
    repair_time_extends = models.BooleanField(_("time in repair extends the periods"), default=True)
    exchange_restarts = models.BooleanField(_("an exchanged item starts a new period"), default=True)
    factory_date_grace_length = _length(_("grace after the factory date"))
    factory_date_grace_unit = _unit(_("grace unit"))
    start_documents = models.JSONField(
        _("documents that prove the purchase date"), default=list, blank=True,
        help_text=_("Without them the periods run from the factory date."))
    required_documents = models.JSONField(_("documents each remedy needs"), default=dict, blank=True)
    citations = models.JSONField(_("rules cited, by reason code"), default=dict, blank=True)

    change_note = models.CharField(_("what changed in this version"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("warranty policy")
        verbose_name_plural = _("warranty policies")
        ordering = ("code", "-version")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="warranty_policy_code_version"),
            models.CheckConstraint(condition=Q(version__gte=1), name="warranty_policy_version_pos"),
            _pair_constraint("no_reason_return", "warranty_policy_no_reason_pair"),
            _pair_constraint("factory_date_grace", "warranty_policy_grace_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code} v{self.version})"


class WarrantyComponentRule(models.Model):
    """The periods of one component under one policy version; an empty period means the remedy does not
    exist for that component (an earphone is exchanged, never returned or repaired)."""

    policy = models.ForeignKey(WarrantyPolicy, on_delete=models.CASCADE, related_name="rules",
                               verbose_name=_("policy"))
    component = models.SlugField(_("component"), max_length=30,
                                 help_text=_("e.g. main_unit, battery, charger, data_cable, earphones"))
    return_length = _length(_("return period"))
    return_unit = _unit(_("return unit"))
    exchange_length = _length(_("exchange period"))
    exchange_unit = _unit(_("exchange unit"))
    repair_length = _length(_("free repair period"))
    repair_unit = _unit(_("repair unit"))

    class Meta:
        verbose_name = _("component period")
        verbose_name_plural = _("component periods")
        ordering = ("policy", "id")
        constraints = [
            models.UniqueConstraint(fields=["policy", "component"], name="warranty_rule_policy_component"),
            _pair_constraint("return", "warranty_rule_return_pair"),
            _pair_constraint("exchange", "warranty_rule_exchange_pair"),
            _pair_constraint("repair", "warranty_rule_repair_pair"),
            models.CheckConstraint(
                condition=Q(return_length__isnull=False) | Q(exchange_length__isnull=False)
                | Q(repair_length__isnull=False),
                name="warranty_rule_some_period",
                violation_error_message=_("Give the component at least one period (return, exchange or repair).")),
        ]

    def __str__(self) -> str:
        return self.component


class WarrantyDecision(models.Model):
    """What the customer was entitled to when the ticket was registered, and by which policy version.

    Written once at intake (facts and decision verbatim, both languages, as the engine produced them);
    a manager may override the remedies afterwards with a reason, which the timeline records."""

    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.CASCADE, related_name="warranty_decision",
                                  verbose_name=_("ticket"))
    policy = models.ForeignKey(WarrantyPolicy, on_delete=models.PROTECT, related_name="decisions",
                               verbose_name=_("policy version"))
    facts = models.JSONField(_("facts"))
    # Copied out of `facts` so the device history (selectors.device_prior_tickets) reads columns, not JSON.
    fault = models.CharField(_("fault kind"), max_length=30)
    component = models.CharField(_("component"), max_length=30)
    remedies = models.JSONField(_("remedies"), default=list)
    missing_documents = models.JSONField(_("missing documents"), default=list)
    reasons = models.JSONField(_("reasons"), default=list)
    decided_at = models.DateTimeField(_("decided at"))

    override_remedies = models.JSONField(_("remedies granted by the manager"), null=True, blank=True)
    override_reason = models.TextField(_("override reason"), blank=True)
    overridden_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("overridden by"))
    overridden_at = models.DateTimeField(_("overridden at"), null=True, blank=True)
    # The customer received a replacement that day: the device's next ticket starts a new period from it.
    exchanged_on = models.DateField(_("replacement handed over on"), null=True, blank=True)

    class Meta:
        verbose_name = _("warranty decision")
        verbose_name_plural = _("warranty decisions")
        constraints = [
            models.CheckConstraint(
                condition=Q(overridden_at__isnull=True) | ~Q(override_reason="") & Q(overridden_by__isnull=False),
                name="warranty_override_has_reason"),
            models.CheckConstraint(condition=Q(overridden_at__isnull=True) | Q(overridden_at__gte=F("decided_at")),
                                   name="warranty_override_after"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} · {self.policy}"

    @property
    def is_overridden(self) -> bool:
        return self.overridden_at is not None

    @property
    def effective_remedies(self) -> list:
        """What the customer may choose now: the manager's override if there is one."""
        return self.override_remedies if self.is_overridden else self.remedies

    @property
    def effective_missing_documents(self) -> list:
        docs = [doc for remedy in self.effective_remedies for doc in remedy.get("missing_documents", ())]
        return list(dict.fromkeys(docs))
