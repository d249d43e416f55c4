"""Issue 13 §3: NUL and control characters in a path are a 404 (pages and API), dates outside
2000-01-01..2100-12-31 are a 400 naming the field. Neither is ever a 500."""
import pytest
from django.urls import reverse

from tests.factories import TicketFactory

NUL_PATHS = [
    "/api/v1/tickets/SD%00/",
    "/api/v1/tickets/SD%00/timeline/",
    "/api/v1/tickets/SD%0A1/attachments/",
    "/api/v1/webhooks/endpoints/1%00/",
    "/tickets/SD%00/",
    "/tickets/SD%1F/preprocess/",
    "/fieldservice/work-orders/WO%00/",
    "/fieldservice/visits/new/SD%00/",
    "/fieldservice/work-orders/WO-1/%00/",
    "/attachments/SD%00/upload/",
    "/attachments/SD-1/1%00/",
    "/progress/%00",
    "/api/v1/fieldservice/%00/",
    "/api/v1/tickets/SD%7F/",
]


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.com", "x"))
    return client


@pytest.mark.parametrize("path", NUL_PATHS)
def test_nul_and_control_characters_in_a_path_are_404(admin_client, path):
    for method in ("get", "post"):
        response = getattr(admin_client, method)(path)
        assert response.status_code == 404, (method, path, response.status_code)
        if path.startswith("/api/"):
            assert response["Content-Type"] == "application/problem+json"
            assert response.json()["status"] == 404


def test_nul_path_is_404_for_an_anonymous_visitor_too(client):
    assert client.get("/tickets/SD%00/").status_code == 404
    assert client.get("/api/v1/tickets/SD%00/").status_code == 404


def test_an_ordinary_unknown_number_still_answers_404_not_a_control_char_refusal(admin_client):
    response = admin_client.get("/api/v1/tickets/SD-19990101-0001/")
    assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"


YEAR_9999 = "9999-12-31"


@pytest.fixture
def manager_session(client, manager):
    client.force_login(manager)
    return client


@pytest.mark.parametrize("param", ["created_to", "created_from"])
def test_year_9999_on_the_ticket_list_page_is_400(manager_session, param):
    TicketFactory()
    response = manager_session.get(reverse("tickets:list"), {param: YEAR_9999})
    assert response.status_code == 400
    assert response.context["form"].errors[param] == ["Enter a date between 2000-01-01 and 2100-12-31."] or \
        "2100-12-31" in response.context["form"].errors[param][0]


def test_year_1999_is_refused_and_2100_12_31_accepted_on_the_ticket_list(manager_session):
    assert manager_session.get(reverse("tickets:list"), {"created_from": "1999-12-31"}).status_code == 400
    assert manager_session.get(reverse("tickets:list"), {"created_to": "2100-12-31"}).status_code == 200


@pytest.mark.parametrize("param, value", [("created_to", YEAR_9999), ("created_from", "0001-01-01"),
                                          ("updated_since", "9999-12-31T23:59:59-01:00"),
                                          ("updated_since", "9999-12-31T23:59:59+08:00")])
def test_out_of_range_dates_on_the_ticket_api_are_400_naming_the_field(manager_api, param, value):
    response = manager_api.get(reverse("api:ticket-list"), {param: value})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert list(response.json()["errors"]) == [param]


def test_the_dashboard_refuses_year_9999(manager_session):
    response = manager_session.get(reverse("dashboard:page"), {"date_to": YEAR_9999})
    assert response.status_code == 400
    assert "date_to" in response.context["form"].errors


def test_the_csv_export_refuses_year_9999(manager_session):
    response = manager_session.get(reverse("dashboard:export-csv", args=["tickets"]), {"date_to": YEAR_9999})
    assert response.status_code == 400


def test_the_background_export_refuses_year_9999(manager_session):
    from dashboard.models import ExportJob

    response = manager_session.post(f"{reverse('dashboard:export-start')}?date_to={YEAR_9999}",
                                    {"kind": "tickets", "format": "xlsx"})
    assert response.status_code < 500
    assert not ExportJob.objects.exists()


def test_the_reports_api_refuses_year_9999_naming_the_field(manager_api):
    response = manager_api.get(reverse("api:reports-dashboard"), {"date_to": YEAR_9999})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "date_to" in response.json()["errors"]
