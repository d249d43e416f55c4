"""A whole page served from the cache while nothing it shows has changed (issue 16 §3/§4: the desk's list, the
ticket page). On by default (settings.PAGE_CACHE; PAGE_CACHE=0 turns it off).

Rendering a page costs 20-30 ms of CPU; a stored page costs one query (core/pageuser.py: the session's user and
the change token together) and a Redis read (none when this process served the same key lately: _LOCAL). A full load of a decorated view is stored under a key made of
everything that the page shows and that may change — each source, and what covers it:
- the reader: id, roles and staff flags (the nav's links, the bulk bar, which tickets are visible) read fresh in
  the token's query each view; their name (the header) through the users' change stamp;
- the language, the path with its filters, the scope;
- the tickets (rows, the ticket page's merged duplicates, each engineer's load in the dispatch select): the live
  source "tickets", MAX(updated_at) of all tickets — every timeline write and every new ticket moves it (the one
  gap: another ticket's write stamped before the newest but committed after it moves no maximum; the minute
  bounds that, and the page's own ticket is exact, next item);
- the page's own ticket (`row=`): its version, in the same query — the global MAX can miss a write stamped before
  a later one that commits after it, the row's version cannot;
- SLA warnings and breaches (the sweep writes no ticket row): "sla_events"; the reader's bell: "bell";
- everything else the pages show, beside tickets — engineers renamed, added to the group or deactivated (the
  filter, bulk and dispatch selects, every name), customers and devices corrected, message templates (the
  customer-message form), attachments deleted in the admin, partners, SLA/三包/callback policies, calendars,
  any admin edit (its log row), rows of the panels deleted by the admin: the change stamps (core/stamps.py),
  counters bumped by those models' signals in the writer's transaction, summed as one more scalar of the query;
- settings (the hotline…) and the code itself (templates, translations): the release token — a restart with
  another setting or another build keys every page anew;
- the current minute: countdowns and "overdue" colours move with the clock without any row changing.

Served fresh (not stored, not read): HTMX fragments and live polls (they have their own 304), a request with
flash messages waiting (the page would show and consume them), any answer but a 200 HTML page. The CSRF token
is not stored: the page's masked tokens are replaced by a marker and the reader's own token put back.
Redis away: the page is rendered as usual (logged), never a 500."""
from __future__ import annotations

import hashlib
import logging
import os
import re
from datetime import timedelta
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, _unmask_cipher_token, get_token
from django.utils import timezone, translation

from .live import is_live_poll, live_values
from .roles import user_roles

log = logging.getLogger(__name__)
TTL_SECONDS = 120  # the key changes every minute anyway: this only bounds what an idle key keeps in Redis
# Tests set a fresh salt per test (tests/conftest.py): their database rolls back between tests but the cache does
# not, and a later test may meet the same user id, stamps and minute with other rows.
KEY_SALT = ""
MARKER = b"\x00csrf\x00"  # NUL never reaches a page from data: form and API fields refuse it
MASKED_TOKEN = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")


def _minute() -> str:
    """The current minute, as the key holds it (countdowns move in whole minutes)."""
    return timezone.now().strftime("%Y%m%d%H%M")


def page_cache_key(request, *, scope: str, sources: tuple[str, ...], extra: tuple[str, list] | None = None) -> str:
    loaded = getattr(request, "page_cache_token", None)  # read with the session's user (core/pageuser.py)
    if loaded is not None and loaded[:2] == (sources, extra):
        values = loaded[2]
    else:
        values = live_values(user=request.user, sources=sources, extra=extra)
    parts = [scope, KEY_SALT, release_token(), str(request.user.pk), ",".join(sorted(user_roles(request.user))),
             f"staff={request.user.is_staff:d}{request.user.is_superuser:d}",  # the nav's admin link
             translation.get_language() or "", request.get_full_path(), _minute(),
             *(value.isoformat() if hasattr(value, "isoformat") else str(value) for value in values)]
    return "page:" + hashlib.blake2b("|".join(parts).encode(), digest_size=16).hexdigest()


_RELEASE: list[str] = []
_SKIPPED_DIRS = {".git", ".venv", "node_modules", "var", "staticfiles", "test-artifacts", "__pycache__", "bench"}


def _plain(value) -> str:
    """A setting's value as text that is the same in every process (a lazy string's repr holds an address)."""
    if isinstance(value, (list, tuple, set, frozenset)):
        return "[" + ",".join(sorted(_plain(v) for v in value) if isinstance(value, (set, frozenset))
                              else (_plain(v) for v in value)) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{_plain(k)}:{_plain(v)}" for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))) + "}"
    if isinstance(value, (str, int, float, bool, type(None), Path, timedelta)):
        return repr(value)
    return type(value).__name__


