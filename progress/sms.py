"""SMS backends, chosen by settings.SMS_BACKEND (a dotted path), like Django's EMAIL_BACKEND.

A real gateway is a class with `send(phone: str, text: str) -> str` (returning the gateway's message
id) that raises on failure; the notice task retries and records the error."""
import logging
from typing import ClassVar

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("servicedesk.sms")


class BaseSmsBackend:
    def send(self, phone: str, text: str) -> str:
        raise NotImplementedError


class LoggingSmsBackend(BaseSmsBackend):
    """The default: writes the message to the log, so nothing is lost before a gateway is configured."""

    def send(self, phone: str, text: str) -> str:
        logger.info("SMS to %s: %s", phone, text)
        return "logged"


class MemorySmsBackend(BaseSmsBackend):
    """For tests: keeps messages in `outbox`, as Django's locmem e-mail backend does."""

    outbox: ClassVar[list[tuple[str, str]]] = []

    def send(self, phone: str, text: str) -> str:
        self.outbox.append((phone, text))
        return f"mem-{len(self.outbox)}"


def get_sms_backend() -> BaseSmsBackend:
    return import_string(getattr(settings, "SMS_BACKEND", "progress.sms.LoggingSmsBackend"))()
