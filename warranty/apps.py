from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class WarrantyConfig(AppConfig):
    name = "warranty"
    verbose_name = _("三包 warranty")

    def ready(self) -> None:
        # Imported here, not at the top: Django loads models only after every AppConfig is created.
        from tickets import hooks

        from . import effects, signals
        from .intake import intake_warranty_errors
        from .views import panel_context

        signals.connect()
        # After migrate, and after a test-database flush (which empties the tables the data migration
        # filled): the shipped policies exist whenever their codes do not.
        post_migrate.connect(signals.ensure_default_policies, sender=self,
                             dispatch_uid="warranty.ensure_default_policies")

        hooks.on_created("warranty", effects.on_created)
        hooks.on_updated("warranty", effects.on_updated)  # corrected device facts or kind: 三包 decided again
        hooks.intake("warranty", hooks.Intake(
            form_fields=effects.intake_form_fields, form_value=effects.intake_form_value,
            form_errors=intake_warranty_errors,
            api_field=effects.intake_api_field, api_errors=effects.intake_api_errors,
            template="warranty/_intake.html"))
        hooks.rows("warranty", hooks.Rows(output_key="warranty", output_field=effects.summary_output_field,
                                          represent=effects.summary_represent, load=effects.summaries_load))
        hooks.panel("warranty", "warranty/_detail_panel.html", panel_context)
        # The panel names the policy (cached pages, core/stamps.py); decisions move the ticket's version.
        from core.stamps import change_stamp_watch

        from .models import WarrantyComponentRule, WarrantyDecision, WarrantyPolicy

        change_stamp_watch(WarrantyPolicy, WarrantyComponentRule)
        change_stamp_watch(WarrantyDecision, saves=False)
