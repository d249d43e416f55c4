"""Live regions and client-side countdowns (static/js/live.js; core/live.py has the server side).

`{% live_attrs url %}` makes an element poll: hx-get with `hx-trigger="every Ns, live:refresh"`, and the
ETag it was rendered with. `{% live_config %}` is the page's <meta name="live-config">: the poll interval
and the countdown wording, in the reader's language, so live.js ticks "剩余 23 小时 59 分" every minute
in exactly the words core.durations renders (tests/browser/test_live.py compares the two)."""
import json

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from core.durations import DAYS_AFTER_MINUTES
from core.live import poll_seconds

register = template.Library()

# A list's due time turns "soon" (warning colour) this long before it: tickets.display.SOON, which core may not
# import (tests/core/test_live.py pins that they agree).
SOON_SECONDS = 30 * 60


@register.simple_tag(takes_context=True)
def live_attrs(context, url: str, swap: str = "outerHTML", select: str = "", etag: str | None = None):
    request = context.get("request")
    if etag is None:
        etag = getattr(request, "live_etag", "")
    select_attr = format_html(' hx-select="{}"', select) if select else ""
    return format_html(
        'data-live hx-get="{}" hx-trigger="every {}s, live:refresh" hx-swap="{}"{} data-live-etag="{}"',
        url, poll_seconds(), swap, select_attr, etag or "")


def countdown_formats() -> dict[str, str]:
    """The msgids of core.durations, translated: live.js fills %(name)d / %(name)s as Python does."""
    return {
        "min": _("%(minutes)d min"), "h": _("%(hours)d h"), "h_min": _("%(hours)d h %(minutes)d min"),
        "d": _("%(days)d d"), "d_h": _("%(days)d d %(hours)d h"),
        "left": _("%(left)s left"), "overdue": _("overdue %(late)s"),
    }


@register.simple_tag
def live_config() -> str:
    return json.dumps({"poll": poll_seconds(), "formats": countdown_formats(), "daysAfter": DAYS_AFTER_MINUTES,
                       "soon": SOON_SECONDS}, ensure_ascii=False)
