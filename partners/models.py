from django.conf import settings
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
