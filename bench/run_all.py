"""One command, one table: the box's limits, django-helpdesk and this project, measured in the same run.

    bench/run_all                      # everything (≈ 12 min on the 2-core box; the first run fills more)
    bench/run_all --skip sla,million   # leave out the 3,000,000-clock sweep and the 1M-ticket list

In order (back to back, nothing else should run on the box):
 1. ../shared/peer/limit/run.sh: a bare JSON view and a one-INSERT view served like a project
    (gunicorn -w 2, DEBUG off, PostgreSQL, wrk -t2 -c16) → `limit bare_rps=… insert_rps=…`;
 2. ../shared/peer/django-helpdesk/run.sh --postgres: the peer at 12,000 tickets → `peer <name> median_ms=…`;
 3. a fresh database `sd_run`: migrate, bench/fill_tickets.py 12,000 (a fifth open), SLA clocks and rated
    callbacks (bench/dashboard.py fill), 三包 decisions (bench/fill_decisions.py); bench/peer_compare.py →
    `project <name> median_ms=…` for the same requests;
 4. bench/http_throughput.sh against `sd_run`: gunicorn -w 2 in the production shape, wrk on API create and
    list page 1 → `project http_create rps=…`, `project http_list rps=…`;
 5. bench/sla_sweep.py --tickets 1000000 --reset on `sd_sla`: 3,000,000 clocks, 10,000 due → sweep and
    notify seconds;
 6. bench/list_latency.py on `sd_real1m` (made once by --fill-million: 1,000,000 tickets of the same shape)
    → list page p50;
 7. limit/run.sh again: if the two limit runs differ by more than 10 %, the box drifted (said under the table).
Each step's full output is kept under /tmp/run_all.<time>/. Nothing in the application knows it is measured.
"""
import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# PEER_DIR: where ../shared/peer is when the bench runs from another checkout (a `git worktree` of the commit to
# measure, so that edits in the working tree cannot change the code under measurement halfway through).
PEER = Path(os.environ.get("PEER_DIR") or ROOT.parent / "shared" / "peer")
PY = os.environ.get("PY") or str(ROOT / ".venv" / "bin" / "python")
PG = "postgres://servicedesk:servicedesk@127.0.0.1:5432/"
# Production settings, as bench/_common.py sets them for the scripts (manage.py migrate needs them too).
BASE_ENV = {"DJANGO_SETTINGS_MODULE": "servicedesk.settings", "DEBUG": "0", "SECRET_KEY": "bench-only-not-secret",
            "SECURE_SSL_REDIRECT": "0", "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
            "SERVICEDESK_VAR_DIR": "/tmp/var_bench",
            # The production shape has Redis: sessions, the configuration tokens and the caches read from it (without
            # it every request reads its session from PostgreSQL: one more query per page).
            "REDIS_URL": "redis://127.0.0.1:6379/6"}
TARGETS = {  # measure: (how the ratio reads, target)
    "api_create": ("peer ÷ project", 3.0), "ticket_detail": ("peer ÷ project", 3.0),
    "api_list": ("peer ÷ project", None), "dashboard": ("peer ÷ project", None),
    "ticket_list": ("peer ÷ project", None),
}


class Run:
    def __init__(self, out: Path):
        self.out, self.lines = out, []

    def step(self, name: str, cmd: list[str], env: dict | None = None, cwd: Path = ROOT, must: bool = False) -> str:
        log = self.out / f"{len(self.lines):02d}-{name}.log"
        began = time.monotonic()
        print(f"[run_all] {name}: {' '.join(cmd)}  (log {log})", file=sys.stderr, flush=True)
        with log.open("w") as fh:
            done = subprocess.run(cmd, cwd=cwd, env={**BASE_ENV, **os.environ, **(env or {})}, stdout=subprocess.PIPE,
                                  stderr=fh, text=True)
        fh_out = done.stdout
        log.with_suffix(".out").write_text(fh_out)
        self.lines.append((name, time.monotonic() - began, done.returncode))
        if done.returncode:
            print(f"[run_all] {name} failed (rc {done.returncode}); see {log}", file=sys.stderr)
            if must:
                sys.exit(f"run_all: {name} must succeed for what follows; stopped")
        return fh_out


