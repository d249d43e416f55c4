"""Sessions read from the cache (no SQL per request), written through to the database, and safe when Redis is away.

Django's cached_db store already falls back to the database when a cache *read* fails and logs a failed write,
but after a database read it refills the cache unguarded, so with Redis down every logged-in page would fail.
Here a failed refill is only logged. Deleting stays strict: a session whose cached copy cannot be removed would
outlive its log-out once Redis is back, so a log-out during an outage is refused (503, core/outage.py) rather
than half done. Logging in does delete the previous session too: that copy is dropped quietly when it held no
user (nothing to outlive), and refused like a log-out when it did."""
import logging

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import cached_db
from django.core.cache import DEFAULT_CACHE_ALIAS

from .cache import get_with_tokens

logger = logging.getLogger("django.contrib.sessions")


class SessionStore(cached_db.SessionStore):
    def load(self):
        try:
            # The default cache: the configuration tokens of this request come with the session (core/cache.py).
            data = (get_with_tokens(self.cache_key) if settings.SESSION_CACHE_ALIAS == DEFAULT_CACHE_ALIAS
                    else self._cache.get(self.cache_key))
        except Exception:  # noqa: BLE001 — Redis away: the database has every session
            data = None
        if data is not None:
            return data
        stored = self._get_session_from_db()
        if not stored:
            return {}
        data = self.decode(stored.session_data)
        try:
            self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=stored.expire_date))
        except Exception:  # noqa: BLE001 — the next request reads the database again
            logger.warning("Session not cached (%s)", self._cache, exc_info=True)
        return data

    def cycle_key(self):
        self._anonymous_before_cycle = SESSION_KEY not in self._get_session()
        try:
            super().cycle_key()
        finally:
            self._anonymous_before_cycle = False

    def delete(self, session_key=None):
        try:
            super().delete(session_key)
        except Exception:
            if not getattr(self, "_anonymous_before_cycle", False):
                raise
            logger.warning("Anonymous session %s left in the cache", session_key, exc_info=True)
