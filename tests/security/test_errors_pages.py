"""Issue 13 §4: under /api/ every error is problem+json, the 404 of an unknown URL and the 500 of a bug
included; pages answer 403, 404 and 500 with the product's own templates (never Django's debug page).

This module is also the URLconf of the 500 tests: the real routes plus two that fail on purpose."""
import pytest
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.test import Client
from django.urls import include, path, reverse

import servicedesk.urls as real


def _boom(request):
    raise RuntimeError("a bug")


def _forbidden(request):
    raise PermissionDenied


urlpatterns = [
    path("api/v1/boom/", _boom),
    path("boom/", _boom),
    path("api/v1/forbidden/", _forbidden),
    path("", include(real.urlpatterns)),
]
handler400, handler403 = real.handler400, real.handler403
handler404, handler500 = real.handler404, real.handler500


@pytest.fixture
def failing_routes(settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False


@pytest.fixture
def session(reception):
    client = Client(raise_request_exception=False)
    client.force_login(reception)
    return client


def assert_problem(response, status: int):
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["title"] and body["type"].startswith("urn:servicedesk:")


def test_an_unknown_api_url_is_a_404_problem(session):
    assert_problem(session.get("/api/v1/no-such-thing/"), 404)
    assert_problem(session.post("/api/v1/tickets/SD-1/no-such-action/"), 404)


def test_a_bug_in_an_api_view_is_a_500_problem_not_html(session, failing_routes):
    response = session.get("/api/v1/boom/")
    assert_problem(response, 500)
    assert "RuntimeError" not in response.content.decode() and "Traceback" not in response.content.decode()


def test_a_permission_denied_outside_drf_is_a_403_problem(session, failing_routes):
    assert_problem(session.get("/api/v1/forbidden/"), 403)


def test_a_bug_on_a_page_renders_the_products_500_page(session, failing_routes):
    response = session.get("/boom/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 500
    html = response.content.decode()
    assert 'data-testid="error-page"' in html and "Server error" in html and "After-sales service desk" in html
    assert "RuntimeError" not in html and "Traceback" not in html


def test_the_500_page_needs_no_request_and_no_database():
    # No `db` fixture: any query here fails the test. No request: Django's server_error passes none.
    html = render_to_string("500.html")
    assert 'data-testid="error-page"' in html and "<html" in html


def test_a_missing_page_renders_the_products_404_page(session):
    response = session.get("/tickets/SD-20000101-9999/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'data-testid="error-page"' in html and "Page not found" in html
    assert 'class="navbar' in html  # the product's layout, with its menu


def test_a_page_of_another_role_renders_the_products_403_page(session):
    response = session.get(reverse("dashboard:page"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    html = response.content.decode()
    assert 'data-testid="error-page"' in html and "Access denied" in html


def test_the_error_pages_are_translated(session):
    response = session.get("/tickets/SD-20000101-9999/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "页面不存在" in response.content.decode()
