from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class PartnerKind(models.TextChoices):
    COURIER = "courier", _("Courier")
    WAREHOUSE = "warehouse", _("Warehouse")
    MANUFACTURER = "manufacturer", _("Manufacturer")
    STORE = "store", _("Online store")


class Partner(models.Model):
    """A partner system. Its service account (a user in the partner role) is what it acts as."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=PartnerKind.choices)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="partner",
        verbose_name=_("service account"), null=True, blank=True,
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name

    def clean_fields(self, exclude=None):
        # In clean_fields, not clean: a form without the account field (a manager's, where it is read-only)
        # must not be handed an error for a field it does not show.
        super().clean_fields(exclude=exclude)
        if exclude and "account" in exclude:
            return
        from .accounts import partner_account_problems  # partners.accounts reads roles from core

        if self.account_id is not None and (problems := partner_account_problems(self.account)):
            raise ValidationError({"account": problems})


class ApiScope(models.TextChoices):
    TICKETS_CREATE = "tickets:create", _("Create tickets")
    TICKETS_READ = "tickets:read", _("Read tickets")
    TICKETS_UPDATE = "tickets:update", _("Update tickets, add notes, confirm solutions")
    WEBHOOKS = "webhooks", _("Manage webhooks")


def default_scopes() -> list[str]:
    return [ApiScope.TICKETS_CREATE, ApiScope.TICKETS_READ, ApiScope.TICKETS_UPDATE]


class PartnerApiKey(models.Model):
    """One credential of a partner system: `sd_<prefix>_<secret>`, of which only a hash is stored.

    The prefix finds the row (unique index); the secret is compared by hash in constant time."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="api_keys", verbose_name=_("partner"))
    name = models.CharField(_("name"), max_length=100, help_text=_("What the key is for, e.g. “order system, production”."))
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(_("secret hash"), max_length=64, editable=False)
    scopes = models.JSONField(_("scopes"), default=default_scopes)
    rate_limit_per_minute = models.PositiveIntegerField(
        _("rate limit (requests per minute)"), default=120,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("created by"), editable=False,
    )
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("partner API key")
        verbose_name_plural = _("partner API keys")
        ordering = ("partner", "-created_at")
        constraints = [
            models.CheckConstraint(condition=models.Q(rate_limit_per_minute__gte=1), name="apikey_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.partner} · {self.name} (sd_{self.prefix}_…)"

    def save(self, *args, **kwargs):
        # The last line of defence: whichever path creates a key (service, admin, shell), a key for an
        # account that is staff, a superuser or holds another role is never written.
        if self._state.adding:
            from .accounts import partner_account_problems

            if problems := partner_account_problems(self.partner.account):
                raise ValidationError({"partner": problems})
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])


class IdempotencyRecord(models.Model):
    """The first answer to a POST sent with an `Idempotency-Key`, replayed to retries of the same request.

    A row is claimed (INSERT, unique per owner and key) before the view runs and completed in the
    view's own transaction, so concurrent retries wait for one answer instead of doing the work twice."""

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    state = models.CharField(max_length=12, choices=State.choices, default=State.IN_PROGRESS)
    claim_token = models.CharField(max_length=32)
    claimed_at = models.DateTimeField()
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.BinaryField(blank=True, default=b"")
    response_headers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [models.UniqueConstraint(fields=["owner", "key"], name="idempotency_owner_key")]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created")]

    def __str__(self) -> str:
        return f"{self.owner_id}:{self.key}"
