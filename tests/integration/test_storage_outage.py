"""When the database is down, the API says so: a retryable 503 `storage_unavailable`,
never an internal error, and never blamed on the payment provider.

Regression: a refused PostgreSQL connection surfaced as a raw ConnectionRefusedError,
which classify() took for the gateway being unreachable ("trouble reaching our payment
provider"), misleading students and operators alike. The SQL adapters now turn their
driver's connection failures into `StorageUnavailable` (adapters/sql/unavailable.py),
told by type, not by where in the stack they were raised.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import asyncpg.exceptions
import msgspec
import pytest
from litestar.testing import RequestFactory
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.ikhokha.breaker import BreakerRegistry
from adapters.ikhokha.gateway import IkhokhaGateway
from adapters.sql.callback_intake import SqlCallbackIntake
from adapters.sql.driver_pool import driver_pool_for
from adapters.sql.engine import create_engine_for, write_transaction
from adapters.sql.unavailable import connect, storage_guard
from adapters.sql.unit_of_work import SqlUnitOfWork
from application.errors import ConcurrentUpdate, StorageUnavailable
from application.ports import InboxItem
from domain.classification import ClassifiedFailure, classify
from entrypoints.http.problems import handle_exception

pytestmark = pytest.mark.integration
REFUSED_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:1/test"


async def failure_of(work: Callable[[], Awaitable[object]]) -> BaseException:
    try:
        await work()
    except Exception as exc:  # the failure is what the test is about
        return exc
    raise AssertionError("expected a failure")


async def with_engine(url: str, work: Callable[[AsyncEngine], Awaitable[object]]
                      ) -> BaseException:
    engine = create_engine_for(url)
    try:
        return await failure_of(lambda: work(engine))
    finally:
        await engine.dispose()


async def read_through_a_unit_of_work(engine: AsyncEngine) -> None:
    async with SqlUnitOfWork(engine) as uow:
        await uow.payments.get("pay_1")


async def database_down() -> BaseException:
    return await with_engine(REFUSED_POSTGRES, read_through_a_unit_of_work)


async def gateway_down() -> BaseException:
    gateway = IkhokhaGateway(base_url="http://127.0.0.1:1/public-api/v1/api", app_id="app",
                             app_secret="s", timeout_ms=2_000, retry_attempts=0,
                             breakers=BreakerRegistry())
    try:
        return await failure_of(lambda: gateway.get_status("paylink"))
    finally:
        await gateway.aclose()


async def test_a_refused_database_is_storage_unavailable_and_a_refused_gateway_is_not():
    down = await database_down()
    assert isinstance(down, StorageUnavailable)
    assert isinstance(down.__cause__, OSError)  # the driver's own error, kept as the cause
    assert classify(down).code == "storage_unavailable"
    gateway = await gateway_down()
    assert isinstance(gateway, ClassifiedFailure) and not isinstance(gateway, StorageUnavailable)
    assert classify(gateway).code == "gateway_unreachable"


@pytest.mark.parametrize("message", ["unable to open database file", "disk I/O error"])
def test_an_sqlite_file_that_cannot_be_opened_or_read_is_storage_unavailable(message):
    """As SQLAlchemy wraps what sqlite3 raised (a real failed open through aiosqlite
    leaves its worker thread answering after the test's event loop has closed)."""
    failure = OperationalError("SELECT 1", {}, sqlite3.OperationalError(message))
    assert isinstance(raised_through_the_guard(failure), StorageUnavailable)


async def read_one_row(engine: AsyncEngine) -> None:
    async with connect(engine) as conn:
        await conn.execute(text("SELECT 1"))


async def write_one_row(engine: AsyncEngine) -> None:
    async with write_transaction(engine) as conn:
        await conn.execute(text("SELECT 1"))


async def commit_a_unit_of_work(engine: AsyncEngine) -> None:
    async with SqlUnitOfWork(engine) as uow:
        await uow.commit()  # nothing read or staged: no connection at all
        await uow.execute(text("SELECT 1"))


def _inbox_item() -> InboxItem:
    return InboxItem(id="cbk_1", dedupe_key="pl_1:SUCCESS:x", paylink_id="pl_1",
                     raw_body=b"{}", headers={}, received_at=datetime.now(UTC))


async def acknowledge_on_the_engines_pool(engine: AsyncEngine) -> None:
    await SqlCallbackIntake(engine).accept(_inbox_item())


async def acknowledge_on_the_intakes_own_pool(engine: AsyncEngine) -> None:
    pool = driver_pool_for(engine.url.render_as_string(hide_password=False))
    assert pool is not None
    try:
        await SqlCallbackIntake(engine, pool).accept(_inbox_item())
    finally:
        await pool.close()


@pytest.mark.parametrize("work", [read_one_row, write_one_row, commit_a_unit_of_work,
                                  acknowledge_on_the_engines_pool,
                                  acknowledge_on_the_intakes_own_pool])
async def test_every_way_to_the_database_reports_it_down_by_type(work):
    assert isinstance(await with_engine(REFUSED_POSTGRES, work), StorageUnavailable)


async def test_the_api_answers_503_storage_unavailable_when_the_database_is_down():
    request = RequestFactory().get("/api/v1/payments")
    response = handle_exception(request, await database_down())  # type: ignore[arg-type]
    problem = msgspec.json.decode(response.content)
    assert response.status_code == 503
    assert (problem["code"], problem["category"], problem["retryable"]) == (
        "storage_unavailable", "system", True)
    assert "payment provider" not in problem["user_message"]


def raised_through_the_guard(failure: Exception) -> BaseException:
    try:
        with storage_guard():
            raise failure
    except Exception as exc:  # the failure is what the test is about
        return exc
    raise AssertionError("the guard swallowed a failure")


@pytest.mark.parametrize("failure", [
    ProgrammingError("SELECT nope", {}, Exception("no column")),
    IntegrityError("INSERT", {}, Exception("duplicate")),
    KeyError("payments"),
    ConcurrentUpdate(),
], ids=["bad statement", "constraint", "a bug", "a lost race"])
def test_a_bug_in_a_statement_or_a_lost_race_is_not_an_outage(failure):
    assert raised_through_the_guard(failure) is failure


@pytest.mark.parametrize("name", ["CannotConnectNowError", "AdminShutdownError",
                                  "CrashShutdownError", "ConnectionDoesNotExistError",
                                  "TooManyConnectionsError", "InterfaceError"])
def test_postgres_starting_up_or_shutting_down_is_an_outage(name):
    """Regression (the PostgreSQL power-cut test): while the server restarted, asyncpg
    raised CannotConnectNowError ("the database system is starting up") straight from
    connect, which was not recognised and answered 500."""
    failure = getattr(asyncpg.exceptions, name)("the database is away")
    translated = raised_through_the_guard(failure)
    assert isinstance(translated, StorageUnavailable) and translated.__cause__ is failure


def test_the_sql_adapters_open_connections_only_through_the_guard():
    """`engine.connect()` by hand would let a refused connection out as a bare OSError:
    the adapters use `connect` / `write_transaction` / the unit of work's session."""
    allowed = {"unavailable.py", "engine.py", "session.py",  # the guarded ways themselves
               "job_lock.py",  # guards the taking only, not the job it holds the lock for
               "migrate.py"}  # the migration command: its failure is printed, not served
    sql = Path(__file__).resolve().parents[2] / "adapters" / "sql"
    by_hand = [f"{path.name}:{n}" for path in sorted(sql.glob("*.py"))
               if path.name not in allowed
               for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
               if re.search(r"engine\.(connect|begin)\(", line)]
    assert not by_hand, by_hand
