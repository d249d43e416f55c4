"""Tickets walked along the SOP with the real services, up to a recorded solution."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from callbacks.models import Callback
from tests.factories import intake_payload
from tickets import services
from tickets.engineering.services import ticket_solve


def intake(phone: str = "+8613800138000", **device) -> dict:
    body = intake_payload()
    body["customer"]["phone"] = phone
    body["device"]["purchase_date"] = body["device"]["invoice_date"] = timezone.localdate() - timedelta(days=3)
    body["device"].update(device)
    return {"customer": body["customer"], "device": body["device"], "kind": "repair",
            "fault_description": body["fault_description"]}


@pytest.fixture
def walk(reception, engineer):
    """walk(phone=..., solve=True): register → pre-process → dispatch to `engineer` → (solution)."""

    def make(*, phone: str = "+8613800138000", solve: bool = True, value: Decimal | None = None):
        ticket = services.ticket_create(created_by=reception, **intake(phone))
        ticket = services.ticket_preprocess(ticket=ticket, actor=reception, note="已核实三包")
        ticket = services.ticket_dispatch(ticket=ticket, actor=reception, engineer=engineer)
        if solve:
            ticket_solve(ticket=ticket, actor=engineer, kind="shop_repair", plan="更换屏幕排线", result="测试正常")
        ticket.refresh_from_db()
        return ticket

    return make


@pytest.fixture
def solved(walk):
    """A solved ticket and its callback (created by the "solve" hook)."""
    ticket = walk()
    return ticket, Callback.objects.get(ticket=ticket)
