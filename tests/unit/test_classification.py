"""The failure table: real failures, raised the way they happen in the service, and the
classification each must get (code, HTTP status, retryable, what the student reads).

Each row provokes its failure through real code: the iK Pay adapter against a local HTTP
server that misbehaves on purpose, the SQL unit of work against a port where no database
listens, msgspec decoding, the domain's own rules. The expected columns are written out
here, not read back from CATALOGUE, so a change to a code's status, retry flag or message
shows up as a failing row. (Request bodies that fail msgspec validation at the HTTP edge:
tests/e2e/test_failure_table_http.py.)
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import msgspec
import pytest
from aiohttp import web

from adapters.ikhokha.breaker import BreakerRegistry
from adapters.ikhokha.gateway import IkhokhaGateway
from adapters.sql.engine import create_engine_for
from adapters.sql.unit_of_work import SqlUnitOfWork
from application.errors import ConcurrentUpdate, NotFound
from domain.classification import CATALOGUE, Category, ClassifiedFailure, classify
from domain.money import Money
from entrypoints.docs_errors import render
from tests.support.redis_service import closed_port

pytestmark = pytest.mark.unit

# The words a student reads, as written in domain/classification.py.
GATEWAY_TROUBLE = ("The payment service is having trouble reaching our payment provider. "
                   "Nothing was charged twice; please try again in a minute.")
OUR_FAULT = ("Something went wrong on our side. Nothing was charged twice; please try "
             "again or contact support.")
STORAGE_DOWN = "The payment service is temporarily unavailable. Please try again shortly."


@dataclass(frozen=True)
class Expected:
    code: str
    status: int
    retryable: bool
    user_message: str


Provoke = Callable[["Gateway"], Awaitable[BaseException]]


class Gateway:
    """A local stand-in for iK Pay that answers /getStatus/<scenario> as the scenario says,
    and the real iK Pay adapter pointed at it (one attempt, 200 ms per attempt)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def adapter(self, base_url: str | None = None) -> IkhokhaGateway:
        return IkhokhaGateway(base_url=base_url or self.base_url, app_id="app", app_secret="s",
                              timeout_ms=200, deadline_ms=2_000, retry_attempts=0,
                              retry_delay_ms=0, breakers=BreakerRegistry())

    async def status(self, scenario: str, base_url: str | None = None) -> BaseException:
        gateway = self.adapter(base_url)
        try:
            await gateway.get_status(scenario)
        except Exception as failure:  # the failure is what the row is about
            return failure
        finally:
            await gateway.aclose()
        raise AssertionError(f"{scenario}: the adapter did not fail")


async def _answer(request: web.Request) -> web.StreamResponse:
    scenario = request.match_info["scenario"]
    if scenario == "hangs":
        await asyncio.sleep(30)  # the adapter's own 200 ms attempt timeout ends it first
    if scenario == "http-503":
        return web.json_response({"message": "upstream down"}, status=503)
    if scenario == "http-429":
        return web.json_response({}, status=429, headers={"Retry-After": "7"})
    if scenario == "http-401":
        return web.json_response({"message": "bad signature"}, status=401)
    if scenario == "http-400":
        return web.json_response({"message": "invalid paylink"}, status=400)
    if scenario == "not-json":
        return web.Response(body=b"<html>maintenance</html>", content_type="text/html")
    if scenario == "wrong-shape":  # msgspec refuses it: paylinkID must be a string
        return web.json_response({"paylinkID": 5, "status": "PAID"})
    if scenario == "another-paylink":
        return web.json_response({"paylinkID": "pl_someone_else", "status": "PAID"})
    raise AssertionError(scenario)


@pytest.fixture
async def gateway() -> AsyncIterator[Gateway]:
    app = web.Application()
    app.router.add_get("/getStatus/{scenario}", _answer)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield Gateway(f"http://127.0.0.1:{port}")
    finally:
        await runner.cleanup()


async def gateway_does_not_answer(g: Gateway) -> BaseException:
    return await g.status("hangs")


