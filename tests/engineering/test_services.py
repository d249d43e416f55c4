"""The engineer's services on real PostgreSQL: each step, its timeline event, each refusal stores nothing."""
from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import ApplicationError, TransitionNotAllowed
from tickets.engineering import services as engineering
from tickets.choices import ReplyTo, SolutionKind, Status, WaitReason
from tickets.models import Ticket, TicketEvent
from tickets.engineering.models import TicketSolution
from tickets.engineering.selectors import manufacturer_wait_latest, solution_latest

pytestmark = pytest.mark.django_db
WALKED = ["preprocess", "dispatch"]  # the factory row has no "register" event; the walk adds these


def events(ticket) -> list[str]:
    return list(TicketEvent.objects.filter(ticket=ticket).order_by("at", "id").values_list("action", flat=True))


def reply(ticket, actor, **overrides):
    kwargs = {"difficulty": "主板供电异常，需要备件", "next_step": "今天 16:00 前确认备件并上门"} | overrides
    return engineering.ticket_reply(ticket=ticket, actor=actor, **kwargs)


def solve(ticket, actor, **overrides):
    kwargs = {"kind": SolutionKind.SHOP_REPAIR, "plan": "更换主板", "result": "更换后测试正常"} | overrides
    return engineering.ticket_solve(ticket=ticket, actor=actor, **kwargs)


def test_reply_moves_to_replied_and_records_difficulty_and_next_step(dispatched, engineer):
    ticket = dispatched()

    ticket = reply(ticket, engineer, replied_to=ReplyTo.DESK)

    stored = Ticket.objects.get(pk=ticket.pk)
    assert stored.status == Status.REPLIED and stored.replied_at is not None
    event = TicketEvent.objects.get(ticket=ticket, action="reply")
    assert (event.actor, event.from_status, event.to_status) == (engineer, Status.DISPATCHED, Status.REPLIED)
    assert event.data == {"difficulty": "主板供电异常，需要备件", "next_step": "今天 16:00 前确认备件并上门",
                          "replied_to": "desk"}


@pytest.mark.parametrize(("field", "value"), [("next_step", ""), ("next_step", "  \n "), ("difficulty", "")])
def test_reply_without_difficulty_or_next_step_is_refused(dispatched, engineer, field, value):
    ticket = dispatched()

    with pytest.raises(ApplicationError) as refused:
        reply(ticket, engineer, **{field: value})

    assert (refused.value.field, refused.value.code, refused.value.status) == (field, "required", 400)
    assert Ticket.objects.get(pk=ticket.pk).status == Status.DISPATCHED
    assert events(ticket) == WALKED


ACTIONS = {
    "reply": lambda t, u: reply(t, u),
    "solve": lambda t, u: solve(t, u),
    "wait": lambda t, u: engineering.ticket_wait(ticket=t, actor=u, reason=WaitReason.PARTS, note="缺主板"),
    "hand_back": lambda t, u: engineering.ticket_hand_back(ticket=t, actor=u, reason="不是我的片区"),
}


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_an_engineer_may_not_act_on_another_engineers_ticket(dispatched, other_engineer, action):
    ticket = dispatched()  # dispatched to `engineer`, not `other_engineer`

    with pytest.raises(ApplicationError) as refused:
        ACTIONS[action](ticket, other_engineer)

    assert (refused.value.code, refused.value.status) == ("not_your_ticket", 403)
    assert Ticket.objects.get(pk=ticket.pk).status == Status.DISPATCHED
    assert not TicketSolution.objects.exists()
    assert events(ticket) == WALKED


def test_resume_on_another_engineers_ticket_is_refused(dispatched, engineer, other_engineer):
    ticket = engineering.ticket_wait(ticket=dispatched(), actor=engineer, reason=WaitReason.PARTS, note="缺货")

    with pytest.raises(ApplicationError) as refused:
        engineering.ticket_resume(ticket=ticket, actor=other_engineer)

    assert refused.value.code == "not_your_ticket"
    assert Ticket.objects.get(pk=ticket.pk).status == Status.WAITING


