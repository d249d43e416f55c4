"""Demo: the demo partner (sf-express) gets an API key the first time the demo is loaded."""
from .models import Partner
from .services import api_key_create

DEMO_KEY_NAME = "demo"


def demo_partner_key(*, code: str = "sf-express") -> str | None:
    """A new key for the demo partner if it has no active demo key yet; None otherwise (keys are shown once)."""
    partner = Partner.objects.filter(code=code).first()
    if partner is None or partner.api_keys.filter(name=DEMO_KEY_NAME, revoked_at=None).exists():
        return None
    _key, raw = api_key_create(partner=partner, name=DEMO_KEY_NAME, rate_limit_per_minute=600)
    return raw


def demo_partner_tickets(users, rng) -> None:
    """A dozen of the courier's own cases (seed 000's logistics kinds), some solved and waiting for its word."""
    from core.demo import random_intake
    from django.utils import timezone
    from tickets import services
    from tickets.choices import Channel, Kind

    partner = Partner.objects.filter(code="sf-express").select_related("account").first()
    if partner is None or partner.account is None:
        return
    kinds = [Kind.LOGISTICS_CHASE, Kind.LOGISTICS_TRACE, Kind.LOGISTICS_SIGNED_BY_OTHER, Kind.LOGISTICS_LOST_DAMAGED,
             Kind.LOGISTICS_WRONG_ITEM, Kind.LOGISTICS_MISSING_ITEM, Kind.PRICE_PROTECTION]
    engineer = users["engineer"]
    for index in range(12):
        intake = random_intake(rng, timezone.localdate())
        intake.update(kind=kinds[index % len(kinds)], channel=Channel.PARTNER_API,
                      partner_reference=f"SF{rng.randrange(10**11):011d}")
        ticket = services.ticket_create(created_by=partner.account, partner=partner, **intake)
        if index % 3 == 0:  # walked to "solution recorded": the partner may confirm or dispute
            ticket = services.ticket_preprocess(ticket=ticket, actor=users["reception"])
            ticket = services.ticket_dispatch(ticket=ticket, actor=users["reception"], engineer=engineer)
            services.ticket_transition(ticket=ticket, action="solve", actor=engineer, note="已联系快递网点处理")
