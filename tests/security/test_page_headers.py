"""Issue 13, part 8: pages carry a strict CSP, no-store where they show personal data, Referrer-Policy and
Permissions-Policy; and no template brings back an inline script or an on* handler (CSP would block it,
so the page would silently lose that behaviour)."""
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

TEMPLATES = Path(settings.BASE_DIR) / "templates"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.IGNORECASE)
INLINE_STYLE_BLOCK = re.compile(r"<style\b", re.IGNORECASE)


def directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.strip() for part in policy.split(";") if part.strip()}


def test_a_desk_page_has_a_strict_csp(reception_client):
    response = reception_client.get(reverse("tickets:new"))
    assert response.status_code == 200
    csp = directives(response)
    assert csp["script-src"] == "script-src 'self'"  # no 'unsafe-inline', no 'unsafe-eval'
    assert csp["style-src"] == "style-src 'self'"
    assert csp["default-src"] == "default-src 'self'" and csp["object-src"] == "object-src 'none'"
    assert csp["frame-ancestors"] == "frame-ancestors 'none'"


def test_the_login_page_has_the_csp_too(client, db):
    assert "script-src 'self'" in client.get("/accounts/login/")["Content-Security-Policy"]


@pytest.mark.parametrize("url", ["tickets:list", "tickets:new"])
def test_logged_in_pages_are_not_stored(reception_client, url):
    response = reception_client.get(reverse(url))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_the_progress_page_is_not_stored(client, db):
    response = client.get("/progress/")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]


def test_the_api_answer_to_a_key_is_not_stored(db):
    from partners.services import api_key_create
    from tests.partners.conftest import key_client, make_partner

    _key, raw = api_key_create(partner=make_partner("courier-a"), name="x")
    response = key_client(raw).get("/api/v1/tickets/")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]


def test_referrer_and_permissions_policy(reception_client):
    response = reception_client.get(reverse("tickets:list"))
    assert response["Referrer-Policy"] == "same-origin"
    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in policy


def test_an_attachment_keeps_its_own_sandbox_policy():
    """django-csp leaves a response's own CSP alone: downloads keep `sandbox` (attachments/views.py)."""
    from csp.middleware import CSPMiddleware
    from django.http import HttpResponse
    from django.test import RequestFactory

    response = HttpResponse("file")
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    out = CSPMiddleware(lambda request: response)(RequestFactory().get("/attachments/1/"))
    assert out["Content-Security-Policy"] == "sandbox; default-src 'none'"


def _csp_response(kind):
    from csp.decorators import csp_exempt, csp_update
    from django.http import HttpResponse

    def view(request):
        if kind == "nonce":
            return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")
        response = HttpResponse("page")
        if kind == "own header":
            response["Content-Security-Policy"] = "sandbox; default-src 'none'"
        return response

    if kind == "update":
        view = csp_update({"style-src": ["'self'", "'unsafe-inline'"]})(view)
    if kind == "exempt":
        view = csp_exempt()(view)
    return view


@pytest.mark.parametrize("kind", ["plain", "own header", "update", "exempt", "nonce"])
def test_our_csp_middleware_sets_what_django_csp_sets(kind, settings):
    """core.security.CSPMiddleware keeps the common header built once: the same headers as django-csp's own."""
    from csp.middleware import CSPMiddleware as LibraryCSPMiddleware
    from django.test import RequestFactory

    from core.security import CSPMiddleware

    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": ["'self'"]}}
    answers = []
    for middleware in (LibraryCSPMiddleware, CSPMiddleware, CSPMiddleware):  # ours twice: built, then kept
        request = RequestFactory().get("/tickets/")
        response = middleware(lambda request: _csp_response(kind)(request))(request)
        answers.append((response.get("Content-Security-Policy"), response.get("Content-Security-Policy-Report-Only")))
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][0] or kind == "exempt"


def template_files():
    return sorted(p for p in TEMPLATES.rglob("*.html"))


def test_no_template_has_an_inline_script_or_handler():
    offenders = []
    for path in template_files():
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER, INLINE_STYLE_BLOCK):
            offenders += [f"{path.relative_to(TEMPLATES)}: {m.group(0).strip()}" for m in pattern.finditer(text)]
    assert not offenders, "CSP blocks these; move them to static/js or static/css:\n" + "\n".join(offenders)


def test_the_scan_would_catch_one():
    assert INLINE_SCRIPT.search('<script>alert(1)</script>') and not INLINE_SCRIPT.search('<script src="/a.js">')
    assert INLINE_HANDLER.search('<button onclick="go()">') and not INLINE_HANDLER.search('<a data-onclick-x>')
    assert INLINE_STYLE_BLOCK.search("<style>p{}</style>")
