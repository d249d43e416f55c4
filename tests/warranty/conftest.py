import pytest

from warranty.selectors import policy_cache_invalidate


@pytest.fixture(autouse=True)
def fresh_policy_cache():
    """Each test's database starts from the migrated policies and rolls back its own changes: the
    process-wide policy cache must not carry a version from one test into the next."""
    policy_cache_invalidate()
    yield
    policy_cache_invalidate()
