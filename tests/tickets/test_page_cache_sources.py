"""Every source a cached page shows, beside the tickets themselves, shows changed on the next view (core/pagecache.py,
core/stamps.py): the page cache is on by default, so a change that left the key alone would be shown late.

Each test views a page twice (the second view is the stored page: one query), changes one source the way its
writer does (the admin, a service, a plain save), and expects the next view to show it."""
import re

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.roles import Role
from tests.conftest import make_user
from tickets import services

from .test_services import intake

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_minute")]
LIST = "/tickets/"
CACHED = 1  # the session's user and the page's change token, one query (core/pageuser.py)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _view(client, url) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)
    assert page.status_code == 200
    return page.content.decode(), len(queries)


def _stored(client, url) -> str:
    _view(client, url)
    page, queries = _view(client, url)
    assert queries <= CACHED, "the second view is the stored page"
    return page


def _named(user, last_name: str):
    user.last_name, user.first_name = last_name, ""
    user.save()
    return user


def _options(page: str, select_name: str) -> str:
    return re.search(rf'<select name="{select_name}"[^>]*>(.*?)</select>', page, re.S).group(1)


def _detail(ticket) -> str:
    return reverse("tickets:detail", args=[ticket.number])


def _preprocessed(reception):
    ticket = services.ticket_create(created_by=reception, **intake())
    return services.ticket_preprocess(ticket=ticket, actor=reception)


def test_a_renamed_engineer_shows_in_the_lists_selects(reception, engineer):
    _named(engineer, "甄工")
    client = _client(reception)
    assert "甄工" in _options(_stored(client, LIST), "engineer")
    _named(engineer, "郦工")
    page = _view(client, LIST)[0]
    assert "郦工" in _options(page, "engineer") and "甄工" not in page


def test_a_new_engineer_shows_and_a_deactivated_one_goes(reception, engineer):
    client = _client(reception)
    newcomer = _named(make_user(None, "newcomer"), "王工")
    assert "王工" not in _stored(client, LIST)
    newcomer.groups.add(Group.objects.get(name=Role.ENGINEER))  # m2m_changed, as the admin's user form does
    assert "王工" in _options(_view(client, LIST)[0], "engineer")
    _stored(client, LIST)
    newcomer.is_active = False
    newcomer.save(update_fields=["is_active"])
    assert "王工" not in _view(client, LIST)[0]


def test_an_engineer_renamed_shows_in_the_ticket_pages_dispatch_select(reception, engineer):
    _named(engineer, "甄工")
    ticket = _preprocessed(reception)
    client = _client(reception)
    assert "甄工" in _options(_stored(client, _detail(ticket)), "engineer")
    _named(engineer, "赵工")
    assert "赵工" in _options(_view(client, _detail(ticket))[0], "engineer")


def test_the_engineer_loads_in_the_dispatch_select_follow_other_tickets(reception, engineer):
    """Each engineer's open tickets are counted in the select: dispatching another ticket changes the count."""
    _named(engineer, "甄工")
    ticket, other = _preprocessed(reception), _preprocessed(reception)
    client = _client(reception)
    before = _options(_stored(client, _detail(ticket)), "engineer")
    services.ticket_dispatch(ticket=other, actor=reception, engineer=engineer)
    after = _options(_view(client, _detail(ticket))[0], "engineer")
    assert after != before  # the fresh render's count, not the stored one's


def test_the_readers_new_role_shows_in_the_nav(reception):
    client = _client(reception)
    assert 'data-testid="nav-dashboard"' not in _stored(client, LIST)
    reception.groups.add(Group.objects.get(name=Role.MANAGER))
    assert 'data-testid="nav-dashboard"' in _view(client, LIST)[0]


def test_a_corrected_customer_name_shows_in_the_rows(reception):
    from tickets.models import Ticket

    ticket = services.ticket_create(created_by=reception, **intake())
    Ticket.objects.filter(pk=ticket.pk).update(contact_name="")  # the row shows the customer record's name
    client = _client(reception)
    assert ticket.customer.name in _stored(client, LIST)
    customer = ticket.customer
    customer.name = "欧阳更正"
    customer.save()  # the admin's customer form, or the intake's "update the stored name"
    assert "欧阳更正" in _view(client, LIST)[0]
    assert "欧阳更正" in _view(client, _detail(ticket))[0]


def test_an_edited_message_template_shows_in_the_customer_message_form(reception, engineer):
    from progress.models import MessageTemplate

    ticket = _preprocessed(reception)
    client = _client(reception)
    template = MessageTemplate.objects.filter(active=True).order_by("position").first()
    assert template.name in _stored(client, _detail(ticket))
    template.name = "取机提醒（新）"
    template.save()
    assert "取机提醒（新）" in _view(client, _detail(ticket))[0]


