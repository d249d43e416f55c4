"""core.sql: inserts_batched sends several tables' new rows as one statement and nothing can read around its queue;
prepared_cursor's statements are planned once per connection and survive a rolled-back transaction and a new
connection (PostgreSQL; elsewhere both are the plain path)."""
import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core.sql import inserts_batched, instance_new, prepared_cursor, rows_insert_json
from tickets.models import Customer, Device, TicketEvent

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif("connection.vendor != 'postgresql'")

DEVICE_FIELDS = [f for f in Device._meta.concrete_fields if not f.primary_key]
EVENT_FIELDS = [f for f in TicketEvent._meta.concrete_fields if not f.primary_key]


@pytest.fixture
def owner():
    return Customer.objects.create(name="张三", phone="+8613800138000")


def _devices(owner, *brands):
    return [instance_new(Device, {"customer": owner}, category="phone", brand=brand) for brand in brands]


def _event(ticket, action):
    return instance_new(TicketEvent, {"ticket": ticket}, action=action, to_status=ticket.status, at=ticket.created_at)


@postgres_only
def test_two_tables_rows_go_as_one_statement_and_get_their_ids_in_order(owner, reception):
    from tickets.services import ticket_create
    from tests.factories import intake_payload

    ticket = ticket_create(created_by=reception, **{k: v for k, v in intake_payload().items()
                                                    if k in ("customer", "kind", "fault_description")}, device=None)
    devices, events = _devices(owner, "华为", "小米", "荣耀"), [_event(ticket, "note"), _event(ticket, "update")]
    with CaptureQueriesContext(connection) as ctx, inserts_batched():
        rows_insert_json(devices, DEVICE_FIELDS)
        rows_insert_json(events, EVENT_FIELDS)
        assert devices[0].pk is None  # queued, not sent
    assert len(ctx.captured_queries) == 1
    assert [Device.objects.get(pk=d.pk).brand for d in devices] == ["华为", "小米", "荣耀"]
    assert [TicketEvent.objects.get(pk=e.pk).action for e in events] == ["note", "update"]
    assert not any(d._state.adding for d in devices)


@postgres_only
def test_a_read_inside_the_block_sees_the_queued_rows(owner):
    devices = _devices(owner, "华为")
    with inserts_batched():
        rows_insert_json(devices, DEVICE_FIELDS)
        assert list(Device.objects.filter(customer=owner).values_list("brand", flat=True)) == ["华为"]
        assert devices[0].pk is not None  # sent before the read


@postgres_only
def test_an_error_in_the_block_sends_nothing_and_leaves_no_queue(owner):
    with pytest.raises(RuntimeError), transaction.atomic(), inserts_batched():
        rows_insert_json(_devices(owner, "华为"), DEVICE_FIELDS)
        raise RuntimeError("the hook failed")
    assert not Device.objects.exists()
    later = _devices(owner, "小米")
    rows_insert_json(later, DEVICE_FIELDS)  # no block open: sent at once
    assert later[0].pk is not None and Device.objects.get().brand == "小米"


def _prepared_names() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return {row[0] for row in cursor.fetchall()}


SQL = "SELECT count(*) FROM tickets_customer WHERE phone = %s AND name <> %s"


@postgres_only
def test_a_prepared_statement_is_planned_once_and_answers_as_the_plain_cursor(owner):
    answers = []
    for _ in range(3):
        with prepared_cursor() as cursor:
            cursor.execute(SQL, ["+8613800138000", ""])
            answers.append(cursor.fetchone()[0])
    with connection.cursor() as cursor:
        cursor.execute(SQL, ["+8613800138000", ""])
        assert answers == [cursor.fetchone()[0]] * 3 == [1] * 3
    assert sum("tickets_customer WHERE phone = $1" in s for s in _prepared_names()) == 1


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_prepared_statement_survives_a_rolled_back_transaction_and_a_new_connection():
    Customer.objects.create(name="张三", phone="+8613800138000")
    with pytest.raises(RuntimeError), transaction.atomic():
        with prepared_cursor() as cursor:  # prepared inside a transaction that then rolls back
            cursor.execute(SQL, ["+8613800138000", ""])
        raise RuntimeError
    for _ in range(2):
        with transaction.atomic(), prepared_cursor() as cursor:
            cursor.execute(SQL, ["+8613800138000", ""])
            assert cursor.fetchone()[0] == 1
    connection.close()  # as CONN_MAX_AGE does: the next connection has no statements prepared yet
    with prepared_cursor() as cursor:
        cursor.execute(SQL, ["+8613800138000", "x"])
        assert cursor.fetchone()[0] == 1


@postgres_only
def test_with_prepared_statements_off_nothing_is_prepared_and_a_create_still_answers(settings, reception):
    """PREPARED_STATEMENTS=0, for a pooler in transaction mode: the same statements, sent unprepared."""
    from tests.factories import intake_payload
    from tickets.services import ticket_create

    settings.PREPARED_STATEMENTS = False
    before = _prepared_names()
    body = intake_payload()
    ticket = ticket_create(created_by=reception, customer=body["customer"], device=None, kind="repair",
                           fault_description="开机黑屏")
    with prepared_cursor() as cursor:
        cursor.execute(SQL, [ticket.customer.phone, ""])
        assert cursor.fetchone()[0] == 1
    assert _prepared_names() == before
