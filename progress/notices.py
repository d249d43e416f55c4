"""Kept so that `from progress.notices import completion_notices_schedule` (progress/effects.py) still
works: the notices' writes live in progress/services.py, their wording in progress/texts.py."""
from .services import completion_notice_send, completion_notices_requeue, completion_notices_schedule  # noqa: F401
from .texts import completion_message  # noqa: F401
