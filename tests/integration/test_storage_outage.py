"""When the database is down, the API says so: a retryable 503 `storage_unavailable`,
never an internal error, and never blamed on the payment provider.

Regression: a refused PostgreSQL connection surfaced as a raw ConnectionRefusedError,
which classify() took for the gateway being unreachable ("trouble reaching our payment
provider"), misleading students and operators alike."""

from __future__ import annotations

import aiohttp
import msgspec
import pytest
from litestar.testing import RequestFactory
from sqlalchemy import text

from adapters.sql.engine import create_engine_for
from adapters.sql.outage import is_storage_failure
from entrypoints.http.problems import handle_exception

pytestmark = pytest.mark.integration


async def failure_of(coro) -> BaseException:  # type: ignore[no-untyped-def]
    try:
        await coro
    except BaseException as exc:
        return exc
    raise AssertionError("expected a failure")


async def database_down() -> BaseException:
    engine = create_engine_for("postgresql+asyncpg://postgres@127.0.0.1:1/test")

    async def query() -> None:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    try:
        return await failure_of(query())
    finally:
        await engine.dispose()


async def gateway_down() -> BaseException:
    async with aiohttp.ClientSession() as http:
        return await failure_of(http.get("http://127.0.0.1:1/public-api/v1/api/payment"))


async def test_a_refused_database_is_a_storage_failure_and_a_refused_gateway_is_not():
    assert is_storage_failure(await database_down())
    assert not is_storage_failure(await gateway_down())


async def test_the_api_answers_503_storage_unavailable_when_the_database_is_down():
    request = RequestFactory().get("/api/v1/payments")
    response = handle_exception(request, await database_down())  # type: ignore[arg-type]
    problem = msgspec.json.decode(response.content)
    assert response.status_code == 503
    assert (problem["code"], problem["category"], problem["retryable"]) == (
        "storage_unavailable", "system", True)
    assert "payment provider" not in problem["user_message"]


def test_a_bug_in_a_statement_is_not_an_outage():
    from sqlalchemy.exc import IntegrityError, ProgrammingError

    assert not is_storage_failure(ProgrammingError("SELECT nope", {}, Exception("no column")))
    assert not is_storage_failure(IntegrityError("INSERT", {}, Exception("duplicate")))
    assert not is_storage_failure(KeyError("payments"))


@pytest.mark.parametrize("name", ["CannotConnectNowError", "AdminShutdownError",
                                  "CrashShutdownError", "ConnectionDoesNotExistError",
                                  "TooManyConnectionsError", "InterfaceError"])
def test_postgres_starting_up_or_shutting_down_is_an_outage(name):
    """Regression (the PostgreSQL power-cut test): while the server restarted, asyncpg
    raised CannotConnectNowError ("the database system is starting up") straight from
    connect, which was not recognised and answered 500."""
    import asyncpg.exceptions

    assert is_storage_failure(getattr(asyncpg.exceptions, name)("the database is away"))
