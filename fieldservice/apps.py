from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldserviceConfig(AppConfig):
    name = "fieldservice"
    verbose_name = _("On-site service")

    def ready(self):
        # A ticket is not solved or handed back while one of its work orders is still open.
        from tickets.engineering.services import action_guard_register

        from .services import work_orders_guard

        action_guard_register(work_orders_guard)

        from core.demo import demo_step_register

        from .demo import demo_work_orders

        demo_step_register("fieldservice", demo_work_orders)
