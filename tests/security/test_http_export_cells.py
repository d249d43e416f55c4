"""Issue 13 §7: an exported text cell that starts with =, +, -, @, tab or CR is kept text (a leading
quote, OWASP's CSV-injection rule) in CSV and in Excel — opened here with openpyxl, as Excel would."""
import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dashboard.exports import csv_stream, write_csv, write_xlsx
from tests.factories import TicketFactory

PREFIXES = ["=", "+", "-", "@", "\t", "\r"]
PAYLOADS = [f"{p}HYPERLINK(\"http://evil.example\",\"x\")" for p in PREFIXES]
HARMLESS = ["张三", "a=b", "SD-1", "", "'quoted"]


def rows():
    return [[payload, 42, -3.5, harmless] for payload, harmless in zip(PAYLOADS, HARMLESS + ["ok"])]


def test_xlsx_cells_with_a_formula_prefix_stay_text(tmp_path):
    path = tmp_path / "out.xlsx"
    write_xlsx(str(path), ["=header", "n", "x", "text"], iter(rows()))
    sheet = load_workbook(path).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "'=header"
    for payload, row in zip(PAYLOADS, values[1:]):
        assert row[0] in ("'" + payload, "'" + payload.replace("\r", "\n"))  # XML reads a CR back as LF
        assert row[1:3] == (42, -3.5)  # numbers, negative ones included, stay numbers
    for row in sheet.iter_rows(min_row=2):
        assert row[0].data_type == "s"  # a string, never "f" (formula)
    assert [row[3] for row in values[1:]] == [*[h or None for h in HARMLESS], "ok"]


@pytest.mark.parametrize("writer", ["file", "stream"])
def test_csv_cells_with_a_formula_prefix_stay_text(tmp_path, writer):
    if writer == "file":
        path = tmp_path / "out.csv"
        write_csv(str(path), ["n"], iter(rows()))
        text = path.open(encoding="utf-8", newline="").read()
    else:
        text = "".join(csv_stream(["n"], iter(rows())))
    parsed = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    for payload, row in zip(PAYLOADS, parsed[1:]):
        assert row[0] == "'" + payload
        assert row[1:3] == ["42", "-3.5"]


def test_the_csv_download_neutralises_a_hostile_value(client, manager):
    TicketFactory(number="=2+3")
    client.force_login(manager)
    response = client.get(reverse("dashboard:export-csv", args=["tickets"]))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    assert "'=2+3" in text and "\n=2+3" not in text
