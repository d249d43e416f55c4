"""Dispatch by product category (issue 15 §10): engineers handle some device categories (none: every one), the
suggestion is the least open work among those who handle the ticket's category, then a round robin over who was
given a ticket longest ago — remembered across solved tickets, so equals really take turns."""
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from core.roles import Role
from tests.conftest import make_user
from tests.engineering.walk import dispatched_ticket
from tests.factories import DeviceFactory, TicketFactory
from tickets import services
from tickets.choices import ProductCategory, Status
from tickets.engineering.models import EngineerProfile
from tickets.engineering.rules import EngineerLoad, engineer_suggested, engineers_for_category
from tickets.engineering.services import ticket_solve
from tickets.forms import DispatchForm

SH = ZoneInfo("Asia/Shanghai")
T = datetime(2026, 12, 2, 9, 0, tzinfo=SH)
PHONE, COMPUTER, FURNITURE = ProductCategory.PHONE, ProductCategory.COMPUTER, ProductCategory.FURNITURE


def load(pk, count, *categories, last=None, name=None):
    return EngineerLoad(engineer_id=pk, name=name or f"e{pk}", open_count=count, last_assigned_at=last,
                        categories=frozenset(categories))


@pytest.mark.parametrize(("loads", "category", "expected"), [
    pytest.param([], PHONE, None, id="nobody"),
    pytest.param([load(1, 0, COMPUTER), load(2, 0, PHONE)], PHONE, 2, id="only-who-handles-the-category"),
    pytest.param([load(1, 0, COMPUTER), load(2, 3, PHONE)], PHONE, 2, id="category-before-load"),
    pytest.param([load(1, 2, PHONE), load(2, 1, PHONE, COMPUTER), load(3, 4)], PHONE, 2, id="least-load-among-them"),
    pytest.param([load(1, 0, PHONE), load(2, 1)], COMPUTER, 2, id="no-categories-handles-every-one"),
    pytest.param([load(1, 2, PHONE), load(2, 1, COMPUTER)], FURNITURE, 2, id="nobody-handles-it-then-everybody"),
    pytest.param([load(1, 2, PHONE), load(2, 1, COMPUTER)], "", 2, id="ticket-without-device-everybody"),
    pytest.param([load(1, 1, PHONE, last=T), load(2, 1, PHONE, last=T - timedelta(hours=1))], PHONE, 2,
                 id="equal-load-longest-ago-first"),
    pytest.param([load(1, 1, PHONE, last=T - timedelta(days=9)), load(2, 1, PHONE)], PHONE, 2,
                 id="equal-load-never-given-one-first"),
    pytest.param([load(9, 0, PHONE, name="a"), load(3, 0, PHONE, name="b")], PHONE, 9, id="full-tie-by-name"),
    pytest.param([load(9, 0, PHONE, name="a"), load(3, 0, PHONE, name="a")], PHONE, 3, id="namesakes-by-id"),
])
def test_the_suggestion_rule_by_category(loads, category, expected):
    assert engineer_suggested(loads, category) == expected


def test_who_handles_a_category():
    loads = [load(1, 0, PHONE), load(2, 0), load(3, 0, COMPUTER)]
    assert [e.engineer_id for e in engineers_for_category(loads, PHONE)] == [1, 2]
    assert [e.engineer_id for e in engineers_for_category(loads, FURNITURE)] == [2]
    assert [e.engineer_id for e in engineers_for_category(loads[::2], FURNITURE)] == [1, 3]


def skilled(username, *categories):
    user = make_user(Role.ENGINEER, username)
    EngineerProfile.objects.create(engineer=user, categories=list(categories))
    return user


def phone_ticket(category=PHONE, **fields):
    return TicketFactory(status=Status.PREPROCESSED, device=DeviceFactory(category=category), **fields)


def test_three_dispatches_of_equal_load_go_to_three_engineers(reception):
    """Each ticket is solved before the next comes in, so all three are idle every time: only the memory of who
    was given a ticket last tells them apart (the open tickets alone would pick the same name three times)."""
    crew = {u.pk: u for u in (skilled(name, PHONE) for name in ("a-eng", "b-eng", "c-eng"))}
    skilled("pc-only", COMPUTER)  # idle too, but not for phones
    given = []
    for n in range(4):
        ticket = dispatched_ticket(reception=reception, engineer=crew[DispatchForm(category=PHONE)["engineer"]
                                                                        .field.suggested_id()],
                                   device=DeviceFactory(category=PHONE))
        given.append(ticket.engineer_id)
        ticket_solve(ticket=ticket, actor=ticket.engineer, kind="shop_repair", plan="更换电池", result="测试正常")
    assert len(set(given[:3])) == 3 and set(given) <= set(crew)
    assert given[3] == given[0]  # then round again, the first in line


