"""Give every bench ticket with a device its 三包 decision, as registration does, computed by the real
engine (warranty.rules.decide with the current policy version and the statutory rest days), and COPY them.

    DATABASE_URL=postgres://servicedesk:servicedesk@127.0.0.1:5432/sd_bench \
        .venv/bin/python bench/fill_decisions.py

Run after fill_tickets.py (and bench/dashboard.py fill for the clocks). Tickets that already have a decision
keep it; the facts are the device's (purchase, invoice, factory dates, online sale), the fault "performance"
and the report date the ticket's creation day, so the mix of return / exchange / free and paid repair follows
the devices' ages as the fill made them. Decisions of equal facts are computed once (the engine is pure).
"""
import json
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import copy_layout, raw_connection, setup_django  # noqa: E402

COLS = ["ticket_id", "policy_id", "facts", "fault", "component", "remedies", "missing_documents", "reasons",
        "decided_at", "override_reason"]
SELECT = """
SELECT t.id, t.created_at, d.category, d.component, d.purchase_date, d.invoice_date, d.invoice_number,
       d.warranty_card_number, d.factory_date, d.sold_online
FROM tickets_ticket t JOIN tickets_device d ON d.id = t.device_id
WHERE d.category <> '' AND NOT EXISTS (SELECT 1 FROM warranty_warrantydecision w WHERE w.ticket_id = t.id)
ORDER BY t.id
"""
FIELDS = ("category", "component", "purchase_date", "invoice_date", "invoice_number", "warranty_card_number",
          "factory_date", "sold_online")


def copy_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def main() -> None:
    setup_django()
    from warranty.facts import decision_as_json, facts_as_json, facts_from_intake
    from warranty.rules import decide
    from warranty.selectors import policy_snapshot_for, statutory_rest_days

    started = time.monotonic()
    beijing = ZoneInfo("Asia/Shanghai")
    rest_days = statutory_rest_days()
    memo: dict[tuple, tuple | None] = {}
    written = skipped = 0
    with raw_connection() as read, raw_connection() as write:
        cols, suffix = copy_layout(write.cursor(), "warranty_warrantydecision", COLS)
        with read.cursor(name="tickets") as tickets, write.cursor() as cur, \
                cur.copy(f"COPY warranty_warrantydecision ({', '.join(cols)}) FROM STDIN") as out:
            tickets.itersize = 5000
            tickets.execute(SELECT)
            for ticket_id, created_at, *device in tickets:
                report_date = created_at.astimezone(beijing).date()
                key = (report_date, *device)
                if key not in memo:
                    memo[key] = decided(dict(zip(FIELDS, device)), report_date, rest_days,
                                        policy_snapshot_for, facts_from_intake, decide, facts_as_json,
                                        decision_as_json)
                row = memo[key]
                if row is None:
                    skipped += 1
                    continue
                out.write(f"{ticket_id}\t{row}\t{created_at.isoformat()}\t{suffix}\n")
                written += 1
                if written % 200_000 == 0:
                    print(f"  {written:>9,} decisions  {time.monotonic() - started:6.1f} s", flush=True)
                if len(memo) > 200_000:  # bounded memory whatever N is
                    memo.clear()
        write.commit()
        write.execute("ANALYZE warranty_warrantydecision")
    print(f"{written:,} 三包 decisions in {time.monotonic() - started:.1f} s ({skipped:,} tickets without one: "
          f"no policy or facts the engine refuses, as at registration)")


def decided(device, report_date, rest_days, policy_snapshot_for, facts_from_intake, decide, facts_as_json,
            decision_as_json) -> str | None:
    """The COPY columns between ticket_id and decided_at, or None where registration records no decision."""
    current = policy_snapshot_for(category=device["category"], sold_online=device["sold_online"])
    if current is None:
        return None
    try:
        facts = facts_from_intake(device=device, fault="performance", documents_altered=False,
                                  report_date=report_date, history=())
        decision = decision_as_json(decide(facts, current.snapshot, rest_days))
    except ValueError:
        return None
    as_json = [copy_text(json.dumps(value, ensure_ascii=False)) for value in (
        facts_as_json(facts), decision["remedies"], decision["missing_documents"], decision["reasons"])]
    return "\t".join([str(current.pk), as_json[0], facts.fault, facts.component, *as_json[1:]])


if __name__ == "__main__":
    main()
