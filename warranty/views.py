"""三包 on the pages: the live preview on the new-ticket form, the stored decision and a manager's override."""
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.decorators import role_required
from core.errors import ApplicationError
from core.roles import Role, user_has_role
from tickets.selectors import ticket_get_for_user

from .facts import decision_as_json, facts_from_intake
from .forms import WarrantyOverrideForm, WarrantyPreviewForm
from .rules import decide
from .selectors import device_prior_tickets, policy_snapshot_for, statutory_rest_days
from .services import DEFAULT_FAULT, warranty_decision_override
from .templatetags.warranty_tags import decision_of


def _preview_context(form: WarrantyPreviewForm) -> dict:
    if not form.is_valid():
        return {"errors": form.labelled_errors()}
    data = form.cleaned_data
    if not (data["purchase_date"] or data["invoice_date"] or data["factory_date"]):
        return {"prompt": True}  # nothing to count from yet: no verdict rather than a misleading one
    current = policy_snapshot_for(category=data["category"], sold_online=data["sold_online"])
    if current is None:
        return {"no_policy": True}
    history = device_prior_tickets(imei=data["imei"], serial=data["serial"].strip(), category=data["category"])
    try:
        facts = facts_from_intake(device={**data, "component": data["component"] or "main_unit"},
                                  fault=data["fault_kind"] or DEFAULT_FAULT,
                                  documents_altered=data["documents_altered"],
                                  report_date=timezone.localdate(), history=history)
        decision = decide(facts, current.snapshot, statutory_rest_days())
    except ValueError:
        return {"errors": [_("These dates are not possible together; please check them.")]}
    return {**decision_as_json(decision), "policy": current.snapshot, "facts": facts, "decided": True}


@require_POST
@role_required(Role.RECEPTION, Role.MANAGER)
def warranty_preview_view(request):
    """The decision for the intake form as it stands; posted by htmx as reception types."""
    return render(request, "warranty/_preview.html", _preview_context(WarrantyPreviewForm(request.POST)))


def panel_context(*, request, ticket, form: WarrantyOverrideForm | None = None) -> dict:
    decision = decision_of(ticket)
    may_override = decision is not None and user_has_role(request.user, Role.MANAGER)
    if may_override and form is None:
        form = WarrantyOverrideForm(initial={
            "remedies": [f"{r['remedy']}:{r['charge']}" for r in decision.effective_remedies]})
    return {"request": request, "ticket": ticket, "decision": decision, "override_form": form if may_override else None}


@require_POST
@role_required(Role.MANAGER)
def warranty_override_view(request, number: str):
    """htmx: success redirects to the ticket page, of which the form swaps in #ticket-body (the timeline
    shows the override at once); a refusal is the panel again, 200, with the errors in place."""
    ticket = ticket_get_for_user(user=request.user, number=number, for_write=True)
    form = WarrantyOverrideForm(request.POST)
    if form.is_valid():
        try:
            warranty_decision_override(ticket=ticket, actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The 三包 decision was overridden."))
            return redirect("tickets:detail", number=ticket.number)
    if not request.htmx:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("tickets:detail", number=ticket.number)
    response = render(request, "warranty/_detail_panel.html", panel_context(request=request, ticket=ticket, form=form))
    response["HX-Retarget"], response["HX-Reswap"], response["HX-Reselect"] = (
        "#warranty-detail", "outerHTML", "#warranty-detail")
    return response
