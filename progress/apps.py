from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ProgressConfig(AppConfig):
    name = "progress"
    verbose_name = _("Customer progress and notices")

    def ready(self) -> None:
        # Imported here, not at the top: Django loads models only after every AppConfig is created.
        from tickets import hooks

        from . import effects
        from .defaults import message_templates_ensure
        from .views_desk import ticket_panel_context

        hooks.on_transitioned("progress", effects.on_transitioned)
        # The desk's "message to the customer" card, last above the timeline.
        hooks.panel("progress", "progress/_message_panel.html", ticket_panel_context)
        # The panel's template choice is cached with the page (core/stamps.py); messages move the ticket's version.
        from core.stamps import change_stamp_watch

        from .models import CompletionNotice, CustomerMessage, MessageTemplate

        change_stamp_watch(MessageTemplate)
        change_stamp_watch(CustomerMessage, CompletionNotice, saves=False)
        # The default message templates exist after every migrate and after a test flush.
        post_migrate.connect(message_templates_ensure, sender=self, dispatch_uid="progress.message_templates")
