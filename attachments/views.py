"""Ticket-page attachments: an HTMX upload into the ticket's panel, and the download."""
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from core.decorators import role_required
from core.errors import ApplicationError
from core.roles import Role
from tickets.selectors import ticket_get_for_user

from . import selectors, services
from .forms import AttachmentForm
from .limits import request_body_check
from .responses import attachment_file_response

STAFF = (Role.RECEPTION, Role.ENGINEER, Role.MANAGER)
PANEL = "attachments/_panel.html"


def panel_context(*, ticket, form=None, request=None, standalone: bool = False) -> dict:
    attachments = list(selectors.attachments_for_ticket(ticket=ticket, with_merged=True))
    own = sum(1 for a in attachments if a.ticket_id == ticket.pk)  # the limit is per ticket
    return {
        "ticket": ticket,
        "attachments": attachments,
        "attachments_own": own,
        "attachment_form": form or AttachmentForm(),
        "attachments_max": services.max_per_ticket(),
        "attachments_full": own >= services.max_per_ticket(),
        "request": request,
        "standalone": standalone,  # rendered alone by the upload view: carries the flash messages too
    }


def ticket_panel_context(*, request, ticket) -> dict:
    """The ticket page's attachments card (tickets.hooks panel); the page shows the flash messages itself."""
    return {**panel_context(ticket=ticket, request=request), "messages": ()}


def _answer(request, ticket, form, *, ok: bool):
    if request.htmx:  # htmx swaps only 2xx: a refusal is a 200 fragment with the error in place
        context = panel_context(ticket=ticket, form=None if ok else form, request=request, standalone=True)
        return render(request, PANEL, context)
    if not ok:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("tickets:detail", number=ticket.number)


@csrf_exempt  # CSRF is checked in _upload, after the size check: the middleware would read the whole body first
@require_POST
@role_required(*STAFF)
def attachment_upload_view(request, number: str):
    try:
        request_body_check(request.META)
    except ApplicationError as exc:
        ticket = ticket_get_for_user(user=request.user, number=number, for_write=True)
        form = AttachmentForm(data={}, files={})  # bound but empty: the body stays unread
        form.is_valid()
        form.errors.clear()
        form.add_error("file", exc.message)
        return _answer(request, ticket, form, ok=False)
    return _upload(request, number)


@csrf_protect
def _upload(request, number: str):
    ticket = ticket_get_for_user(user=request.user, number=number, for_write=True)
    form = AttachmentForm(request.POST, request.FILES)
    ok = False
    if form.is_valid():
        try:
            services.attachment_add(ticket=ticket, actor=request.user, upload=form.cleaned_data["file"],
                                    kind=form.cleaned_data["kind"])
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            ok = True
            messages.success(request, _("File attached."))
    return _answer(request, ticket, form, ok=ok)


@require_GET
def attachment_download_view(request, number: str, pk: int):
    """Whoever may see the ticket may fetch its files; anyone else gets a 404."""
    return attachment_file_response(selectors.attachment_get_for_user(user=request.user, number=number, pk=pk))
