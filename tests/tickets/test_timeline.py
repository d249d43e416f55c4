"""One timeline writer (issue 11, part 2): tickets/timeline.py alone writes TicketEvent rows and moves a
ticket's updated_at/version, once per event, so partners' `updated_since` sync and ETags see every change."""
import ast
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone

from core.sql import json_plain
from refunds.models import Refund
from refunds.services import refund_mark_paid
from tests.factories import TicketFactory
from tests.partners.conftest import api_a, key_a, partner_a  # noqa: F401 (fixtures: a partner's key client)
from tickets.choices import Status
from tickets.models import Ticket, TicketEvent
from tickets.services import ticket_add_note
from tickets.timeline import _EVENT_FIELDS, _TICKET_FIELDS, timeline_open, timeline_record, timeline_touch

ROOT = Path(__file__).resolve().parents[2]
WRITER = ROOT / "tickets" / "timeline.py"
LIST = "/api/v1/tickets/"

# ---- the static rule: nobody else writes the timeline or the ticket's sync columns ----------------------

MODEL_WRITES = {"create", "bulk_create", "get_or_create", "update_or_create", "bulk_update", "update", "delete"}
SYNC_COLUMNS = {"updated_at", "version"}


def project_modules() -> list[Path]:
    """Every module of the project's apps (and scripts), not tests, bench or migrations."""
    packages = [p.parent for p in ROOT.glob("*/__init__.py") if p.parent.name not in {"tests", "bench"}]
    files = [f for pkg in packages for f in pkg.rglob("*.py")] + list((ROOT / "scripts").glob("*.py"))
    return sorted(f for f in files if "migrations" not in f.parts and f != WRITER)


def _chain(node: ast.AST) -> tuple[str | None, list[str]]:
    """(root name, attribute names) of a receiver such as `Ticket.objects.filter(pk=1)`."""
    attrs = []
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            attrs.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Name):
            return node.id, attrs
        else:
            return None, attrs


def _sets_sync_column(call: ast.Call) -> bool:
    # A `**values` expansion could carry updated_at unseen: only the writer may build such an UPDATE.
    return any(k.arg in SYNC_COLUMNS or k.arg is None for k in call.keywords)


def _names_sync_column(node: ast.AST | None) -> bool:
    return node is not None and any(isinstance(n, ast.Constant) and n.value in SYNC_COLUMNS for n in ast.walk(node))


def _is_ticketish(node: ast.AST) -> bool:
    return "ticket" in ast.unparse(node).lower()