def fields(text: str, prefix: str) -> dict[str, dict[str, str]]:
    """`<prefix> <name> k=v k=v` lines → {name: {k: v}}."""
    found = {}
    for line in text.splitlines():
        if line.startswith(prefix + " "):
            parts = line.split()
            found[parts[1]] = dict(p.split("=", 1) for p in parts[2:] if "=" in p)
    return found


def one_line(text: str, prefix: str) -> dict[str, str]:
    for line in text.splitlines():
        if line.startswith(prefix):
            return dict(p.split("=", 1) for p in line.split()[1:] if "=" in p)
    return {}


def db_fresh(run: Run, name: str) -> str:
    subprocess.run(["su", "postgres", "-c", f"dropdb --if-exists --force {name}"], check=True)
    subprocess.run(["su", "postgres", "-c", f"createdb -O servicedesk {name}"], check=True)
    return PG + name


def db_exists(name: str) -> bool:
    found = subprocess.run(["su", "postgres", "-c", f"psql -tAc \"SELECT 1 FROM pg_database WHERE datname='{name}'\""],
                           capture_output=True, text=True)
    return found.stdout.strip() == "1"


def fill(run: Run, url: str, tickets: int) -> None:
    env = {"DATABASE_URL": url}
    run.step("migrate", [PY, "manage.py", "migrate", "-v0"], env, must=True)
    run.step("fill-tickets", [PY, "bench/fill_tickets.py", "--tickets", str(tickets), "--reset"], env, must=True)
    run.step("fill-clocks", [PY, "bench/dashboard.py", "fill"], env, must=True)
    run.step("fill-decisions", [PY, "bench/fill_decisions.py"], env, must=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip", default="", help="comma list of: limit, peer, project, http, sla, million")
    parser.add_argument("--fill-million", action="store_true", help="(re)make sd_real1m: ~15 min")
    parser.add_argument("--api-list-repeats", default="3", help="the peer's api_list takes ~7 s a request")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    out = Path(f"/tmp/run_all.{time.strftime('%Y%m%d-%H%M%S')}")
    out.mkdir()
    run = Run(out)
    load_before = os.getloadavg()
    limits, peer, project, http, sla, million = [{}], {}, {}, {}, "", ""
    info = {}
    if "limit" not in skip:
        limits[0] = one_line(run.step("limit", ["bash", str(PEER / "limit" / "run.sh")]), "limit ")
    if "peer" not in skip:
        text = run.step("peer", ["bash", str(PEER / "django-helpdesk" / "run.sh"), "--postgres",
                                 "--api-list-repeats", args.api_list_repeats])
        peer, info["peer"] = fields(text, "peer"), one_line(text, "peer-info")
    if "project" not in skip or "http" not in skip:
        url = db_fresh(run, "sd_run")
        fill(run, url, 12_000)
        if "project" not in skip:
            text = run.step("project", [PY, "bench/peer_compare.py"], {"DATABASE_URL": url})
            project, info["project"] = fields(text, "project"), one_line(text, "project-info")
        if "http" not in skip and (ROOT / "bench" / "http_throughput.sh").exists():
            http = fields(run.step("http", ["bash", "bench/http_throughput.sh"], {"DATABASE_URL": url}), "project")
    if "sla" not in skip:
        if not db_exists("sd_sla"):
            db_fresh(run, "sd_sla")
            run.step("sla-migrate", [PY, "manage.py", "migrate", "-v0"], {"DATABASE_URL": PG + "sd_sla"})
        sla = run.step("sla", [PY, "bench/sla_sweep.py", "--tickets", "1000000", "--reset"],
                       {"DATABASE_URL": PG + "sd_sla"})
    if "million" not in skip:
        if args.fill_million or not db_exists("sd_real1m"):
            fill(run, db_fresh(run, "sd_real1m"), 1_000_000)
        # --fresh: every request renders (the page cache would serve the rotations' repeats: not what a first search costs)
        million = run.step("million", [PY, "bench/list_latency.py", "--requests", "100", "--no-explain", "--fresh"],
                           {"DATABASE_URL": PG + "sd_real1m"})
    if "limit" not in skip:
        limits.append(one_line(run.step("limit-again", ["bash", str(PEER / "limit" / "run.sh")]), "limit "))
    report(limits, peer, project, http, sla, million, info, load_before, out)


def ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:5.2f}×" if a and b else "   —"


