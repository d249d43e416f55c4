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
