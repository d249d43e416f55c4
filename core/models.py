"""Core's one table: the change stamps of the page cache (core/stamps.py)."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class ChangeStamp(models.Model):
    """A counter per kind of data the cached pages show beside the tickets (engineers, message templates…).

    A counter, not a timestamp: its UPDATE locks the row until the writer commits, so two writers always leave
    two increments and the sum over all rows moves with every committed change — a MAX(updated_at) can miss a
    write stamped before another that committed after it."""

    name = models.CharField(_("kind"), max_length=80, primary_key=True)
    n = models.BigIntegerField(_("changes"), default=0)

    class Meta:
        verbose_name = _("change stamp")
        verbose_name_plural = _("change stamps")

    def __str__(self) -> str:
        return f"{self.name}: {self.n}"