def report(limits, peer, project, http, sla, million, info, load_before, out) -> None:
    def ms(table, name):
        return float(table[name]["median_ms"]) if name in table else None

    def q(table, name):
        return table[name]["queries"] if name in table else "—"

    lines = [f"run_all {time.strftime('%Y-%m-%d %H:%M')} · python {sys.version.split()[0]} · load before "
             f"{' '.join(f'{x:.2f}' for x in load_before)} · after {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
             f"calib_ms: peer {info.get('peer', {}).get('calib_ms', '—')}, project "
             f"{info.get('project', {}).get('calib_ms', '—')}; project data: {info.get('project', {}).get('tickets', '—')}"
             f" tickets, {info.get('project', {}).get('open', '—')} open",
             "", f"{'measure':24} {'helpdesk ms (q)':>18} {'project ms (q)':>17} {'peer÷project':>13} {'target':>8}"]
    if "ticket_list_page" in peer and "ticket_list_json" in peer:  # the peer's list = page shell + its JSON
        peer["ticket_list"] = {"median_ms": str(ms(peer, "ticket_list_page") + ms(peer, "ticket_list_json")),
                               "queries": str(int(peer["ticket_list_page"]["queries"])
                                              + int(peer["ticket_list_json"]["queries"]))}
    if "ticket_list_page" in project:
        project["ticket_list"] = project["ticket_list_page"]
    for name in ("api_create", "ticket_detail", "api_list", "ticket_list", "dashboard"):
        target = TARGETS[name][1]
        got = ms(peer, name) / ms(project, name) if ms(peer, name) and ms(project, name) else None
        verdict = "" if target is None or got is None else (" ok" if got >= target else " MISSED")
        lines.append(f"{name:24} {ms(peer, name) or 0:>10.1f} ({q(peer, name):>5}) {ms(project, name) or 0:>9.1f} "
                     f"({q(project, name):>4}) {ratio(ms(peer, name), ms(project, name)):>13} "
                     f"{'≥ %.0f×' % target if target else '':>8}{verdict}")
    for name, label in (("ticket_detail_fresh", "ticket_detail, no cache"), ("ticket_list_page_fresh",
                                                                           "ticket_list, no cache")):
        if name in project:  # what a first view costs (core/pagecache.py off): shown, not a target
            lines.append(f"{label:24} {'':>18} {ms(project, name):>9.1f} ({q(project, name):>4})")
    lines.append("")
    for n, limit in enumerate(limits):
        if limit:
            lines.append(f"limit run {n + 1}: bare {limit.get('bare_rps', '—')} req/s, one INSERT "
                         f"{limit.get('insert_rps', '—')} req/s")
    first = limits[0] if limits and limits[0] else {}
    for key, limit_key, label in (("http_create", "insert_rps", "HTTP create"), ("http_list", "bare_rps",
                                                                                  "HTTP list page 1")):
        if key in http and limit_key in first:
            share = float(http[key]["rps"]) / float(first[limit_key])
            lines.append(f"{label:24} {http[key]['rps']:>8} req/s = {share:6.1%} of the {limit_key} limit "
                         f"(target ≥ 10 %){' ok' if share >= 0.10 else ' MISSED'}")
    if len(limits) == 2 and all(limits) and "bare_rps" in limits[1]:
        drift = abs(float(limits[1]["bare_rps"]) / float(limits[0]["bare_rps"]) - 1)
        lines.append(f"limit drift between the two runs: {drift:.0%}{' (> 10 %: the box drifted, re-run)' if drift > .1 else ''}")
    for found in re.findall(r"^sla_slaclock: .*", sla, re.M):
        lines.append(f"SLA: {found}")
    for found in re.findall(r"^(?:sweep|notify): .*", sla, re.M):
        seconds = re.search(r" in ([\d.]+) s", found)
        verdict = "" if not seconds else (" — ok (≤ 1 s)" if float(seconds.group(1)) <= 1 else " — MISSED (> 1 s)")
        lines.append(f"SLA: {found}{verdict}")
    for line in million.splitlines():
        if line.startswith(("page  ", "api   ")):
            p50, limit = float(line[28:37]), 50 if " q " in line[:8] else 30  # searches: issue 15's 50 ms
            lines.append(f"1M list: {line}{f'  ok (≤ {limit} ms)' if p50 <= limit else f'  MISSED (> {limit} ms)'}")
        elif line.startswith(("1,0", "load average")):
            lines.append(f"1M list: {line}")
    text = "\n".join(lines)
    (out / "table.txt").write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
