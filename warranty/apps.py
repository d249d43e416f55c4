from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class WarrantyConfig(AppConfig):
    name = "warranty"
    verbose_name = _("三包 warranty")

    def ready(self) -> None:
        from . import signals

        signals.connect()
        # After migrate, and after a test-database flush (which empties the tables the data migration
        # filled): the shipped policies exist whenever their codes do not.
        post_migrate.connect(signals.ensure_default_policies, sender=self,
                             dispatch_uid="warranty.ensure_default_policies")