def test_dispatch_and_reassignment_stamp_the_engineer_and_keep_their_categories(reception, engineer):
    phone_man = skilled("phone-man", PHONE)
    ticket = dispatched_ticket(reception=reception, engineer=phone_man)
    stamped = EngineerProfile.objects.get(engineer=phone_man)
    assert stamped.categories == [PHONE] and stamped.last_assigned_at is not None
    services.ticket_reassign(ticket=ticket, actor=reception, engineer=engineer, reason="他今天请假")
    assert EngineerProfile.objects.get(engineer=engineer).last_assigned_at >= stamped.last_assigned_at
    assert EngineerProfile.objects.get(engineer=engineer).categories == []  # a new row: every category


def _select(html: str) -> str:
    return re.search(r'<select name="engineer".*?</select>', html, re.S).group(0)


def test_the_page_groups_by_category_and_preselects_the_suggestion(reception_client):
    phones = skilled("phones", PHONE)  # one open phone ticket
    TicketFactory(engineer=phones, status=Status.DISPATCHED, next_due_at=T, dispatched_at=T)
    anyone = skilled("anyone")  # no categories: handles phones too; two open
    TicketFactory.create_batch(2, engineer=anyone, status=Status.REPLIED, dispatched_at=T)
    pcs = skilled("pcs", COMPUTER)  # idle, but computers only
    ticket = phone_ticket()
    page = reception_client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    select = _select(page)
    handles, others = re.search(r'<optgroup label="擅长手机">(.*?)</optgroup>\s*<optgroup label="其他工程师">(.*?)'
                                r'</optgroup>', select, re.S).groups()
    assert f'value="{phones.pk}"' in handles and f'value="{anyone.pk}"' in handles and f'value="{pcs.pk}"' in others
    chosen = re.findall(r'<option value="(\d+)"[^>]*selected[^>]*>([^<]*)', select)
    assert chosen == [(str(phones.pk), "测试 · phones · 在办 1 单 · 最近到期 12-02 09:00 · 建议")]
    assert "建议：测试（擅长手机的工程师中在办最少" in page
    # A human may choose another: the computer engineer takes it.
    answer = reception_client.post(reverse("tickets:action", args=[ticket.number, "dispatch"]),
                                   {"engineer": pcs.pk, "note": ""})
    assert answer.status_code == 302
    ticket.refresh_from_db()
    assert ticket.engineer == pcs and ticket.status == Status.DISPATCHED


def test_an_engineer_without_categories_handles_every_one(reception_client):
    skilled("phones", PHONE)  # idle, but phones only
    anyone = skilled("anyone")
    TicketFactory(engineer=anyone, status=Status.DISPATCHED, dispatched_at=T)
    ticket = phone_ticket(category=FURNITURE)
    select = _select(reception_client.get(reverse("tickets:detail", args=[ticket.number])).content.decode())
    assert re.search(r'<optgroup label="擅长家具">\s*<option value="%d" selected>' % anyone.pk, select)


def test_a_flat_list_when_everybody_handles_the_category(reception_client):
    for name in ("x-eng", "y-eng"):
        skilled(name)
    select = _select(reception_client.get(reverse("tickets:detail", args=[phone_ticket().number])).content.decode())
    assert "<optgroup" not in select and select.count("<option") == 3


def test_the_reassign_panel_groups_without_choosing(reception_client, reception, engineer):
    pcs = skilled("pcs", COMPUTER)
    ticket = dispatched_ticket(reception=reception, engineer=engineer, device=DeviceFactory(category=COMPUTER))
    EngineerProfile.objects.filter(engineer=engineer).update(categories=[PHONE])
    panel = reception_client.get(reverse("tickets:panel", args=[ticket.number, "reassign"])).content.decode()
    handles = re.search(r'<optgroup label="擅长电脑">(.*?)</optgroup>', _select(panel), re.S).group(1)
    assert f'value="{pcs.pk}"' in handles and f'value="{engineer.pk}"' not in handles
    assert re.search(r'<option value="\d+"[^>]* selected', _select(panel)) is None  # only the empty choice


