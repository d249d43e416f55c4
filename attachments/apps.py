from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttachmentsConfig(AppConfig):
    name = "attachments"
    verbose_name = _("Attachments")

    def ready(self) -> None:
        # Imported here, not at the top: Django loads models only after every AppConfig is created.
        from core.middleware import body_limit_register
        from tickets import hooks

        from .limits import SELF_CHECKED_VIEWS, UPLOAD_VIEWS, upload_body_limit
        from .selectors import ticket_has_attachments
        from .views import ticket_panel_context

        hooks.panel("attachments", "attachments/_panel.html", ticket_panel_context, exists=ticket_has_attachments)
        # An upload touches the ticket; a deletion in the admin does not (the cached page, core/stamps.py).
        from core.stamps import change_stamp_watch

        from .models import Attachment

        change_stamp_watch(Attachment, skip_created=True)
        for view_name in sorted(UPLOAD_VIEWS):  # one maximal file, refused before a byte is read
            body_limit_register(view_name, upload_body_limit, self_checked=view_name in SELF_CHECKED_VIEWS)
