import os

from celery import Celery

# Set before Celery() so the Django fixup loads and DjangoTask (delay_on_commit) is the default.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")

from .beat import BEAT_SCHEDULE  # noqa: E402

app = Celery("servicedesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.conf.beat_schedule = BEAT_SCHEDULE