async def gateway_refuses_connections(g: Gateway) -> BaseException:
    with closed_port() as port:
        return await g.status("x", base_url=f"http://127.0.0.1:{port}")


async def gateway_host_does_not_resolve(g: Gateway) -> BaseException:
    return await g.status("x", base_url="http://ikhokha.invalid")


async def database_refuses_connections(_: Gateway) -> BaseException:
    """asyncpg's connect fails under the SQL unit of work: nobody listens on the port."""
    with closed_port() as port:
        engine = create_engine_for(f"postgresql+asyncpg://skillpay@127.0.0.1:{port}/payments")
        try:
            async with SqlUnitOfWork(engine) as uow:
                await uow.connection()
        except Exception as failure:  # the failure is what the row is about
            return failure
        finally:
            await engine.dispose()
    raise AssertionError("connected to a closed port")


async def a_wait_times_out(_: Gateway) -> BaseException:
    try:
        await asyncio.wait_for(asyncio.Event().wait(), timeout=0.001)
    except TimeoutError as failure:
        return failure
    raise AssertionError("no timeout")


def _raised(action: Callable[[], object]) -> Provoke:
    async def provoke(_: Gateway) -> BaseException:
        try:
            action()
        except Exception as failure:  # the failure is what the row is about
            return failure
        raise AssertionError("nothing was raised")
    return provoke


class _Price(msgspec.Struct):
    amount: int
    currency: str


def _our_own_bad_json() -> object:
    return msgspec.json.decode(b'{"amount": "499.00", "currency": "ZAR"}', type=_Price)


def _file_that_is_not_there() -> object:
    return Path("/nonexistent/skillpay/settings.toml").read_text()


def _throw(failure: BaseException) -> Callable[[], object]:
    """For failures our own code raises by name (a use case's NotFound, a repository's
    ConcurrentUpdate, a gateway adapter's ClassifiedFailure)."""
    def action() -> object:
        raise failure
    return action


FAILURES: list[tuple[str, Provoke, Expected]] = [
    # The payment provider, through the real adapter.
    ("gateway does not answer in time", gateway_does_not_answer,
     Expected("gateway_timeout", 504, True, GATEWAY_TROUBLE)),
    ("gateway answers 503", lambda g: g.status("http-503"),
     Expected("gateway_server_error", 502, True, GATEWAY_TROUBLE)),
    ("gateway answers 429 with Retry-After", lambda g: g.status("http-429"),
     Expected("gateway_rate_limited", 503, True, GATEWAY_TROUBLE)),
    ("gateway refuses our credentials (401)", lambda g: g.status("http-401"),
     Expected("gateway_auth_failed", 502, False, "Payments are temporarily unavailable. "
              "Please try again later; our team has been alerted.")),
    ("gateway rejects the request (400)", lambda g: g.status("http-400"),
     Expected("gateway_rejected_request", 422, False,
              "The payment could not be started with these details. Please contact support.")),
    ("gateway answers HTML instead of JSON", lambda g: g.status("not-json"),
     Expected("gateway_malformed_response", 502, True, GATEWAY_TROUBLE)),
    ("gateway JSON fails msgspec validation", lambda g: g.status("wrong-shape"),
     Expected("gateway_malformed_response", 502, True, GATEWAY_TROUBLE)),
    ("gateway answers about another paylink", lambda g: g.status("another-paylink"),
     Expected("gateway_contradictory_response", 502, False, "Our payment provider gave an "
              "unclear answer. Your payment is being checked; please do not pay again.")),
    ("gateway refuses connections", gateway_refuses_connections,
     Expected("gateway_unreachable", 503, True, GATEWAY_TROUBLE)),
    ("gateway host name does not resolve", gateway_host_does_not_resolve,
     Expected("gateway_dns_failure", 503, True, GATEWAY_TROUBLE)),
    # Our own storage and runtime.
    ("database refuses connections (asyncpg)", database_refuses_connections,
     Expected("storage_unavailable", 503, True, STORAGE_DOWN)),
    # A bare timeout or OSError names nobody: only the adapters know whose outage it is
    # (the gateway's leave as gateway codes above, the database's as storage_unavailable).
    ("a bare asyncio timeout (no adapter said whose)", a_wait_times_out,
     Expected("internal_error", 500, False, OUR_FAULT)),
    ("a file of ours is missing (unknown OSError)", _raised(_file_that_is_not_there),
     Expected("internal_error", 500, False, OUR_FAULT)),
    ("our own data fails msgspec validation", _raised(_our_own_bad_json),
     Expected("internal_error", 500, False, OUR_FAULT)),
    ("a plain ValueError", _raised(lambda: int("R499")),
     Expected("internal_error", 500, False, OUR_FAULT)),
    ("a KeyError", _raised(lambda: {}["payment"]),
     Expected("internal_error", 500, False, OUR_FAULT)),
    # Domain and application rules.
    ("money in an unknown currency", _raised(lambda: Money(100, "XTS")),
     Expected("unsupported_currency", 422, False,
              "Payments are accepted in South African rand (ZAR) only.")),
    ("a negative amount", _raised(lambda: Money(-1, "ZAR")),
     Expected("invalid_amount", 422, False, "The amount is not valid.")),
    ("a payment that is not there", _raised(_throw(NotFound("payment"))),
     Expected("not_found", 404, False, "We could not find what you asked for.")),
    ("a concurrent update won", _raised(_throw(ConcurrentUpdate())),
     Expected("concurrent_update", 409, True,
              "Something changed while we were saving. Please try again.")),
    ("a ClassifiedFailure raised with a code",
     _raised(_throw(ClassifiedFailure("risk_blocked", "velocity"))),
     Expected("risk_blocked", 403, False, "We have paused this for your account for a while. "
              "Please wait and try again later, or contact support.")),
    ("money in two currencies", _raised(lambda: Money(100, "ZAR") + Money(100, "USD")),
     Expected("currency_mismatch", 422, False, "The currency does not match the payment.")),
]


