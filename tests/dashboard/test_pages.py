"""The page and the API show the figures; every figure links to the tickets behind it; queries are constant."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboard.rollup import rollup_refresh
from tests.factories import TicketFactory

from .conftest import NOW

QS = {"date_from": "2026-03-02", "date_to": "2026-03-02"}


def test_page_shows_figures_and_links(history, client):
    client.force_login(history["manager"])
    response = client.get(reverse("dashboard:page"), QS)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<svg viewBox' in html  # the trend chart, drawn on the server
    step = response.context["steps"][0]
    assert step.breached_href.startswith("/tickets/?") and "sla_step=preprocess" in step.breached_href
    # The link's tickets are the figure's tickets.
    listed = client.get(step.breached_href)
    assert [t.pk for t in listed.context["tickets"]] == [history["t2"].pk]
    t3_breach = client.get(response.context["breaches_href"])
    assert {t.pk for t in t3_breach.context["tickets"]} == {c.ticket_id for c in response.context["breaches"]}
    row = response.context["backlog_rows"][0]
    count, href = next(cell for cell in row["cells"] if cell[0])
    assert len(client.get(href).context["tickets"]) == count


def test_api_returns_the_same_figures(history, client):
    client.force_login(history["manager"])
    page = client.get(reverse("dashboard:page"), QS).context
    data = client.get("/api/v1/reports/dashboard/", QS).json()
    assert [(s["step"], s["met"], s["breached"], s["median_minutes"], s["p90_minutes"]) for s in data["steps"]] == [
        (s.step, s.met, s.breached, s.median, s.p90) for s in page["steps"]]
    assert data["open_breaches"] == page["breaches_total"]
    assert {e["name"]: e["reopened"] for e in data["engineers"]} == {e.name: e.reopened for e in page["engineers"]}


def test_reports_api_in_the_schema(db, client):
    schema = client.get("/api/schema/").content.decode()
    assert "/api/v1/reports/dashboard/" in schema


@pytest.mark.django_db
def test_query_count_does_not_grow(history, client):
    client.force_login(history["manager"])
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("dashboard:page"), QS)
    for _ in range(15):
        TicketFactory(engineer=history["a"])
    rollup_refresh(now=NOW, days_back=2)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("dashboard:page"), QS)
    assert len(many) == len(few) <= 30
