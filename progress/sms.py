"""SMS backends, chosen by settings.SMS_BACKEND (a dotted path), like Django's EMAIL_BACKEND.

A gateway is a class with `send(phone, text, *, template_code="", params=None) -> str` that returns the
gateway's message id (Alibaba's BizId) and raises SmsError on failure — `retryable` says whether trying
again later may help (a 5xx, throttling, a timeout) or not (a malformed number, a wrong key). The real
gateway is progress/aliyun.py; completion notices and the desk's messages both go through here.
Phones are masked in every log line (`phone_mask`): logs travel further than the database."""
import logging
from typing import ClassVar

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("servicedesk.sms")


class SmsError(Exception):
    def __init__(self, message: str, *, code: str = "", retryable: bool = True):
        super().__init__(message)
        self.code, self.retryable = code, retryable

    def __str__(self) -> str:
        return f"{self.code}: {self.args[0]}" if self.code else str(self.args[0])


def phone_mask(phone: str) -> str:
    """+8613800138000 → +86138****8000: enough to tell two customers apart in a log, not to call them."""
    digits = phone or ""
    if len(digits) <= 7:
        return "*" * len(digits)
    return f"{digits[:-8]}****{digits[-4:]}"


class BaseSmsBackend:
    def send(self, phone: str, text: str, *, template_code: str = "", params: dict | None = None) -> str:
        raise NotImplementedError


class LoggingSmsBackend(BaseSmsBackend):
    """The default: writes the message to the log, so nothing is lost before a gateway is configured."""

    def send(self, phone: str, text: str, *, template_code: str = "", params: dict | None = None) -> str:
        logger.info("SMS to %s: %s", phone_mask(phone), text)
        return "logged"


class MemorySmsBackend(BaseSmsBackend):
    """For tests: keeps messages in `outbox`, as Django's locmem e-mail backend does."""

    outbox: ClassVar[list[tuple[str, str]]] = []

    def send(self, phone: str, text: str, *, template_code: str = "", params: dict | None = None) -> str:
        self.outbox.append((phone, text))
        return f"mem-{len(self.outbox)}"


def get_sms_backend() -> BaseSmsBackend:
    return import_string(getattr(settings, "SMS_BACKEND", "progress.sms.LoggingSmsBackend"))()