@pytest.mark.django_db(transaction=True)  # real BEGIN/COMMIT, as tests/tickets/test_hot_budget.py counts them
def test_a_ticket_to_dispatch_keeps_the_page_budget(reception, django_assert_max_num_queries):
    """The categories come in the loads' one query: a page with the dispatch select stays within the ticket
    page's budget, however many engineers have profiles."""
    from django.test import Client

    from tests.tickets.test_hot_budget import DETAIL_MAX_QUERIES
    from tests.tickets.test_services import intake

    for n in range(6):
        TicketFactory(engineer=skilled(f"eng-{n}", (PHONE, COMPUTER)[n % 2]), status=Status.DISPATCHED, dispatched_at=T)
    ticket = services.ticket_preprocess(ticket=services.ticket_create(created_by=reception, **intake()),
                                        actor=reception, note="已核实三包")
    client = Client()
    client.force_login(reception)
    url = reverse("tickets:detail", args=[ticket.number])
    assert client.get(url).status_code == 200  # warm: per-process policy caches
    services.ticket_add_note(ticket=ticket, actor=reception, note="客户再次来电")  # drawn again, not cached
    with django_assert_max_num_queries(DETAIL_MAX_QUERIES) as counted:
        page = client.get(url).content.decode()
    assert "客户再次来电" in page and 'data-testid="dispatch-basis"' in page
    assert len(_select(page).split("<option")) == 8  # split: before the first option, the empty choice, six engineers
    print(f"dispatchable ticket page: {len(counted)} queries")


def test_the_admin_edits_an_engineers_categories_in_chinese(admin_client, engineer):
    add = reverse("admin:tickets_engineerprofile_add")
    form = admin_client.get(add).content.decode()
    assert "擅长品类" in form and "一个都不勾选即处理所有品类" in form
    assert re.search(r'type="checkbox" name="categories" value="phone"', form) and "手机" in form
    reception = make_user(Role.RECEPTION, "desk-only")
    assert f'<option value="{engineer.pk}">' in form and f'<option value="{reception.pk}">' not in form
    answer = admin_client.post(add, {"engineer": engineer.pk, "categories": ["computer", "phone"]})
    assert answer.status_code == 302
    profile = EngineerProfile.objects.get(engineer=engineer)
    assert profile.categories == ["phone", "computer"]  # in the list's order
    listing = admin_client.get(reverse("admin:tickets_engineerprofile_changelist")).content.decode()
    assert "手机、电脑" in listing
    # Dispatch stamps the row meanwhile: saving the categories never writes an older stamp back.
    change = reverse("admin:tickets_engineerprofile_change", args=[profile.pk])
    admin_client.get(change)
    EngineerProfile.objects.filter(pk=profile.pk).update(last_assigned_at=T)
    assert admin_client.post(change, {"categories": []}).status_code == 302
    profile.refresh_from_db()
    assert profile.categories == [] and profile.last_assigned_at == T
    assert "所有品类" in admin_client.get(reverse("admin:tickets_engineerprofile_changelist")).content.decode()


def test_a_category_edit_shows_on_a_cached_ticket_page(reception_client):
    """The ticket page comes from the page cache when nothing changed (core/pagecache.py): a category edit is a
    change (core/stamps.py watches EngineerProfile; an admin edit also writes a watched log row, a plain save
    from the shell or the demo does not), so the next view groups by it."""
    pcs = skilled("pcs", COMPUTER)
    skilled("phones", PHONE)
    url = reverse("tickets:detail", args=[phone_ticket().number])
    reception_client.get(url)
    assert f'value="{pcs.pk}"' in re.search(r'<optgroup label="其他工程师">(.*?)</optgroup>',
                                            _select(reception_client.get(url).content.decode()), re.S).group(1)
    profile = EngineerProfile.objects.get(engineer=pcs)
    profile.categories = [PHONE, COMPUTER]
    profile.save()
    assert "<optgroup" not in _select(reception_client.get(url).content.decode())  # both handle phones now


def test_the_migration_starts_each_engineers_stamp_from_their_tickets(db):
    """Migration 0013: the latest first dispatch of each engineer's tickets, closed ones included (history counts
    for the round robin); engineers without tickets get no row (every category, never given one)."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("tickets.migrations.0013_engineer_profile")
    old, recent, idle = (make_user(Role.ENGINEER, name) for name in ("old", "recent", "idle"))
    TicketFactory(engineer=old, status=Status.CLOSED, dispatched_at=T - timedelta(days=3))
    TicketFactory(engineer=old, status=Status.DISPATCHED, dispatched_at=T - timedelta(days=5))
    TicketFactory(engineer=recent, status=Status.SOLVED, dispatched_at=T)
    migration.stamps_from_tickets(apps, None)
    assert dict(EngineerProfile.objects.values_list("engineer__username", "last_assigned_at")) == {
        "old": T - timedelta(days=3), "recent": T}
    assert list(EngineerProfile.objects.values_list("categories", flat=True)) == [[], []]  # every category
