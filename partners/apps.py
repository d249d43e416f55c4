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
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from .authentication import api_key_cache_invalidate_on_commit
        from .models import Partner, PartnerApiKey

        def on_user_saved(update_fields=None, **kwargs):
            if update_fields is None or set(update_fields) - {"last_login"}:  # a log-in changes no right
                api_key_cache_invalidate_on_commit()

        user_model = get_user_model()
        for model in (PartnerApiKey, Partner, Group):
            post_save.connect(api_key_cache_invalidate_on_commit, sender=model, dispatch_uid=f"apikeys.save.{model}")
            post_delete.connect(api_key_cache_invalidate_on_commit, sender=model, dispatch_uid=f"apikeys.del.{model}")
        post_save.connect(on_user_saved, sender=user_model, weak=False, dispatch_uid="apikeys.save.user")
        post_delete.connect(api_key_cache_invalidate_on_commit, sender=user_model, dispatch_uid="apikeys.del.user")
        m2m_changed.connect(api_key_cache_invalidate_on_commit, sender=user_model.groups.through,
                            dispatch_uid="apikeys.roles")
