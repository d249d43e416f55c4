import pytest, time_machine
from django.utils import timezone
pytestmark = pytest.mark.browser
def test_a(page, reception):
    from django.conf import settings; print("HOSTS-A", settings.ALLOWED_HOSTS)
def test_b(page, reception):
    with time_machine.travel(timezone.now(), tick=False):
        pass
    from django.conf import settings; print("HOSTS-B", settings.ALLOWED_HOSTS)
def test_c(page, reception):
    from sla.enforcement import sla_sweep
    sla_sweep(now=timezone.now())
    from django.conf import settings; print("HOSTS-C", settings.ALLOWED_HOSTS)
