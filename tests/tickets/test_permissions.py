"""Every page and endpoint of the ticket core, for every role: the exact answer, allowed or forbidden."""
import pytest
from django.test import Client
from django.utils import timezone
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import TicketFactory, intake_payload
from tickets.choices import Status
from tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db
ROLES = ("anonymous", "reception", "engineer", "manager", "partner")
LOGIN = "/accounts/login/?next="
ADMIN_LOGIN = "/admin/login/?next="


@pytest.fixture
def world(reception, engineer, other_engineer, manager, partner_account):
    manager.is_staff = True  # as the demo makes managers: they edit policy in the admin
    manager.save(update_fields=["is_staff"])
    return {
        "users": {"anonymous": None, "reception": reception, "engineer": engineer, "manager": manager,
                  "partner": partner_account},
        "registered": TicketFactory(status=Status.REGISTERED),
        "preprocessed": TicketFactory(status=Status.PREPROCESSED),
        "dispatched": TicketFactory(status=Status.DISPATCHED, engineer=engineer),
        "closed": TicketFactory(status=Status.CLOSED, engineer=engineer, closed_at=timezone.now()),  # issue 14: reopen
        "other_engineer": other_engineer,
    }


# (id, method, url(world), data(world), {role: expected status or redirect target})
def _t(world, key):
    return world[key].number


# A partner account has no page session (issue 13): its login is refused, so it is sent to log in like
# anyone anonymous.
PAGES = [
    ("home", "get", lambda w: "/", None,
     {"anonymous": LOGIN + "/", "reception": "/tickets/", "engineer": "/tickets/mine/", "manager": "/tickets/",
      "partner": "login"}),
    ("list", "get", lambda w: "/tickets/", None,
     {"anonymous": LOGIN + "/tickets/", "reception": 200, "engineer": 200, "manager": 200, "partner": "login"}),
    ("new", "get", lambda w: "/tickets/new/", None,
     {"anonymous": LOGIN + "/tickets/new/", "reception": 200, "engineer": 403, "manager": 200, "partner": "login"}),
    ("mine", "get", lambda w: "/tickets/mine/", None,
     {"anonymous": LOGIN + "/tickets/mine/", "reception": 403, "engineer": 200, "manager": 403, "partner": "login"}),
    ("detail", "get", lambda w: f"/tickets/{_t(w, 'dispatched')}/", None,
     {"anonymous": "login", "reception": 200, "engineer": 200, "manager": 200, "partner": "login"}),
    ("customer-lookup", "get", lambda w: "/tickets/customer-lookup/?phone=13800138000", None,
     {"anonymous": "login", "reception": 200, "engineer": 403, "manager": 200, "partner": "login"}),
    ("preprocess", "post", lambda w: f"/tickets/{_t(w, 'registered')}/preprocess/", lambda w: {"priority": "high"},
     {"anonymous": "login", "reception": "detail", "engineer": 404, "manager": "detail", "partner": "login"}),
    ("dispatch", "post", lambda w: f"/tickets/{_t(w, 'preprocessed')}/dispatch/",
     lambda w: {"engineer": w["users"]["engineer"].pk},
     {"anonymous": "login", "reception": "detail", "engineer": 404, "manager": "detail", "partner": "login"}),
    ("reassign", "post", lambda w: f"/tickets/{_t(w, 'dispatched')}/reassign/",
     lambda w: {"engineer": w["other_engineer"].pk, "note": "请假"},
     {"anonymous": "login", "reception": "detail", "engineer": 403, "manager": "detail", "partner": "login"}),
    ("note", "post", lambda w: f"/tickets/{_t(w, 'dispatched')}/note/", lambda w: {"note": "已联系"},
     {"anonymous": "login", "reception": "detail", "engineer": "detail", "manager": "detail", "partner": "login"}),
    # Issue 14: the desk's edit, cancel and reopen panels.
    ("edit", "post", lambda w: f"/tickets/{_t(w, 'registered')}/edit/",
     lambda w: {"edit-version": w["registered"].version, "edit-contact_name": "张三", "edit-contact_phone": "13800138000",
                "edit-kind": "return_exchange", "edit-channel": "phone",
                "edit-priority": "high", "edit-fault_description": "开机黑屏", "edit-category": "phone",
                "edit-imei": w["registered"].device.imei},
     {"anonymous": "login", "reception": "detail", "engineer": 403, "manager": "detail", "partner": "login"}),
    ("cancel", "post", lambda w: f"/tickets/{_t(w, 'registered')}/cancel/", lambda w: {"cancel-reason": "mistake"},
     {"anonymous": "login", "reception": "detail", "engineer": 403, "manager": "detail", "partner": "login"}),
    ("reopen", "post", lambda w: f"/tickets/{_t(w, 'closed')}/reopen/", lambda w: {"reopen-reason": "客户反馈复发"},
     {"anonymous": "login", "reception": "detail", "engineer": 403, "manager": "detail", "partner": "login"}),
    ("admin", "get", lambda w: "/admin/", None,
     {"anonymous": ADMIN_LOGIN + "/admin/", "reception": ADMIN_LOGIN + "/admin/",
      "engineer": ADMIN_LOGIN + "/admin/", "manager": 200, "partner": ADMIN_LOGIN + "/admin/"}),
]

