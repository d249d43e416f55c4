"""The desk speaks Simplified Chinese unless the browser asks for English (LANGUAGE_CODE zh-hans + the
compiled locale/zh_Hans catalogue). Fails when the .mo is missing or the middleware stops choosing."""
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_intake_page_is_chinese_by_default(reception_client):
    page = reception_client.get(reverse("tickets:new")).content.decode()
    assert '<html lang="zh-hans"' in page
    assert "故障登记" in page and "客户电话" in page and "登记工单" in page
    assert "Register a fault" not in page


def test_the_same_page_in_english_when_asked(reception_client):
    page = reception_client.get(reverse("tickets:new"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Register a fault" in page and "故障登记" not in page
