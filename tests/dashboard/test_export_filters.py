"""Issue 15 §7, exports that keep their promise: each of the page's filters applies to the CSV and Excel files
(the rows equal the page's list / drill-down), labels in the reader's language, people by name, typed Excel
cells, formulas neutralised. Every export here is fetched through the link or form the page renders."""
import csv
import html
import io
import re
from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from dashboard.models import ExportJob
from dashboard.rollup import rollup_refresh
from dashboard.services import export_job_run
from partners.models import Partner
from tickets.choices import Channel, Kind, Priority, ProductCategory, Status
from tickets.models import Ticket

from .conftest import NOW

QS = {"date_from": "2026-03-02", "date_to": "2026-03-02"}
HOSTILE = '=HYPERLINK("http://evil.example","x")'


@pytest.fixture
def shop(history):
    """The history with a partner's ticket (T2, whose partner has a hostile name), a high-priority one (T3)
    and engineers with and without a name."""
    partner = Partner.objects.create(code="shop", name=HOSTILE, kind="store")
    Ticket.objects.filter(pk=history["t2"].pk).update(partner=partner)
    Ticket.objects.filter(pk=history["t3"].pk).update(priority=Priority.HIGH)
    a, b = history["a"], history["b"]
    a.last_name, a.first_name = "李", "工"
    a.save()
    b.last_name, b.first_name = "", ""
    b.save()
    rollup_refresh(now=NOW, days_back=2)
    return {**history, "partner": partner}


def _filters(shop):
    return {"none": {}, "kind": {"kind": Kind.CONSULTATION}, "channel": {"channel": Channel.WEB},
            "priority": {"priority": Priority.HIGH}, "category": {"category": ProductCategory.APPLIANCE},
            "partner": {"partner": shop["partner"].pk}, "engineer": {"engineer": shop["a"].pk}}


def _link(page_html: str, testid: str) -> str:
    return html.unescape(re.search(rf'href="([^"]+)" data-testid="{testid}"', page_html).group(1))


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff"))))


def _page(client, params):
    response = client.get(reverse("dashboard:page"), {**QS, **params})
    assert response.status_code == 200
    return response, response.content.decode()


@pytest.mark.parametrize("name", ["none", "kind", "channel", "priority", "category", "partner", "engineer"])
def test_ticket_export_rows_equal_the_pages_list(shop, client, name):
    client.force_login(shop["manager"])
    everything = {t.number for t in Ticket.objects.all()}
    page, text = _page(client, _filters(shop)[name])
    exported = [row[0] for row in _csv(client.get(_link(text, "csv-tickets")))[1:]]
    listed = [t.number for t in client.get(page.context["period_href"]).context["tickets"]]
    assert exported and sorted(exported) == sorted(listed), name
    assert len(exported) == page.context["registered_total"]  # and the "Registered" figure
    if name != "none":
        assert set(exported) < everything, name  # the filter did narrow it
    # The background file (the page's "Prepare file" form) has the same rows.
    start = html.unescape(re.search(r'hx-post="([^"]*/dashboard/exports/[^"]*)"', text).group(1))
    client.post(start, {"kind": "tickets", "format": "xlsx"})
    job = ExportJob.objects.latest("id")
    export_job_run(job_id=job.pk)
    job.refresh_from_db()
    sheet = load_workbook(io.BytesIO(job.file.open("rb").read()), read_only=True).active
    assert sorted(row[0] for row in list(sheet.iter_rows(values_only=True))[1:]) == sorted(exported), name


@pytest.mark.parametrize("name", ["none", "kind", "channel", "priority", "category", "partner", "engineer"])
def test_breach_export_rows_equal_the_breached_figures(shop, client, name):
    client.force_login(shop["manager"])
    page, text = _page(client, _filters(shop)[name])
    rows = _csv(client.get(_link(text, "csv-breaches")))[1:]
    steps = page.context["steps"]
    assert len(rows) == sum(s.breached for s in steps), name  # one row per breached step counted
    drilled = set()
    for step in steps:
        drilled |= {t.number for t in client.get(step.breached_href).context["tickets"]}
    assert {row[0] for row in rows} == drilled, name


def test_engineer_filter_reaches_the_kpi_export(shop, client):
    client.force_login(shop["manager"])
    _response, text = _page(client, {"engineer": shop["b"].pk})
    rows = _csv(client.get(_link(text, "csv-kpi")))
    assert [row[0] for row in rows[1:]] == ["eng_b"]  # no name set: the login stands in