@pytest.mark.parametrize("provoke,expected",
                         [pytest.param(p, e, id=name) for name, p, e in FAILURES])
async def test_a_real_failure_gets_its_classification(gateway: Gateway, provoke: Provoke,
                                                      expected: Expected) -> None:
    failure = await provoke(gateway)
    c = classify(failure)
    assert (c.code, c.http_status, c.retryable, c.user_message) == (
        expected.code, expected.status, expected.retryable, expected.user_message), \
        f"{type(failure).__name__}: {failure}"


def test_the_table_reaches_every_category_and_the_catalogue_knows_every_row() -> None:
    assert {e.code for _, _, e in FAILURES} <= set(CATALOGUE)
    # Declines are not raised: they are a payment's outcome, reported by the gateway, and
    # reach the student through application/student_messages.py.
    assert {CATALOGUE[e.code].category for _, _, e in FAILURES} == \
        set(Category) - {Category.PAYMENT_DECLINED}


def test_every_user_message_is_plain_words_for_a_student() -> None:
    for code, c in CATALOGUE.items():
        assert c.user_message.endswith((".", "!")), code
        assert not any(word in c.user_message.lower() for word in (
            "traceback", "secret", "sql", "exception", "error", "none", "null")), code


def test_gateway_failures_are_retryable_and_declines_are_not():
    for code, c in CATALOGUE.items():
        if c.category is Category.NETWORK:
            assert c.retryable, code
        if c.category is Category.PAYMENT_DECLINED:
            assert not c.retryable, code
        if c.http_status in (401, 403, 404, 409, 413, 422):
            assert c.category is Category.VALIDATION, code


def test_unknown_codes_cannot_be_raised():
    with pytest.raises(ValueError):
        ClassifiedFailure("made_up_code")


def test_docs_errors_md_lists_every_code_and_is_current():
    text = Path(__file__).parents[2].joinpath("docs/errors.md").read_text()
    assert text == render(), "docs/errors.md is stale: run `make docs`"
    for code in CATALOGUE:
        assert f"`{code}`" in text
