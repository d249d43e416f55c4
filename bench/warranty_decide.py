"""How fast is the 三包 decision? Run: .venv/bin/python bench/warranty_decide.py [seconds]

decide() runs on every ticket registration and every warranty panel refresh, so it must stay
far below a millisecond. This runs it over a fixed mix of facts (every shipped policy, each
fault, boundaries, missing documents, exclusions) for about two seconds and prints
decisions per second and µs per decision, plus p50/p95 per decision over timed batches.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

from warranty.defaults import default_policies  # noqa: E402
from warranty.rules import FAULTS, Facts, WarrantyPolicySnapshot, decide  # noqa: E402

BATCH = 1000


def facts_mix(count: int, seed: int = 20260301) -> list[tuple[Facts, WarrantyPolicySnapshot]]:
    rng = random.Random(seed)  # fixed seed: runs are comparable
    mix = []
    for _ in range(count):
        policy = rng.choice(default_policies())
        made = date(2025, 1, 1) + timedelta(days=rng.randrange(400))
        purchase = made + timedelta(days=rng.randrange(120))
        exchanged = purchase + timedelta(days=rng.randrange(200)) if rng.random() < 0.1 else None
        report = (exchanged or purchase) + timedelta(days=rng.choice(
            [0, 7, 8, 15, 16, 30, 31, 60, 61, 180, 365, 366, rng.randrange(1200)]))
        mix.append((Facts(
            category=policy.category, component=rng.choice(sorted(policy.components)),
            purchase_date=purchase, report_date=report,
            fault=rng.choice(sorted(FAULTS) + ["performance"] * 6),
            has_invoice=rng.random() < 0.85, has_warranty_card=rng.random() < 0.8,
            documents_altered=rng.random() < 0.03, factory_date=made,
            prior_repairs_same_fault=rng.choice([0, 0, 0, 1, 2, 3]),
            repair_days=rng.choice([0, 0, 0, 5, 31, 40]), exchanged_on=exchanged,
            sold_online=rng.random() < 0.5,
        ), policy))
    return mix


def main(seconds: float = 2.0) -> None:
    mix = facts_mix(BATCH)
    for facts, policy in mix:  # warm-up, and proof that the whole mix is decidable
        decide(facts, policy)
    per_decision_us: list[float] = []
    total, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        batch_start = time.perf_counter()
        for facts, policy in mix:
            decide(facts, policy)
        per_decision_us.append((time.perf_counter() - batch_start) / BATCH * 1e6)
        total += BATCH
    elapsed = time.perf_counter() - started
    quantiles = statistics.quantiles(per_decision_us, n=20)
    print(f"decide(): {total} decisions in {elapsed:.2f} s over {len(mix)} distinct cases")
    print(f"  {total / elapsed:,.0f} decisions/s   {elapsed / total * 1e6:.1f} µs/decision")
    print(f"  per batch of {BATCH}: p50 {statistics.median(per_decision_us):.1f} µs, "
          f"p95 {quantiles[18]:.1f} µs per decision (budget: 1000 µs)")


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 2.0)
