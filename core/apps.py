from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Users, roles and basics")

    def ready(self) -> None:
        from . import cache  # noqa: F401 — connects the per-request token memo to the request signals
        from .groups import sync_role_groups
        from .live import live_source_register
        from .stamps import stamps_parts, watch_auth_models
        from .usercache import watch_session_user_writes

        post_migrate.connect(sync_role_groups, dispatch_uid="core.sync_role_groups")
        # What the cached pages show beside the tickets: users, groups, admin edits (core/stamps.py).
        live_source_register("stamps", stamps_parts)
        watch_auth_models()
        # Session users remembered per process: every user or group write makes every process read again.
        watch_session_user_writes()
