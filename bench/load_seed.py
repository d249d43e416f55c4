"""Seed the load drill's database (bench/load.py runs this with its environment): reception, engineer
and partner accounts with credentials the simulated users present, and the limit view's table.

Writes a JSON file: per role a list of {username, token, session} (session: a logged-in session cookie,
made as force_login makes it, so 50 users do not spend their first seconds hashing passwords)."""
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from core.roles import Role  # noqa: E402
from partners.models import Partner, PartnerKind  # noqa: E402
from partners.services import api_key_create  # noqa: E402

RECEPTION, ENGINEERS, PARTNERS = 30, 30, 10


def account(username: str, role: str) -> dict:
    user, _ = get_user_model().objects.get_or_create(username=username, defaults={"first_name": username})
    user.groups.add(Group.objects.get(name=role))
    client = Client()
    client.force_login(user)
    return {"username": username, "id": user.pk, "token": Token.objects.get_or_create(user=user)[0].key,
            "session": client.cookies[settings.SESSION_COOKIE_NAME].value}


def main(out: Path) -> None:
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_limit_row "
                       "(id bigserial PRIMARY KEY, title varchar(100) NOT NULL, n integer NOT NULL)")
    seeded = {"reception": [account(f"load_desk{i:02d}", Role.RECEPTION) for i in range(RECEPTION)],
              "engineer": [account(f"load_eng{i:02d}", Role.ENGINEER) for i in range(ENGINEERS)],
              "partner": []}
    for i in range(PARTNERS):
        svc = account(f"load_partner{i:02d}", Role.PARTNER)
        partner, _ = Partner.objects.get_or_create(
            code=f"load-shop-{i:02d}", defaults={"name": f"Load shop {i}", "kind": PartnerKind.STORE,
                                                 "account_id": svc["id"]})
        # A limit no simulated partner can reach: the drill measures the service, not the throttle.
        _key, raw = api_key_create(partner=partner, name="load", rate_limit_per_minute=100_000)
        seeded["partner"].append({**svc, "api_key": raw})
    out.write_text(json.dumps(seeded))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
