"""Reception and engineer pages. Thin: a form or a selector in, a template out."""
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.decorators import role_required
from core.errors import ApplicationError
from core.live import is_live_poll, live_poll
from core.pagecache import page_cache
from core.steps import Failed, page_step_run
from core.roles import Role, user_has_role

from . import hooks, selectors, services
from .forms import DispatchForm, NoteForm, PreprocessForm, ReassignForm, TicketIntakeForm, device_category
from .forms_ops import ops_context
from .list_filters import bulk_form, engineers_offered, filter_form
from .merging import ticket_timeline_with_merged
from .views_merge import merged_redirect
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
# A full load of an unchanged list (same user, filters, language, minute and data) comes from the cache.
@page_cache("desk-list", "tickets", "sla_events", "bell")
@live_poll("desk-list", "tickets", "sla_events")  # the rows poll: 304 while no ticket changed (core/live.py)
def ticket_list_view(request):
    # The filter form, or a stand-in built only if its bar is drawn (tickets/list_filters.py); one engineers read.
    engineers = engineers_offered(request)
    form = filter_form(request.GET, engineers)
    template = "tickets/_list_rows.html" if request.htmx and not request.htmx.boosted else "tickets/list.html"
    if form.is_bound and not form.is_valid():
        # A wrong filter is the caller's mistake: say which, rather than list every ticket unfiltered.
        return render(request, template, {"form": form, "tickets": [], "next_cursor": None}, status=400)
    filters = form.cleaned_data if form.is_bound else {}
    sort = filters.get("sort") or "-created_at"
    qs = selectors.ticket_list(user=request.user, filters=filters)
    query = request.GET.copy()
    query.pop("after", None)
    context = {"form": form, "query": query.urlencode(), "rows_only": template != "tickets/list.html"}
    if (template == "tickets/list.html" or is_live_poll(request)) and not request.GET.get("after"):
        # With how many match, capped at 200 (digits searched: in the page's own scan); "More" pages do not count.
        # A live poll that found a change counts too: its rows come with the count above them (out of band).
        tickets, next_cursor, count, capped = selectors.ticket_first_page(qs, sort=sort, size=PAGE_SIZE,
                                                                          q=filters.get("q") or "")
        context.update(match_count=count, match_count_capped=capped, match_count_shown=f"{count:,}")  # 200+
    else:
        tickets, next_cursor = selectors.keyset_page(qs, sort=sort, cursor=request.GET.get("after"), size=PAGE_SIZE)
    context.update(tickets=tickets, next_cursor=next_cursor)
    if template == "tickets/list.html" and user_has_role(request.user, *DESK):
        # The bulk bar above the rows (tickets/views_bulk.py) offers the engineers the filter bar read (one read at
        # most); its form is built only when the bar is drawn, not served from the fragment cache.
        context["bulk_form"] = bulk_form(form.engineers_offered())
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
            messages.success(request, _("Ticket %(number)s registered.") % {"number": ticket.number})
            return redirect("tickets:detail", number=ticket.number)
    status = 400 if request.method == "POST" else 200
    intake_templates = [intake.template for _app, intake in hooks.intakes() if intake.template]
    return render(request, "tickets/new.html", {"form": form, "intake_templates": intake_templates}, status=status)


@require_GET
@role_required(*DESK)
def customer_lookup_view(request):
    customer = selectors.customer_find_by_phone(phone=request.GET.get("phone", ""))
    recent = list(customer.tickets.select_related("device").order_by("-created_at")[:5]) if customer else []
    # The name typed so far: another than the stored one shows the choice "this ticket only / update" at once.
    typed = request.GET.get("name", "").strip()
    return render(request, "tickets/_customer_lookup.html", {
        "customer": customer, "recent": recent, "names_differ": bool(customer and typed and typed != customer.name),
        "name_policy": request.GET.get("name_policy", "")})


def _detail_context(request, ticket, forms=None):
    actions = [a for a in allowed_actions(ticket.status) if user_has_role(request.user, *ACTION_ROLES.get(a, ()))]
    forms = forms or {}
    return {
        "ticket": ticket,
        # With the duplicates merged into it; a list, so panels read the same rows (the 返厂 wait of the
        # solution form, tickets/templatetags/engineering_tags.py) instead of a query of their own.
        "timeline": list(ticket_timeline_with_merged(ticket=ticket)),
        "actions": actions,
        "preprocess_form": forms.get("preprocess") or (
            PreprocessForm(initial={"priority": ticket.priority}) if "preprocess" in actions else None),
        "dispatch_form": forms.get("dispatch") or (
            DispatchForm(category=device_category(ticket)) if "dispatch" in actions else None),
        # Collapsed: its form loads when opened (tickets/views_panels.py); a failed one is shown open.
        "reassign_form": forms.get("reassign"),
        "note_form": forms.get("note") or NoteForm(),
        "panels": _panels(request, ticket),
        **ops_context(request, ticket, forms),  # edit, cancel, reopen (tickets/forms_ops.py)
    }


