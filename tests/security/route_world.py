"""The world the role × URL matrix asks about: one of every object a path parameter can name, each
belonging to engineer A and partner A, so every principal has a definite answer (theirs, not theirs, no role).

Built with the services where they exist (timeline, SLA and webhook hooks included), bare rows where the
matrix only needs something to point at."""
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone
from rest_framework.authtoken.models import Token

from attachments.models import Attachment
from callbacks.models import Callback
from callbacks.services import policy_current
from core.roles import Role
from dashboard.choices import ExportState
from dashboard.models import ExportJob
from partners.models import ApiScope
from partners.services import api_key_create
from refunds.models import Refund
from sla.models import Notification
from tests.conftest import make_user
from tests.engineering.walk import dispatched_ticket
from tests.factories import CustomerFactory
from tests.fieldservice.helpers import add_part, inspect, on_site
from tests.partners.conftest import make_partner
from webhooks import services as hooks
from webhooks.choices import WebhookEvent

# Fixed order: the columns of the matrix's rows.
PRINCIPALS = ("anon", "reception", "engineer", "engineer2", "manager", "key", "key2", "admin")
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x11" * 64 + b"\xff\xd9"


def build_world() -> dict:
    reception = make_user(Role.RECEPTION, "m-reception")
    engineer = make_user(Role.ENGINEER, "m-engineer")
    engineer2 = make_user(Role.ENGINEER, "m-engineer2")
    manager = make_user(Role.MANAGER, "m-manager")
    manager.is_staff = True  # as the demo makes managers: they edit policy in the admin
    manager.save(update_fields=["is_staff"])
    admin = get_user_model().objects.create_superuser("m-admin", "root@example.com", "x")
    partner_a, partner_b = make_partner("matrix-a"), make_partner("matrix-b")
    keys = {}
    for name, partner in (("key", partner_a), ("key2", partner_b)):
        _row, raw = api_key_create(partner=partner, name=name, scopes=list(ApiScope.values),
                                   rate_limit_per_minute=100_000)
        keys[name] = raw
    # Before the ticket moves, so the dispatch records a delivery to it.
    endpoint = hooks.webhook_endpoint_create(partner=partner_a, url="https://hooks.example.com/a",
                                             events=list(WebhookEvent.values))
    ticket = dispatched_ticket(reception=reception, engineer=engineer, partner=partner_a,
                               customer=CustomerFactory(address="上海市浦东新区世纪大道 100 号"))
    now = timezone.now()
    work_order = on_site(ticket, engineer)
    inspect(work_order, engineer)
    part = add_part(work_order, engineer)
    attachment = Attachment.objects.create(
        ticket=ticket, file=ContentFile(JPEG, name="m.jpg"), content_type="image/jpeg", size=len(JPEG),
        sha256="0" * 64, original_name="m.jpg", uploaded_by=reception, uploaded_at=now)
    callback = Callback.objects.create(ticket=ticket, customer=ticket.customer, device=ticket.device,
                                       policy=policy_current(at=now), due_at=now, first_due_at=now,
                                       created_at=now, flagged_at=now)
    refund = Refund.objects.create(ticket=ticket, amount=Decimal("99.00"), accepted_at=now, due_at=now,
                                   created_at=now)
    export = ExportJob.objects.create(requested_by=manager, kind="tickets", format="csv", filters={},
                                      state=ExportState.DONE, file=ContentFile(b"number\r\n", name="m.csv"))
    notification = Notification.objects.create(user=engineer, ticket=ticket, text=f"{ticket.number}: 提醒")
    return {
        "users": {"reception": reception, "engineer": engineer, "engineer2": engineer2, "manager": manager,
                  "admin": admin},
        "keys": keys,
        "tokens": {name: Token.objects.create(user=user).key for name, user in
                   (("manager", manager), ("engineer", engineer))},
        "kwargs": {
            "number": ticket.number, "ticket_number": ticket.number, "pk": None, "part_id": part.pk,
            "uid": endpoint.deliveries.first().uid, "kind": "tickets", "step": "depart", "action": "note",
        },
        "pks": {"attachment": attachment.pk, "callback": callback.pk, "refund": refund.pk, "export": export.pk,
                "notification": notification.pk, "endpoint": endpoint.pk, "customer": ticket.customer_id},
        "ticket": ticket, "work_order": work_order,
    }
