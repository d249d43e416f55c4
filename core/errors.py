from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    """A business rule said no. Carries the field it concerns and the HTTP status to answer."""

    def __init__(self, message, *, code: str = "refused", field: str | None = None, status: int = 409):
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.field = field
        self.status = status


class TransitionNotAllowed(ApplicationError):
    def __init__(self, *, current: str, action: str, current_label: str = "", action_label: str = ""):
        super().__init__(
            _("“%(action)s” is not allowed while the ticket is “%(status)s”.")
            % {"action": action_label or action, "status": current_label or current},
            code="transition_not_allowed",
            field="status",
        )
