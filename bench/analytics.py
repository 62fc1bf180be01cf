"""Payment analytics at scale: a 30-day range over 1,000,000 payments, against reading
one day of payments, in the same run.

bench/history.py's file does not fit analytics: its million payments span 11.6 days
(a 30-day range would be the whole table), every one is in the same course, and there
are no declines with reasons, no refunds and no audit trail (time to pay comes from the
audit trail). This seeds its own SQLite file once (reused when present): 1,000,000
payments spread over 365 days (~2,740 a day) in 40 courses, one enrollment per payment
plus one abandoned enrollment in eight, declines / cancels / expiries with reasons,
refunds, and the audit entries a real payment leaves (created, started, its end), and
the daily analytics rollups computed from them (as migration 0010 fills them).

Then, in interleaved rounds (so drift hits both alike): the one-day read (every payment
created on one day, through the SQL repository in batches of 500, as reconciliation
reads a period) and the analytics for a 30-day range (every table the API returns,
through the use-case). Prints medians and the ratio; never asserts a timing.

    python -m bench.analytics [--rows 1000000] [--rounds 15] [--file bench/.data/analytics.db]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, insert, select

from adapters.sql.analytics import SqlAnalyticsQueries
from adapters.sql.analytics_rebuild import rebuild
from adapters.sql.analytics_rollup import CHECKOUT_DAYS
from adapters.sql.engine import create_engine_for
from adapters.sql.record_tables import AuditEntryRow
from adapters.sql.schema import metadata
from adapters.sql.tables import EnrollmentRow, PaymentRow, RefundRow
from adapters.sql.unit_of_work import SqlUnitOfWorkFactory
from application.actor import Actor, Role
from application.use_cases.analytics import AnalyticsQuery, GetAnalytics

T0 = datetime(2025, 1, 1, tzinfo=UTC)
DAYS = 365
COURSES = 40
BATCH = 20_000
_P = PaymentRow.__table__  # type: ignore[attr-defined]
_E = EnrollmentRow.__table__  # type: ignore[attr-defined]
_R = RefundRow.__table__  # type: ignore[attr-defined]
_A = AuditEntryRow.__table__  # type: ignore[attr-defined]


def _unit(i: int, salt: int) -> float:
    """A deterministic pseudo-random number in [0, 1) for row i."""
    x = (i * 0x9E3779B97F4A7C15 + salt * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return ((x ^ (x >> 31)) >> 11) / 2**53


def _outcome(i: int, course: int) -> str:
    lossy = 0.25 if course % 10 == 7 else 0.0  # courses 07, 17, 27, 37 lose buyers
    u = _unit(i, 11)
    for status, share in (("succeeded", 0.66 - lossy), ("failed", 0.12 + lossy),
                          ("cancelled", 0.08), ("expired", 0.10)):
        if u < share:
            return status
        u -= share
    return "pending"


def _rows(start: int, stop: int, rows: int) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {"e": [], "p": [], "r": [], "a": []}
    spacing = DAYS * 86400 / rows
    for i in range(start, stop):
        at = T0 + timedelta(seconds=i * spacing)
        course = i % COURSES
        student, amount = f"stu_{i:07d}", 10_000 + (i % 90) * 1_000
        status = _outcome(i, course)
        took = timedelta(seconds=15 + int(_unit(i, 23) ** 2 * 1800))
        ended = at + took
        refunded = 0
        if status == "succeeded" and _unit(i, 31) < 0.05:
            status, refunded = "refunded", amount
        elif status == "succeeded" and _unit(i, 31) < 0.06:
            status, refunded = "partially_refunded", amount // 2
        captured = amount if status in ("succeeded", "refunded", "partially_refunded") else 0
        code = {"failed": ("payment_declined", "insufficient_funds", None)[i % 3],
                "cancelled": ("payment_cancelled", None)[i % 2]}.get(status)
        enrollment_status = ("active" if captured else "pending_payment")
        if status == "refunded":
            enrollment_status = "revoked"
        out["e"].append(dict(
            id=f"enr_{i:07d}", student_id=student, course_id=f"course-{course:02d}",
            price_minor=amount, currency="ZAR", status=enrollment_status,
            created_at=at - timedelta(seconds=60), updated_at=ended,
            payment_id=f"pay_{i:07d}" if captured else None, version=1))
        if i % 8 == 0:  # enrolled, never started a checkout
            out["e"].append(dict(
                id=f"enx_{i:07d}", student_id=f"stx_{i:07d}", course_id=f"course-{course:02d}",
                price_minor=amount, currency="ZAR", status="pending_payment",
                created_at=at, updated_at=at, payment_id=None, version=0))
        out["p"].append(dict(
            id=f"pay_{i:07d}", enrollment_id=f"enr_{i:07d}", student_id=student,
            amount_minor=amount, currency="ZAR", status=status, created_at=at,
            updated_at=ended, paylink_id=f"pl{i:013d}", refunded_minor=refunded,
            reserved_minor=0, captured_minor=captured, failure_code=code, recheck_step=0,
            version=2))
        trail = [("payment_created", None, "created", at),
                 ("payment_started", "created", "pending", at + timedelta(seconds=1))]
        if status != "pending":
            final = "succeeded" if captured else status
            trail.append((f"payment_{final}", "pending", final, ended))
        if refunded:
            refunded_at = ended + timedelta(days=3)
            trail.append(("payment_refunded", "succeeded", status, refunded_at))
            out["r"].append(dict(
                id=f"ref_{i:07d}", payment_id=f"pay_{i:07d}", student_id=student,
                amount_minor=refunded, currency="ZAR", reason="asked for it",
                status="succeeded", created_at=refunded_at, updated_at=refunded_at,
                gateway_reference=f"rf{i}", version=1))
        out["a"].extend(dict(at=when, actor="gateway:ikhokha", entity="payment",
                             entity_id=f"pay_{i:07d}", action=action, from_status=before,
                             to_status=after) for action, before, after, when in trail)
    return out


def seed(path: Path, rows: int) -> None:
    engine = create_engine(f"sqlite:///{path}")
    metadata.create_all(engine)
    with engine.connect() as conn:
        have = conn.execute(select(func.count()).select_from(_P)).scalar_one()
    if have >= rows:
        print(f"reusing {path} ({have:,} payments)")
        with engine.begin() as conn:
            for table in metadata.sorted_tables:  # indexes added to the models since
                for index in table.indexes:
                    index.create(conn, checkfirst=True)
            if not conn.execute(select(func.count()).select_from(CHECKOUT_DAYS)).scalar_one():
                started = time.perf_counter()  # rollups added to the models since
                rebuild(conn)
                print(f"rolled up in {time.perf_counter() - started:.1f} s")
            conn.exec_driver_sql("ANALYZE")
        engine.dispose()
        return
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA journal_mode=WAL")
        conn.exec_driver_sql("PRAGMA synchronous=OFF")
    for start in range(have, rows, BATCH):
        batch = _rows(start, min(rows, start + BATCH), rows)
        with engine.begin() as conn:
            conn.execute(insert(_E), batch["e"])
            conn.execute(insert(_P), batch["p"])
            if batch["r"]:
                conn.execute(insert(_R), batch["r"])
            conn.execute(insert(_A), batch["a"])
    with engine.begin() as conn:
        rebuild(conn)  # as migration 0010 fills them; the unit of work keeps them after
        conn.exec_driver_sql("ANALYZE")
    engine.dispose()
    print(f"seeded {rows:,} payments in {time.perf_counter() - started:.1f} s")


async def _one_day(factory: SqlUnitOfWorkFactory, day: date) -> int:
    """Every payment created on `day`, in batches of 500 (as reconciliation reads)."""
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    end, after, read = start + timedelta(days=1), None, 0
    async with factory() as uow:
        while True:
            batch = await uow.payments.created_between(start, end, after=after, limit=500)
            read += len(batch)
            if len(batch) < 500:
                return read
            after = (batch[-1].created_at, batch[-1].id)


async def measure(path: Path, rounds: int) -> dict[str, Any]:
    engine = create_engine_for(f"sqlite+aiosqlite:///{path}")
    factory = SqlUnitOfWorkFactory(engine)
    analytics = GetAnalytics(SqlAnalyticsQueries(engine))
    admin = Actor("bench", Role.ADMIN)
    first = date(2025, 6, 1)  # a 30-day range and a day in it, well inside the year
    month = AnalyticsQuery(admin, datetime(2025, 6, 1, tzinfo=UTC),
                           datetime(2025, 7, 1, tzinfo=UTC))
    course = AnalyticsQuery(admin, month.start, month.end, course_id="course-07")
    # Noon to noon: two half days at the edges are read live, 29 whole days rolled up.
    shifted = AnalyticsQuery(admin, month.start + timedelta(hours=12),
                             month.end + timedelta(hours=12))

    async def one_day(i: int) -> int:
        day = datetime.combine(first + timedelta(days=i % 30), datetime.min.time(), UTC)
        statement = select(_P).where(_P.c.created_at >= day,
                                     _P.c.created_at < day + timedelta(days=1))
        async with engine.connect() as conn:
            return len((await conn.execute(statement)).all())

    async def one_day_entities(i: int) -> int:
        return await _one_day(factory, first + timedelta(days=i % 30))

    async def month_all(_: int) -> int:
        return (await analytics(month)).totals.checkouts

    async def month_course(_: int) -> int:
        return (await analytics(course)).totals.checkouts

    async def month_shifted(_: int) -> int:
        return (await analytics(shifted)).totals.checkouts

    cases = {"one-day read (baseline)": one_day,
             "one-day read as entities": one_day_entities, "analytics, 30 days": month_all,
             "analytics, 30 days, one course": month_course,
             "analytics, 30 days, noon to noon": month_shifted}
    sizes = {name: await case(0) for name, case in cases.items()}  # warm caches
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for i in range(rounds):  # interleaved: drift hits every case alike
        for name, case in cases.items():
            started = time.perf_counter()
            await case(i)
            samples[name].append((time.perf_counter() - started) * 1000)
    await engine.dispose()
    base = statistics.median(samples["one-day read (baseline)"])
    print(f"\nanalytics over {path.name}, {rounds} interleaved rounds (SQLite, aiosqlite)")
    print(f"{'case':34} {'rows':>8} {'median ms':>10} {'min ms':>8} {'max ms':>8}  ratio")
    result: dict[str, Any] = {}
    for name, ms in samples.items():
        median = statistics.median(ms)
        result[name] = {"rows": sizes[name], "median_ms": round(median, 1),
                        "ratio": round(median / base, 2)}
        print(f"{name:34} {sizes[name]:8,} {median:10.1f} {min(ms):8.1f} {max(ms):8.1f}  "
              f"{median / base:5.2f}x")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--file", type=Path, default=Path(__file__).parent / ".data" /
                        "analytics.db")
    args = parser.parse_args()
    args.file.parent.mkdir(parents=True, exist_ok=True)
    seed(args.file, args.rows)
    asyncio.run(measure(args.file, args.rounds))


if __name__ == "__main__":
    main()
