"""The one hook other concerns use to react to ticket changes, inside the same transaction.

Ticket services call these after every create and transition; the SLA clocks, warranty records and
callbacks attach here, so a status change and its effects commit or roll back together."""
from datetime import datetime


def on_ticket_created(*, ticket, at: datetime, actor, warranty=None) -> None:
    from warranty.services import warranty_decision_record  # 三包 decided at registration, with its policy version

    warranty_decision_record(ticket=ticket, intake=warranty, at=at)

    from sla.services import sla_on_ticket_created  # the policy is picked, clocks starting at registration run

    sla_on_ticket_created(ticket=ticket, at=at)

    from callbacks.effects import callbacks_on_ticket_created  # a complaint gets its promised answer time

    callbacks_on_ticket_created(ticket=ticket, at=at, actor=actor)


def on_ticket_transition(*, ticket, action: str, from_status: str, at: datetime, actor) -> None:
    from sla.services import sla_on_ticket_transition  # clocks start, stop, pause, resume with the step

    sla_on_ticket_transition(ticket=ticket, action=action, at=at)

    from webhooks.services import webhook_events_for_transition  # partner webhooks: rows now, sent after commit

    webhook_events_for_transition(ticket=ticket, action=action, from_status=from_status, at=at)

    from callbacks.effects import callbacks_on_ticket_transition  # solve → callback due; a complaint answered
    from progress.effects import progress_on_ticket_transition  # closed after a callback → completion notice

    callbacks_on_ticket_transition(ticket=ticket, action=action, from_status=from_status, at=at, actor=actor)
    progress_on_ticket_transition(ticket=ticket, action=action, from_status=from_status, at=at)

    from refunds.services import refunds_on_ticket_transition  # a return/refund solution → refund due in 7 working days

    refunds_on_ticket_transition(ticket=ticket, action=action, at=at)


def on_ticket_updated(*, ticket, changes: dict, at: datetime, actor) -> None:
    """Editable fields changed (tickets.services.ticket_update), e.g. the priority an SLA target depends on."""
    from sla.services import sla_on_ticket_updated  # re-prioritised: due times keep the business time spent

    sla_on_ticket_updated(ticket=ticket, changes=changes, at=at)
