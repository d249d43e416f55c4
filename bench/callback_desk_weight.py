"""The callback desk's page weight at N due callbacks (issue 15 §5: "one 474 KB page of 50 full cards").

    export DATABASE_URL=postgres://servicedesk:servicedesk@127.0.0.1:5432/sd_cb_bench
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/callback_desk_weight.py --callbacks 50

Walks N tickets through the real services to a recorded solution (each leaves one due callback), then
GETs /callbacks/ as reception and prints the bytes of the HTML (raw and gzip, as nginx would send it),
the number of cards, and the number of SQL queries. Everything runs in one transaction that is rolled
back: the database is left as it was.
"""
import argparse
import gzip
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import bench_users, setup_django  # noqa: E402


def walk(n: int, reception, engineer) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from tickets import services
    from tickets.engineering.services import ticket_solve

    bought = timezone.localdate() - timedelta(days=20)
    for i in range(n):
        ticket = services.ticket_create(
            created_by=reception, kind="repair", channel="phone",
            customer={"name": f"客户{i:02d}", "phone": f"138{i:08d}"},
            device={"category": "phone", "brand": "华为", "model": "Mate 60", "imei": "490154203237518",
                    "purchase_date": bought, "invoice_date": bought},
            fault_description="开机后屏幕闪烁，偶尔黑屏，重启后仍然出现，客户希望尽快处理。")
        ticket = services.ticket_preprocess(ticket=ticket, actor=reception, note="已核实三包")
        ticket = services.ticket_dispatch(ticket=ticket, actor=reception, engineer=engineer)
        ticket_solve(ticket=ticket, actor=engineer, kind="shop_repair", plan="更换屏幕排线",
                     result="更换屏幕排线后测试正常，连续开机两小时无闪烁。")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--callbacks", type=int, default=50)
    parser.add_argument("--path", default="/callbacks/")
    args = parser.parse_args()
    setup_django()
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from core.roles import Role

    users = bench_users()
    reception, engineer = users[Role.RECEPTION][0], users[Role.ENGINEER][0]
    with transaction.atomic():
        walk(args.callbacks, reception, engineer)
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.force_login(reception)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(args.path)
        body = response.content
        cards = body.count(b'data-testid="callback-card"')
        print(f"GET {args.path} at {args.callbacks} due callbacks: status {response.status_code}, "
              f"{len(body):,} bytes ({len(body) / 1024:.1f} KB), gzip {len(gzip.compress(body)):,} bytes, "
              f"{cards} cards, {len(queries)} queries")
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
