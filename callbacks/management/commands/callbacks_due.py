from django.core.management.base import BaseCommand
from django.utils import timezone

from callbacks.sweep import callbacks_due_run


class Command(BaseCommand):
    help = "Re-open callback retries whose time has come and create periodic callbacks (what beat runs)."

    def handle(self, *args, **options):
        counts = callbacks_due_run(now=timezone.now())
        self.stdout.write(" ".join(f"{key}={value}" for key, value in counts.items()))
