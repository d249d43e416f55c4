"""Simulated users of the load drill (run by bench/load.py; not a test).

Desk: registers tickets through the API, opens the list and ticket pages, pre-processes and dispatches
its own tickets. Engineer: reads its queue, replies, records a solution. Partner: creates tickets with
its API key (with an Idempotency-Key, as partners do) and reads them back. Each simulated user has an
account of its own, so no two users race for one ticket: every non-2xx is a real error.
Limit users hammer bench/limit_urls.py's views without thinking. Accounts: $LOAD_ACCOUNTS (load_seed.py)."""
import itertools
import json
import os
import random
import uuid
from datetime import date, timedelta

from locust import FastHttpUser, between, constant, task

ACCOUNTS = json.loads(open(os.environ["LOAD_ACCOUNTS"]).read())  # noqa: SIM115 — read once at import
THINK = float(os.environ.get("LOAD_THINK_SECONDS", "1.0"))
_next = {role: itertools.count() for role in ACCOUNTS}
BOUGHT = str(date.today() - timedelta(days=20))


def _account(role: str) -> dict:
    rows = ACCOUNTS[role]
    return rows[next(_next[role]) % len(rows)]


def _intake(prefix: str) -> dict:
    phone = f"{prefix}{random.randrange(10**8):08d}"
    return {"customer": {"name": "张三", "phone": phone},
            "device": {"category": "phone", "brand": "华为", "model": "Mate 60", "imei": "490154203237518",
                       "purchase_date": BOUGHT, "invoice_date": BOUGHT},
            "kind": "repair", "channel": "phone", "fault_description": "开机黑屏，充电无反应"}


class _Staff(FastHttpUser):
    abstract = True
    role = ""

    def on_start(self):
        self.me = _account(self.role)
        self.api = {"Authorization": f"Token {self.me['token']}", "Accept": "application/json"}
        self.page = {"Cookie": f"sessionid={self.me['session']}"}


class Desk(_Staff):
    weight = 3
    role = "reception"
    wait_time = between(THINK / 2, THINK * 1.5)

    def on_start(self):
        super().on_start()
        self.registered: list[str] = []
        self.seen: list[str] = []

    @task(3)
    def intake(self):
        with self.client.post("/api/v1/tickets/", json=_intake("138"), headers=self.api, name="desk intake (API)",
                              catch_response=True) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code}")
                return
            number = response.json()["number"]
        self.registered.append(number)
        self.seen = (self.seen + [number])[-20:]

    @task(4)
    def list_page(self):
        self.client.get("/tickets/", headers=self.page, name="ticket list (page)")

    @task(2)
    def list_api(self):
        self.client.get("/api/v1/tickets/?status=registered", headers=self.api, name="ticket list (API)")

    @task(4)
    def detail_page(self):
        if self.seen:
            self.client.get(f"/tickets/{random.choice(self.seen)}/", headers=self.page, name="ticket detail (page)")

    @task(2)
    def preprocess_and_dispatch(self):
        if not self.registered:
            return
        number = self.registered.pop(0)
        self.client.post(f"/api/v1/tickets/{number}/preprocess/", json={}, headers=self.api,
                         name="desk preprocess (API)")
        engineer = random.choice(ACCOUNTS["engineer"][:ENGINEER_USERS])["username"]
        self.client.post(f"/api/v1/tickets/{number}/dispatch/", json={"engineer": engineer}, headers=self.api,
                         name="desk dispatch (API)")


class Engineer(_Staff):
    weight = 2
    role = "engineer"
    wait_time = between(THINK / 2, THINK * 1.5)

    @task
    def work_the_queue(self):
        response = self.client.get("/api/v1/tickets/?status=dispatched", headers=self.api,
                                   name="engineer queue (API)")
        rows = response.json().get("results", []) if response.status_code == 200 else []
        if not rows:
            return
        number = rows[-1]["number"]  # the oldest on the page
        self.client.get(f"/tickets/{number}/", headers=self.page, name="ticket detail (page)")
        self.client.post(f"/api/v1/tickets/{number}/reply/", headers=self.api, name="engineer reply (API)",
                         json={"difficulty": "主板供电异常，需要进一步检测", "next_step": "今天下午更换电源管理芯片"})
        self.client.post(f"/api/v1/tickets/{number}/solution/", headers=self.api, name="engineer solution (API)",
                         json={"kind": "remote_guidance", "plan": "指导客户强制重启并恢复出厂设置",
                               "result": "客户确认可以正常开机"})


class Partner(FastHttpUser):
    weight = 1
    wait_time = between(THINK / 2, THINK * 1.5)

    def on_start(self):
        me = _account("partner")
        self.headers = {"Authorization": f"Bearer {me['api_key']}", "Accept": "application/json"}

    @task
    def create_and_read(self):
        with self.client.post("/api/v1/tickets/", json={**_intake("139"), "partner_reference": uuid.uuid4().hex[:20]},
                              headers={**self.headers, "Idempotency-Key": str(uuid.uuid4())},
                              name="partner create (API)", catch_response=True) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code}")
                return
            number = response.json()["number"]
        self.client.get(f"/api/v1/tickets/{number}/", headers=self.headers, name="partner detail (API)")


# Engineers that have a simulated user: the desk dispatches only to them, so every ticket gets worked.
ENGINEER_USERS = max(1, int(os.environ.get("LOAD_ENGINEER_USERS", "17")))


class LimitBare(FastHttpUser):
    wait_time = constant(0)

    @task
    def bare(self):
        self.client.get("/bench/bare/", name="limit: bare JSON")


class LimitInsert(FastHttpUser):
    wait_time = constant(0)

    @task
    def insert(self):
        self.client.get("/bench/insert/", name="limit: one INSERT")
