from django.core.management.base import BaseCommand

from core.demo import DEMO_PASSWORD, DEMO_USERS, load_demo


class Command(BaseCommand):
    help = "Create one user per role (known passwords) and a few hundred demo tickets in every state."

    def add_arguments(self, parser):
        parser.add_argument("--tickets", type=int, default=300)

    def handle(self, *args, tickets: int, **options):
        load_demo(tickets=tickets)
        self.stdout.write(self.style.SUCCESS("Demo users (password for all: %s):" % DEMO_PASSWORD))
        for username, role, _name, _staff in DEMO_USERS:
            self.stdout.write(f"  {username:<10} {role}")
        from partners.demo import demo_partner_key

        if raw_key := demo_partner_key():
            self.stdout.write(self.style.SUCCESS("API key of the demo partner sf-express (shown once):"))
            self.stdout.write(f"  {raw_key}")
        else:
            self.stdout.write("Partner API key: run `manage.py partner_key sf-express` for a new one.")