def violations(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in (e for t in targets for e in (t.elts if isinstance(t, ast.Tuple) else [t])):
                if isinstance(target, ast.Attribute) and target.attr in SYNC_COLUMNS and _is_ticketish(target.value):
                    found.append(f"line {node.lineno}: sets {ast.unparse(target)}")
            continue
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id == "TicketEvent":
            found.append(f"line {node.lineno}: builds TicketEvent(...)")
        if isinstance(func, ast.Name) and func.id == "Ticket" and _sets_sync_column(node):
            found.append(f"line {node.lineno}: builds Ticket(...) with its sync columns")
        if not isinstance(func, ast.Attribute):
            continue
        root, attrs = _chain(func.value)
        method = func.attr
        if method in MODEL_WRITES and (root == "TicketEvent" or "events" in attrs):
            found.append(f"line {node.lineno}: {ast.unparse(func)}(...) writes TicketEvent")
        elif method in MODEL_WRITES - {"update", "delete"} and root == "Ticket":
            found.append(f"line {node.lineno}: {ast.unparse(func)}(...) creates a ticket (use timeline_open)")
        elif method == "update" and _sets_sync_column(node) and (root == "Ticket" or not (root or "A")[0].isupper()):
            found.append(f"line {node.lineno}: {ast.unparse(func)}(...) sets a ticket's updated_at/version")
        elif method == "save" and _is_ticketish(func.value):
            fields = next((k.value for k in node.keywords if k.arg == "update_fields"), None)
            if fields is None or _names_sync_column(fields):
                found.append(f"line {node.lineno}: {ast.unparse(func)}(...) saves a ticket's updated_at")
    return found


def test_only_the_timeline_module_writes_events_and_the_ticket_sync_columns():
    modules = project_modules()
    assert ROOT / "refunds" / "services.py" in modules and ROOT / "tickets" / "services.py" in modules
    problems = [f"{path.relative_to(ROOT)} {problem}" for path in modules
                for problem in violations(path.read_text(encoding="utf-8"))]
    assert problems == [], "write through tickets/timeline.py instead:\n" + "\n".join(problems)


@pytest.mark.parametrize("line", [
    "TicketEvent.objects.create(ticket=t, action='x', at=now)",
    "TicketEvent.objects.bulk_create(rows)",
    "TicketEvent.objects.filter(pk=1).update(note='')",
    "TicketEvent(ticket=t, action='x', at=now).save()",
    "ticket.events.create(action='x', at=now)",
    "Ticket.objects.filter(pk=t.pk).update(updated_at=now)",
    "Ticket.objects.filter(pk=t.pk).update(version=F('version') + 1, **values)",
    "qs.update(updated_at=now)",
    "Ticket.objects.create(number='n', updated_at=now)",
    "ticket.save(update_fields=['status', 'updated_at'])",
    "ticket.save()",
    "ticket.updated_at = now",
    "refund.ticket.version += 1",
])
def test_the_rule_catches_each_kind_of_direct_write(line):
    assert violations(line)


@pytest.mark.parametrize("line", [
    "TicketEvent.objects.filter(ticket=t).exists()",
    "Ticket.objects.filter(pk=t.pk).update(next_due_at=due)",
    "WorkOrder.objects.filter(**guard).update(version=F('version') + 1, **values)",
    "WorkOrder.objects.create(ticket=t, updated_at=now)",
    "work_order.version += 1",
    "callback.save(update_fields=['state'])",
])
def test_the_rule_lets_reads_and_other_models_be(line):
    assert violations(line) == []


# ---- the writer's contract ---------------------------------------------------------------------------------

def test_each_event_moves_version_and_updated_at_exactly_once(reception, django_assert_num_queries):
    ticket = TicketFactory(created_at=timezone.now() - timedelta(hours=1))
    with transaction.atomic(), django_assert_num_queries(2):  # one UPDATE, one INSERT, no savepoint
        event = timeline_record(ticket=ticket, actor=reception, action="note", note="a")
    timeline_record(ticket=ticket, actor=reception, action="note", note="b")
    stored = Ticket.objects.get(pk=ticket.pk)
    assert stored.version == ticket.version == 3
    assert stored.updated_at == ticket.updated_at > event.at  # the second event's instant
    assert list(stored.events.values_list("note", flat=True).order_by("id")) == ["a", "b"]


def test_a_failed_guard_writes_nothing_and_says_so(reception):
    ticket = TicketFactory(status=Status.PREPROCESSED)
    before = ticket.updated_at
    stale = {"status": Status.REGISTERED, "version": 1}
    assert timeline_record(ticket=ticket, actor=reception, action="preprocess", values={"priority": "high"},
                           from_status=Status.REGISTERED, to_status=Status.PREPROCESSED, expect=stale) is None
    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.version, stored.updated_at, stored.priority, stored.events.count()) == (1, before, "normal", 0)
    assert (ticket.version, ticket.priority) == (1, "normal")


def test_values_go_in_the_same_update_and_onto_the_instance(reception):
    ticket = TicketFactory()
    event = timeline_record(ticket=ticket, actor=reception, action="preprocess", values={"status": "preprocessed"},
                            from_status="registered", to_status="preprocessed", expect={"version": 1})
    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.status, stored.version, stored.updated_at) == ("preprocessed", 2, event.at)
    assert (ticket.status, ticket.version, ticket.updated_at) == ("preprocessed", 2, event.at)


