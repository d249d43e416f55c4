"""Data the production smoke needs, written by `manage.py shell` into the smoke's own database before any
server starts: the demo users (reception, manager, partner; password core.demo.DEMO_PASSWORD), a partner with
an API key (printed as `partner-key=…`), and an SLA policy for phone-channel tickets whose pre-processing
target is one minute (warning at 48 s)."""
import io
from datetime import timedelta

from django.core.management import call_command

SMOKE_POLICY = "smoke-1min"
SMOKE_PARTNER = "smoke-courier"


def seed() -> None:
    from django.utils import timezone

    from core.demo import demo_users
    from partners.models import Partner, PartnerKind
    from sla.models import SlaPolicy, SlaTarget, WorkingCalendar

    users = demo_users()
    # The demo may already have made the partner account's partner (sf-express): one partner per account.
    partner = Partner.objects.filter(account=users["partner"]).first() or Partner.objects.create(
        code=SMOKE_PARTNER, name="smoke courier", kind=PartnerKind.COURIER, account=users["partner"])
    # More specific (channel) than the seeded default, so every phone ticket registered on the page uses it.
    policy = SlaPolicy.objects.create(code=SMOKE_POLICY, name="smoke: 1-minute pre-processing", channel="phone",
                                      rank=1, effective_from=timezone.now() - timedelta(days=1))
    SlaTarget.objects.create(policy=policy, step="preprocess", minutes=1, start_event="registered",
                             stop_event="preprocessed", calendar=WorkingCalendar.objects.get(always_open=True),
                             warning_to=["creator"], breach_to=["creator"])
    # The operator's command (README, Partner API), in this process: one Django start-up less for the smoke.
    out = io.StringIO()
    call_command("partner_key", partner.code, scopes="tickets:create,tickets:read", stdout=out, stderr=io.StringIO())
    print(f"partner-key={out.getvalue().strip()}")
