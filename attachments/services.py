"""Writes on attachments. A refused file leaves nothing behind: no row, no file in storage."""
import hashlib
import logging
import re
import unicodedata
import uuid

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError
from tickets.models import Ticket
from tickets.timeline import timeline_touch

from .choices import AttachmentKind
from .models import Attachment
from .sniffing import EXTENSIONS, HEAD_BYTES, looks_executable, sniff

logger = logging.getLogger(__name__)
CHUNK = 64 * 1024


def max_bytes() -> int:
    return settings.ATTACHMENT_MAX_BYTES


def max_per_ticket() -> int:
    return settings.ATTACHMENTS_PER_TICKET


def _refuse(message, *, code: str, status: int = 400):
    raise ApplicationError(message, code=code, field="file", status=status)


def display_name(raw: str | None) -> str:
    """The client's file name for display only: last path segment, no control characters, ≤ 100 chars."""
    name = re.split(r"[\\/]", raw or "")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    return name[-100:]


def _too_large_message():
    return _("The file is larger than %(mb)d MB.") % {"mb": max_bytes() // (1024 * 1024)}


def attachment_check(upload) -> tuple[str, str]:
    """(content type, SHA-256) of an acceptable upload, or ApplicationError on the `file` field."""
    size = upload.size or 0
    if size == 0:
        _refuse(_("The file is empty."), code="empty")
    if size > max_bytes():
        _refuse(_too_large_message(), code="too_large")
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    content_type = sniff(head)
    if content_type is None:
        if looks_executable(head):
            _refuse(_("Programs and scripts are not accepted. Upload a JPEG, PNG or PDF file."), code="executable")
        _refuse(_("Only JPEG, PNG and PDF files are accepted (checked by the file's content, not its name)."),
                code="unsupported_type")
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks(CHUNK):
        digest.update(chunk)
    upload.seek(0)
    return content_type, digest.hexdigest()


def attachment_add(*, ticket: Ticket, actor, upload, kind: str = AttachmentKind.OTHER) -> Attachment:
    if kind not in AttachmentKind.values:
        raise ApplicationError(_("Choose what kind of document this is."), code="invalid", field="kind", status=400)
    content_type, sha256 = attachment_check(upload)
    if Attachment.objects.filter(ticket=ticket).count() >= max_per_ticket():  # cheap early answer
        _too_many()
    now = timezone.now()
    name = default_storage.save(f"attachments/{now:%Y/%m}/{uuid.uuid4().hex}{EXTENSIONS[content_type]}", upload)
    try:
        with transaction.atomic():
            # The ticket row lock serialises concurrent uploads, so the limit holds under races.
            Ticket.objects.select_for_update().filter(pk=ticket.pk).values_list("pk", flat=True).first()
            if Attachment.objects.filter(ticket=ticket).count() >= max_per_ticket():
                _too_many()
            attachment = Attachment.objects.create(
                ticket=ticket, kind=kind, file=name, content_type=content_type, size=upload.size, sha256=sha256,
                original_name=display_name(getattr(upload, "name", "")), uploaded_by=actor, uploaded_at=now,
            )
            timeline_touch(ticket=ticket, at=now)  # partners sync on updated_since; no timeline entry
    except BaseException:
        default_storage.delete(name)
        raise
    attachment.ticket = ticket
    return attachment


def _too_many():
    _refuse(_("A ticket holds at most %(max)d files.") % {"max": max_per_ticket()}, code="too_many", status=409)


def attachment_delete(*, attachment: Attachment) -> None:
    """Admin clean-up: the row and its file."""
    name = attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: default_storage.delete(name))
