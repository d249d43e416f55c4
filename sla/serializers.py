from django.utils import timezone
from rest_framework import serializers

from core.representation import DirectOutput, iso_datetime

from .models import SlaClock
from .selectors import started_clocks_in_order


class SlaClockListSerializer(serializers.ListSerializer):
    """Started clocks only (a step not reached yet has no clock to show), in SOP order, newest round last.
    Reads the prefetched clocks when the queryset has them."""

    def to_representation(self, data):
        return super().to_representation(started_clocks_in_order(data.all() if hasattr(data, "all") else data))


class SlaClockOutput(DirectOutput, serializers.ModelSerializer):
    def values(self, clock: SlaClock, tz=None) -> tuple:
        tz = tz or timezone.get_current_timezone()
        return (clock.step, clock.round, clock.state, iso_datetime(clock.started_at, tz), iso_datetime(clock.due_at, tz),
                iso_datetime(clock.met_at, tz), iso_datetime(clock.breached_at, tz), clock.paused_seconds,
                clock.pause_reason)

    class Meta:
        model = SlaClock
        fields = ("step", "round", "state", "started_at", "due_at", "met_at", "breached_at", "paused_seconds",
                  "pause_reason")
        list_serializer_class = SlaClockListSerializer