def _panels(request, ticket) -> list[tuple[str, dict]]:
    """Other apps' cards on the ticket page, in tickets.hooks.PANEL_ORDER: (template, context) each."""
    shown = []
    for panel in hooks.panels():
        context = panel.context(request=request, ticket=ticket)
        if context is not None:
            shown.append((panel.template, {"ticket": ticket, **context}))
    return shown


# The ticket's own version (every timeline write and attachment bumps it), read in the change token's query.
_VERSION_SQL = 'SELECT "version" FROM "tickets_ticket" WHERE "number" = %s'


def _ticket_version(request, number: str) -> tuple[str, list]:
    return _VERSION_SQL, [number]


@require_GET
@role_required(*STAFF)
# A re-viewed unchanged page comes from the cache (core/pagecache.py). The key moves with this ticket's version,
# any ticket's change (the dispatch select's engineer loads, merged duplicates), SLA warnings and breaches (the
# sweep writes no ticket row), the reader's bell, and the minute (countdowns). Delivery statuses of messages to
# the customer are not in the page: each badge loads its own (progress/views_desk.py message_status_view).
@page_cache("ticket-page", "tickets", "sla_events", "bell", row=_ticket_version)
def ticket_detail_view(request, number: str):
    ticket = selectors.ticket_get_for_user(user=request.user, number=number, for_page=True)
    if ticket.merged_into_id:  # a merged duplicate's number leads to the survivor (tickets/merging.py)
        return merged_redirect(request, ticket)
    return render(request, "tickets/detail.html", _detail_context(request, ticket))


ACTION_FORMS = {"preprocess": PreprocessForm, "dispatch": DispatchForm, "reassign": ReassignForm, "note": NoteForm}


def form_kwargs(action: str, ticket) -> dict:
    # The engineer selects group and suggest by the ticket's device category, a refused one drawn again too.
    return {"category": device_category(ticket)} if action in ("dispatch", "reassign") else {}


def _run_action(request, ticket, action: str, data) -> None:
    if action == "preprocess":
        services.ticket_preprocess(ticket=ticket, actor=request.user, note=data["note"], priority=data["priority"])
    elif action == "dispatch":
        services.ticket_dispatch(ticket=ticket, actor=request.user, engineer=data["engineer"], note=data["note"])
    elif action == "reassign":
        services.ticket_reassign(ticket=ticket, actor=request.user, engineer=data["engineer"], reason=data["note"])
    else:
        services.ticket_add_note(ticket=ticket, actor=request.user, note=data["note"])


def ticket_body_after_success(request, number: str):
    """A step done: back to the ticket page (no htmx), or its body again (htmx)."""
    if not request.htmx:
        return redirect("tickets:detail", number=number)
    ticket = selectors.ticket_get_for_user(user=request.user, number=number, for_page=True)
    return render(request, "tickets/_detail_body.html", _detail_context(request, ticket))


def ticket_body_after_failure(request, ticket, forms: dict, general: str | None, **extra) -> Failed:
    """A step refused: the ticket as it is now, with the failed form in its panel."""
    ticket.refresh_from_db()
    context = {**_detail_context(request, ticket, forms=forms), **extra}
    if general is not None:
        context["action_error"] = general
    return Failed(page="tickets/detail.html", fragment="tickets/_detail_body.html", context=context)


@require_POST
@role_required(*STAFF)
def ticket_action_view(request, number: str, action: str):
    """The desk's step panels (core.steps contract); the service checks the role and says why not."""
    ticket = selectors.ticket_get_for_user(user=request.user, number=number, for_write=True)
    form_class = ACTION_FORMS.get(action)
    if form_class is None:
        raise Http404
    return page_step_run(
        request, form=form_class(request.POST, **form_kwargs(action, ticket)), done=_("Saved."),
        run=lambda data: _run_action(request, ticket, action, data),
        on_success=lambda: ticket_body_after_success(request, number),
        on_failure=lambda form, general: ticket_body_after_failure(request, ticket, {action: form}, general,
                                                                   failed_action=action),
    )


@require_GET
@role_required(Role.ENGINEER)
@live_poll("queue", "queue", "sla_events")  # the queue polls: 304 while none of my tickets changed
def my_tickets_view(request):
    # With the clocks (one query): each card says which step is due ("工程师回复 · 剩余 23 小时 59 分").
    tickets = selectors.load_row_extensions(list(selectors.engineer_queue(user=request.user)[:200]))
    return render(request, "tickets/mine.html", {"tickets": tickets})
