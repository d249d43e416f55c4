from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RefundsConfig(AppConfig):
    name = "refunds"
    verbose_name = _("Refunds")

    def ready(self) -> None:
        # Imported here, not at the top: Django loads models only after every AppConfig is created.
        from tickets import hooks

        from . import effects
        from .services import refunds_close_guard
        from .selectors import ticket_has_refunds
        from .views import ticket_panel_context

        hooks.on_transitioned("refunds", effects.on_transitioned)
        hooks.guard("refunds", ("close",), refunds_close_guard)  # no close as "fixed" while a refund is unpaid
        hooks.panel("refunds", "refunds/_panel.html", ticket_panel_context, exists=ticket_has_refunds)
        # Deleted in the admin, a refund leaves the cached ticket page (core/stamps.py).
        from core.stamps import change_stamp_watch

        from .models import Refund

        change_stamp_watch(Refund, saves=False)
        from .selectors import refund_facts

        hooks.customer_facts("refunds", refund_facts)  # refund state and amount on the customer's progress page
        from core.demo import demo_step_register

        from .demo import demo_refunds

        demo_step_register("refunds", demo_refunds)
