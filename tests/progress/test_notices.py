"""完成通知: sent after commit, once per channel, by a task that survives redelivery and failures."""
import pytest
from django.core import mail
from django.utils import timezone

from callbacks import services as callback_services
from core.knock import knock
from progress.models import CompletionNotice
from progress.services import completion_notice_send, completion_notices_requeue
from progress.sms import MemorySmsBackend
from progress.tasks import completion_notice_send_task
from tickets.models import Customer
from tickets.services import ticket_transition

pytestmark = pytest.mark.django_db


def _notice_sends(callbacks) -> list[int]:
    """The notice ids whose send task an on-commit callback would enqueue (core.knock: partial(knock, task, id))."""
    return sorted(cb.args[1] for cb in callbacks
                  if getattr(cb, "func", None) is knock and cb.args[0].name == completion_notice_send_task.name)


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    settings.SMS_BACKEND = "progress.sms.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    return MemorySmsBackend.outbox


def _close(solved, reception, capture):
    ticket, callback = solved
    Customer.objects.filter(pk=ticket.customer_id).update(email="zhang@example.com")
    ticket.customer.refresh_from_db()
    with capture() as callbacks:
        callback_services.callback_record(callback=callback, actor=reception, reached=True, outcome="fixed",
                                          score_attitude=5, score_quality=4, score_price=4)
    return ticket, callbacks


def test_closing_after_a_confirmed_callback_queues_one_notice_per_channel_after_commit(
        solved, reception, django_capture_on_commit_callbacks):
    ticket, callbacks = _close(solved, reception, django_capture_on_commit_callbacks)
    notices = CompletionNotice.objects.filter(ticket=ticket).order_by("channel")
    assert [(n.channel, n.recipient, n.sent_at) for n in notices] == [
        ("email", "zhang@example.com", None), ("sms", "+8613800138000", None)]
    # The tasks are sent only once the closing transaction commits, one per notice.
    assert _notice_sends(callbacks) == sorted(n.pk for n in notices)
    assert mail.outbox == [] and CompletionNotice.objects.filter(sent_at__isnull=False).count() == 0


def test_the_task_sends_email_and_sms_once_even_when_redelivered(solved, reception, sms_outbox,
                                                                  django_capture_on_commit_callbacks):
    ticket, _ = _close(solved, reception, django_capture_on_commit_callbacks)
    for notice in CompletionNotice.objects.filter(ticket=ticket):
        completion_notice_send_task.apply(args=[notice.pk])
        completion_notice_send_task.apply(args=[notice.pk])  # late acks: a redelivery does nothing
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["zhang@example.com"]
    assert ticket.number in mail.outbox[0].subject and ticket.number in mail.outbox[0].body
    assert len(sms_outbox) == 1 and sms_outbox[0][0] == "+8613800138000" and ticket.number in sms_outbox[0][1]
    assert all(n.sent_at and n.attempts == 1 for n in CompletionNotice.objects.filter(ticket=ticket))


class FailingSms:
    def send(self, phone, text):
        raise ConnectionError("gateway down")


def test_a_failed_send_releases_the_claim_and_the_requeue_picks_it_up(solved, reception, settings, sms_outbox,
                                                                       django_capture_on_commit_callbacks):
    ticket, _ = _close(solved, reception, django_capture_on_commit_callbacks)
    sms = CompletionNotice.objects.get(ticket=ticket, channel="sms")
    settings.SMS_BACKEND = "tests.progress.test_notices.FailingSms"
    with pytest.raises(ConnectionError):
        completion_notice_send(notice_id=sms.pk)
    sms.refresh_from_db()
    assert (sms.sent_at, sms.claimed_at, sms.attempts) == (None, None, 1) and "gateway down" in sms.last_error

    settings.SMS_BACKEND = "progress.sms.MemorySmsBackend"
    from django.utils import timezone

    assert completion_notices_requeue(now=timezone.now()) == 0  # too fresh: its own retry comes first
    CompletionNotice.objects.filter(pk=sms.pk).update(created_at=timezone.now() - timezone.timedelta(minutes=3))
    assert completion_notice_send(notice_id=sms.pk) is True
    assert completion_notice_send(notice_id=sms.pk) is False
    assert len(sms_outbox) == 1


def test_no_notice_when_the_customer_could_not_be_reached(solved, reception):
    ticket, callback = solved
    for _ in range(3):
        # Each retry is made when it is due (an earlier unanswered call is refused: issue 14).
        type(callback).objects.filter(pk=callback.pk).update(due_at=timezone.now())
        callback_services.callback_record(callback=callback, actor=reception, reached=False)
    assert not CompletionNotice.objects.filter(ticket=ticket).exists()


def test_no_second_notice_when_a_reopened_ticket_closes_again(solved, reception, manager, engineer,
                                                              django_capture_on_commit_callbacks):
    from callbacks.models import Callback
    from tickets.engineering.services import ticket_solve
    from tickets.services import ticket_dispatch

    ticket, _ = _close(solved, reception, django_capture_on_commit_callbacks)
    ticket.refresh_from_db()
    ticket = ticket_transition(ticket=ticket, action="reopen", actor=manager)
    ticket = ticket_dispatch(ticket=ticket, actor=reception, engineer=engineer)
    ticket_solve(ticket=ticket, actor=engineer, kind="shop_repair", plan="再次检修", result="正常")
    with django_capture_on_commit_callbacks() as queued:
        callback_services.callback_record(callback=Callback.objects.get(ticket=ticket, state="due"),
                                          actor=reception, reached=True, outcome="fixed")
    ticket.refresh_from_db()
    assert ticket.status == "closed"
    assert CompletionNotice.objects.filter(ticket=ticket).count() == 2 and _notice_sends(queued) == []


def test_the_default_sms_backend_logs(caplog):
    from progress.sms import LoggingSmsBackend, get_sms_backend

    with caplog.at_level("INFO", logger="servicedesk.sms"):
        assert LoggingSmsBackend().send("+8613800138000", "您的服务单已完成") == "logged"
    assert "您的服务单已完成" in caplog.text
    assert isinstance(get_sms_backend(), MemorySmsBackend)  # settings decide (autouse fixture above)


def test_a_close_while_the_broker_is_down_keeps_the_notices_and_the_requeue_sends_each_once(
        solved, reception, sms_outbox, caplog, django_capture_on_commit_callbacks):
    from django.utils import timezone

    from tests.resilience.outage import redis_down, tasks_run_inline

    with redis_down(), caplog.at_level("WARNING", logger="servicedesk.knock"):
        ticket, _callbacks = _close(solved, reception, lambda: django_capture_on_commit_callbacks(execute=True))
    ticket.refresh_from_db()
    assert ticket.status == "closed"
    assert caplog.text.count("could not enqueue progress.tasks.completion_notice_send_task") == 2
    assert CompletionNotice.objects.filter(ticket=ticket, sent_at__isnull=True).count() == 2

    later = timezone.now() + timezone.timedelta(minutes=3)
    with redis_down():
        assert completion_notices_requeue(now=later) == 0  # still down: nothing lost, nothing marked
    with tasks_run_inline():
        assert completion_notices_requeue(now=later) == 2
        assert completion_notices_requeue(now=later) == 0
    assert len(sms_outbox) == 1 and len(mail.outbox) == 1
    assert not CompletionNotice.objects.filter(ticket=ticket, sent_at__isnull=True).exists()
