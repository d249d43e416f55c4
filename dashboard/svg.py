"""Charts drawn on the server as inline SVG: no JavaScript library, prints and screenshots as seen,
and every bar is a link to the tickets behind it. Scales with its container (viewBox, width 100%)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

W, H, PAD_L, PAD_B, PAD_T = 640, 180, 34, 22, 10
BAR = "#0d6efd"
LINE = "#198754"
GRID = "#dee2e6"


@dataclass(frozen=True)
class Point:
    label: str
    value: float
    href: str = ""
    line: float | None = None  # 0–100 on the right axis (on-time %)
    title: str = ""


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000):
        if value <= step * 4:
            return step * 4
    return value


def bar_line_chart(points: Sequence[Point], *, aria_label: str, line_label: str = "") -> SafeString:
    """Bars (left axis, counts) and an optional line (right axis, 0–100 %)."""
    if not points:
        return mark_safe("")
    top = _nice_max(max(p.value for p in points))
    plot_w, plot_h = W - PAD_L - 30, H - PAD_B - PAD_T
    slot = plot_w / len(points)
    bar_w = max(2.0, slot * 0.7)
    parts = [f'<svg viewBox="0 0 {W} {H}" width="100%" role="img" aria-label="{escape(aria_label)}" '
             f'class="dash-chart" preserveAspectRatio="xMidYMid meet">']
    for i in range(5):  # grid and left axis labels
        y = PAD_T + plot_h * i / 4
        parts.append(f'<line x1="{PAD_L}" x2="{W - 30}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}" stroke-width="1"/>')
        parts.append(f'<text x="{PAD_L - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end" fill="#6c757d">'
                     f'{int(top * (4 - i) / 4)}</text>')
        if line_label:
            parts.append(f'<text x="{W - 26}" y="{y + 4:.1f}" font-size="10" fill="{LINE}">{25 * (4 - i)}%</text>')
    label_every = max(1, len(points) // 10)
    line_pts = []
    for i, p in enumerate(points):
        x = PAD_L + slot * i + (slot - bar_w) / 2
        h = plot_h * p.value / top
        y = PAD_T + plot_h - h
        title = escape(p.title or f"{p.label}: {p.value:g}")
        bar = (f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{max(h, 0.5):.1f}" fill="{BAR}" '
               f'rx="1.5"><title>{title}</title></rect>')
        parts.append(f'<a href="{escape(p.href)}">{bar}</a>' if p.href else bar)
        if i % label_every == 0:
            parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{H - 6}" font-size="10" text-anchor="middle" '
                         f'fill="#6c757d">{escape(p.label)}</text>')
        if p.line is not None:
            line_pts.append(f"{x + bar_w / 2:.1f},{PAD_T + plot_h - plot_h * p.line / 100:.1f}")
    if len(line_pts) > 1:
        parts.append(f'<polyline points="{" ".join(line_pts)}" fill="none" stroke="{LINE}" stroke-width="2"/>')
    for pt in line_pts:
        x, y = pt.split(",")
        parts.append(f'<circle cx="{x}" cy="{y}" r="2.5" fill="{LINE}"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def meter(pct: float | None) -> SafeString:
    """A small on-time bar for a table cell."""
    if pct is None:
        return mark_safe("")
    colour = "#198754" if pct >= 90 else "#fd7e14" if pct >= 75 else "#dc3545"
    return format_html('<svg viewBox="0 0 100 8" width="100%" height="8" aria-hidden="true" class="d-block">'
                       '<rect width="100" height="8" rx="4" fill="#e9ecef"/>'
                       '<rect width="{}" height="8" rx="4" fill="{}"/></svg>', f"{pct:.1f}", colour)