def test_the_not_your_ticket_refusal_comes_before_input_errors(dispatched, other_engineer):
    with pytest.raises(ApplicationError) as refused:
        reply(dispatched(), other_engineer, next_step="")
    assert refused.value.code == "not_your_ticket"


def test_manager_may_reply_reception_may_not(dispatched, manager, reception):
    ticket = dispatched()
    with pytest.raises(ApplicationError) as refused:
        reply(ticket, reception)
    assert (refused.value.code, refused.value.status) == ("forbidden", 403)

    assert reply(ticket, manager).status == Status.REPLIED


def test_reply_twice_is_not_allowed(dispatched, engineer):
    ticket = reply(dispatched(), engineer)
    with pytest.raises(TransitionNotAllowed):
        reply(ticket, engineer)


@pytest.mark.parametrize("kind", [k for k in SolutionKind.values if k not in (SolutionKind.MANUFACTURER,
                                                                               SolutionKind.ONSITE)])
def test_solution_is_stored_and_moves_to_solved(dispatched, engineer, kind):
    ticket = reply(dispatched(), engineer)

    solution = solve(ticket, engineer, kind=kind, manufacturer_reference="ignored", sent_on=timezone.localdate())

    stored = Ticket.objects.get(pk=ticket.pk)
    assert stored.status == Status.SOLVED and stored.solved_at is not None
    assert (solution.kind, solution.plan, solution.result, solution.recorded_by) == (
        kind, "更换主板", "更换后测试正常", engineer)
    assert (solution.manufacturer_reference, solution.sent_on) == ("", None)  # 返厂 fields mean nothing here
    event = TicketEvent.objects.get(ticket=ticket, action="solve")
    assert event.data == {"solution_id": solution.pk, "kind": kind, "plan": "更换主板", "result": "更换后测试正常"}


def test_manufacturer_solution_keeps_reference_and_dates(dispatched, engineer):
    today = timezone.localdate()
    solution = solve(dispatched(), engineer, kind=SolutionKind.MANUFACTURER, manufacturer_reference="RMA-2026-77",
                     sent_on=today - timedelta(days=9), returned_on=today - timedelta(days=1))

    stored = TicketSolution.objects.get(pk=solution.pk)
    assert (stored.manufacturer_reference, stored.sent_on, stored.returned_on) == (
        "RMA-2026-77", today - timedelta(days=9), today - timedelta(days=1))
    event = TicketEvent.objects.get(ticket=solution.ticket, action="solve")
    assert event.data["manufacturer_reference"] == "RMA-2026-77"
    assert event.data["sent_on"] == (today - timedelta(days=9)).isoformat()


def test_manufacturer_solution_without_reference_is_refused(dispatched, engineer):
    ticket = dispatched()
    today = timezone.localdate()

    with pytest.raises(ApplicationError) as refused:
        solve(ticket, engineer, kind=SolutionKind.MANUFACTURER, manufacturer_reference=" ",
              sent_on=today - timedelta(days=3), returned_on=today)

    assert (refused.value.field, refused.value.code) == ("manufacturer_reference", "reference_required")
    assert not TicketSolution.objects.exists()
    assert Ticket.objects.get(pk=ticket.pk).status == Status.DISPATCHED


def test_a_refused_transition_leaves_no_solution_row(dispatched, engineer):
    ticket = engineering.ticket_wait(ticket=dispatched(), actor=engineer, reason=WaitReason.CUSTOMER, note="出差")
    with pytest.raises(TransitionNotAllowed):
        solve(ticket, engineer)
    assert not TicketSolution.objects.exists()


def test_solution_latest_is_the_most_recent(dispatched, engineer, reception):
    ticket = dispatched()
    assert solution_latest(ticket) is None
    first = solve(ticket, engineer, plan="第一次")
    # a failed callback reopens; the desk dispatches again and the engineer solves again
    ticket = Ticket.objects.get(pk=ticket.pk)
    from tickets import services
    ticket = services.ticket_transition(ticket=ticket, action="callback_failed", actor=reception, note="仍闪屏")
    ticket = services.ticket_dispatch(ticket=ticket, actor=reception, engineer=engineer)
    second = solve(ticket, engineer, plan="第二次")

    assert solution_latest(ticket) == second != first
    assert solution_latest(ticket.pk).plan == "第二次"


