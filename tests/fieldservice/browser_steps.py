"""A work order's steps through the engineer's page, shared by the on-site browser tests."""
from django.utils import timezone
from playwright.sync_api import expect


def local_input(dt) -> str:
    """A datetime as a datetime-local input takes it, in Beijing time."""
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def depart_and_arrive(page) -> None:
    page.get_by_test_id("do-depart").click()
    expect(page.get_by_test_id("departed-at")).to_be_visible()
    page.get_by_test_id("do-arrive").click()
    expect(page.get_by_test_id("arrived-at")).to_be_visible()


def inspect(page, *, heard: str, seen: str, checked: str) -> None:
    """听 / 看 / 查, not opened before, out of warranty."""
    page.locator("#id_inspect-heard").fill(heard)
    page.locator("#id_inspect-seen").fill(seen)
    page.locator("#id_inspect-checked").fill(checked)
    page.locator("#id_inspect-opened_before").select_option("no")
    page.locator("#id_inspect-within_warranty").select_option("no")
    page.get_by_test_id("do-inspect").click()
    expect(page.get_by_test_id("inspected-at")).to_be_visible()


def add_charged_capacitor(page) -> None:
    page.get_by_test_id("add-part-toggle").click()
    page.locator("#id_add_part-name").fill("启动电容")
    page.locator("#id_add_part-spec").fill("35μF 450V")
    page.locator("#id_add_part-reason").fill("电容鼓包失效")
    page.locator("#id_add_part-charged").check()
    page.locator("#id_add_part-unit_price").fill("45.00")
    page.get_by_test_id("do-add-part").click()
    expect(page.get_by_test_id("parts")).to_contain_text("启动电容")
