"""The placeholders of a message to the customer, and how they are filled: pure functions over a text and
a mapping of values (progress/selectors.py computes the values for one ticket).

A placeholder is `{name}` with one of the names below; anything else in braces is left as typed, so a
customer's text may contain braces. No attribute or index access (unlike str.format): a template is
data edited in the admin and must not reach into objects."""
import re
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal

PLACEHOLDERS: tuple[str, ...] = ("ticket_no", "customer", "visit_window", "amount", "hotline", "progress_url")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def placeholders_used(text: str) -> list[str]:
    """The known placeholders in `text`, in order of first use."""
    seen: list[str] = []
    for name in _PLACEHOLDER.findall(text or ""):
        if name in PLACEHOLDERS and name not in seen:
            seen.append(name)
    return seen


def placeholders_unknown(text: str) -> set[str]:
    return {name for name in _PLACEHOLDER.findall(text or "") if name not in PLACEHOLDERS}


def placeholders_missing(text: str, values: Mapping[str, str]) -> list[str]:
    """Placeholders the text uses that have no value for this ticket (no visit planned, no refund)."""
    return [name for name in placeholders_used(text) if not values.get(name)]


def fill(text: str, values: Mapping[str, str]) -> str:
    def one(match: re.Match) -> str:
        name = match.group(1)
        return str(values.get(name, "")) if name in PLACEHOLDERS else match.group(0)

    return _PLACEHOLDER.sub(one, text or "")


def visit_window_text(start: datetime, end: datetime) -> str:
    """`2026-12-03 09:00–11:00` (local times; the caller converts), or both dates when it spans a night."""
    if start.date() == end.date():
        return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"
    return f"{start:%Y-%m-%d %H:%M}–{end:%Y-%m-%d %H:%M}"


def amount_text(amount: Decimal | None) -> str:
    return "" if amount is None else f"¥{amount:,.2f}"


def sms_segments(text: str) -> int:
    """How many SMS a text costs at the provider (Alibaba: 70 characters for one, 67 per part beyond)."""
    length = len(text)
    return 1 if length <= 70 else -(-length // 67)
