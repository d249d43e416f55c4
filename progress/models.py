"""The completion notice 完成通知 (seed 001: 修复完成后收到短信或电子邮件通知), one row per ticket and
channel: the row is the "already sent?" record that makes a redelivered task do nothing."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .messages import placeholders_unknown


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
    provider_id = models.CharField(_("provider's message id"), max_length=100, blank=True)

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


# ---- messages the desk sends the customer from the ticket page (issue 15, item 9) ---------------------

class MessageTemplate(models.Model):
    """Policy data, edited in the admin: what the desk starts from when writing to the customer. The body
    may use the placeholders of progress/messages.py (PLACEHOLDERS), filled in when the message is sent."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    subject = models.CharField(_("e-mail subject"), max_length=150, blank=True)
    body = models.TextField(_("text"), max_length=500)
    provider_template_code = models.CharField(
        _("SMS provider template code"), max_length=40, blank=True,
        help_text=_("The provider's approved template for this text, with the placeholders as its variables. "
                    "Empty: the default template (ALIYUN_SMS_TEMPLATE_CODE) carries the whole text."))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ("position", "id")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        unknown = placeholders_unknown(self.body) | placeholders_unknown(self.subject)
        if unknown:
            raise ValidationError({"body": _("Unknown placeholders: %(names)s") % {
                "names": ", ".join("{%s}" % name for name in sorted(unknown))}})


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class CustomerMessage(models.Model):
    """One SMS or e-mail to the customer, written by the desk. The row is the delivery record: the task
    claims it, and a message once `sent` (the provider accepted it) is never sent again."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="customer_messages",
                               verbose_name=_("ticket"))
    channel = models.CharField(_("channel"), max_length=10, choices=NoticeChannel.choices)
    recipient = models.CharField(_("recipient"), max_length=254)
    template_code = models.CharField(_("template"), max_length=40, blank=True)
    provider_template_code = models.CharField(_("SMS provider template code"), max_length=40, blank=True)
    params = models.JSONField(_("placeholder values"), default=dict, blank=True)
    subject = models.CharField(_("e-mail subject"), max_length=150, blank=True)
    text = models.TextField(_("text"))
    status = models.CharField(_("delivery status"), max_length=10, choices=MessageStatus.choices,
                              default=MessageStatus.QUEUED)
    provider_id = models.CharField(_("provider's message id"), max_length=100, blank=True)
    error = models.TextField(_("last error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("written by"))

    class Meta:
        verbose_name = _("message to the customer")
        verbose_name_plural = _("messages to the customer")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=MessageStatus.values), name="customer_message_status_valid"),
            models.CheckConstraint(condition=Q(channel__in=NoticeChannel.values),
                                   name="customer_message_channel_valid"),
        ]
        indexes = [models.Index(fields=["next_attempt_at"], name="customer_message_due",
                                condition=Q(status="queued"))]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.channel} {self.status}"
