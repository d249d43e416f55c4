"""Periodic tasks, reviewed like code. Each entry is a thin task that asks the database what is due."""
BEAT_SCHEDULE: dict[str, dict] = {}
