from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("Tickets")

    def ready(self) -> None:
        # Imported here, not at the top: Django loads models only after every AppConfig is created.
        from core.demo import demo_step_register

        from .demo import demo_tickets
        from .live import live_sources_register

        demo_step_register("tickets", demo_tickets)
        live_sources_register()  # the desk list's and the queue's change tokens (core/live.py)
        # Shown in rows and on the ticket page; their creation comes with a new ticket (core/stamps.py).
        from core.stamps import change_stamp_watch

        from .models import Customer, Device

        change_stamp_watch(Customer, Device, skip_created=True)
        # The categories an engineer handles group the dispatch select (edited in the admin); their last-assignment
        # stamp is written with bulk_create (no signal) by a dispatch, which moves the tickets' token anyway.
        from .engineering.models import EngineerProfile

        change_stamp_watch(EngineerProfile)
