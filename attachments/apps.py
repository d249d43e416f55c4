from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttachmentsConfig(AppConfig):
    name = "attachments"
    verbose_name = _("Attachments")

    def ready(self) -> None:
        # Imported here, not at the top: Django loads models only after every AppConfig is created.
        from tickets import hooks

        from .views import ticket_panel_context

        hooks.panel("attachments", "attachments/_panel.html", ticket_panel_context)
