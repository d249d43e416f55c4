import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")
application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018 — import the URL conf and its views now, not in the first request

# What start-up made (Django, DRF, the models, the views and URL patterns, settings: ~125,000 objects) lives as long
# as the worker. Frozen, a full garbage collection walks only what requests made since: one full collection in a
# warm worker cost ~150 ms, paid by whichever request triggered it (bench/README.md, "gc.freeze").
gc.freeze()
