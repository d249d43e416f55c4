"""Walk a ticket to the engineer with the same services the desk uses (timeline and SLA hooks included)."""
from tests.factories import CustomerFactory, TicketFactory
from tickets import services


def dispatched_ticket(*, reception, engineer, **fields):
    fields.setdefault("customer", CustomerFactory(address="上海市浦东新区世纪大道 100 号"))
    ticket = TicketFactory(**fields)
    ticket = services.ticket_preprocess(ticket=ticket, actor=reception)
    return services.ticket_dispatch(ticket=ticket, actor=reception, engineer=engineer)
