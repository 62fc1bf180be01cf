"""Reconciliation at scale: 1,000,000 of our payments against 1,000,000 gateway items.

Both sides are in-memory generators spread over 100 days (10,000 a day), with a few
injected differences of every kind. Runs the real day-by-day matcher and prints the
time, the throughput and the peak traced memory — next to the peak of the naive way
(one dict of the whole gateway side), measured in the same run. Never asserts.

    python -m bench.reconcile [--rows 1000000] [--days 100]
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import time
import tracemalloc
from collections import Counter
from collections.abc import AsyncIterator
from datetime import date, timedelta

from application.reconciliation.matcher import OurPayment, match_days
from domain.gateway_report import GatewayReport, GatewayStatus
from domain.money import Money
from domain.payment import PaymentStatus

D0 = date(2026, 1, 1)
ZAR = [Money(10_000 + k * 100, "ZAR") for k in range(100)]


def _ours(i: int, day: date) -> OurPayment:
    return OurPayment(f"pay_{i:08d}", f"pl{i:013d}", PaymentStatus.SUCCEEDED, ZAR[i % 100], day)


def _theirs(i: int) -> GatewayReport | None:
    if i % 1000 == 7:
        return None  # missing at the gateway
    amount = Money(1, "ZAR") if i % 5000 == 11 else ZAR[i % 100]
    status = GatewayStatus.PENDING if i % 2000 == 13 else GatewayStatus.SUCCESS
    return GatewayReport(f"pl{i:013d}", status, f"pay_{i:08d}", amount)


class Sides:
    def __init__(self, rows: int, days: int) -> None:
        self.per_day = rows // days
        self.days = days

    def day_index(self, day: date) -> int:
        return (day - D0).days

    async def ours_on(self, day: date) -> AsyncIterator[OurPayment]:
        d = self.day_index(day)
        if 0 <= d < self.days:
            for i in range(d * self.per_day, (d + 1) * self.per_day):
                yield _ours(i, day)

    async def theirs_on(self, day: date) -> AsyncIterator[GatewayReport]:
        d = self.day_index(day)
        if 0 <= d < self.days:
            for i in range(d * self.per_day, (d + 1) * self.per_day):
                report = _theirs(i)
                if report is not None:
                    yield report
            for k in range(self.per_day // 1000):  # paylinks we never recorded
                yield GatewayReport(f"orphan{d:05d}{k:05d}", GatewayStatus.SUCCESS, None,
                                    ZAR[0])


async def day_by_day(sides: Sides) -> Counter[str]:
    days = [D0 + timedelta(days=i) for i in range(-1, sides.days + 1)]
    last = D0 + timedelta(days=sides.days - 1)
    counts: Counter[str] = Counter()
    async for finding in match_days(days, sides.ours_on, sides.theirs_on,
                                    lambda d: D0 <= d <= last):
        counts[finding.category] += 1
    return counts


async def naive_peak_holder(sides: Sides) -> int:
    """The whole gateway side in one dict: what day-by-day avoids."""
    everything = {r.paylink_id: r for d in range(sides.days)
                  async for r in sides.theirs_on(D0 + timedelta(days=d))}
    return len(everything)


def traced(coro_factory: object) -> tuple[object, float, int]:
    tracemalloc.start()
    started = time.perf_counter()
    result = asyncio.run(coro_factory())  # type: ignore[operator]
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return result, elapsed, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=100)
    args = parser.parse_args()
    sides = Sides(args.rows, args.days)

    started = time.perf_counter()
    counts = asyncio.run(day_by_day(sides))
    elapsed = time.perf_counter() - started
    _, _, peak = traced(lambda: day_by_day(sides))
    _, _, naive_peak = traced(lambda: naive_peak_holder(sides))

    total = sum(counts.values())
    theirs = total - counts["missing_at_gateway"]
    print(f"reconciled {args.rows:,} payments of ours against {theirs:,} gateway "
          f"transactions over {args.days} days")
    print(f"  time: {elapsed:.2f} s ({total / elapsed:,.0f} findings/s, untraced)")
    print(f"  peak traced memory, day by day: {peak / 2**20:.1f} MiB")
    print(f"  peak traced memory, naive whole-period dict of the gateway side: "
          f"{naive_peak / 2**20:.1f} MiB ({naive_peak / peak:.0f}x)")
    print(f"  process max RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}"
          f" MiB")
    for category, n in sorted(counts.items()):
        print(f"  {category}: {n:,}")


if __name__ == "__main__":
    main()
