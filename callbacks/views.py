"""The callback desk (reception, managers) and the manager's list of flagged callbacks and complaints."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.decorators import role_required
from core.errors import ApplicationError
from core.roles import Role, user_has_role
from tickets.choices import Kind, SolutionKind
from tickets.selectors import ticket_get_for_user

from . import selectors, services
from .complaints import complaint_promise
from .forms import SCORE_FIELDS, CallbackDeskFilterForm, CallbackOutcomeForm, ComplaintPromiseForm
from .scripts import SITUATIONAL, CallContext, desk_panel, line_parts, suggested_keys

DESK = (Role.RECEPTION, Role.MANAGER)


PAGE_SIZE = 25  # issue 15: a desk page the caller works through; 50 full cards weighed 474 KB
SITUATION_TITLES = {s.key: s.title for s in SITUATIONAL}
SOLUTION_KINDS = dict(SolutionKind.choices)
COMPLAINT_PREFIX = "__p__"  # replaced by the card's form prefix when the shared complaint fields are copied in


def _subject(callback) -> str:
    """What the caller names to the customer, inside a Chinese script line: data, not UI text."""
    product = " ".join(p for p in (callback.device.brand, callback.device.model) if p) if callback.device else ""
    if callback.ticket_id:
        return f"{product}（服务单 {callback.ticket.number}）" if product else f"服务单 {callback.ticket.number}"
    return product or "产品"


def _row(callback, form=None) -> dict:
    context = CallContext(
        customer=callback.contact_name, subject=_subject(callback), previous_attempts=callback.attempts,
        failed_before=getattr(callback, "failed_before", False),
        has_complaint=getattr(callback, "has_complaint", False),
        periodic=callback.ticket_id is None)
    kind = getattr(callback, "solution_kind", None)
    form = form or CallbackOutcomeForm(kind=callback.kind, prefix=f"cb{callback.pk}")
    return {"cb": callback, "subject": context.subject, "solution_kind": SOLUTION_KINDS.get(kind, ""),
            "suggested": [(key, SITUATION_TITLES[key]) for key in suggested_keys(context)],
            "form": form, "scores": [form[name] for name in SCORE_FIELDS]}


def _panel(rows) -> list[dict]:
    periodic = any(row["cb"].ticket_id is None for row in rows)
    return [{"key": s.key, "title": s.title, "when": s.when, "lines": [line_parts(line) for line in s.lines]}
            for s in desk_panel(periodic=periodic)]


def _desk(request, *, refused=None, status: int = 200):
    """The desk page. `refused`: (callback, form) of a call not recorded without htmx, shown first with
    its errors."""
    filter_form = CallbackDeskFilterForm(request.GET)
    filters, now = filter_form.filters(), timezone.now()
    counts = selectors.callback_desk_counts(user=request.user, now=now, filters=filters)
    paginator = Paginator(selectors.callback_desk_list(user=request.user, now=now, filters=filters), PAGE_SIZE)
    paginator.count = counts.total  # counted above with the same filters: no second COUNT(*)
    page = paginator.get_page(filter_form.cleaned_data.get("page") if filter_form.is_valid() else 1)
    solvers = {person.pk: person for person, _n in counts.engineers}
    rows = []
    for cb in page.object_list:
        cb.solver = solvers.get(cb.solver_id)
        rows.append(_row(cb))
    if refused is not None:
        callback, form = refused
        rows = [_row(callback, form)] + [row for row in rows if row["cb"].pk != callback.pk]
    if not filter_form.is_valid():
        status = 400
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "callbacks/desk.html", {
        "rows": rows, "page": page, "counts": counts, "filters": filters, "filter_form": filter_form,
        "query": query.urlencode(), "panel": _panel(rows), "due_soon_minutes": selectors.DUE_SOON_MINUTES,
        "first": rows[0] if rows else None, "now": now,
        "complaint_form": CallbackOutcomeForm(prefix=COMPLAINT_PREFIX)}, status=status)


@require_GET
@role_required(*DESK)
def callback_desk_view(request):
    return _desk(request)


def _apply_errors(form, exc) -> None:
    if isinstance(exc, ValidationError):
        for field, messages_ in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@require_POST
@role_required(*DESK)
def callback_record_view(request, pk: int):
    """HTMX swaps the callback's card: the outcome on success, the form with its errors on a refusal
    (a 200 fragment, since htmx swaps only 2xx)."""
    callback = selectors.callback_get_for_user(user=request.user, pk=pk)
    form = CallbackOutcomeForm(request.POST, kind=callback.kind, prefix=f"cb{callback.pk}")
    done = None
    if form.is_valid():
        try:
            done = services.callback_record(callback=callback, actor=request.user, **form.service_kwargs())
        except (ApplicationError, ValidationError) as exc:
            _apply_errors(form, exc)
    if done is not None:
        messages.success(request, _("Callback recorded: %(outcome)s.") % {
            "outcome": done.get_outcome_display() or done.get_state_display()})
        if not request.htmx:
            return redirect("callbacks:desk")
        done = selectors.callback_get_for_user(user=request.user, pk=pk)
        return render(request, "callbacks/_card_done.html", {"cb": done})
    if not request.htmx:
        return _desk(request, refused=(callback, form), status=400)
    messages.error(request, _("Not recorded: see the form."))
    return render(request, "callbacks/_card.html", {"row": _row(callback, form), "now": timezone.now()})


@require_GET
@role_required(Role.MANAGER)
def callback_flagged_view(request):
    return render(request, "callbacks/flagged.html", {
        "flagged": selectors.callbacks_flagged(user=request.user)[:200],
        "complaints": selectors.complaints_open(user=request.user)[:200],
        "now": timezone.now(),
    })


@require_POST
@role_required(Role.MANAGER)
def callback_acknowledge_view(request, pk: int):
    callback = selectors.callback_get_for_user(user=request.user, pk=pk)
    try:
        services.callback_flag_acknowledge(callback=callback, actor=request.user)
        messages.success(request, _("Acknowledged."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    if not request.htmx:
        return redirect("callbacks:flagged")
    return render(request, "callbacks/_acknowledged.html", {"cb": callback})


@require_POST
@role_required(*DESK)
def complaint_promise_view(request, number: str):
    ticket = ticket_get_for_user(user=request.user, number=number, for_write=True)
    form = ComplaintPromiseForm(request.POST)
    if form.is_valid():
        try:
            complaint_promise(ticket=ticket, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Promised answer time saved."))
        except (ApplicationError, ValidationError) as exc:
            _apply_errors(form, exc)
    if not form.errors and not request.htmx:
        return redirect("tickets:detail", number=ticket.number)
    if not request.htmx:
        messages.error(request, "; ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("tickets:detail", number=ticket.number)
    context = ticket_panel_context(request=request, ticket=ticket, promise_form=form if form.errors else None)
    return render(request, "callbacks/_ticket_panel.html", {**context, "oob_messages": True})


def ticket_panel_context(*, request, ticket, promise_form=None) -> dict:
    """The ticket page's callback card (tickets.hooks panel): its callbacks and, on a complaint, the promised
    answer time, which the desk may change."""
    complaint = selectors.complaint_for_ticket(ticket=ticket) if ticket.kind == Kind.COMPLAINT else None
    is_desk = user_has_role(request.user, Role.RECEPTION, Role.MANAGER)
    if promise_form is None and complaint is not None and is_desk:
        promise_form = ComplaintPromiseForm(initial={"promised_answer_at": complaint.promised_answer_at})
    return {
        "request": request, "ticket": ticket, "callbacks": selectors.callbacks_for_ticket(ticket=ticket),
        "complaint": complaint, "promise_form": promise_form if is_desk else None, "is_desk": is_desk,
    }
