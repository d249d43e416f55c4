from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partners")

    def ready(self) -> None:
        from core.demo import demo_step_register

        from . import demo, schema  # noqa: F401  (schema registers the OpenAPI security scheme)

        demo_step_register("partners.partner", demo.demo_partner_step)
        demo_step_register("partners.tickets", demo.demo_partner_tickets)