API = [
    ("list", "get", lambda w: "/api/v1/tickets/", None,
     {"anonymous": 401, "reception": 200, "engineer": 200, "manager": 200, "partner": 200}),
    ("create", "post", lambda w: "/api/v1/tickets/", lambda w: intake_payload(),
     {"anonymous": 401, "reception": 201, "engineer": 403, "manager": 201, "partner": 201}),
    ("retrieve", "get", lambda w: f"/api/v1/tickets/{_t(w, 'dispatched')}/", None,
     {"anonymous": 401, "reception": 200, "engineer": 200, "manager": 200, "partner": 404}),
    ("timeline", "get", lambda w: f"/api/v1/tickets/{_t(w, 'dispatched')}/timeline/", None,
     {"anonymous": 401, "reception": 200, "engineer": 200, "manager": 200, "partner": 404}),
    ("preprocess", "post", lambda w: f"/api/v1/tickets/{_t(w, 'registered')}/preprocess/", lambda w: {},
     {"anonymous": 401, "reception": 200, "engineer": 403, "manager": 200, "partner": 403}),
    ("dispatch", "post", lambda w: f"/api/v1/tickets/{_t(w, 'preprocessed')}/dispatch/",
     lambda w: {"engineer": w["users"]["engineer"].username},
     {"anonymous": 401, "reception": 200, "engineer": 403, "manager": 200, "partner": 403}),
    ("reassign", "post", lambda w: f"/api/v1/tickets/{_t(w, 'dispatched')}/reassign/",
     lambda w: {"engineer": w["other_engineer"].username, "note": "请假"},
     {"anonymous": 401, "reception": 200, "engineer": 403, "manager": 200, "partner": 403}),
    ("note", "post", lambda w: f"/api/v1/tickets/{_t(w, 'dispatched')}/notes/", lambda w: {"note": "已联系"},
     {"anonymous": 401, "reception": 201, "engineer": 201, "manager": 201, "partner": 404}),
    ("cancel", "post", lambda w: f"/api/v1/tickets/{_t(w, 'registered')}/cancel/", lambda w: {"reason": "duplicate"},
     {"anonymous": 401, "reception": 200, "engineer": 403, "manager": 200, "partner": 404}),
    ("reopen", "post", lambda w: f"/api/v1/tickets/{_t(w, 'closed')}/reopen/", lambda w: {"reason": "客户反馈复发"},
     {"anonymous": 401, "reception": 200, "engineer": 403, "manager": 200, "partner": 403}),
]


def _cases(table):
    return [pytest.param(method, url, data, role, expected[role], id=f"{name}-{role}")
            for name, method, url, data, expected in table for role in ROLES]


def _snapshot():
    return (list(Ticket.objects.order_by("pk").values_list("status", "engineer", "priority", "version")),
            TicketEvent.objects.count(), Ticket.objects.count())


