"""ETag / If-Match for tickets: the ticket's `version` column is the entity tag.

Every write bumps `version` with a conditional UPDATE (tickets.services), so a client that sends back
the ETag it read either changes the version it saw or gets 412 — never a silent overwrite."""
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError

MAX_TAG_DIGITS = 9


def ticket_etag(ticket) -> str:
    return f'"{ticket.version}"'


def with_etag(response, ticket):
    response["ETag"] = ticket_etag(ticket)
    return response


def if_match_version(request, *, current: int) -> int:
    """The version the client read, from `If-Match`; 428 when missing, 412 when it names another version.

    Accepts `"3"`, `3`, a list (`"2", "3"`) and `*` (any version — the caller accepts overwriting). A weak tag
    (`W/"3"`) never matches: RFC 9110 asks If-Match for the strong comparison."""
    raw = (request.headers.get("If-Match") or "").strip()
    if not raw:
        raise ApplicationError(
            _("Send If-Match with the ETag you last read."), code="precondition_required", field="If-Match",
            status=428,
        )
    for tag in (part.strip() for part in raw.split(",")):
        if tag == "*":
            return current
        if tag.startswith("W/"):
            continue
        tag = tag.strip('"')
        if tag.isascii() and tag.isdigit() and len(tag) <= MAX_TAG_DIGITS and int(tag) == current:
            return current
    raise ApplicationError(
        _("The ticket has changed since you read it. Fetch it again and retry with the new ETag."),
        code="precondition_failed", field="If-Match", status=412,
    )
