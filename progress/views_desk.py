"""The desk's messages to the customer, on the ticket page (tickets.hooks panel "progress"): compose from a
template with a live preview, send (queued for the SMS or e-mail task), and each message's delivery status
on its timeline entry. Failures never answer 500: a refusal is the composer again with the reason."""
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget

from core.decorators import role_required
from core.errors import ApplicationError
from core.roles import Role, user_has_role
from tickets.choices import Status
from tickets.selectors import ticket_get_for_user
from tickets.views import ticket_body_after_success

from .forms import CustomerMessageForm
from .message_services import customer_message_create, message_draft
from .messages import sms_segments
from .models import MessageStatus, NoticeChannel
from .selectors import customer_message_get, message_template_get, message_templates, message_values

DESK = (Role.RECEPTION, Role.MANAGER)
STAFF = (Role.RECEPTION, Role.ENGINEER, Role.MANAGER)
POLL_SECONDS = 3  # a queued message's badge asks again this often, until it is sent or failed


def ticket_panel_context(*, request, ticket) -> dict | None:
    """The composer for the desk: one query (the active templates). The preview is computed on demand."""
    if not user_has_role(request.user, *DESK) or ticket.status == Status.MERGED:
        return None
    templates = message_templates()
    return {"message_form": CustomerMessageForm(templates=templates), "has_email": bool(ticket.customer.email)}


def _composer(request, ticket, form, *, preview: str = "", problems=(), subject: str = "", status: int = 200):
    return render(request, "progress/_message_composer.html", {
        "ticket": ticket, "message_form": form, "preview": preview, "preview_subject": subject,
        "problems": problems, "segments": sms_segments(preview) if preview else 0,
        "has_email": bool(ticket.customer.email)}, status=status)


@require_POST
@role_required(*DESK)
def message_preview_view(request, number: str):
    """The composer with the preview filled in. `pick=1` (the template was chosen): the template's words
    replace the text; otherwise the typed words are previewed as they are."""
    ticket = ticket_get_for_user(user=request.user, number=number, for_write=True)
    templates = message_templates()
    data = request.POST.copy()
    if data.get("pick") and (template := message_template_get(code=data.get("template", ""))):
        data["text"], data["subject"] = template.body, template.subject
    # Unbound, with the typed values as initial: a preview is no submission, no red fields while writing.
    form = CustomerMessageForm(initial=data.dict(), templates=templates)
    # The subject is previewed only for an e-mail: an SMS has none.
    text, subject = data.get("text", ""), data.get("subject", "") if data.get("channel") == NoticeChannel.EMAIL else ""
    preview, preview_subject, problems = message_draft(values=message_values(ticket=ticket), text=text,
                                                       subject=subject)
    return _composer(request, ticket, form, preview=preview, problems=problems, subject=preview_subject)


@require_POST
@role_required(*DESK)
def message_send_view(request, number: str):
    ticket = ticket_get_for_user(user=request.user, number=number, for_write=True)
    form = CustomerMessageForm(request.POST, templates=message_templates())
    if form.is_valid():
        data = form.cleaned_data
        try:
            customer_message_create(ticket=ticket, actor=request.user, channel=data["channel"], text=data["text"],
                                    subject=data["subject"], template=message_template_get(code=data["template"]))
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            channel = NoticeChannel(data["channel"]).label
            messages.success(request, _("Message to the customer queued (%(channel)s).") % {"channel": channel})
            response = ticket_body_after_success(request, number)
            if request.htmx:  # the composer posted; the answer is the whole ticket body with its new entry
                response = reswap(retarget(response, "#ticket-body"), "innerHTML")
            return response
    if not request.htmx:
        for error in form.errors.values():
            messages.error(request, " ".join(error))
        return redirect("tickets:detail", number=number)
    return _composer(request, ticket, form)


@require_GET
@role_required(*STAFF)
def message_status_view(request, number: str):
    """One message's delivery badge (its timeline entry asks while it is queued)."""
    ticket = ticket_get_for_user(user=request.user, number=number)
    try:
        pk = int(request.GET.get("id", ""))
    except ValueError:
        return render(request, "progress/_message_status.html", {"message": None}, status=400)
    message = customer_message_get(ticket=ticket, pk=pk)
    return render(request, "progress/_message_status.html", {
        "message": message, "ticket": ticket, "poll": POLL_SECONDS if message.status == MessageStatus.QUEUED else 0})
