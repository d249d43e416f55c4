"""Issue 13, part 1: a key belongs to a dedicated partner account and only administrators issue one.

The escalation we close: a manager adds a partner whose account is the admin user, issues it a key,
and the key acts as the superuser. Every entry point refuses it: the service, the model, the admin
(as manager and as superuser), the management command, and the API itself for keys issued earlier."""
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from core.errors import ApplicationError
from core.roles import Role
from partners.models import Partner, PartnerApiKey, PartnerKind
from partners.services import api_key_create
from tests.conftest import make_user
from tests.factories import UserFactory
from tests.partners.conftest import key_client, make_partner

LIST = "/api/v1/tickets/"
ADD_KEY = "admin:partners_partnerapikey_add"


@pytest.fixture
def root(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.com", "pw-123456")


@pytest.fixture
def admin_as_root(client, root):
    client.force_login(root)
    return client


@pytest.fixture
def admin_as_manager(client, manager):
    manager.is_staff = True  # as demo_users makes the manager: the admin is where managers edit policies
    manager.save()
    client.force_login(manager)
    return client


def partner_with(account, code="evil"):
    return Partner.objects.create(code=code, name=code, kind=PartnerKind.COURIER, account=account)


def staff_partner_account():
    account = make_user(Role.PARTNER, "svc-staff")
    account.is_staff = True
    account.save()
    return account


def multi_role_account():
    account = make_user(Role.PARTNER, "svc-multi")
    account.groups.add(Group.objects.get(name=Role.RECEPTION))
    return account


BAD_ACCOUNTS = {
    "superuser": lambda root: root,
    "staff": lambda root: staff_partner_account(),
    "partner+reception": lambda root: multi_role_account(),
    "no partner role": lambda root: make_user(Role.ENGINEER, "svc-eng"),
}


# --- the service (and the shell) ---------------------------------------------------------------------

@pytest.mark.parametrize("kind", BAD_ACCOUNTS)
def test_the_service_refuses_a_key_for_an_account_that_is_not_a_dedicated_partner_account(root, kind):
    partner = partner_with(BAD_ACCOUNTS[kind](root))
    with pytest.raises(ApplicationError) as refused:
        api_key_create(partner=partner, name="x", created_by=root)
    assert refused.value.code == "account_not_dedicated" and refused.value.field == "partner"
    assert not PartnerApiKey.objects.exists()


def test_the_service_refuses_a_partner_without_an_account(root):
    with pytest.raises(ApplicationError) as refused:
        api_key_create(partner=partner_with(None), name="x", created_by=root)
    assert "没有服务账号" in str(refused.value.message)  # the default language; English in the command test


def test_only_an_administrator_may_issue_a_key(manager, root):
    partner = make_partner("courier-a")
    with pytest.raises(ApplicationError) as refused:
        api_key_create(partner=partner, name="x", created_by=manager)
    assert (refused.value.code, refused.value.status) == ("not_admin", 403)
    assert not PartnerApiKey.objects.exists()
    key, raw = api_key_create(partner=partner, name="x", created_by=root)
    assert key_client(raw).get(LIST).status_code == 200


def test_the_model_refuses_a_key_row_for_the_admin_user_even_past_the_service(root):
    key = PartnerApiKey(partner=partner_with(root), name="x", prefix="abcdefgh", secret_hash="0" * 64)
    with pytest.raises(ValidationError) as refused:
        key.save()
    assert "partner" in refused.value.message_dict


def test_issuing_a_key_makes_the_account_password_unusable(db):
    partner = make_partner("courier-a")
    assert partner.account.has_usable_password()
    api_key_create(partner=partner, name="x")
    partner.account.refresh_from_db()
    assert not partner.account.has_usable_password()


def test_a_key_stops_working_when_its_account_gains_another_role_or_staff(db):
    partner = make_partner("courier-a")
    _key, raw = api_key_create(partner=partner, name="x")
    assert key_client(raw).get(LIST).status_code == 200
    partner.account.groups.add(Group.objects.get(name=Role.MANAGER))
    assert key_client(raw).get(LIST).status_code == 401
    partner.account.groups.remove(Group.objects.get(name=Role.MANAGER))
    partner.account.is_staff = True
    partner.account.save()
    response = key_client(raw).get(LIST)
    assert response.status_code == 401 and "不是专用的合作方账号" in response.json()["title"]


def test_a_key_whose_partner_was_pointed_at_the_admin_user_is_refused(root):
    """A key issued before this check existed, for a partner later switched to the admin account."""
    partner = make_partner("courier-a")
    _key, raw = api_key_create(partner=partner, name="x")
    Partner.objects.filter(pk=partner.pk).update(account=root)  # behind the admin's back
    assert key_client(raw).get(LIST).status_code == 401


# --- the admin ---------------------------------------------------------------------------------------

def test_a_manager_cannot_issue_keys_in_the_admin(admin_as_manager, root):
    partner = make_partner("courier-a")
    assert admin_as_manager.get(reverse(ADD_KEY)).status_code == 403
    response = admin_as_manager.post(reverse(ADD_KEY), {
        "partner": partner.pk, "name": "x", "scopes": ["tickets:read"], "rate_limit_per_minute": 60})
    assert response.status_code == 403
    assert not PartnerApiKey.objects.exists()
    changelist = admin_as_manager.get(reverse("admin:partners_partnerapikey_changelist"))
    assert changelist.status_code == 200 and "rotate_keys" not in changelist.content.decode()


def test_a_manager_cannot_point_a_partner_at_another_account(admin_as_manager, root):
    """The escalation's first step: the account field is not editable for a manager."""
    response = admin_as_manager.post(reverse("admin:partners_partner_add"), {
        "code": "evil", "name": "Evil", "kind": PartnerKind.COURIER, "account": root.pk, "is_active": "on",
        "api_keys-TOTAL_FORMS": 0, "api_keys-INITIAL_FORMS": 0})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Partner.objects.get(code="evil").account is None


@pytest.mark.parametrize("kind", BAD_ACCOUNTS)
def test_the_admin_refuses_a_key_for_a_non_dedicated_account_even_for_a_superuser(admin_as_root, root, kind):
    partner = partner_with(BAD_ACCOUNTS[kind](root))
    response = admin_as_root.post(reverse(ADD_KEY), {
        "partner": partner.pk, "name": "x", "scopes": ["tickets:read"], "rate_limit_per_minute": 60})
    assert response.status_code == 200  # the form again, with the error
    errors = response.context["adminform"].form.errors
    assert "partner" in errors, errors
    assert not PartnerApiKey.objects.exists()


def test_the_partner_admin_refuses_the_admin_user_as_service_account(admin_as_root, root):
    response = admin_as_root.post(reverse("admin:partners_partner_add"), {
        "code": "evil", "name": "Evil", "kind": PartnerKind.COURIER, "account": root.pk, "is_active": "on",
        "api_keys-TOTAL_FORMS": 0, "api_keys-INITIAL_FORMS": 0})
    assert response.status_code == 200
    assert "超级用户不能作为合作方的服务账号" in str(response.context["adminform"].form.errors["account"])
    assert not Partner.objects.filter(code="evil").exists()


def test_a_superuser_issues_a_key_for_a_dedicated_account_in_the_admin(admin_as_root):
    partner = make_partner("courier-a")
    response = admin_as_root.post(reverse(ADD_KEY), {
        "partner": partner.pk, "name": "x", "scopes": ["tickets:read"], "rate_limit_per_minute": 60})
    assert response.status_code == 200 and PartnerApiKey.objects.filter(partner=partner).count() == 1
    partner.account.refresh_from_db()
    assert not partner.account.has_usable_password()


# --- the management command --------------------------------------------------------------------------

def test_the_command_refuses_a_partner_whose_account_is_the_admin_user(root):
    partner_with(root, code="evil")
    with pytest.raises(CommandError) as refused:
        call_command("partner_key", "evil", stdout=StringIO(), stderr=StringIO())
    message = str(refused.value)
    assert "A superuser cannot be a partner's service account." in message  # English …
    assert "超级用户" in message  # … and Chinese: a terminal has no language to pick
    assert not PartnerApiKey.objects.exists()


def test_the_command_refuses_a_staff_account(db):
    partner_with(staff_partner_account(), code="staffy")
    with pytest.raises(CommandError, match="staff"):
        call_command("partner_key", "staffy", stdout=StringIO(), stderr=StringIO())


def test_the_demo_partner_is_a_dedicated_account_with_an_unusable_password(db):
    from core.demo import demo_users
    from partners.demo import demo_partner, demo_partner_key

    users = demo_users()
    assert not users["partner"].has_usable_password()
    demo_partner(users)
    raw = demo_partner_key()
    assert raw and key_client(raw).get(LIST).status_code == 200
    users["partner"].refresh_from_db()
    assert not users["partner"].has_usable_password()
    assert UserFactory._meta.model.objects.get(username="partner").partner.code == "sf-express"