def test_the_sync_columns_are_the_writers_own(reception):
    with pytest.raises(TypeError):
        timeline_record(ticket=TicketFactory(), actor=reception, action="x", values={"updated_at": timezone.now()})


def test_opening_a_ticket_is_version_one_with_its_register_event(reception):
    sample = TicketFactory()
    ticket = timeline_open(actor=reception, number="SD-20990101-0001", customer=sample.customer, kind="repair",
                           channel="phone", status=Status.REGISTERED, fault_description="黑屏")
    stored = Ticket.objects.get(pk=ticket.pk)
    event = stored.events.get()
    assert (stored.version, event.action, event.to_status) == (1, "register", Status.REGISTERED)
    assert stored.created_at == stored.updated_at == stored.status_changed_at == event.at


def test_a_numbered_ticket_reads_back_as_it_was_written(reception):
    """The numbered path sends the ticket and its event as JSON rows (core.sql.json_row): every column must read
    back as it was on the instance — quotes, backslashes and Chinese text, instants to the microsecond, NULLs."""
    assert json_plain(_TICKET_FIELDS) and json_plain(_EVENT_FIELDS)  # types JSON carries as a parameter does
    sample = TicketFactory()
    at = timezone.now()
    ticket = timeline_open(actor=reception, at=at, number_day=timezone.localdate(at), customer=sample.customer,
                           device=sample.device, kind="repair", channel="phone", status=Status.REGISTERED,
                           fault_description='黑屏 \'quoted\' \\ "double" %s', contact_name="张三",
                           contact_phone="13800138000", next_due_at=at + timedelta(minutes=30, microseconds=7),
                           search_text="张三 13800138000 ")
    stored = Ticket.objects.get(pk=ticket.pk)
    assert {f.attname: getattr(stored, f.attname) for f in _TICKET_FIELDS} == {
        f.attname: getattr(ticket, f.attname) for f in _TICKET_FIELDS}
    assert stored.number.startswith(f"SD-{timezone.localdate(at):%Y%m%d}-") and stored.search_text.endswith(
        stored.number[-4:])
    event = stored.events.get()
    assert (event.actor_id, event.action, event.to_status, event.at, event.note, event.data) == (
        reception.pk, "register", Status.REGISTERED, at, "", {})


def test_a_touch_moves_the_ticket_without_an_event(db):
    ticket = TicketFactory(created_at=timezone.now() - timedelta(hours=1))
    timeline_touch(ticket=ticket)
    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.version, stored.events.count()) == (2, 0) and stored.updated_at > stored.created_at


# ---- what a partner notices ----------------------------------------------------------------------------------

def test_partner_sync_sees_a_refund_just_paid(api_a, partner_a, reception):
    long_ago = timezone.now() - timedelta(days=3)
    ticket = TicketFactory(partner=partner_a, status=Status.SOLVED, created_at=long_ago)
    refund = Refund.objects.create(ticket=ticket, accepted_at=long_ago, due_at=timezone.now() + timedelta(days=4),
                                   created_at=long_ago)
    since = (timezone.now() - timedelta(seconds=1)).isoformat()
    assert api_a.get(LIST, {"updated_since": since}).json()["results"] == []  # nothing new yet
    refund_mark_paid(refund=refund, actor=reception, amount=Decimal("199.00"), method="cash")
    rows = api_a.get(LIST, {"updated_since": since, "ordering": "updated_at"}).json()["results"]
    assert [row["number"] for row in rows] == [ticket.number]
    assert rows[0]["version"] == 2
    assert TicketEvent.objects.get(ticket=ticket).action == "refund_paid"


def test_a_note_changes_the_etag_and_the_old_one_is_refused(api_a, partner_a, reception):
    ticket = TicketFactory(partner=partner_a)
    url = f"{LIST}{ticket.number}/"
    etag = api_a.get(url)["ETag"]
    ticket_add_note(ticket=ticket, actor=reception, note="客户来电催修")
    assert api_a.get(url)["ETag"] != etag
    stale = api_a.patch(url, {"priority": "high"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
