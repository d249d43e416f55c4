import uuid

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from core.roles import Role

from .factories import UserFactory

PASSWORD = "test-pass-123"
_RUN = uuid.uuid4().hex  # a re-run within the cache's two minutes starts afresh too


def pytest_configure(config):
    from django.conf import settings

    # Tests render templates without running collectstatic: plain storage, no manifest lookup.
    # live_server answers as localhost; with DEBUG=0 an empty ALLOWED_HOSTS would refuse every page.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost", "127.0.0.1"]
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    # PBKDF2 costs ~0.3 s a password on CI's 2 cores and every user fixture sets one: hash fast in tests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_page_cache(monkeypatch, request):
    """The page cache (on by default) keys pages by ids and counters that a rolled-back test database hands out
    again: each test gets its own keys, so no test is served a page another test stored."""
    monkeypatch.setattr("core.pagecache.KEY_SALT", f"{_RUN}:{request.node.nodeid}")
    from core import usercache

    usercache._rows.clear()  # remembered session users by id: a rolled-back database hands the ids out again


@pytest.fixture(autouse=True, scope="session")
def _own_partner_key_generation(worker_id):
    """The partner-key generation token lives in the shared Redis (partners/authentication.py): every key, user or
    group write bumps it. Each test process gets its own, so another xdist worker's writes do not make this one
    verify its keys again mid-test (the create's query budget then saw two reads more)."""
    from partners import authentication

    authentication.GENERATION_KEY = f"partners:api-keys:generation:{_RUN}:{worker_id}"
    from core import usercache  # the session users' token likewise (core/usercache.py)

    usercache.GENERATION_KEY = f"core:session-users:generation:{_RUN}:{worker_id}"


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in the default language (zh-hans). Test-client requests run in the test's thread and
    LocaleMiddleware leaves the request's language active afterwards: one `Accept-Language: en` request would
    otherwise turn the labels a later test expects into English, depending on the order tests ran in."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def make_user(role: str | None, username: str | None = None):
    user = UserFactory(username=username or f"{role or 'nobody'}-{UserFactory._meta.model.objects.count()}")
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def reception(db):
    return make_user(Role.RECEPTION, "reception")


@pytest.fixture
def engineer(db):
    return make_user(Role.ENGINEER, "engineer")


@pytest.fixture
def other_engineer(db):
    return make_user(Role.ENGINEER, "engineer2")


@pytest.fixture
def manager(db):
    return make_user(Role.MANAGER, "manager")


@pytest.fixture
def partner_user(db):
    return make_user(Role.PARTNER, "partner")


def _logged_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def reception_client(client, reception):
    return _logged_in(client, reception)


@pytest.fixture
def engineer_client(client, engineer):
    return _logged_in(client, engineer)


@pytest.fixture
def manager_client(client, manager):
    return _logged_in(client, manager)


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def reception_api(reception):
    client = APIClient()
    client.force_authenticate(reception)
    return client


@pytest.fixture
def manager_api(manager):
    client = APIClient()
    client.force_authenticate(manager)
    return client


@pytest.fixture
def engineer_api(engineer):
    client = APIClient()
    client.force_authenticate(engineer)
    return client