@pytest.mark.parametrize(("method", "url", "data", "role", "expected"), _cases(PAGES))
def test_page_answers_each_role(world, method, url, data, role, expected):
    client, user = Client(), world["users"][role]
    if user is not None:
        client.force_login(user)
    path = url(world)
    before = _snapshot()

    response = getattr(client, method)(path, data(world) if data else None)

    allowed_write = expected == "detail"  # the step was done; the browser goes back to the ticket
    if expected == "login":
        expected = LOGIN + path.replace("?", "%3F").replace("=", "%3D")
    elif expected == "detail":
        expected = path.rsplit("/", 2)[0] + "/"
    if isinstance(expected, int):
        assert response.status_code == expected
    else:
        assert (response.status_code, response["Location"]) == (302, expected)
    if not allowed_write:
        assert _snapshot() == before  # a refused request (or a read) changed nothing


@pytest.mark.parametrize(("method", "url", "data", "role", "expected"), _cases(API))
def test_api_answers_each_role(world, method, url, data, role, expected):
    client, user = APIClient(), world["users"][role]
    if user is not None:
        client.force_authenticate(user)
    before = _snapshot()

    response = getattr(client, method)(url(world), data(world) if data else None, format="json")

    assert response.status_code == expected
    if expected == 401:
        assert response["WWW-Authenticate"]  # tells a client how to authenticate
    if expected >= 400:
        assert response["Content-Type"] == "application/problem+json"
        assert _snapshot() == before


def test_token_authentication_works_for_the_api(reception):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=reception)
    client = APIClient()
    assert client.get("/api/v1/tickets/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/v1/tickets/").status_code == 200


# --- engineers see only what is dispatched to them ------------------------------------------------------------

def test_an_engineer_cannot_reach_another_engineers_ticket(engineer_client, engineer, other_engineer):
    theirs = TicketFactory(status=Status.DISPATCHED, engineer=other_engineer)
    api = APIClient()
    api.force_authenticate(engineer)

    assert engineer_client.get(reverse("tickets:detail", args=[theirs.number])).status_code == 404
    assert engineer_client.post(reverse("tickets:action", args=[theirs.number, "note"]),
                                {"note": "x"}).status_code == 404
    assert api.get(reverse("api:ticket-detail", args=[theirs.number])).status_code == 404
    assert api.post(reverse("api:ticket-note", args=[theirs.number]), {"note": "x"}).status_code == 404
    assert not TicketEvent.objects.filter(ticket=theirs).exists()


def test_an_engineer_lists_only_their_own_tickets(engineer_client, engineer, other_engineer):
    mine = TicketFactory(status=Status.DISPATCHED, engineer=engineer)
    theirs = TicketFactory(status=Status.DISPATCHED, engineer=other_engineer)
    unassigned = TicketFactory(status=Status.REGISTERED)
    api = APIClient()
    api.force_authenticate(engineer)

    pages = [engineer_client.get(reverse(name)).content.decode() for name in ("tickets:list", "tickets:mine")]
    numbers = [row["number"] for row in api.get(reverse("api:ticket-list")).json()["results"]]

    for html in pages:
        assert mine.number in html
        assert theirs.number not in html and unassigned.number not in html
    assert numbers == [mine.number]


# --- what a customer typed is shown as text, never run as HTML --------------------------------------------------

@pytest.mark.parametrize("page", ["tickets:list", "tickets:detail", "tickets:mine"])
def test_html_in_a_fault_description_is_escaped(request, page, engineer):
    ticket = TicketFactory(status=Status.DISPATCHED, engineer=engineer,
                           fault_description="<script>x()</script><b onmouseover=alert(1)>坏了</b>")
    client = request.getfixturevalue("engineer_client" if page == "tickets:mine" else "manager_client")
    html = client.get(reverse(page, args=[ticket.number] if page == "tickets:detail" else [])).content.decode()

    assert "&lt;script&gt;x()" in html
    assert "<script>x" not in html
    assert "<b onmouseover" not in html
