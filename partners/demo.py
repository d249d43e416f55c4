"""Demo: the courier sf-express with its service account and an API key (shown once), and a dozen of its own
cases over the API channel (core.demo runs these as steps "partners.partner" and "partners.tickets")."""
from datetime import timedelta

from django.utils import timezone

from core.demo import DemoRun, demo_clock
from tickets import services as ticket_services
from tickets.choices import Channel, Kind
from tickets.demo import random_intake

from .models import Partner, PartnerKind
from .services import api_key_create

DEMO_KEY_NAME = "demo"
DEMO_CODE = "sf-express"
# What a courier reports for each of seed 000's logistics kinds: about the parcel, not the product's fault.
PARCEL_FAULTS = {
    Kind.LOGISTICS_CHASE: "客户催件：超过承诺时效 2 天仍未派送",
    Kind.LOGISTICS_TRACE: "物流信息 3 天未更新，请协助查件",
    Kind.LOGISTICS_SIGNED_BY_OTHER: "显示已签收，但客户本人未收到",
    Kind.LOGISTICS_LOST_DAMAGED: "包裹外箱破损，商品外壳磕碰变形",
    Kind.LOGISTICS_WRONG_ITEM: "客户收到的型号与订单不符",
    Kind.LOGISTICS_MISSING_ITEM: "包裹内缺少充电器和赠品",
    Kind.PRICE_PROTECTION: "签收后 3 天内降价，客户申请价保",
}


def demo_partner(users) -> Partner:
    """The demo courier, run by the demo user "partner"."""
    partner, _created = Partner.objects.get_or_create(code=DEMO_CODE, defaults={
        "name": "顺丰速运", "kind": PartnerKind.COURIER, "account": users["partner"]})
    return partner


def demo_partner_key(*, code: str = DEMO_CODE) -> str | None:
    """A new key for the demo partner if it has no active demo key yet; None otherwise (keys are shown once)."""
    partner = Partner.objects.filter(code=code).first()
    if partner is None or partner.api_keys.filter(name=DEMO_KEY_NAME, revoked_at=None).exists():
        return None
    _key, raw = api_key_create(partner=partner, name=DEMO_KEY_NAME, rate_limit_per_minute=600)
    return raw


def demo_partner_step(run: DemoRun) -> None:
    demo_partner(run.users)
    if raw_key := demo_partner_key():
        run.say(f"API key of the demo partner {DEMO_CODE} (shown once):", heading=True)
        run.say(f"  {raw_key}")
    else:
        run.say(f"Partner API key: run `manage.py partner_key {DEMO_CODE}` for a new one.")


def demo_partner_tickets(run: DemoRun) -> None:
    """A dozen of the courier's own cases (seed 000's logistics kinds) over the last hour of the replay, some
    solved and waiting for its word."""
    users, rng = run.users, run.rng
    partner = Partner.objects.filter(code=DEMO_CODE).select_related("account").first()
    if partner is None or partner.account is None:
        return
    kinds = list(PARCEL_FAULTS)
    engineer = users["engineer"]
    # In the last hour of the replay (core.demo.demo_until), after the desk's own tickets: numbers follow the clock.
    instants = sorted(run.until - timedelta(minutes=rng.uniform(5, 59)) for _ in range(12))
    for index, at in enumerate(instants):
        with demo_clock(at) as clock:
            intake = random_intake(rng, timezone.localdate())
            kind = kinds[index % len(kinds)]
            intake.update(kind=kind, channel=Channel.PARTNER_API, fault_description=PARCEL_FAULTS[kind],
                          partner_reference=f"SF{rng.randrange(10**11):011d}", extras=None)
            ticket = ticket_services.ticket_create(created_by=partner.account, partner=partner, **intake)
            if index % 3 == 0:  # walked to "solution recorded": the partner may confirm or dispute
                clock.advance(rng.uniform(2, 5))
                ticket = ticket_services.ticket_preprocess(ticket=ticket, actor=users["reception"])
                clock.advance(rng.uniform(1, 5))
                ticket = ticket_services.ticket_dispatch(ticket=ticket, actor=users["reception"], engineer=engineer)
                clock.advance(rng.uniform(3, 10))
                ticket_services.ticket_transition(ticket=ticket, action="solve", actor=engineer, note="已联系快递网点处理")
