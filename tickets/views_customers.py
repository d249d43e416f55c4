"""The customer page (issue 14, part 5): one customer record's tickets — each with the contact it was
registered with — and devices. Desk roles; thin: the read is tickets/customers.py's."""
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.decorators import role_required

from .customers import DESK, customer_page


@require_GET
@role_required(*DESK)
def customer_detail_view(request, pk: int):
    page = customer_page(user=request.user, pk=pk)
    return render(request, "tickets/customer.html", {"page": page, "customer": page.customer})
