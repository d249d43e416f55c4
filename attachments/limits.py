"""Refuse an oversized request body before anything reads it (Django would spool it all to disk)."""
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError

# Room for the multipart framing and the small fields next to one maximal file.
MULTIPART_OVERHEAD = 64 * 1024


def request_body_check(meta) -> None:
    try:
        length = int(meta.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > upload_body_limit():
        raise ApplicationError(
            _("The file is larger than %(mb)d MB.") % {"mb": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)},
            code="too_large", field="file", status=413,
        )


# The endpoints that take a file, by URL name: core.middleware.RequestLimitsMiddleware allows them a body
# of one maximal file (registered in attachments/apps.py); every other endpoint gets REQUEST_BODY_MAX_BYTES.
UPLOAD_VIEWS = frozenset({"api:ticket-attachment-list", "attachments:upload"})
# The page answers an oversized file itself (a field error in the panel: htmx swaps only 2xx answers).
SELF_CHECKED_VIEWS = frozenset({"attachments:upload"})


def upload_body_limit() -> int:
    return settings.ATTACHMENT_MAX_BYTES + MULTIPART_OVERHEAD

