"""Issue 15 §6, true figures: the on-time rate counts the breaches still open, as the page says it does.

Each figure is recounted here from the raw SLA clocks (and the open breaches also from the timeline,
tests/dashboard/recount.py), on a day with met, settled-breached and open-overdue clocks, and compared with
the numbers the page renders."""
import re
from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from dashboard.rollup import rollup_refresh
from sla.enforcement import sla_sweep
from sla.models import SlaClock
from tests.conftest import make_user

from .conftest import DAY, NOW
from .recount import recount

QS = {"date_from": "2026-03-02", "date_to": "2026-03-02"}
STEPS = ("preprocess", "dispatch", "first_reply", "solution", "callback")


def pct(met: int, breached: int):
    return round(100.0 * met / (met + breached), 1) if met + breached else None


def clock_recount(*, first: date, last: date, now, engineer_id=None):
    """From the clock rows alone: a settled clock counts on its settle day (met or breached); a clock overdue
    at `now` and not settled counts as breached on its due day. {step: Counter}, {(eng, step): Counter}."""
    steps, per_engineer = defaultdict(Counter), defaultdict(Counter)
    for c in SlaClock.objects.select_related("ticket"):
        if engineer_id and c.ticket.engineer_id != engineer_id:
            continue
        settled = c.met_at or c.cancelled_at
        if c.state in ("met", "breached") and settled and first <= timezone.localdate(settled) <= last:
            outcome = c.state
        elif settled is None and c.due_at and c.due_at <= now and first <= timezone.localdate(c.due_at) <= last \
                and (c.breached_at is not None or c.paused_since is None):  # a pause stops only a clock not yet late
            outcome = "open"
        else:
            continue
        for bucket in (steps[c.step], per_engineer[(c.ticket.engineer_id, c.step)]):
            bucket["met" if outcome == "met" else "breached"] += 1
            bucket["open"] += outcome == "open"
    return steps, per_engineer


def page_numbers(html: str) -> dict:
    """{step: (met, breached, pct text)} and the headline, as the page renders them."""
    out = {}
    for step in STEPS:
        row = re.search(rf'data-testid="step-{step}">(.*?)</tr>', html, re.DOTALL).group(1)
        met = int(re.search(r'data-testid="met">(\d+)<', row).group(1))
        breached = int(re.search(r'data-testid="breached">(\d+)<', row).group(1))
        shown = re.search(r'data-testid="pct"[^>]*>([^<]+)<', row).group(1).strip()
        out[step] = (met, breached, shown)
    out["headline"] = re.search(r'data-testid="kpi-ontime">([^<]+)<', html).group(1).strip()
    return out


def shown(value) -> str:
    return "—" if value is None else f"{value}%"


def test_page_rates_equal_a_recount_with_open_breaches(history, client):
    steps, _eng = clock_recount(first=DAY.date(), last=DAY.date(), now=NOW)
    # The day really is a mix: met, breached-and-settled and still-overdue clocks.
    assert sum(c["met"] for c in steps.values()) and sum(c["open"] for c in steps.values())
    assert sum(c["breached"] - c["open"] for c in steps.values())
    # The open ones are the timeline's open breaches too (an independent source).
    _settled, open_breaches, _running = recount(now=NOW)
    assert Counter(step for _t, step, _m in open_breaches) == Counter(
        {step: c["open"] for step, c in steps.items() if c["open"]})

    client.force_login(history["manager"])
    html = client.get(reverse("dashboard:page"), QS).content.decode()
    got = page_numbers(html)
    for step in STEPS:
        c = steps[step]
        assert got[step] == (c["met"], c["breached"], shown(pct(c["met"], c["breached"]))), step
    met, breached = sum(c["met"] for c in steps.values()), sum(c["breached"] for c in steps.values())
    assert got["headline"] == shown(pct(met, breached))
    # The page says how the rate is made, with the numbers.
    formula = re.search(r'data-testid="ontime-formula">([^<]+)<', html).group(1)
    opened = sum(c["open"] for c in steps.values())
    assert f"{met}" in formula and f"{breached}" in formula and f"{opened}" in formula
    assert 'data-testid="compliance-note"' in html


def test_breaches_that_open_later_lower_the_rate_at_once(history, client):
    """Two hours later T4's pre-processing and more steps are overdue: no step was settled, the rate drops."""
    later = NOW + timedelta(hours=2)
    before, _e = clock_recount(first=DAY.date(), last=DAY.date(), now=NOW)
    history["traveller"].move_to(later)
    sla_sweep(now=later)
    rollup_refresh(now=later, days_back=2)
    after, _e = clock_recount(first=DAY.date(), last=DAY.date(), now=later)
    assert sum(c["open"] for c in after.values()) > sum(c["open"] for c in before.values())
    client.force_login(history["manager"])
    got = page_numbers(client.get(reverse("dashboard:page"), QS).content.decode())
    for step in STEPS:
        c = after[step]
        assert got[step][:2] == (c["met"], c["breached"]), step


