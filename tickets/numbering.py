from datetime import date

from django.db import connection

from .models import TicketNumberCounter

_TABLE = TicketNumberCounter._meta.db_table
# One statement, atomic on PostgreSQL and SQLite ≥ 3.35: concurrent creates never share a number.
_BUMP = (
    f"INSERT INTO {_TABLE} (day, value) VALUES (%s, 1) "
    f"ON CONFLICT (day) DO UPDATE SET value = {_TABLE}.value + 1 RETURNING value"
)


# The same bump as a CTE `n(value)`, for a statement that inserts the ticket with it (tickets/timeline.py).
NUMBER_CTE_SQL = f"n AS ({_BUMP})"


def ticket_number_format(day: date, value: int) -> str:
    return f"SD-{day:%Y%m%d}-{value:04d}"


def ticket_number_next_value(*, day: date) -> int:
    with connection.cursor() as cursor:
        cursor.execute(_BUMP, [day])
        (value,) = cursor.fetchone()
    return value


def ticket_number_next(*, day: date) -> str:
    return ticket_number_format(day, ticket_number_next_value(day=day))
