"""API keys: format and hashing, authentication (Bearer / X-Api-Key), revocation, scopes, rate limit."""
import pytest
from django.urls import reverse
from django.utils import timezone

from partners.keys import key_generate, key_hash, key_matches, key_prefix
from partners.models import PartnerApiKey
from partners.services import api_key_create, api_key_revoke, api_key_rotate

from .conftest import key_client

LIST = "/api/v1/tickets/"


def test_generated_key_parses_back_to_its_prefix_and_matches_only_its_hash():
    prefix, raw = key_generate()
    assert raw.startswith(f"sd_{prefix}_") and key_prefix(raw) == prefix
    assert key_matches(raw, key_hash(raw))
    assert not key_matches(raw[:-1] + ("a" if raw[-1] != "a" else "b"), key_hash(raw))


@pytest.mark.parametrize("raw", ["", "sd_", "sd_abc_def", "xx_abcdefgh_" + "a" * 40, "sd_ABCDEFGH_" + "a" * 40,
                                 "sd_abcdefgh_" + "a" * 39, "sd_abcdefgh_" + "a" * 39 + "!", "sd_abcd_efgh_" + "a" * 40])
def test_malformed_keys_have_no_prefix(raw):
    assert key_prefix(raw) is None


def test_only_the_hash_is_stored(key_a):
    key, raw = key_a
    stored = PartnerApiKey.objects.get(pk=key.pk)
    assert raw not in (stored.secret_hash, stored.prefix) and stored.secret_hash == key_hash(raw)


@pytest.mark.parametrize("header", ["bearer", "x-api-key"])
def test_a_valid_key_authenticates_as_the_partner(key_a, partner_a, ticket_of, header):
    ticket_of(partner_a)
    response = key_client(key_a[1], header=header).get(LIST)
    assert response.status_code == 200
    assert len(response.json()["results"]) == 1


def test_last_used_at_is_recorded(key_a, api_a):
    assert key_a[0].last_used_at is None
    api_a.get(LIST)
    key_a[0].refresh_from_db()
    assert key_a[0].last_used_at is not None and (timezone.now() - key_a[0].last_used_at).total_seconds() < 60


@pytest.mark.parametrize("header", [
    {"HTTP_AUTHORIZATION": "Bearer sd_abcdefgh_" + "a" * 40},  # well-formed, unknown
    {"HTTP_X_API_KEY": "not-a-key"},
])
def test_an_unknown_key_is_401_problem(db, api_client, header):
    response = api_client.get(LIST, **header)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["type"] == "urn:servicedesk:authentication_failed"


def test_no_credentials_is_401(db, api_client):
    assert api_client.get(LIST).status_code == 401


def test_a_wrong_secret_with_a_real_prefix_is_401(key_a):
    key, raw = key_a
    wrong = raw[:-4] + ("zzzz" if not raw.endswith("zzzz") else "yyyy")
    assert key_client(wrong).get(LIST).status_code == 401


def test_a_revoked_key_is_refused_at_once(key_a, api_a):
    assert api_a.get(LIST).status_code == 200
    assert api_key_revoke(key=key_a[0])
    response = api_a.get(LIST)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_an_inactive_partner_or_disabled_account_is_401(key_a, api_a, partner_a):
    partner_a.account.is_active = False
    partner_a.account.save()
    assert api_a.get(LIST).status_code == 401
    partner_a.account.is_active = True
    partner_a.account.save()
    partner_a.is_active = False
    partner_a.save()
    assert api_a.get(LIST).status_code == 401


def test_rotation_issues_a_new_key_and_revokes_the_old(key_a):
    old, old_raw = key_a
    new, new_raw = api_key_rotate(key=old)
    assert new.pk != old.pk and new.scopes == old.scopes and new.partner_id == old.partner_id
    assert key_client(old_raw).get(LIST).status_code == 401
    assert key_client(new_raw).get(LIST).status_code == 200


def test_several_keys_per_partner_work_side_by_side(key_a, partner_a):
    _second, raw = api_key_create(partner=partner_a, name="second")
    assert key_client(key_a[1]).get(LIST).status_code == 200
    assert key_client(raw).get(LIST).status_code == 200


# --- scopes -------------------------------------------------------------------------------------------------------

def test_a_read_only_key_may_read_but_not_create_update_or_note(partner_a, ticket_of):
    ticket = ticket_of(partner_a)
    _key, raw = api_key_create(partner=partner_a, name="ro", scopes=["tickets:read"])
    client = key_client(raw)
    assert client.get(LIST).status_code == 200
    assert client.get(f"{LIST}{ticket.number}/").status_code == 200
    response = client.post(LIST, {}, format="json")
    assert response.status_code == 403 and response["Content-Type"] == "application/problem+json"
    assert client.post(f"{LIST}{ticket.number}/notes/", {"note": "x"}, format="json").status_code == 403
    assert client.patch(f"{LIST}{ticket.number}/", {"priority": "high"}, format="json",
                        HTTP_IF_MATCH='"1"').status_code == 403


def test_a_create_only_key_cannot_list(partner_a):
    _key, raw = api_key_create(partner=partner_a, name="create", scopes=["tickets:create"])
    assert key_client(raw).get(LIST).status_code == 403


def test_scopes_do_not_limit_staff_tokens(reception_api):
    assert reception_api.get(LIST).status_code == 200


# --- rate limit ---------------------------------------------------------------------------------------------------

def test_over_the_rate_limit_is_429_with_retry_after(partner_a):
    _key, raw = api_key_create(partner=partner_a, name="slow", rate_limit_per_minute=3)
    client = key_client(raw)
    codes = [client.get(LIST).status_code for _ in range(3)]
    assert codes == [200, 200, 200]
    response = client.get(LIST)
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert 1 <= int(response["Retry-After"]) <= 60


def test_the_limit_is_per_key(partner_a):
    _k1, slow = api_key_create(partner=partner_a, name="slow", rate_limit_per_minute=1)
    _k2, other = api_key_create(partner=partner_a, name="other", rate_limit_per_minute=1)
    assert key_client(slow).get(LIST).status_code == 200
    assert key_client(slow).get(LIST).status_code == 429
    assert key_client(other).get(LIST).status_code == 200


def test_the_schema_endpoint_is_public(db, api_client):
    assert api_client.get(reverse("schema")).status_code == 200
