"""Issue 15 §10 in Chromium: the desk dispatches a phone ticket. The select puts the engineers who handle phones
first (擅长手机), the others after (其他工程师), each with their load, and preselects the suggestion — the least
open work among the phone engineers, then whoever was given a ticket longest ago; at 390 px the desk picks
another engineer and dispatches. Screenshots: test-artifacts/dispatch-skills-{1366,390}[-closed].png."""
import re

import pytest
from playwright.sync_api import expect

from core.roles import Role
from tests.conftest import make_user
from tests.tickets.test_services import intake
from tickets import services
from tickets.choices import ProductCategory
from tickets.engineering.models import EngineerProfile
from tickets.models import Ticket

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1366, "height": 900}


def engineer_named(login, family, given, *categories):
    user = make_user(Role.ENGINEER, login)
    user.last_name, user.first_name = family, given
    user.save()
    if categories:
        EngineerProfile.objects.create(engineer=user, categories=list(categories))
    return user


def preprocessed(reception, phone):
    ticket = services.ticket_create(created_by=reception, **intake(customer={"phone": phone, "name": "张三"}))
    return services.ticket_preprocess(ticket=ticket, actor=reception)


def dispatched_to(reception, engineer, phone):
    services.ticket_dispatch(ticket=preprocessed(reception, phone), actor=reception, engineer=engineer)


def show_options(page, rows: int) -> None:
    """A native select's list cannot be screenshotted open: draw it as a list box of `rows` lines."""
    page.evaluate(f"document.querySelector('#id_engineer').size = {rows}")


@pytest.mark.parametrize("width", ["1366", "390"])
def test_the_dispatch_select_groups_by_category_and_suggests(width, page, login, screenshot, reception):
    P, C, A, F = (ProductCategory.PHONE, ProductCategory.COMPUTER, ProductCategory.APPLIANCE,
                  ProductCategory.FURNITURE)
    li = engineer_named("li", "李", "工", P, C)
    zhao = engineer_named("zhao", "赵", "明", P)
    zhang = engineer_named("zhang", "张", "师傅", A, F)  # idle, but no phones
    wang = engineer_named("wang", "王", "工")  # no categories: handles every one
    dispatched_to(reception, li, "+8613700137001")  # 李工 and 赵明 one each; 李工 was given his first
    dispatched_to(reception, zhao, "+8613700137002")
    for n in range(2):
        dispatched_to(reception, wang, f"+861370013701{n}")
    ticket = preprocessed(reception, "+8613500135000")
    assert ticket.device.category == P
    page.set_viewport_size(DESK if width == "1366" else PHONE)
    login(page, reception)

    page.goto(f"/tickets/{ticket.number}/")
    select = page.locator("#id_engineer")
    handles, others = select.locator('optgroup[label="擅长手机"]'), select.locator('optgroup[label="其他工程师"]')
    expect(handles.locator("option")).to_have_count(3)
    expect(handles.locator("option", has_text="李工")).to_contain_text("在办 1 单 · 最近到期")
    expect(handles.locator("option", has_text="王工")).to_contain_text("在办 2 单")
    expect(others.locator("option")).to_have_text(["张师傅 · zhang · 在办 0 单"])
    # Equal load: 李工 was given a ticket before 赵明, so it is his turn.
    expect(handles.locator("option", has_text="李工")).to_contain_text("建议")
    assert select.input_value() == str(li.pk)
    expect(page.get_by_test_id("dispatch-basis")).to_have_text(re.compile(r"^建议：李工（擅长手机的工程师中在办最少"))
    box = select.bounding_box()
    assert box["x"] + box["width"] <= page.viewport_size["width"], "the select runs off the screen"
    select.scroll_into_view_if_needed()
    show_options(page, 7)  # two headings, four engineers, the empty choice
    screenshot(page, f"dispatch-skills-{width}", full_page=False)
    show_options(page, 0)
    screenshot(page, f"dispatch-skills-{width}-closed", full_page=False)  # as the desk first sees it

    if width == "390":  # a human may choose another: the idle appliance engineer
        select.select_option(str(zhang.pk))
        page.get_by_test_id("do-dispatch").click()
        expect(page.get_by_test_id("engineer")).to_contain_text("张师傅")
        assert Ticket.objects.get(pk=ticket.pk).engineer_id == zhang.pk
