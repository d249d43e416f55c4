from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "sla"
    verbose_name = _("SLA policies and clocks")

    def ready(self) -> None:
        # Imported here, not at the top: Django loads models only after every AppConfig is created.
        from core.health import register_advisory_check
        from tickets import hooks

        from . import effects, models
        from .defaults import sla_defaults_ensure
        from .live import live_sources_register
        from .selectors import calendar_schedule_warning
        from .snapshot import snapshot_invalidate

        # Policy is data: any change to it invalidates every process's cached snapshot.
        for model in (models.WorkingCalendar, models.CalendarWindow, models.CalendarDay, models.SlaPolicy,
                      models.SlaTarget):
            post_save.connect(snapshot_invalidate, sender=model, dispatch_uid=f"sla.invalidate.save.{model.__name__}")
            post_delete.connect(snapshot_invalidate, sender=model,
                                dispatch_uid=f"sla.invalidate.delete.{model.__name__}")
        # The seed's default policy exists after every migrate and after a test flush.
        post_migrate.connect(sla_defaults_ensure, sender=self, dispatch_uid="sla.defaults")

        hooks.on_creating("sla", effects.on_creating)
        hooks.on_created("sla", effects.on_created)
        hooks.on_transitioned("sla", effects.on_transitioned)
        hooks.on_updated("sla", effects.on_updated)
        hooks.rows("sla", hooks.Rows(output_key="clocks", output_field=effects.clocks_output_field,
                                     represent=effects.clocks_represent, load=effects.clocks_load,
                                     filter=effects.tickets_filter))
        hooks.panel("sla", "sla/_ticket_panel.html", effects.ticket_panel_context)
        # /readyz names a working calendar that lacks the holidays of the coming weeks (a warning, not a 503).
        register_advisory_check("calendar", calendar_schedule_warning)
        live_sources_register()  # SLA events and the bell's change tokens for live pages (core/live.py)
        # Policy, calendars and teams label the clocks of cached pages (core/stamps.py); the sweep's clock and
        # event writes are in the events token, so clocks are watched for deletions only.
        from core.stamps import change_stamp_watch

        change_stamp_watch(models.WorkingCalendar, models.CalendarWindow, models.CalendarDay, models.CalendarYear,
                           models.SlaPolicy, models.SlaTarget, models.Team)
        change_stamp_watch(models.SlaClock, models.ClockPause, saves=False)