def release_token() -> str:
    """What the code and configuration of this deployment are: every setting's value (the hotline, the poll
    interval… shown on pages) and the templates', translations' and modules' file stamps. A restart with
    another setting or a deploy with another template draws every page again instead of serving an older one
    for the rest of the minute. The same in every worker of one deployment (no process id, no address)."""
    if not _RELEASE:
        digest = hashlib.blake2b(digest_size=8)
        for name in sorted(n for n in dir(settings) if n.isupper()):
            digest.update(f"{name}={_plain(getattr(settings, name))}\n".encode())
        for root, dirs, files in os.walk(settings.BASE_DIR):
            dirs[:] = sorted(d for d in dirs if d not in _SKIPPED_DIRS)
            for file in sorted(f for f in files if f.endswith((".html", ".py", ".mo"))):
                stat = os.stat(os.path.join(root, file))
                digest.update(f"{root}/{file}:{stat.st_mtime_ns}:{stat.st_size}\n".encode())
        _RELEASE.append(digest.hexdigest())
    return _RELEASE[0]


def _cacheable_request(request) -> bool:
    return (request.method == "GET" and request.user.is_authenticated and not getattr(request, "htmx", False)
            and not is_live_poll(request) and not len(get_messages(request)))


def _without_csrf_tokens(content: bytes, secret: str | None) -> bytes:
    if not secret:
        return content

    def swap(match: re.Match) -> bytes:
        token = match.group()
        return MARKER if _unmask_cipher_token(token.decode()) == secret else token

    return MASKED_TOKEN.sub(swap, content)


_CHARS = CSRF_ALLOWED_CHARS.encode()
_INDEX = {char: i for i, char in enumerate(CSRF_ALLOWED_CHARS)}
_UNBIASED = 256 - 256 % len(_CHARS)  # bytes at or above this would favour the first letters: dropped


def _random_indexes(n: int) -> list[int] | None:
    drawn = [b for b in os.urandom(2 * n) if b < _UNBIASED]
    return [b % len(_CHARS) for b in drawn[:n]] if len(drawn) >= n else None  # short: about once in 10^14


def _reader_token(request) -> bytes:
    """The reader's masked CSRF token, as django.middleware.csrf.get_token makes it (a new secret when the
    request brought none, mask + secret shifted by the mask, the cookie renewed by the middleware) with the
    random letters drawn from one os.urandom read each: get_random_string's secrets.choice per letter was ~800
    Python calls, over a quarter of a served page (issue 16 §4)."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret:
        new = _random_indexes(CSRF_SECRET_LENGTH)
        if new is None:
            return get_token(request).encode()
        secret = bytes(_CHARS[i] for i in new).decode()
        request.META["CSRF_COOKIE"] = secret  # as csrf._add_new_csrf_cookie: the middleware sets the cookie
    mask = _random_indexes(CSRF_SECRET_LENGTH)
    if mask is None or len(secret) != CSRF_SECRET_LENGTH:
        return get_token(request).encode()
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    cipher = bytes(_CHARS[(_INDEX[char] + m) % len(_CHARS)] for char, m in zip(secret, mask))
    return bytes(_CHARS[m] for m in mask) + cipher


def _stored(response) -> bool:
    return (response.status_code == 200 and not response.streaming and not response.cookies
            and response.get("Content-Type", "").startswith("text/html"))


# Pages this process served lately, by the same key: a key names one content (every source is in it), so a copy
# here is as right as Redis's and saves its round trip and unpickling of ~60 KB on a re-view (issue 16 §4). Bounded
# (emptied when full; the minute in the key retires entries anyway).
LOCAL_MAX_ENTRIES = 128
_LOCAL: dict[str, tuple[bytes, str]] = {}


def _remember(key: str, page: tuple[bytes, str]) -> None:
    if len(_LOCAL) >= LOCAL_MAX_ENTRIES:
        _LOCAL.clear()
    _LOCAL[key] = page


def page_cache(scope: str, *sources: str, row=None):
    """Decorate a GET page view (outside `live_poll`): see the module's docstring for what the key holds.
    `row(request, *args, **kwargs)` → (sql, params) of one scalar subquery the key holds too: the page's own
    object's version (the ticket page), read in the token's query."""
    sources = (*sources, "stamps") if "stamps" not in sources else sources  # users, groups, templates… (core/stamps.py)

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not settings.PAGE_CACHE or not _cacheable_request(request):
                return view(request, *args, **kwargs)
            extra = row(request, *args, **kwargs) if row else None
            key = page_cache_key(request, scope=scope, sources=sources, extra=extra)
            hit = _LOCAL.get(key)
            if hit is None:
                try:
                    hit = cache.get(key)
                except Exception:  # Redis away: render as if nothing were stored
                    log.warning("page cache unavailable, rendering %s", request.path, exc_info=True)
                    return view(request, *args, **kwargs)
                if hit is not None:
                    _remember(key, hit)
            if hit is not None:
                content, content_type = hit
                return HttpResponse(content.replace(MARKER, _reader_token(request)), content_type=content_type)
            response = view(request, *args, **kwargs)
            if _stored(response):
                content = _without_csrf_tokens(response.content, request.META.get("CSRF_COOKIE"))
                _remember(key, (content, response["Content-Type"]))
                try:
                    cache.set(key, (content, response["Content-Type"]), TTL_SECONDS)
                except Exception:  # not stored: the next load renders again
                    log.warning("page cache unavailable, %s not stored", request.path, exc_info=True)
            return response

        wrapped.page_cache_spec = (sources, row)  # core/pageuser.py loads the user with the token
        return wrapped

    return decorator