def test_an_open_breach_counts_in_the_period_it_fell_due(history):
    from dashboard.filters import Filters
    from dashboard.selectors import dashboard_figures

    yesterday, tomorrow = DAY.date() - timedelta(days=1), DAY.date() + timedelta(days=1)
    past = dashboard_figures(filters=Filters(date_from=yesterday - timedelta(days=6), date_to=yesterday), now=NOW)
    assert sum(s.breached + s.met for s in past["steps"]) == 0  # nothing settled or fell due then
    assert past["breaches_total"] == 3  # while the list of open breaches is always "now"
    week = dashboard_figures(filters=Filters(date_from=yesterday, date_to=tomorrow), now=NOW)
    steps, per_engineer = clock_recount(first=yesterday, last=tomorrow, now=NOW)
    assert {s.step: (s.met, s.breached, s.open_breached) for s in week["steps"]} == {
        step: (steps[step]["met"], steps[step]["breached"], steps[step]["open"]) for step in STEPS}
    # Per engineer too: T3's reply, overdue and open, is one of eng_a's replies and not on time.
    rows = {e.name: e for e in week["engineers"]}
    for name in ("eng_a", "eng_b"):
        eng = rows[name].engineer_id
        reply = per_engineer[(eng, "first_reply")]
        solution = per_engineer[(eng, "solution")]
        assert (rows[name].replies_met, rows[name].replies_total) == (reply["met"], reply["met"] + reply["breached"])
        assert (rows[name].solutions_met, rows[name].solutions_total) == (
            solution["met"], solution["met"] + solution["breached"])
    assert per_engineer[(history["a"].pk, "first_reply")]["open"] == 1
    # The trend carries the same totals as the steps, all on 2 March.
    day = next(b for b in week["trend"] if b["start"] == DAY.date())
    assert (day["met"], day["breached"]) == (sum(s.met for s in week["steps"]), sum(s.breached for s in week["steps"]))
    assert sum(b["breached"] for b in week["trend"]) == day["breached"]


def test_breached_link_lists_the_open_breaches_too(history, client, settings):
    settings.PAGE_CACHE = False  # the list's rows are read from the view's context: a stored page has none
    client.force_login(history["manager"])
    page = client.get(reverse("dashboard:page"), QS).context
    for step in page["steps"]:
        listed = {t.pk for t in client.get(step.breached_href).context["tickets"]}
        expected = {c.ticket_id for c in SlaClock.objects.filter(step=step.step, state="breached")}
        assert listed == expected, step.step
        assert len(expected) == step.breached, step.step  # one round each here: tickets = clocks
    reply = next(s for s in page["steps"] if s.step == "first_reply")
    assert reply.open_breached >= 1 and history["t3"].pk in {
        t.pk for t in client.get(reply.breached_href).context["tickets"]}


def test_api_steps_carry_the_open_breaches(history, client):
    client.force_login(history["manager"])
    data = client.get("/api/v1/reports/dashboard/", QS).json()
    steps, _e = clock_recount(first=DAY.date(), last=DAY.date(), now=NOW)
    assert {s["step"]: (s["breached"], s["open_breached"]) for s in data["steps"]} == {
        step: (steps[step]["breached"], steps[step]["open"]) for step in STEPS}


def test_kpi_table_follows_the_page_period(history, client):
    from dashboard.models import SupervisorRating

    manager, a = history["manager"], history["a"]
    SupervisorRating.objects.create(engineer=a, period_start=date(2026, 2, 1), scale="100", score=60, by=manager)
    SupervisorRating.objects.create(engineer=a, period_start=date(2026, 3, 1), scale="100", score=80, by=manager)
    client.force_login(manager)
    # Only 2 March: the March rating (80) and the day's callbacks (5,5,4 → 91.7).
    page = client.get(reverse("dashboard:page"), QS)
    assert 'data-testid="kpi-period">KPI 2026-03-02 – 2026-03-02' in page.content.decode()
    kpi = next(e for e in page.context["engineers"] if e.name == "eng_a").kpi
    assert (kpi.customer, kpi.supervisor) == (Decimal("91.7"), Decimal("80.0"))
    # 20 February – 2 March: both months' ratings (mean 70), the same callbacks.
    wide = client.get(reverse("dashboard:page"), {"date_from": "2026-02-20", "date_to": "2026-03-02"})
    assert 'data-testid="kpi-period">KPI 2026-02-20 – 2026-03-02' in wide.content.decode()
    kpi = next(e for e in wide.context["engineers"] if e.name == "eng_a").kpi
    assert kpi.supervisor == Decimal("70.0")
    # February only: no callback was rated then, so no customers' part — the March day does not leak in.
    february = client.get(reverse("dashboard:page"), {"date_from": "2026-02-01", "date_to": "2026-02-28"})
    rows = {e.name: e for e in february.context["engineers"]}
    assert "eng_a" not in rows or rows["eng_a"].kpi.customer is None


def test_rating_form_lists_only_active_engineers(history, client):
    admin = get_user_model().objects.create_superuser("boss", "boss@example.com", "pw-123456789")
    gone = make_user("engineer", "eng_gone")
    gone.is_active = False
    gone.save()
    client.force_login(admin)
    html = client.get(reverse("admin:dashboard_supervisorrating_add")).content.decode()
    select = re.search(r'<select name="engineer"[^>]*>(.*?)</select>', html, re.DOTALL).group(1)
    offered = {int(pk) for pk in re.findall(r'<option value="(\d+)"', select)}
    assert offered == {history["a"].pk, history["b"].pk}  # not the desk, the manager, the admin or eng_gone
    response = client.post(reverse("admin:dashboard_supervisorrating_add"), {
        "engineer": history["reception"].pk, "period_start": "2026-03-01", "score": "80", "scale": "100"})
    assert response.status_code == 200 and "engineer" in response.context["adminform"].form.errors
