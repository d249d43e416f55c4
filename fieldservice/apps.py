from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldserviceConfig(AppConfig):
    name = "fieldservice"
    verbose_name = _("On-site service")

    def ready(self):
        # Imported here, not at the top: Django loads models only after every AppConfig is created.
        from tickets import hooks

        from . import effects
        from .services import work_orders_guard
        from .selectors import ticket_has_work_orders
        from .views import ticket_panel_context

        # A ticket is not solved or handed back while one of its work orders is still open.
        hooks.guard("fieldservice", ("solve", "hand_back"), work_orders_guard)
        hooks.on_transitioned("fieldservice", effects.on_transitioned)
        hooks.panel("fieldservice", "fieldservice/_ticket_panel.html", ticket_panel_context,
                    exists=ticket_has_work_orders)
        # Deleted in the admin, a card's rows leave the cached ticket page (core/stamps.py).
        from core.stamps import change_stamp_watch

        from .models import WorkOrder, WorkOrderPart

        change_stamp_watch(WorkOrder, WorkOrderPart, saves=False)
        from .selectors import visit_facts

        hooks.customer_facts("fieldservice", visit_facts)  # the visit window on the customer's progress page

        from core.demo import demo_step_register

        from .demo import demo_visits_lend, demo_work_orders

        demo_step_register("fieldservice.visits", demo_visits_lend)
        demo_step_register("fieldservice", demo_work_orders)