def test_the_solution_exists_when_the_solve_hook_runs(dispatched, engineer, monkeypatch):
    """The callback desk's hook reacts to "solve" and reads the latest solution in the same transaction."""
    from tickets import hooks

    seen = []
    original = hooks.run_transitioned

    def spy(*, ticket, action, **kwargs):
        if action == "solve":
            seen.append(solution_latest(ticket).plan)
        return original(ticket=ticket, action=action, **kwargs)

    monkeypatch.setattr(hooks, "run_transitioned", spy)
    solve(dispatched(), engineer, plan="远程指导重置网络")
    assert seen == ["远程指导重置网络"]


@pytest.mark.parametrize("reason", WaitReason.values)
def test_wait_then_resume_returns_to_the_saved_status(dispatched, engineer, reason):
    ticket = reply(dispatched(), engineer)

    ticket = engineering.ticket_wait(ticket=ticket, actor=engineer, reason=reason, note="等待中",
                                     manufacturer_reference="RMA-1" if reason == WaitReason.MANUFACTURER else "",
                                     expected_on=timezone.localdate() + timedelta(days=3))

    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.status, stored.wait_reason, stored.resume_status) == (Status.WAITING, reason, Status.REPLIED)
    wait_event = TicketEvent.objects.get(ticket=ticket, action="wait")
    assert (wait_event.note, wait_event.data["reason"], wait_event.data["resume_to"]) == ("等待中", reason, "replied")

    ticket = engineering.ticket_resume(ticket=stored, actor=engineer, note="备件到了")

    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.status, stored.wait_reason, stored.resume_status) == (Status.REPLIED, "", "")
    resume_event = TicketEvent.objects.get(ticket=ticket, action="resume")
    assert resume_event.data["reason"] == reason and resume_event.data["waited_minutes"] >= 0


def test_wait_at_the_manufacturer_needs_its_reference_and_prefills_the_solution(dispatched, engineer):
    ticket = dispatched()
    with pytest.raises(ApplicationError) as refused:
        engineering.ticket_wait(ticket=ticket, actor=engineer, reason=WaitReason.MANUFACTURER, note="返厂")
    assert refused.value.field == "manufacturer_reference"
    assert Ticket.objects.get(pk=ticket.pk).status == Status.DISPATCHED

    engineering.ticket_wait(ticket=ticket, actor=engineer, reason=WaitReason.MANUFACTURER, note="返厂",
                            manufacturer_reference="RMA-9")
    assert manufacturer_wait_latest(ticket=ticket) == {"manufacturer_reference": "RMA-9",
                                                       "sent_on": timezone.localdate()}


def test_wait_without_reason_text_is_refused(dispatched, engineer):
    ticket = dispatched()
    with pytest.raises(ApplicationError) as refused:
        engineering.ticket_wait(ticket=ticket, actor=engineer, reason=WaitReason.PARTS, note="")
    assert refused.value.field == "note"
    assert events(ticket) == WALKED


def test_hand_back_returns_the_ticket_to_the_desk(dispatched, engineer, reception, other_engineer):
    ticket = reply(dispatched(), engineer)

    ticket = engineering.ticket_hand_back(ticket=ticket, actor=engineer, reason="需要空调专业工程师")

    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.status, stored.engineer) == (Status.PREPROCESSED, None)
    event = TicketEvent.objects.get(ticket=ticket, action="hand_back")
    assert (event.note, event.data) == ("需要空调专业工程师", {"engineer_id": engineer.pk, "engineer": "engineer"})
    # the desk dispatches it again
    from tickets import services
    assert services.ticket_dispatch(ticket=stored, actor=reception, engineer=other_engineer).status == Status.DISPATCHED


def test_hand_back_needs_a_reason(dispatched, engineer):
    ticket = dispatched()
    with pytest.raises(ApplicationError) as refused:
        engineering.ticket_hand_back(ticket=ticket, actor=engineer, reason="  ")
    assert refused.value.field == "reason"
    assert Ticket.objects.get(pk=ticket.pk).engineer == engineer
