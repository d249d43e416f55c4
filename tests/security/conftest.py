import pytest


@pytest.fixture(autouse=True)
def axes_enabled(settings):
    """These tests are about production's log-in: django-axes on, whatever the environment says
    (a developer's shell may set AXES_ENABLED=0 for unrelated suites)."""
    settings.AXES_ENABLED = True
