from rest_framework import serializers

from .models import SlaClock
from .services import STEP_ORDER


class SlaClockListSerializer(serializers.ListSerializer):
    """Started clocks only (a step not reached yet has no clock to show), in SOP order, newest round last.
    Reads the prefetched clocks when the queryset has them (tickets.selectors.with_clocks)."""

    def to_representation(self, data):
        clocks = data.all() if hasattr(data, "all") else data
        shown = sorted((c for c in clocks if c.started_at is not None), key=lambda c: (STEP_ORDER[c.step], c.round))
        return super().to_representation(shown)


class SlaClockOutput(serializers.ModelSerializer):
    class Meta:
        model = SlaClock
        fields = ("step", "round", "state", "started_at", "due_at", "met_at", "breached_at", "paused_seconds",
                  "pause_reason")
        list_serializer_class = SlaClockListSerializer
