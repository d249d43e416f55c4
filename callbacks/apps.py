from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallbacksConfig(AppConfig):
    name = "callbacks"
    verbose_name = _("Callbacks and complaints")

    def ready(self) -> None:
        from core.demo import demo_step_register

        from .demo import demo_callbacks

        demo_step_register("callbacks", demo_callbacks)
