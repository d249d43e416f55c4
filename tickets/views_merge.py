"""Merging a duplicate from the ticket page (issue 14, part 3), and where a merged number leads.

The panel is loaded when the desk opens it (`GET …/merge/`: the candidates cost a query the page does not
need otherwise). A merge answers with the survivor's page (htmx: `HX-Redirect`); a refusal is the panel
again with the error above it, and nothing changed (htmx swaps only 2xx, so a 200 fragment)."""
from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from core.decorators import role_required
from core.errors import ApplicationError
from core.forms import BootstrapMixin
from core.roles import Role

from . import selectors
from .merging import merge_candidates, merge_survivor, ticket_merge

DESK = (Role.RECEPTION, Role.MANAGER)
PANEL, PAGE = "tickets/_merge_panel.html", "tickets/merge.html"


class MergeForm(BootstrapMixin, forms.Form):
    into = forms.RegexField(label=gettext_lazy("Merge into"), regex=r"^[Ss][Dd]-\d{8}-\d{4,}$", max_length=30,
                            error_messages={"invalid": gettext_lazy("Choose the ticket that stays.")})
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=settings.NOTE_MAX,
                           widget=forms.Textarea(attrs={"rows": 2}))


def merged_redirect(request, ticket):
    """A merged number's page: to the survivor, saying why (the number in the address bar changes)."""
    survivor = merge_survivor(ticket=ticket)
    messages.info(request, _("%(merged)s was merged into %(survivor)s: its history is shown here.")
                  % {"merged": ticket.number, "survivor": survivor.number})
    return redirect("tickets:detail", number=survivor.number)


def _panel(request, ticket, form, *, error=None, status=200):
    context = {"ticket": ticket, "merge_form": form, "merge_error": error,
               "candidates": merge_candidates(user=request.user, ticket=ticket)}
    if request.htmx:
        return render(request, PANEL, context)  # a refusal too: htmx swaps only 2xx
    return render(request, PAGE, context, status=status)


@require_http_methods(["GET", "POST"])
@role_required(*DESK)
def ticket_merge_view(request, number: str):
    ticket = selectors.ticket_get_for_user(user=request.user, number=number, for_write=True)
    if request.method == "GET":
        return _panel(request, ticket, MergeForm())
    form = MergeForm(request.POST)
    if not form.is_valid():
        return _panel(request, ticket, form, status=400)
    try:
        into = selectors.ticket_get_for_user(user=request.user, number=form.cleaned_data["into"].upper())
    except Http404:
        form.add_error("into", _("No ticket with this number."))
        return _panel(request, ticket, form, status=400)
    try:
        ticket_merge(ticket=ticket, into=into, actor=request.user, note=form.cleaned_data["note"])
    except ApplicationError as exc:
        if exc.field in form.fields:
            form.add_error(exc.field, exc.message)
            return _panel(request, ticket, form, status=exc.status)
        ticket.refresh_from_db()
        return _panel(request, ticket, form, error=exc.message, status=exc.status)
    messages.success(request, _("%(merged)s merged into %(survivor)s.") % {"merged": ticket.number,
                                                                           "survivor": into.number})
    url = reverse("tickets:detail", args=[into.number])
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)
