from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.usercache import account_writes_watch


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partners")

    def ready(self) -> None:
        from core.demo import demo_step_register

        from . import demo, schema  # noqa: F401  (schema registers the OpenAPI security scheme)

        demo_step_register("partners.partner", demo.demo_partner_step)
        demo_step_register("partners.tickets", demo.demo_partner_tickets)
        # A partner's name is on its tickets' rows and pages (cached pages, core/stamps.py).
        from core.stamps import change_stamp_watch

        from .models import Partner

        change_stamp_watch(Partner)
        self._forget_verified_keys_on_change()

    @staticmethod
    def _forget_verified_keys_on_change() -> None:
        """Verified keys are remembered (partners/authentication.py): every write that can shut a key out makes
        every process check again. Signals, not service calls: the admin, the shell and every service write
        these rows, and one forgotten writer would let a revoked key through."""
        from django.db.models.signals import post_delete, post_save

        from .authentication import api_key_cache_invalidate_on_commit
        from .models import Partner, PartnerApiKey

        for model in (PartnerApiKey, Partner):
            post_save.connect(api_key_cache_invalidate_on_commit, sender=model, dispatch_uid=f"apikeys.save.{model}")
            post_delete.connect(api_key_cache_invalidate_on_commit, sender=model, dispatch_uid=f"apikeys.del.{model}")
        account_writes_watch(api_key_cache_invalidate_on_commit, "apikeys")  # users and groups (the roles)