def test_an_attachment_deleted_in_the_admin_leaves_the_page(reception):
    from attachments.models import Attachment
    from attachments.services import attachment_add

    ticket = services.ticket_create(created_by=reception, **intake())
    png = SimpleUploadedFile("故障照片.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, content_type="image/png")
    attachment_add(ticket=ticket, actor=reception, upload=png)
    client = _client(reception)
    assert "故障照片.png" in _stored(client, _detail(ticket))
    Attachment.objects.filter(ticket=ticket).delete()  # the admin's "delete selected": post_delete per row
    assert "故障照片.png" not in _view(client, _detail(ticket))[0]


def test_any_other_admin_edit_draws_the_page_again(reception):
    """Rows the admin edits by hand bypass the timeline writer; the admin logs each edit, and its log row is the
    catch-all stamp."""
    ticket = services.ticket_create(created_by=reception, **intake())
    client = _client(reception)
    _stored(client, _detail(ticket))
    from tickets.models import Ticket

    Ticket.objects.filter(pk=ticket.pk).update(fault_description="管理员直接改写的故障")  # no version, no stamp
    LogEntry.objects.log_actions(user_id=make_user(None, "admin-x").pk, queryset=[ticket], action_flag=CHANGE,
                                 change_message="edited", single_object=True)
    assert "管理员直接改写的故障" in _view(client, _detail(ticket))[0]


def test_a_deploy_with_another_setting_keys_pages_anew(settings, monkeypatch):
    """A setting shown on pages (the hotline) changes with a restart: the release token moves, so the pages
    stored by the previous release are not served by the new one."""
    from core import pagecache

    monkeypatch.setattr(pagecache, "_RELEASE", [])
    before = pagecache.release_token()
    assert pagecache.release_token() == before  # one token per release, the same in every worker
    settings.SERVICE_HOTLINE = "400-999-0000"
    monkeypatch.setattr(pagecache, "_RELEASE", [])
    assert pagecache.release_token() != before


# The stored page's reader is read with its change token (core/pageuser.py): it must refuse what Django's own
# session check refuses, at once, on the next view of a stored page.
def test_a_deactivated_users_stored_page_is_not_served(reception):
    client = _client(reception)
    _stored(client, LIST)
    reception.is_active = False
    reception.save(update_fields=["is_active"])
    page = client.get(LIST)
    assert page.status_code == 302 and "/login" in page["Location"]


def test_a_changed_password_ends_the_other_sessions_at_once(reception):
    client = _client(reception)
    _stored(client, LIST)
    reception.set_password("a-new-password-2026")
    reception.save()
    page = client.get(LIST)
    assert page.status_code == 302 and "/login" in page["Location"]


def test_a_reader_taken_off_the_desk_is_refused_the_stored_page(reception):
    client = _client(reception)
    _stored(client, LIST)
    reception.groups.clear()
    assert client.get(LIST).status_code == 403


def test_a_cached_view_reads_the_user_and_the_token_in_one_query(reception, engineer):
    ticket = _preprocessed(reception)
    client = _client(reception)
    for url in (LIST, _detail(ticket)):
        _view(client, url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert len(queries) == 1 and '"auth_user"."password"' in queries[0]["sql"]


def test_with_the_page_cache_turned_off_every_view_is_drawn(reception, settings):
    """PAGE_CACHE=0 (settings.PAGE_CACHE False): each view renders, the reader loaded as Django does."""
    settings.PAGE_CACHE = False
    services.ticket_create(created_by=reception, **intake())
    client = _client(reception)
    _view(client, LIST)
    assert _view(client, LIST)[1] > CACHED + 1


@pytest.mark.parametrize("had_cookie", [True, False])
def test_the_csrf_token_of_a_served_page_passes_djangos_check(reception, had_cookie):
    """The served page's token is masked here, not by get_token (core/pagecache.py _reader_token): a POST with it
    passes Django's CSRF check — also when the request came without a CSRF cookie and a new secret was made."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(reception)
    _stored(client, LIST)
    if not had_cookie:
        del client.cookies["csrftoken"]
    page, queries = _view(client, LIST)
    assert queries <= CACHED
    token = re.search(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"', page).group(1)
    answer = client.post(reverse("set_language"), {"language": "en", "next": LIST, "csrfmiddlewaretoken": token})
    assert answer.status_code == 302
    forged = token[:32] + ("a" if token[32] != "a" else "b") + token[33:]
    assert client.post(reverse("set_language"), {"language": "en", "csrfmiddlewaretoken": forged}).status_code == 403
