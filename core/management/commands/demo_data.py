from django.core.management.base import BaseCommand

from core.demo import DEMO_PASSWORD, DEMO_USERS, load_demo


class Command(BaseCommand):
    help = "Create one user per role (known passwords) and a few hundred demo tickets in every state."

    def add_arguments(self, parser):
        parser.add_argument("--tickets", type=int, default=300)

    def handle(self, *args, tickets: int, **options):
        run = load_demo(tickets=tickets)  # the steps each app registered, in core.demo.DEMO_ORDER
        self.stdout.write(self.style.SUCCESS("Demo users (password for all: %s):" % DEMO_PASSWORD))
        for username, role, _name, _staff in DEMO_USERS:
            self.stdout.write(f"  {username:<10} {role}")
        for text, heading in run.lines:  # what the steps have to tell, e.g. the demo partner's API key
            self.stdout.write(self.style.SUCCESS(text) if heading else text)
