"""Issue 13, parts 1 and 2 at the log-in: partner accounts never get a page session; wrong passwords
lock a user name and an address out (django-axes); the audit trail and the admin's unlock; sessions."""
import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse

from core.decorators import role_required
from core.roles import Role
from partners.services import api_key_create, api_key_revoke
from tests.conftest import PASSWORD, make_user
from tests.partners.conftest import key_client, make_partner

LOGIN = "/accounts/login/"
LIST = "/api/v1/tickets/"


def log_in(client, username, password, ip="10.0.0.1", **headers):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip, **headers)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- partner accounts and pages ----------------------------------------------------------------------

def test_a_partner_account_cannot_log_in_even_with_its_right_password(client, db):
    """A partner account from before issue 13 still has a usable password: the form refuses it, clearly."""
    account = make_partner("courier-a").account
    assert account.check_password(PASSWORD)
    response = log_in(client, account.username, PASSWORD)
    assert response.status_code == 200 and not logged_in(client)
    assert "只能凭 API 密钥调用接口，不能登录页面" in response.content.decode()
    response = log_in(client, account.username, PASSWORD, HTTP_ACCEPT_LANGUAGE="en")
    assert "cannot log in to the pages" in response.content.decode()


def test_a_partner_account_with_a_wrong_password_gets_the_ordinary_error(client, db):
    account = make_partner("courier-a").account
    response = log_in(client, account.username, "wrong-password")
    assert not logged_in(client) and "API" not in response.content.decode()


def test_an_old_partner_session_gets_no_page_and_no_api(client, db):
    account = make_partner("courier-a").account
    client.force_login(account)  # a session from before the fix
    response = client.get(reverse("tickets:list"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert client.get(LIST).status_code == 401  # the session is not an identity any more


def test_role_required_refuses_a_partner_account_on_any_page(db):
    account = make_user(Role.PARTNER, "svc")
    view = role_required(Role.PARTNER, Role.RECEPTION)(lambda request: "page")
    request = RequestFactory().get("/")
    request.user = account
    with pytest.raises(PermissionDenied):
        view(request)


def test_revoking_the_last_key_ends_all_access(client, db):
    partner = make_partner("courier-a")
    key, raw = api_key_create(partner=partner, name="only")
    assert key_client(raw).get(LIST).status_code == 200
    api_key_revoke(key=key)
    assert key_client(raw).get(LIST).status_code == 401
    partner.account.refresh_from_db()
    assert not partner.account.has_usable_password()  # no password to fall back on …
    log_in(client, partner.account.username, PASSWORD)
    assert not logged_in(client)  # … and no page session either


# --- lockout -----------------------------------------------------------------------------------------

def test_forty_wrong_passwords_lock_the_user_out_and_the_right_one_then_fails(client, reception):
    assert settings.AXES_FAILURE_LIMIT == 40
    for attempt in range(39):
        assert log_in(client, "reception", f"wrong-{attempt}").status_code == 200
    locked = log_in(client, "reception", "wrong-40")
    assert locked.status_code == 429
    assert log_in(client, "reception", "wrong-41").status_code == 429  # the 41st: locked out
    right = log_in(client, "reception", PASSWORD)
    assert right.status_code == 429 and not logged_in(client)
    assert "登录失败次数过多" in right.content.decode() and "30 分钟" in right.content.decode()
    english = log_in(client, "reception", PASSWORD, HTTP_ACCEPT_LANGUAGE="en")
    assert "Too many failed log-ins" in english.content.decode() and "30 minutes" in english.content.decode()


def test_the_lockout_is_per_user_name_across_addresses(client, reception):
    for attempt in range(40):
        log_in(client, "reception", "wrong", ip=f"10.1.{attempt // 250}.{attempt % 250 + 1}")
    assert log_in(client, "reception", PASSWORD, ip="192.0.2.77").status_code == 429
    assert not logged_in(client)


def test_the_lockout_is_per_address_across_user_names(client, reception, engineer):
    for attempt in range(40):
        log_in(client, f"nobody-{attempt}", "wrong", ip="10.9.9.9")
    assert log_in(client, "engineer", PASSWORD, ip="10.9.9.9").status_code == 429
    assert log_in(client, "engineer", PASSWORD, ip="10.9.9.10").status_code == 302  # another address: fine
    assert logged_in(client)


def test_fewer_failures_than_the_limit_still_let_the_right_password_in(client, reception):
    for _ in range(39):
        log_in(client, "reception", "wrong")
    assert log_in(client, "reception", PASSWORD).status_code == 302 and logged_in(client)


def test_an_admin_unlocks_in_the_admin(client, reception, django_user_model):
    for _ in range(40):
        log_in(client, "reception", "wrong")
    assert AccessAttempt.objects.filter(username="reception").exists()
    root = django_user_model.objects.create_superuser("root", "root@example.com", "pw-123456")
    admin = client.__class__()
    admin.force_login(root)
    changelist = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert changelist.status_code == 200 and "reception" in changelist.content.decode()
    attempts = list(AccessAttempt.objects.values_list("pk", flat=True))
    response = admin.post(reverse("admin:axes_accessattempt_changelist"),
                          {"action": "delete_selected", "_selected_action": attempts, "post": "yes"})
    assert response.status_code == 302 and not AccessAttempt.objects.exists()
    assert log_in(client, "reception", PASSWORD).status_code == 302 and logged_in(client)


def test_the_audit_trail_records_failed_and_successful_log_ins(client, reception):
    log_in(client, "reception", "wrong", ip="10.0.0.5")
    log_in(client, "reception", PASSWORD, ip="10.0.0.5")
    failure = AccessFailureLog.objects.get(username="reception")
    success = AccessLog.objects.get(username="reception")
    assert failure.ip_address == success.ip_address == "10.0.0.5"
    assert failure.attempt_time <= success.attempt_time


def test_api_keys_are_not_throttled_by_the_login_lockout(client, db):
    """A key is not a password: a locked-out address still reaches the API with a valid key."""
    _key, raw = api_key_create(partner=make_partner("courier-a"), name="x")
    for attempt in range(41):
        log_in(client, f"nobody-{attempt}", "wrong", ip="127.0.0.1")
    assert log_in(client, "anyone", "x", ip="127.0.0.1").status_code == 429
    assert key_client(raw).get(LIST, REMOTE_ADDR="127.0.0.1").status_code == 200


# --- sessions ----------------------------------------------------------------------------------------

def test_a_session_lasts_twelve_hours_by_default(client, reception):
    assert settings.SESSION_COOKIE_AGE == 12 * 3600
    log_in(client, "reception", PASSWORD)
    assert client.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 12 * 3600


def test_a_drf_token_of_a_partner_account_is_refused(reception, db):
    """The other door a partner account could use: DRF's `Token` header. Desk scripts keep theirs."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    partner_token = Token.objects.create(user=make_partner("courier-a").account)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {partner_token.key}")
    response = client.get(LIST)
    assert response.status_code == 401 and "API 密钥" in response.json()["title"]
    desk = APIClient()
    desk.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=reception).key}")
    assert desk.get(LIST).status_code == 200
