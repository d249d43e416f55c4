"""The desk's edit, cancel and reopen panels on the ticket page (issue 14): thin, through core.steps."""
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.decorators import role_required
from core.errors import ApplicationError
from core.roles import Role
from core.steps import page_step_run

from . import selectors
from .editing import ticket_edit
from .forms_ops import CancelForm, ReopenForm, TicketEditForm
from .lifecycle import ticket_cancel, ticket_reopen
from .views import ticket_body_after_failure, ticket_body_after_success

DESK = (Role.RECEPTION, Role.MANAGER)


def _run_step(request, ticket, action: str, form, run, done: str):
    return page_step_run(
        request, form=form, done=done, roles=DESK, run=run,
        on_success=lambda: ticket_body_after_success(request, ticket.number),
        on_failure=lambda failed, general: ticket_body_after_failure(request, ticket, {action: failed}, general,
                                                                     failed_action=action),
    )


def _for_the_page(exc: ApplicationError) -> ApplicationError:
    """The service speaks the API's language for two refusals; the page names its own fields."""
    if exc.code == "precondition_failed":  # the hidden version is stale: someone saved in between
        return ApplicationError(_("Someone else changed this ticket. Reload and try again."), code="ticket_stale",
                                status=409)
    if exc.field and exc.field.startswith("device."):
        return ApplicationError(exc.message, code=exc.code, field=exc.field.split(".", 1)[1], status=exc.status)
    return exc


@require_POST
@role_required(*DESK)
def ticket_edit_view(request, number: str):
    ticket = selectors.ticket_get_for_user(user=request.user, number=number, for_write=True)
    form = TicketEditForm(request.POST, ticket=ticket)

    def run(data):
        try:
            ticket_edit(ticket=ticket, actor=request.user, **form.service_kwargs())
        except ApplicationError as exc:
            raise _for_the_page(exc) from exc

    return _run_step(request, ticket, "edit", form, run, _("Changes saved."))


@require_POST
@role_required(*DESK)
def ticket_cancel_view(request, number: str):
    ticket = selectors.ticket_get_for_user(user=request.user, number=number, for_write=True)
    return _run_step(request, ticket, "cancel", CancelForm(request.POST),
                     lambda data: ticket_cancel(ticket=ticket, actor=request.user, reason=data["reason"],
                                                note=data["note"]),
                     _("Ticket cancelled."))


@require_POST
@role_required(*DESK)
def ticket_reopen_view(request, number: str):
    ticket = selectors.ticket_get_for_user(user=request.user, number=number, for_write=True)
    return _run_step(request, ticket, "reopen", ReopenForm(request.POST),
                     lambda data: ticket_reopen(ticket=ticket, actor=request.user, reason=data["reason"],
                                                engineer=data["engineer"]),
                     _("Ticket reopened."))
