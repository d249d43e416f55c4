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


@pytest.fixture
def fake_aliyun(settings):
    """Alibaba Cloud SMS answered by a local fake server (tests/progress/fake_aliyun.py), as SMS_BACKEND."""
    from .fake_aliyun import KEY_ID, SECRET, FakeAliyunSms

    server = FakeAliyunSms().start()
    settings.SMS_BACKEND = "progress.aliyun.AliyunSmsBackend"
    settings.ALIYUN_SMS_ENDPOINT = server.url
    settings.ALIYUN_SMS_ACCESS_KEY_ID, settings.ALIYUN_SMS_ACCESS_KEY_SECRET = KEY_ID, SECRET
    settings.ALIYUN_SMS_SIGN_NAME, settings.ALIYUN_SMS_TEMPLATE_CODE = "售后服务台", "SMS_000001"
    settings.ALIYUN_SMS_TIMEOUT = 5
    yield server
    server.stop()
