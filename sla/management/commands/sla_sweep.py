"""manage.py sla_sweep: one sweep by hand (what beat runs every SLA_SWEEP_SECONDS)."""
from django.core.management.base import BaseCommand
from django.utils import timezone

from sla.enforcement import sla_events_notify, sla_requeue_stale, sla_sweep_run
from sla.models import SlaEvent


class Command(BaseCommand):
    help = "Record due SLA warnings, breaches and escalations once; enqueue their notifications."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=None, help="Clocks per transaction.")
        parser.add_argument("--notify", action="store_true",
                            help="Also notify un-notified events here instead of through the workers.")

    def handle(self, *args, batch, notify, **options):
        handled = sla_sweep_run(batch=batch)
        self.stdout.write(f"{handled} due clocks handled")
        if notify:
            ids = list(SlaEvent.objects.filter(notified_at=None).values_list("pk", flat=True))
            self.stdout.write(f"{sla_events_notify(event_ids=ids)} events notified")
        else:
            events, mails = sla_requeue_stale(now=timezone.now())
            if events or mails:
                self.stdout.write(f"{events} events and {mails} e-mails enqueued again")
