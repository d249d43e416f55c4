"""The bell's HTMX endpoints and the notifications page. Thin: a service or a selector, a template."""
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from core.live import live_poll

from .notifications import notifications_mark_read
from .selectors import notification_list_for, notifications_unread_for


def _bell(request):
    notifications, unread = notifications_unread_for(user=request.user)
    return render(request, "sla/_bell.html", {"notifications": notifications, "unread": unread,
                                              "live_etag": getattr(request, "live_etag", "")})


@require_GET
@live_poll("bell", "bell")
def bell_view(request):
    """The bell alone: every page's bell polls it (static/js/live.js), 304 while the unread notices are the same."""
    return _bell(request)


@require_POST
def notification_read_view(request, pk: int | None = None):
    # Only the user's own notifications are touched: someone else's id changes nothing (and says nothing).
    # A bell group (step and kind) is marked read as one; without an id or a group, everything is.
    notifications_mark_read(user=request.user, notification_id=pk, step=request.POST.get("step", ""),
                            kind=request.POST.get("kind", ""))
    if request.htmx:
        return _bell(request)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "sla:notifications"
    return redirect(target)


@require_GET
def notification_list_view(request):
    step, kind = request.GET.get("step", ""), request.GET.get("kind", "")
    return render(request, "sla/notifications.html", {
        "rows": notification_list_for(user=request.user, step=step, kind=kind), "filtered": bool(step and kind)})
