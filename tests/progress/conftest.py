import itertools

import pytest

from core import ratelimit
from tests.callbacks.conftest import solved, walk  # noqa: F401  (tickets walked along the SOP)

_ips = itertools.count(1)


@pytest.fixture
def client_ip():
    """A fresh client address per test, so the shared cache's rate-limit counters never leak between tests
    (the cache is Redis shared with other suites: it is not flushed)."""
    ip = f"198.51.100.{next(_ips) % 250 + 1}"
    ratelimit.reset(f"progress:ip:{ip}")
    yield ip
    ratelimit.reset(f"progress:ip:{ip}")
