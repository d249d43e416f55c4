"""Reception and engineer pages. Thin: a form or a selector in, a template out."""
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.decorators import role_required
from core.errors import ApplicationError
from core.roles import Role, user_has_role

from . import selectors, services
from .forms import DispatchForm, NoteForm, PreprocessForm, ReassignForm, TicketFilterForm, TicketIntakeForm
from .workflow import ACTION_ROLES, allowed_actions

DESK = (Role.RECEPTION, Role.MANAGER)
STAFF = (Role.RECEPTION, Role.ENGINEER, Role.MANAGER)
PAGE_SIZE = 25


@require_GET
def home(request):
    if user_has_role(request.user, *DESK):
        return redirect("tickets:list")
    if user_has_role(request.user, Role.ENGINEER):
        return redirect("tickets:mine")
    return redirect("api-docs")


@require_GET
@role_required(*STAFF)
def ticket_list_view(request):
    form = TicketFilterForm(request.GET or None)
    template = "tickets/_list_rows.html" if request.htmx and not request.htmx.boosted else "tickets/list.html"
    if form.is_bound and not form.is_valid():
        # A wrong filter is the caller's mistake: say which, rather than list every ticket unfiltered.
        return render(request, template, {"form": form, "tickets": [], "next_cursor": None}, status=400)
    filters = form.cleaned_data if form.is_bound else {}
    sort = filters.get("sort") or "-created_at"
    qs = selectors.ticket_list(user=request.user, filters=filters)
    tickets, next_cursor = selectors.keyset_page(qs, sort=sort, cursor=request.GET.get("after"), size=PAGE_SIZE)
    query = request.GET.copy()
    query.pop("after", None)
    context = {"form": form, "tickets": tickets, "next_cursor": next_cursor, "query": query.urlencode()}
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@role_required(*DESK)
def ticket_new_view(request):
    form = TicketIntakeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ticket = services.ticket_create(created_by=request.user, **form.service_kwargs())
        except ApplicationError as exc:
            form.add_error(exc.field, exc.message)
        else:
            if ticket.kind == "complaint" and form.cleaned_data.get("promised_answer_at"):
                from callbacks.complaints import complaint_promise  # 投诉: the promise made on the call

                complaint_promise(ticket=ticket, actor=request.user,
                                  promised_answer_at=form.cleaned_data["promised_answer_at"])
            messages.success(request, _("Ticket %(number)s registered.") % {"number": ticket.number})
            return redirect("tickets:detail", number=ticket.number)
    status = 400 if request.method == "POST" else 200
    return render(request, "tickets/new.html", {"form": form}, status=status)


@require_GET
@role_required(*DESK)
def customer_lookup_view(request):
    customer = selectors.customer_find_by_phone(phone=request.GET.get("phone", ""))
    recent = list(customer.tickets.select_related("device").order_by("-created_at")[:5]) if customer else []
    return render(request, "tickets/_customer_lookup.html", {"customer": customer, "recent": recent})


def _detail_context(request, ticket, forms=None):
    actions = [a for a in allowed_actions(ticket.status) if user_has_role(request.user, *ACTION_ROLES.get(a, ()))]
    forms = forms or {}
    return {
        "ticket": ticket,
        "timeline": selectors.ticket_timeline(ticket=ticket),
        "actions": actions,
        "preprocess_form": forms.get("preprocess") or PreprocessForm(initial={"priority": ticket.priority}),
        "dispatch_form": forms.get("dispatch") or DispatchForm(),
        "reassign_form": forms.get("reassign") or ReassignForm(),
        "note_form": forms.get("note") or NoteForm(),
    }


@require_GET
@role_required(*STAFF)
def ticket_detail_view(request, number: str):
    ticket = selectors.ticket_get_for_user(user=request.user, number=number)
    return render(request, "tickets/detail.html", _detail_context(request, ticket))


ACTION_FORMS = {"preprocess": PreprocessForm, "dispatch": DispatchForm, "reassign": ReassignForm, "note": NoteForm}


def _run_action(request, ticket, action: str, form):
    data = form.cleaned_data
    if action == "preprocess":
        return services.ticket_preprocess(ticket=ticket, actor=request.user, note=data["note"], priority=data["priority"])
    if action == "dispatch":
        return services.ticket_dispatch(ticket=ticket, actor=request.user, engineer=data["engineer"], note=data["note"])
    if action == "reassign":
        return services.ticket_reassign(ticket=ticket, actor=request.user, engineer=data["engineer"], reason=data["note"])
    services.ticket_add_note(ticket=ticket, actor=request.user, note=data["note"])
    return ticket


@require_POST
@role_required(*STAFF)
def ticket_action_view(request, number: str, action: str):
    """One endpoint for the step panels; htmx swaps only 2xx, so a refusal is a 200 fragment with errors."""
    ticket = selectors.ticket_get_for_user(user=request.user, number=number, for_write=True)
    form_class = ACTION_FORMS.get(action)
    if form_class is None:
        raise Http404
    form = form_class(request.POST)
    refusal: ApplicationError | None = None
    if form.is_valid():
        try:
            ticket = _run_action(request, ticket, action, form)
        except ApplicationError as exc:
            refusal = exc
            if exc.field in form.fields:
                form.add_error(exc.field, exc.message)
    if form.is_valid() and refusal is None:
        messages.success(request, _("Saved."))
        if not request.htmx:
            return redirect("tickets:detail", number=ticket.number)
        ticket = selectors.ticket_get_for_user(user=request.user, number=number)
        return render(request, "tickets/_detail_body.html", _detail_context(request, ticket))
    ticket.refresh_from_db()
    context = _detail_context(request, ticket, forms={action: form})
    context["failed_action"] = action
    # A refusal not about one field (an illegal step, a stale ticket, the wrong role) is shown above the
    # panels: the panel of a step that is not allowed any more is not rendered at all.
    if refusal is not None and refusal.field not in form.fields:
        context["action_error"] = refusal.message
    if not request.htmx:
        status = refusal.status if refusal is not None and refusal.status >= 400 else 400
        return render(request, "tickets/detail.html", context, status=status)
    return render(request, "tickets/_detail_body.html", context)


@require_GET
@role_required(Role.ENGINEER)
def my_tickets_view(request):
    tickets = selectors.engineer_queue(user=request.user)[:200]
    return render(request, "tickets/mine.html", {"tickets": tickets})
