"""Work-order pages: the engineer's phone page (HTMX step panels), the printable form, my visits."""
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.decorators import role_required
from core.errors import ApplicationError
from core.steps import Failed, page_step_run
from core.roles import Role, user_has_role
from tickets.selectors import ticket_get_for_user

from . import forms as f
from . import rules, selectors, services
from .workflow import STEP_ROLES, allowed_steps

STAFF = (Role.RECEPTION, Role.ENGINEER, Role.MANAGER)

# step → (form, service, success message)
STEPS = {
    "reschedule": (f.RescheduleForm, services.work_order_reschedule, _("Visit rescheduled.")),
    "depart": (f.StepTimeForm, services.work_order_depart, _("Departure recorded.")),
    "arrive": (f.StepTimeForm, services.work_order_arrive, _("Arrival recorded.")),
    "inspect": (f.InspectForm, services.work_order_inspect, _("Findings recorded.")),
    "add_part": (f.PartForm, services.work_order_part_add, _("Part added.")),
    "remove_part": (f.RemovePartForm, services.work_order_part_remove, _("Part removed.")),
    "quote": (f.QuoteForm, services.work_order_quote, _("Fee quoted.")),
    "approve_fee": (f.ApproveFeeForm, services.work_order_approve_fee, _("The customer approved the fee.")),
    "complete": (f.CompleteForm, services.work_order_complete, _("Work recorded as done.")),
    "payment": (f.PaymentForm, services.work_order_record_payment, _("Receipt recorded.")),
    "confirm": (f.ConfirmForm, services.work_order_confirm, _("The customer confirmed the work.")),
    "cancel": (f.CancelForm, services.work_order_cancel, _("Visit cancelled.")),
}


def _initial(work_order, step: str) -> dict:
    if step == "approve_fee":
        return {"amount": work_order.fee_quote, "customer_name": work_order.contact_name}
    if step == "confirm":
        return {"customer_name": work_order.contact_name}
    if step == "inspect":  # findings may be corrected until the work is done
        return {"heard": work_order.heard, "seen": work_order.seen, "checked": work_order.checked,
                "opened_before": _yes_no_initial(work_order.opened_before),
                "within_warranty": _yes_no_initial(work_order.within_warranty)}
    if step == "quote" and work_order.fee_quote is not None:
        return {"amount": work_order.fee_quote, "note": work_order.fee_note, "callout_fee": work_order.fee_callout,
                "labour_fee": work_order.fee_labour}
    if step == "reschedule":
        return {"window_start": work_order.window_start, "window_end": work_order.window_end}
    return {}


def _yes_no_initial(value) -> str:
    return "" if value is None else ("yes" if value else "no")


def _context(request, work_order, failed: dict | None = None) -> dict:
    failed = failed or {}
    steps = [s for s in allowed_steps(work_order.status) if user_has_role(request.user, *STEP_ROLES[s])]
    fee = services.fee_state(work_order=work_order)
    step_forms = {}
    for step in steps:
        form_class = STEPS[step][0]
        initial = _initial(work_order, step)
        step_forms[step] = failed.get(step) or form_class(prefix=step, initial=initial)
    return {"work_order": work_order, "ticket": work_order.ticket, "parts": selectors.work_order_parts(
        work_order=work_order), "fee": fee, "steps": steps, "step_forms": step_forms}


@require_GET
@role_required(*STAFF)
def work_order_detail_view(request, number: str):
    work_order = selectors.work_order_get_for_user(user=request.user, number=number)
    return render(request, "fieldservice/detail.html", _context(request, work_order))


@require_POST
@role_required(*STAFF)
def work_order_step_view(request, number: str, step: str):
    """A step panel of the work-order page (core.steps contract)."""
    if step not in STEPS:
        raise Http404
    form_class, service, done = STEPS[step]
    work_order = selectors.work_order_get_for_user(user=request.user, number=number)
    return page_step_run(
        request, form=form_class(request.POST, prefix=step), done=done, roles=STEP_ROLES[step],
        run=lambda data: service(work_order=work_order, actor=request.user, **data),
        on_success=lambda: _body_after_success(request, number),
        on_failure=lambda form, general: _body_after_failure(request, number, step, form, general),
    )


def _body_after_success(request, number: str):
    if not request.htmx:
        return redirect("fieldservice:detail", number=number)
    fresh = selectors.work_order_get_for_user(user=request.user, number=number)
    return render(request, "fieldservice/_body.html", _context(request, fresh))


def _body_after_failure(request, number: str, step: str, form, general: str | None) -> Failed:
    work_order = selectors.work_order_get_for_user(user=request.user, number=number)
    context = {**_context(request, work_order, failed={step: form}), "failed_step": step}
    if general is not None:
        context["step_error"] = general
    return Failed(page="fieldservice/detail.html", fragment="fieldservice/_body.html", context=context)


@require_http_methods(["GET", "POST"])
@role_required(*STAFF)
def work_order_create_view(request, ticket_number: str):
    ticket = ticket_get_for_user(user=request.user, number=ticket_number, for_write=True)
    # The ticket's own contact (issue 14, part 5), not the customer record's current name.
    initial = {"address": ticket.customer.address, "contact_name": ticket.contact_name_shown,
               "contact_phone": ticket.contact_phone_display}
    form = f.WorkOrderCreateForm(request.POST or None, prefix="create", initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            work_order = services.work_order_create(ticket=ticket, actor=request.user, **form.service_kwargs())
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Visit %(number)s scheduled.") % {"number": work_order.number})
            return redirect("fieldservice:detail", number=work_order.number)
    status = 400 if request.method == "POST" else 200
    return render(request, "fieldservice/new.html", {"ticket": ticket, "form": form}, status=status)


@require_GET
@role_required(*STAFF)
def work_order_print_view(request, number: str):
    """现场服务记录单: the paper the customer signs, ready for the browser's print dialog."""
    work_order = selectors.work_order_get_for_user(user=request.user, number=number)
    parts = selectors.work_order_parts(work_order=work_order)
    return render(request, "fieldservice/print.html", {
        "work_order": work_order, "ticket": work_order.ticket, "fee": services.fee_state(work_order=work_order),
        "parts": parts, "fee_lines": fee_lines_of(work_order, parts)})


def fee_lines_of(work_order, parts) -> list:
    """The printed form's fee table: every stored fee, one per line (fieldservice.rules.fee_lines)."""
    charged = [(f"{p.name} {p.spec}".strip(), p.quantity, p.unit_price) for p in parts if p.charged]
    return rules.fee_lines(quote=work_order.fee_quote, callout=work_order.fee_callout, labour=work_order.fee_labour,
                           charged_parts=charged, note=work_order.fee_note)


def ticket_panel_context(*, request, ticket) -> dict:
    """The work-order card of the ticket page (tickets.hooks panel): its visits and whether one may be
    scheduled now (the ticket is with an engineer, in a workable step, with no visit still open)."""
    orders = list(selectors.work_orders_for_ticket(ticket=ticket))
    can_schedule = bool(
        user_has_role(request.user, *STEP_ROLES["create"]) and ticket.engineer_id
        and ticket.status in services.WORKABLE_TICKET and not any(order.is_open for order in orders))
    return {"work_orders": orders, "can_schedule": can_schedule}


@require_GET
@role_required(Role.ENGINEER)
def my_visits_view(request):
    visits = selectors.engineer_visits(user=request.user)[:100]
    return render(request, "fieldservice/mine.html", {"visits": visits})
