from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallbacksConfig(AppConfig):
    name = "callbacks"
    verbose_name = _("Callbacks and complaints")

    def ready(self) -> None:
        # Imported here, not at the top: Django loads models only after every AppConfig is created.
        from tickets import hooks
        from tickets.choices import Kind

        from . import effects
        from .forms import complaint_promise_errors
        from .selectors import ticket_has_callbacks
        from .views import ticket_panel_context

        hooks.on_created("callbacks", effects.on_created)
        hooks.on_transitioned("callbacks", effects.on_transitioned)
        hooks.intake("callbacks", hooks.Intake(form_fields=effects.intake_form_fields,
                                               form_value=effects.intake_form_value,
                                               form_errors=complaint_promise_errors,
                                               kinds={"promised_answer_at": (Kind.COMPLAINT,)}))
        hooks.panel("callbacks", "callbacks/_ticket_panel.html", ticket_panel_context, exists=ticket_has_callbacks)
        # The cached ticket page (core/stamps.py): the policy labels the card; deletions by the admin.
        from core.stamps import change_stamp_watch

        from .models import Callback, CallbackAttempt, CallbackPolicy, Complaint

        change_stamp_watch(CallbackPolicy)
        change_stamp_watch(Callback, CallbackAttempt, Complaint, saves=False)

        from core.demo import demo_step_register

        from .demo import demo_callbacks

        demo_step_register("callbacks", demo_callbacks)
