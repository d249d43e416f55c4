"""Serving a stored file safely, for the page and the API alike."""
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404

from .models import Attachment
from .sniffing import PDF


def attachment_file_response(attachment: Attachment) -> FileResponse:
    try:
        handle = default_storage.open(attachment.file.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, content_type=attachment.content_type, as_attachment=attachment.content_type == PDF,
        filename=attachment.download_name,
    )
    # The type we detected, and only it: browsers must not sniff an image into HTML.
    response["X-Content-Type-Options"] = "nosniff"
    # Even if opened directly, the file runs no script and loads nothing.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    response["Cache-Control"] = "private, no-store"  # invoices and photos of people's homes
    return response
