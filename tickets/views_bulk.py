"""The ticket list's bulk bar (issue 14, part 4): one POST, one result per row (tickets/bulk.py).

htmx posts the bar's form (the ticked rows' checkboxes belong to it through their `form` attribute) and
swaps the per-row results table under it; a refusal of the whole request (no row ticked, no engineer
chosen) is that fragment with the error, status 200 (htmx swaps only 2xx). Without htmx the same table
is a page of its own."""
from django.shortcuts import render
from django.views.decorators.http import require_POST

from core.decorators import role_required
from core.errors import ApplicationError
from core.roles import Role

from .bulk import tickets_bulk_apply
from .forms_bulk import BulkForm

DESK = (Role.RECEPTION, Role.MANAGER)
FRAGMENT, PAGE = "tickets/_bulk_results.html", "tickets/bulk_results.html"


@require_POST
@role_required(*DESK)
def ticket_bulk_view(request):
    form = BulkForm(request.POST)
    results, error, status = [], None, 200
    if form.is_valid():
        try:
            results = tickets_bulk_apply(actor=request.user, **form.service_kwargs())
        except ApplicationError as exc:
            error, status = exc.message, exc.status
    else:
        error, status = " ".join(str(e) for errors in form.errors.values() for e in errors), 400
    context = {"results": results, "bulk_error": error, "done": sum(r.ok for r in results),
               "refused": sum(not r.ok for r in results), "action_label": dict(form.fields["action"].choices).get(
                   form.data.get("action"), "")}
    if request.htmx:
        return render(request, FRAGMENT, context)
    return render(request, PAGE, context, status=status)
