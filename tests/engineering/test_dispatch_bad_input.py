"""Bad input on what issue 15's dispatch and search added: a field error, nothing stored, never a 500."""
import pytest
from django.urls import reverse

from tests.engineering.test_dispatch_skills import PHONE, phone_ticket, skilled
from tickets.choices import Status
from tickets.engineering.models import EngineerProfile

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("engineer", ["999999", "abc", "1\x00", "", "9" * 40])
def test_a_wrong_engineer_is_a_field_error_and_the_ticket_stays(reception_client, engineer):
    skilled("phones", PHONE)
    ticket = phone_ticket()
    answer = reception_client.post(reverse("tickets:action", args=[ticket.number, "dispatch"]),
                                   {"engineer": engineer, "note": ""})
    assert answer.status_code == 400
    ticket.refresh_from_db()
    assert ticket.status != Status.DISPATCHED and ticket.engineer_id is None


@pytest.mark.parametrize("categories", [["phone", "spaceship"], ["\x00"], ["x" * 10_000]])
def test_an_unknown_category_in_the_admin_is_refused_and_nothing_stored(admin_client, engineer, categories):
    answer = admin_client.post(reverse("admin:tickets_engineerprofile_add"),
                               {"engineer": engineer.pk, "categories": categories})
    assert answer.status_code == 200 and "errorlist" in answer.content.decode()
    assert not EngineerProfile.objects.filter(engineer=engineer).exists()


@pytest.mark.parametrize("q", ["0317\x00", "9" * 5000, "黑屏" * 2000])
def test_an_impossible_search_is_refused_with_the_field_marked(reception_client, q):
    answer = reception_client.get(reverse("tickets:list"), {"q": q})
    assert answer.status_code == 400 and 'data-testid="bad-filters"' in answer.content.decode()


@pytest.mark.parametrize("q", ["%_%", "'; DROP TABLE x; --"])
def test_like_wildcards_and_quotes_are_searched_as_text(reception_client, q):
    phone_ticket()
    answer = reception_client.get(reverse("tickets:list"), {"q": q})
    assert answer.status_code == 200 and 'data-testid="no-tickets"' in answer.content.decode()
