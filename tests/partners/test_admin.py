"""Keys in the admin: issued on the add page and shown once, rotated and revoked by actions; the command; the demo."""
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from partners.keys import key_hash
from partners.models import PartnerApiKey

from .conftest import key_client

LIST = "/api/v1/tickets/"
KEY_RE = re.compile(r"sd_[a-z0-9]{8}_[A-Za-z0-9]{40}")


@pytest.fixture
def admin_client(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "pw-123456")
    client.force_login(admin)
    return client


def test_the_add_page_shows_the_new_key_once(admin_client, partner_a):
    response = admin_client.post(reverse("admin:partners_partnerapikey_add"), {
        "partner": partner_a.pk, "name": "order system", "scopes": ["tickets:read", "tickets:create"],
        "rate_limit_per_minute": 60,
    })
    assert response.status_code == 200, response.content[:500]
    assert "no-store" in response["Cache-Control"]
    raw = KEY_RE.search(response.content.decode()).group(0)
    key = PartnerApiKey.objects.get(partner=partner_a, name="order system")
    assert key.secret_hash == key_hash(raw) and key.scopes == ["tickets:create", "tickets:read"]
    assert key.created_by.username == "root"
    assert key_client(raw).get(LIST).status_code == 200
    change_page = admin_client.get(reverse("admin:partners_partnerapikey_change", args=[key.pk]))
    assert raw not in change_page.content.decode() and f"sd_{key.prefix}_" in change_page.content.decode()


def test_revoke_action(admin_client, key_a):
    key, raw = key_a
    response = admin_client.post(reverse("admin:partners_partnerapikey_changelist"),
                                 {"action": "revoke_keys", "_selected_action": [key.pk]})
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert key_client(raw).get(LIST).status_code == 401


def test_rotate_action_shows_the_new_key_and_revokes_the_old(admin_client, key_a):
    old, old_raw = key_a
    response = admin_client.post(reverse("admin:partners_partnerapikey_changelist"),
                                 {"action": "rotate_keys", "_selected_action": [old.pk]})
    assert response.status_code == 200
    new_raw = KEY_RE.search(response.content.decode()).group(0)
    assert new_raw != old_raw
    assert key_client(old_raw).get(LIST).status_code == 401
    assert key_client(new_raw).get(LIST).status_code == 200


def test_keys_cannot_be_deleted_in_the_admin(admin_client, key_a):
    response = admin_client.get(reverse("admin:partners_partnerapikey_delete", args=[key_a[0].pk]))
    assert response.status_code == 403


def test_partner_key_command_prints_a_working_key(partner_a):
    out, err = StringIO(), StringIO()
    call_command("partner_key", partner_a.code, "--scopes", "tickets:read", "--rate", "30", stdout=out, stderr=err)
    raw = out.getvalue().strip()
    assert KEY_RE.fullmatch(raw)
    key = PartnerApiKey.objects.get(prefix=raw.split("_")[1])
    assert (key.scopes, key.rate_limit_per_minute) == (["tickets:read"], 30)
    assert key_client(raw).get(LIST).status_code == 200


@pytest.mark.parametrize(("args", "message"), [
    (["nobody"], "No partner"), (["courier-a", "--scopes", "tickets:delete"], "tickets:delete"),
    (["courier-a", "--rate", "0"], "at least 1"),
])
def test_partner_key_command_refuses_bad_input(partner_a, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("partner_key", *args, stdout=StringIO(), stderr=StringIO())
    assert not PartnerApiKey.objects.exists()


def test_demo_partner_gets_one_key_shown_once(db):
    from core.demo import demo_users
    from partners.demo import demo_partner, demo_partner_key

    demo_partner(demo_users())  # the demo partner lives in partners/demo.py since issue 11 (was in demo_users)
    raw = demo_partner_key()
    assert raw and key_client(raw).get(LIST).status_code == 200
    assert demo_partner_key() is None  # already has one: a key is never shown twice
