from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "tickets"

    def ready(self) -> None:
        # Imported here, not at the top: Django loads models only after every AppConfig is created.
        from core.demo import demo_step_register

        from .demo import demo_tickets

        demo_step_register("tickets", demo_tickets)
