from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import AttachmentKind
from .sniffing import EXTENSIONS, PDF


class Attachment(models.Model):
    """A file on a ticket. The stored name is generated (attachments/YYYY/MM/<uuid>.<ext>); the client's
    file name is kept for display only and never used as a path."""

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="attachments", verbose_name=_("ticket")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AttachmentKind.choices, default=AttachmentKind.OTHER)
    file = models.FileField(_("file"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=40, help_text=_("Detected from the content."))
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    original_name = models.CharField(_("original file name"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [models.Index(fields=["ticket", "uploaded_at", "id"], name="attachment_ticket")]

    def __str__(self) -> str:
        return self.download_name

    @property
    def is_image(self) -> bool:
        return self.content_type != PDF

    @property
    def download_name(self) -> str:
        # Generated too: the client's name could carry anything into a header or a save dialog.
        return f"{self.ticket.number}-{self.kind}-{self.pk}{EXTENSIONS.get(self.content_type, '')}"
