"""Issue 15 §3: the work order shows the ticket's 三包 decision; the quote is stored item by item and the printed
form lists every fee (call-out fee, each charged part with its price, labour, total), as stored."""
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from core.errors import ApplicationError
from fieldservice import rules, services
from tests.tickets.test_services import intake
from tickets import services as ticket_services

from .helpers import add_part, inspect, schedule

pytestmark = pytest.mark.django_db
D = Decimal


def fee(charged_parts_total="0"):
    return rules.FeeState(quote=None, approved_amount=None, charged_parts_total=D(charged_parts_total))


@pytest.mark.parametrize(("amount", "callout", "labour", "parts", "total", "problem"), [
    pytest.param(D("125"), None, None, "45", D("125"), None, id="one-amount-as-before"),
    pytest.param(None, None, None, "0", None, "required", id="nothing-quoted"),
    pytest.param(None, D("80"), D("30"), "45", D("155.00"), None, id="items-add-up-with-parts"),
    pytest.param(D("155"), D("80"), D("30"), "45", D("155.00"), None, id="typed-total-that-matches"),
    pytest.param(D("150"), D("80"), D("30"), "45", D("155.00"), "amount_not_items", id="typed-total-that-does-not"),
    pytest.param(None, D("80"), None, "0", D("80.00"), None, id="call-out-only"),
])
def test_quote_total(amount, callout, labour, parts, total, problem):
    got, problems = rules.quote_total(amount=amount, callout=callout, labour=labour, fee=fee(parts))
    assert got == total
    assert (problems["amount"].code if problems else None) == problem


def test_fee_lines_add_up_to_the_quote_and_explain_the_rest():
    lines = rules.fee_lines(quote=D("200"), callout=D("80"), labour=D("30"),
                            charged_parts=[("启动电容", 2, D("22.50"))], note="远程费")
    assert [(x.kind, x.label, x.amount) for x in lines] == [
        ("callout", "上门费", D("80.00")), ("part", "启动电容", D("45.00")), ("labour", "工时费", D("30.00")),
        ("other", "远程费", D("45.00"))]
    assert sum(x.amount for x in lines) == D("200")


def on_site(ticket, actor):
    work_order = schedule(ticket, actor, address="上海市浦东新区世纪大道 100 号")  # intake() gives no address
    services.work_order_depart(work_order=work_order, actor=actor)
    return services.work_order_arrive(work_order=work_order, actor=actor)


@pytest.fixture
def decided(reception, engineer):
    """A ticket registered through the service (so it carries a 三包 decision), with the engineer."""
    ticket = ticket_services.ticket_create(created_by=reception, **intake())
    ticket = ticket_services.ticket_preprocess(ticket=ticket, actor=reception)
    return ticket_services.ticket_dispatch(ticket=ticket, actor=reception, engineer=engineer)


def test_the_work_order_shows_the_warranty_decision(engineer_client, engineer, decided, django_assert_max_num_queries):
    work_order = on_site(decided, engineer)
    decision = decided.warranty_decision
    html = engineer_client.get(reverse("fieldservice:detail", args=[work_order.number])).content.decode()
    card = re.search(r'data-testid="wo-warranty".*?</div></div>', html, re.S).group(0)
    assert decision.effective_remedies, "the sample intake should be within 三包"
    for remedy in decision.effective_remedies:
        assert f'data-charge="{remedy["charge"]}"' in card
    assert ("免费" in card) == any(r["charge"] == "free" for r in decision.effective_remedies)
    assert card.count("<li>") >= len(decision.reasons) > 0


def test_the_printed_form_itemises_every_fee(engineer_client, engineer, decided):
    work_order = on_site(decided, engineer)
    inspect(work_order, engineer)
    add_part(work_order, engineer, quantity=2, unit_price=D("22.50"))  # charged: 45.00
    add_part(work_order, engineer, name="密封圈", charged=False, unit_price=D("0"))  # free: no fee line
    services.work_order_quote(work_order=work_order, actor=engineer, callout_fee=D("80"), labour_fee=D("30"))
    work_order.refresh_from_db()
    assert (work_order.fee_callout, work_order.fee_labour, work_order.fee_quote) == (D("80.00"), D("30.00"), D("155.00"))

    html = engineer_client.get(reverse("fieldservice:print", args=[work_order.number])).content.decode()

    def line(kind):
        return [re.sub(r"<[^>]+>|\s+", " ", row).split() for row in
                re.findall(rf'<tr data-testid="print-fee-{kind}">(.*?)</tr>', html, re.S)]
    assert line("callout") == [["上门费", "80.00"]]
    assert line("part") == [["启动电容", "35μF", "450V", "2", "22.50", "45.00"]]
    assert line("labour") == [["工时费", "30.00"]]
    assert line("other") == []
    assert re.search(r'data-testid="print-fee">155.00<', html)


def test_a_quote_typed_as_one_amount_prints_the_unexplained_rest(engineer_client, engineer, decided):
    work_order = on_site(decided, engineer)
    add_part(work_order, engineer)  # 45.00 charged
    services.work_order_quote(work_order=work_order, actor=engineer, amount=D("125"), note="上门费 80")
    html = engineer_client.get(reverse("fieldservice:print", args=[work_order.number])).content.decode()
    assert re.search(r'print-fee-other"><td>上门费 80</td>.*?80.00</td>', html, re.S)
    assert 'data-testid="print-fee-callout"' not in html


def test_items_that_do_not_add_up_to_the_typed_total_are_refused(engineer, decided):
    work_order = on_site(decided, engineer)
    with pytest.raises(ApplicationError) as refused:
        services.work_order_quote(work_order=work_order, actor=engineer, amount=D("100"), callout_fee=D("80"),
                                  labour_fee=D("30"))
    assert refused.value.field == "amount"
    work_order.refresh_from_db()
    assert work_order.fee_quote is None


def test_the_quote_form_takes_the_items(engineer_client, engineer, decided):
    work_order = on_site(decided, engineer)
    response = engineer_client.post(reverse("fieldservice:step", args=[work_order.number, "quote"]), {
        "quote-callout_fee": "60", "quote-labour_fee": "40", "quote-amount": "", "quote-note": ""},
        HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    work_order.refresh_from_db()
    assert (work_order.fee_callout, work_order.fee_labour, work_order.fee_quote) == (D("60.00"), D("40.00"), D("100.00"))
    assert 'data-testid="fee-items"' in response.content.decode()
