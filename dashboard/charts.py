"""The page's charts and drill-down links, built from the figures (dashboard/svg.py draws)."""
from functools import partial
from urllib.parse import quote

from django.urls import reverse
from django.utils.translation import gettext as _

from tickets.choices import OPEN_STATUSES

from .filters import tickets_url as _tickets_url
from .selectors import pct
from .svg import Point, bar_line_chart, meter


def for_page(figures: dict) -> dict:
    f = figures["filters"]
    # Reversed once, not once per link: ~150 links and ~100 ticket numbers per page.
    tickets_url = partial(_tickets_url, list_url=reverse("tickets:list"))
    detail = reverse("tickets:detail", args=["NUMBER"])
    for row in (*figures["breaches"], *figures["warned"], *figures["complaints_open"], *figures["refunds_pending"]):
        row.ticket_href = detail.replace("NUMBER", quote(row.ticket.number, safe=""))
    points = []
    for b in figures["trend"]:
        label = b["start"].strftime("%m-%d")
        title = _("%(label)s: %(n)d registered, on time %(pct)s, satisfaction %(sat)s") % {
            "label": label, "n": b["registered"],
            "pct": "—" if b["on_time_pct"] is None else f"{b['on_time_pct']}%",
            "sat": "—" if b["satisfaction"] is None else b["satisfaction"]}
        points.append(Point(label=label, value=b["registered"], line=b["on_time_pct"], title=title,
                            href=tickets_url(f, created_from=b["start"], created_to=b["end"])))
        b["href"] = points[-1].href
    met = sum(s.met for s in figures["steps"])
    breached = sum(s.breached for s in figures["steps"])
    for step in figures["steps"]:
        step.meter = meter(step.on_time_pct)
        step.met_href = tickets_url(f, sla_step=step.step, sla_outcome="met", settled_from=f.date_from,
                                    settled_to=f.date_to)
        step.breached_href = tickets_url(f, sla_step=step.step, sla_outcome="breached", settled_from=f.date_from,
                                         settled_to=f.date_to)
    for e in figures["engineers"]:
        e.href = tickets_url(f, engineer=e.engineer_id)
        e.open_href = e.href + "&" + "&".join(f"status={s}" for s in _open_statuses())
    backlog_rows, column_totals = [], [0] * len(figures["ageing_buckets"])
    for status in figures["backlog_statuses"]:
        counts = figures["backlog"][status.value]
        cells = []
        for i, bucket in enumerate(figures["ageing_buckets"]):
            column_totals[i] += counts[bucket]
            cells.append((counts[bucket], tickets_url(f, status=status.value, ageing=bucket)))
        backlog_rows.append({"label": status.label, "cells": cells, "total": sum(counts.values()),
                             "href": tickets_url(f, status=status.value)})
    return {
        "trend_svg": bar_line_chart(points, aria_label=_("Tickets registered and on-time share"),
                                    line_label=_("on time")),
        "registered_total": sum(b["registered"] for b in figures["trend"]),
        "on_time_pct": pct(met, met + breached),
        "met_total": met, "breached_total": breached,
        "open_breached_total": sum(s.open_breached for s in figures["steps"]),
        "backlog_rows": backlog_rows, "backlog_totals": column_totals, "backlog_total": sum(column_totals),
        "bucket_labels": [_("< 1 h"), _("< 4 h"), _("< 24 h"), _("< 3 days"), _("older")],
        "breaches_href": tickets_url(f, sla_outcome="open_breach"),
        "warned_href": tickets_url(f, sla_outcome="warned"),
        "complaints_href": tickets_url(f, kind="complaint", status=sorted(_open_statuses())),
        "period_href": tickets_url(f, created_from=f.date_from, created_to=f.date_to),
    }


def _open_statuses():
    return sorted(OPEN_STATUSES)
