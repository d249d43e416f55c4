"""The completion notice 完成通知 (seed 001: 修复完成后收到短信或电子邮件通知), one row per ticket and
channel: the row is the "already sent?" record that makes a redelivered task do nothing."""
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class NoticeChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class CompletionNotice(models.Model):
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="completion_notices",
                               verbose_name=_("ticket"))
    channel = models.CharField(_("channel"), max_length=10, choices=NoticeChannel.choices)
    recipient = models.CharField(_("recipient"), max_length=254)
    created_at = models.DateTimeField(_("created at"))
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("completion notice")
        verbose_name_plural = _("completion notices")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "channel"], name="notice_once_per_channel"),
            models.CheckConstraint(condition=Q(channel__in=NoticeChannel.values), name="notice_channel_valid"),
        ]
        indexes = [models.Index(fields=["created_at", "id"], name="notice_unsent",
                                condition=Q(sent_at__isnull=True))]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.channel} {'sent' if self.sent_at else 'pending'}"
