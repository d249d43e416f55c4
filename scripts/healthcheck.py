"""Container healthchecks (docker-compose.yml); exit 0 when healthy. Standard library only: no Django start-up.

  python scripts/healthcheck.py web [URL]
      GET /readyz (default http://127.0.0.1:8000/readyz) with the first ALLOWED_HOSTS entry as Host,
      so a deployment that allows only its public name is still probed; healthy on 200.
  python scripts/healthcheck.py beat SCHEDULE_FILE [MAX_AGE_SECONDS]
      Beat rewrites its schedule file after every message it sends (CELERY_BEAT_SYNC_EVERY = 1) and
      sends sla-sweep every 10 s, so a file older than MAX_AGE_SECONDS (default 60) means beat stopped
      ticking. The shelve may be several files (.db, .dat/.dir): the newest counts.

The worker's check is Celery's own: `celery -A servicedesk inspect ping -d celery@$HOSTNAME`."""
import glob
import os
import sys
import time
import urllib.error
import urllib.request


def web(url: str = "http://127.0.0.1:8000/readyz") -> int:
    hosts = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
    host = next((h.lstrip(".") for h in hosts if h != "*"), "localhost")
    request = urllib.request.Request(url, headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=8) as response:
            return 0 if response.status == 200 else 1
    except urllib.error.HTTPError as exc:  # 503: the body names what is down
        print(exc.read().decode(errors="replace")[:500])
        return 1
    except OSError as exc:
        print(exc)
        return 1


def beat(schedule: str, max_age: str = "60") -> int:
    files = glob.glob(glob.escape(schedule) + "*")
    if not files:
        print(f"no schedule file {schedule}*")
        return 1
    age = time.time() - max(os.path.getmtime(f) for f in files)
    print(f"beat schedule written {age:.0f} s ago")
    return 0 if age <= float(max_age) else 1


if __name__ == "__main__":
    checks = {"web": web, "beat": beat}
    if len(sys.argv) < 2 or sys.argv[1] not in checks:
        sys.exit(__doc__)
    sys.exit(checks[sys.argv[1]](*sys.argv[2:]))