def test_labels_in_the_readers_language_and_people_by_name(shop, client):
    client.force_login(shop["manager"])
    coded = set(Status.values) | set(Kind.values) | set(Channel.values) | set(Priority.values) | set(
        ProductCategory.values)
    for language in ("zh-hans", "en"):
        _response, text = _page(client, {})
        response = client.get(_link(text, "csv-tickets"), HTTP_ACCEPT_LANGUAGE=language)
        header, *rows = _csv(response)
        with translation.override(language):
            assert header[:4] == [str(translation.gettext(w)) for w in ("Number", "Registered", "Status", "Kind")]
            by_number = {row[0]: row for row in rows}
            t1 = by_number[shop["t1"].number]
            assert t1[2:7] == [str(Status.CLOSED.label), str(Kind.REPAIR.label), str(Channel.PHONE.label),
                               str(Priority.NORMAL.label), str(ProductCategory.PHONE.label)]
        assert not coded & {cell for row in rows for cell in row[2:7]}, language  # no raw code anywhere
        assert t1[7] == "李工" and by_number[shop["t2"].number][7] == "eng_b"
    breaches = _csv(client.get(_link(text, "csv-breaches"), HTTP_ACCEPT_LANGUAGE="en"))
    assert {row[1] for row in breaches[1:]} <= {"Pre-process", "Dispatch", "Engineer reply", "Solution", "Callback"}
    assert {row[5] for row in breaches[1:]} <= {"Done late", "Overdue, still open", "Stopped after the breach"}


def test_background_file_keeps_the_requesters_language(shop, client):
    client.force_login(shop["manager"])
    _response, text = _page(client, {})
    start = html.unescape(re.search(r'hx-post="([^"]*/dashboard/exports/[^"]*)"', text).group(1))
    client.post(start, {"kind": "tickets", "format": "csv"}, HTTP_ACCEPT_LANGUAGE="en")
    job = ExportJob.objects.latest("id")
    assert job.language == "en"
    export_job_run(job_id=job.pk)  # the worker runs in the default language (zh-hans)
    job.refresh_from_db()
    rows = list(csv.reader(io.StringIO(job.file.open("rb").read().decode().lstrip("\ufeff"))))
    assert rows[0][:3] == ["Number", "Registered", "Status"]
    assert "Closed" in {row[2] for row in rows[1:]}


def test_excel_cells_are_typed_and_formulas_stay_text(shop, client):
    client.force_login(shop["manager"])
    _response, text = _page(client, {})
    start = html.unescape(re.search(r'hx-post="([^"]*/dashboard/exports/[^"]*)"', text).group(1))
    sheets = {}
    for kind in ("tickets", "breaches", "kpi"):
        client.post(start, {"kind": kind, "format": "xlsx"})
        job = ExportJob.objects.latest("id")
        export_job_run(job_id=job.pk)
        job.refresh_from_db()
        sheets[kind] = load_workbook(io.BytesIO(job.file.open("rb").read())).active
    tickets = sheets["tickets"]
    t1 = next(row for row in tickets.iter_rows(min_row=2) if row[0].value == shop["t1"].number)
    registered = t1[1]
    assert registered.value == datetime(2026, 3, 2, 9, 0) and registered.value.tzinfo is None  # Beijing time
    assert registered.is_date and registered.number_format == "yyyy-mm-dd hh:mm"
    assert t1[14].is_date  # closed at, a date-time too
    t2 = next(row for row in tickets.iter_rows(min_row=2) if row[0].value == shop["t2"].number)
    assert t2[8].value == "'" + HOSTILE and t2[8].data_type == "s"  # the partner's hostile name stays text
    breach = next(sheets["breaches"].iter_rows(min_row=2))
    assert isinstance(breach[2].value, int) and isinstance(breach[6].value, int)  # round, minutes overdue
    assert breach[3].is_date
    kpi = {row[0].value: row for row in sheets["kpi"].iter_rows(min_row=2)}
    assert isinstance(kpi["李工"][1].value, int) and isinstance(kpi["李工"][8].value, float)  # open, satisfaction
    # The CSV carries the same guarded text.
    rows = _csv(client.get(_link(text, "csv-tickets")))
    assert next(r for r in rows if r[0] == shop["t2"].number)[8] == "'" + HOSTILE


def test_csv_and_excel_have_the_same_columns(shop, client):
    client.force_login(shop["manager"])
    _response, text = _page(client, {})
    start = html.unescape(re.search(r'hx-post="([^"]*/dashboard/exports/[^"]*)"', text).group(1))
    for kind in ("tickets", "breaches", "kpi"):
        header = _csv(client.get(_link(text, f"csv-{kind}")))[0]
        client.post(start, {"kind": kind, "format": "xlsx"})
        job = ExportJob.objects.latest("id")
        export_job_run(job_id=job.pk)
        job.refresh_from_db()
        sheet = load_workbook(io.BytesIO(job.file.open("rb").read()), read_only=True).active
        assert list(next(sheet.iter_rows(values_only=True))) == header, kind
