"""Transaction history at scale: 1,000,000 payments in a SQLite file.

Seeds the file once (Core executemany in big batches; reused when present), then times
the history queries the API runs — through the real SQL repository — and prints
p50/p95/p99 in milliseconds and as ratios to a primary-key lookup measured in the same
run, so the numbers compare across machines. Never asserts a timing.

    python -m bench.history [--rows 1000000] [--runs 200] [--file bench/.data/history.db]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, insert, select

from adapters.sql.engine import create_engine_for
from adapters.sql.schema import metadata
from adapters.sql.tables import EnrollmentRow, PaymentRow
from adapters.sql.unit_of_work import SqlUnitOfWorkFactory
from application.ports import PageRequest, PaymentFilter
from domain.payment import PaymentStatus

T0 = datetime(2025, 1, 1, tzinfo=UTC)
STUDENTS = 50_000
BATCH = 50_000
STATUSES = [PaymentStatus.SUCCEEDED] * 6 + [PaymentStatus.FAILED, PaymentStatus.PENDING,
                                            PaymentStatus.EXPIRED, PaymentStatus.REFUNDED]


def _rows(start: int, stop: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    enrollments, payments = [], []
    for i in range(start, stop):
        at = T0 + timedelta(seconds=i)
        status = STATUSES[i % len(STATUSES)]
        student, amount = f"stu_{i % STUDENTS:06d}", 10_000 + (i % 90) * 1_000
        enrollments.append(dict(id=f"enr_{i:08d}", student_id=student, course_id="course",
                                price_minor=amount, currency="ZAR", status="active",
                                created_at=at, updated_at=at, version=1))
        payments.append(dict(
            id=f"pay_{i:08d}", enrollment_id=f"enr_{i:08d}", student_id=student,
            amount_minor=amount, currency="ZAR", status=status.value, created_at=at,
            updated_at=at, paylink_id=f"pl{i:013d}", refunded_minor=(
                amount if status is PaymentStatus.REFUNDED else 0), reserved_minor=0,
            version=1))
    return enrollments, payments


def seed(path: Path, rows: int) -> None:
    engine = create_engine(f"sqlite:///{path}")
    metadata.create_all(engine)
    with engine.connect() as conn:
        have = conn.execute(select(func.count()).select_from(PaymentRow.__table__)).scalar_one()  # type: ignore[attr-defined]
    if have >= rows:
        print(f"reusing {path} ({have:,} payments)")
        return
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA journal_mode=WAL")
        conn.exec_driver_sql("PRAGMA synchronous=OFF")
    for start in range(have, rows, BATCH):
        enrollments, payments = _rows(start, min(rows, start + BATCH))
        with engine.begin() as conn:
            conn.execute(insert(EnrollmentRow.__table__), enrollments)  # type: ignore[attr-defined]
            conn.execute(insert(PaymentRow.__table__), payments)  # type: ignore[attr-defined]
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    engine.dispose()
    print(f"seeded {rows:,} payments in {time.perf_counter() - started:.1f} s")


async def timed(runs: int, query: Callable[[int], Awaitable[Any]]) -> list[float]:
    await query(0)  # warm the cache and the connection
    samples = []
    for i in range(runs):
        started = time.perf_counter()
        await query(i)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def pct(samples: list[float], q: int) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[q - 1]


async def measure(path: Path, rows: int, runs: int) -> None:
    engine = create_engine_for(f"sqlite+aiosqlite:///{path}")
    factory = SqlUnitOfWorkFactory(engine)

    async def page(where: PaymentFilter, after: tuple[datetime, str] | None = None) -> Any:
        async with factory() as uow:
            return await uow.payments.list(where, PageRequest(limit=20, after=after))

    async def by_id(i: int) -> Any:
        async with factory() as uow:
            return await uow.payments.get(f"pay_{(i * 7919) % rows:08d}")

    deep = rows // 10  # the keyset of a page 90% of the way back in history
    deep_after = (T0 + timedelta(seconds=deep), f"pay_{deep:08d}")
    cases: dict[str, Callable[[int], Awaitable[Any]]] = {
        "primary-key lookup (baseline)": by_id,
        "first page": lambda i: page(PaymentFilter()),
        "filtered by student": lambda i: page(PaymentFilter(
            student_id=f"stu_{(i * 31) % STUDENTS:06d}")),
        "filtered by status": lambda i: page(PaymentFilter(
            status=[PaymentStatus.FAILED, PaymentStatus.REFUNDED][i % 2])),
        "deep keyset page": lambda i: page(PaymentFilter(), deep_after),
    }
    results = {name: await timed(runs, q) for name, q in cases.items()}
    base = pct(results["primary-key lookup (baseline)"], 50)
    print(f"\nhistory queries over {rows:,} payments, {runs} runs each (SQLite, aiosqlite)")
    print(f"{'query':32} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}   ratios to baseline p50")
    for name, samples in results.items():
        p50, p95, p99 = (pct(samples, q) for q in (50, 95, 99))
        print(f"{name:32} {p50:8.2f} {p95:8.2f} {p99:8.2f}   "
              f"{p50 / base:5.1f}x {p95 / base:5.1f}x {p99 / base:5.1f}x")
    await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--file", type=Path, default=Path(__file__).parent / ".data" /
                        "history.db")
    args = parser.parse_args()
    args.file.parent.mkdir(parents=True, exist_ok=True)
    seed(args.file, args.rows)
    asyncio.run(measure(args.file, args.rows, args.runs))


if __name__ == "__main__":
    main()
