"""Redis "goes away" for a test: the cache and the Celery broker point at a port nothing listens on.

Connection refused at once, which is what a stopped Redis on the same host looks like. (A Redis that
stops answering without refusing is bounded by the socket timeouts instead; not simulated here.)"""
from contextlib import contextmanager

from django.test import override_settings

CLOSED_PORT_REDIS = "redis://127.0.0.1:1/0"


def _reset_broker_pools(app) -> None:
    # Celery keeps a connection pool and a producer pool made from the URL it first used; a changed
    # broker_url is only seen once they are dropped (private attributes: there is no public switch).
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def redis_down():
    """Celery reads its settings through Django's (namespace CELERY_), so override_settings reaches it."""
    from servicedesk.celery import app

    caches = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CLOSED_PORT_REDIS}}
    with override_settings(CACHES=caches, CELERY_BROKER_URL=CLOSED_PORT_REDIS):
        _reset_broker_pools(app)
        # A broker URL assigned on app.conf by an earlier test outranks Django's settings and would make this
        # outage silently not happen (sends succeed, the test then fails far from the cause): say so here.
        assert app.conf.broker_write_url == CLOSED_PORT_REDIS, (
            f"app.conf pins the broker ({app.conf.broker_write_url}); a test left it in app.conf.changes")
        try:
            yield
        finally:
            _reset_broker_pools(app)
    _reset_broker_pools(app)  # after the override too: the next knock connects to the real broker again


@contextmanager
def tasks_run_inline():
    """After the outage, a knock runs its task at once, as a worker draining the queue would."""
    with override_settings(CELERY_TASK_ALWAYS_EAGER=True):
        yield
