"""Only managers and admins: the dashboard, the reports API and the exports."""
import pytest
from django.urls import reverse

from dashboard.models import ExportJob
from tests.conftest import make_user

PAGES = [reverse("dashboard:page"), reverse("dashboard:export-csv", args=["tickets"])]
API = "/api/v1/reports/dashboard/"


@pytest.mark.parametrize("role", ["reception", "engineer"])
def test_other_roles_get_403(db, client, role):
    client.force_login(make_user(role))
    for url in PAGES + [API]:
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("dashboard:export-start"), {"kind": "tickets", "format": "csv"}).status_code == 403


def test_anonymous_is_sent_to_log_in(db, client):
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"], url
    assert client.get(API).status_code == 401  # DRF: no credentials (API-key authentication answers first)


def test_a_partner_account_has_no_page_session(db, client):
    """Partner accounts work through API keys only (issue 13): a session of theirs is no session at all."""
    client.force_login(make_user("partner"))
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"], url
    assert client.get(API).status_code == 401
    assert client.post(reverse("dashboard:export-start"), {"kind": "tickets", "format": "csv"}).status_code == 302
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize("role", ["manager", "admin"])
def test_managers_and_admins_see_everything(db, client, role):
    client.force_login(make_user(role))
    assert client.get(reverse("dashboard:page")).status_code == 200
    assert client.get(API).status_code == 200
    assert client.get(PAGES[1]).status_code == 200


def test_an_export_is_downloaded_by_its_requester_or_a_manager_only(db, client, manager):
    job = ExportJob.objects.create(requested_by=manager, kind="tickets", format="csv", filters={})
    client.force_login(make_user("reception"))
    assert client.get(reverse("dashboard:export-download", args=[job.pk])).status_code == 403
    client.force_login(make_user("manager", "manager2"))  # another manager may
    assert client.get(reverse("dashboard:export-status", args=[job.pk])).status_code == 200


def test_nav_link_only_for_managers(db, client, manager):
    client.force_login(make_user("reception"))
    assert b'data-testid="nav-dashboard"' not in client.get(reverse("tickets:list")).content
    client.force_login(manager)
    assert b'data-testid="nav-dashboard"' in client.get(reverse("tickets:list")).content


def test_bad_filters_are_field_errors_not_500(db, client, manager):
    client.force_login(manager)
    response = client.get(reverse("dashboard:page"), {"date_from": "2026-03-10", "date_to": "2026-03-01"})
    assert response.status_code == 400
    assert b'data-testid="error-date_to"' in response.content
    api = client.get(API, {"date_from": "not-a-date"})
    assert api.status_code == 400 and "date_from" in api.json()["errors"]
