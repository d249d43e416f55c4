import gc
import os

from celery import Celery
from celery.signals import worker_process_init

# Set before Celery() so the Django fixup loads and DjangoTask (delay_on_commit) is the default.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")

from .beat import BEAT_SCHEDULE  # noqa: E402

app = Celery("servicedesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.conf.beat_schedule = BEAT_SCHEDULE


@worker_process_init.connect
def freeze_startup_objects(**_kwargs) -> None:
    """As servicedesk/wsgi.py does for a web worker: build the URL resolver now (the SLA notifier's links need it;
    0.2-0.5 s in whichever task came first), then move what start-up made (~130,000 objects that live as long as
    the pool process) out of the collector's generations, so the collections a task triggers do not walk them
    again: a 10,000-event SLA notify spent 145-166 ms in the collector, 21-22 ms after a freeze (bench/SLA.md)."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018
    gc.collect()
    gc.freeze()
