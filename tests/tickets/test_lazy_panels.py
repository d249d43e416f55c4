"""Issue 16 §3: the ticket page's collapsed panels (reassign, edit, cancel; the engineer's solution before the
reply, wait, hand back) load their form when opened (tickets/views_panels.py). The page carries a link to each,
the panel answers with the form for whoever the page offers the step to, and refuses everyone else."""
import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.engineering.walk import dispatched_ticket
from tickets.lifecycle import ticket_cancel

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _panel(client, ticket, action, **extra):
    return client.get(reverse("tickets:panel", args=[ticket.number, action]), **extra)


@pytest.fixture
def ticket(reception, engineer):
    return dispatched_ticket(reception=reception, engineer=engineer)


def test_the_page_links_each_collapsed_panel_instead_of_drawing_its_form(ticket, reception, engineer):
    desk = _client(reception).get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    for action in ("reassign", "edit", "cancel", "solve", "wait"):
        url = reverse("tickets:panel", args=[ticket.number, action])
        assert f'hx-get="{url}"' in desk and f'href="{url}"' in desk, action  # htmx, and a link without it
    assert 'name="edit-contact_name"' not in desk and 'name="cancel-reason"' not in desk
    assert 'name="solve-plan"' not in desk  # dispatched, not replied: the solution panel is closed
    mine = _client(engineer).get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    assert 'name="reply-difficulty"' in mine  # the engineer's next step is open, drawn with the page
    assert reverse("tickets:panel", args=[ticket.number, "hand_back"]) in mine
    assert reverse("tickets:panel", args=[ticket.number, "edit"]) not in mine  # the desk's, not offered here


@pytest.mark.parametrize("action, field, posts_to", [
    ("reassign", "note", "tickets:action"),
    ("edit", "edit-contact_name", "tickets:edit"),
    ("cancel", "cancel-reason", "tickets:cancel"),
    ("solve", "solve-plan", "tickets:engineer-action"),
    ("wait", "wait-reason", "tickets:engineer-action"),
])
def test_the_desk_opens_a_panel_and_gets_its_form(ticket, reception, action, field, posts_to):
    client = _client(reception)
    fragment = _panel(client, ticket, action, **HX)
    assert fragment.status_code == 200
    html = fragment.content.decode()
    assert f'name="{field}"' in html and 'name="csrfmiddlewaretoken"' in html
    assert "<html" not in html  # htmx gets the form alone, swapped into the panel
    args = [ticket.number] + ([action] if posts_to != "tickets:edit" and posts_to != "tickets:cancel" else [])
    assert f'hx-post="{reverse(posts_to, args=args)}"' in html
    page = _panel(client, ticket, action)  # without JavaScript: a page with the same form
    assert page.status_code == 200 and "<html" in page.content.decode() and f'name="{field}"' in page.content.decode()


def test_the_edit_form_starts_from_the_ticket_as_it_is(ticket, reception):
    html = _panel(_client(reception), ticket, "edit", **HX).content.decode()
    assert re.search(rf'name="edit-version" value="{ticket.version}"', html)
    assert f'value="{ticket.contact_name_shown}"' in html


def test_the_engineer_gets_his_steps_but_not_the_desks(ticket, engineer):
    client = _client(engineer)
    assert 'name="hand_back-reason"' in _panel(client, ticket, "hand_back", **HX).content.decode()
    for action in ("reassign", "edit", "cancel"):
        assert _panel(client, ticket, action, **HX).status_code == 403, action


def test_the_desk_does_not_get_the_engineers_hand_back(ticket, reception):
    assert _panel(_client(reception), ticket, "hand_back", **HX).status_code == 403


def test_someone_elses_ticket_and_unknown_panels_are_not_found(ticket, other_engineer, reception):
    assert _panel(_client(other_engineer), ticket, "wait", **HX).status_code == 404
    assert _panel(_client(reception), ticket, "note", **HX).status_code == 404
    assert Client().get(reverse("tickets:panel", args=[ticket.number, "edit"])).status_code == 302  # log in


def test_a_step_the_status_no_longer_allows_says_so(ticket, reception):
    ticket_cancel(ticket=ticket, actor=reception, reason="duplicate", note="")
    client = _client(reception)
    fragment = _panel(client, ticket, "cancel", **HX)
    assert fragment.status_code == 200 and 'data-testid="panel-refusal"' in fragment.content.decode()
    assert 'name="cancel-reason"' not in fragment.content.decode()
    assert _panel(client, ticket, "edit").status_code == 409


def test_a_refused_step_comes_back_open_with_its_errors(ticket, reception):
    page = _client(reception).post(reverse("tickets:cancel", args=[ticket.number]), {"cancel-reason": ""})
    html = page.content.decode()
    assert 'name="cancel-reason"' in html and 'data-testid="error-reason"' in html
    assert re.search(r'data-testid="cancel-panel"\s+open', html)
