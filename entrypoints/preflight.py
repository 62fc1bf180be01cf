"""`skillpay preflight [--test-payment]`: is this configuration ready to take money?

Checks, one line each (`ok`, `warn` or `FAIL`): one signed read-only call to iK Pay
(today's history: app id, secret, base URL) and the clock against iK Pay's; the
callback URL (public HTTPS, answering /health/live); the database revision; Redis when
REDIS_URL is set. `--test-payment` then takes a small live payment an operator pays by
hand, verified through the normal path and marked as a go-live test (GoLiveTest).

Exit status, for a deploy pipeline: 0 every check passed; 1 a check failed (or the test
payment was not paid and verified in time); 2 misconfiguration or a usage error, before
anything was asked. No line ever shows a secret.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Callable

from application.use_cases.go_live_test import GO_LIVE_TEST
from domain.classification import ClassifiedFailure, classify
from domain.errors import DomainError
from domain.money import Money
from domain.payment import PaymentStatus
from entrypoints.container import build_container
from entrypoints.preflight_callback import check_callback, check_stores
from entrypoints.preflight_checks import Line, check_gateway
from entrypoints.safety import startup_problems
from entrypoints.settings import Settings
from entrypoints.storage import StorageNotReady, close_storage, prepare_storage

OK, FAILED, MISCONFIGURED = 0, 1, 2
MAX_TEST_AMOUNT = 10_000  # R100.00: a go-live test is a small payment
POLL_S = 2.0
Out = Callable[[str], None]


def misconfiguration(settings: Settings, args: argparse.Namespace) -> list[str]:
    problems = list(startup_problems(settings))
    if settings.gateway != "ikhokha":
        problems.append("SKILLPAY_GATEWAY is not ikhokha: preflight checks iK Pay")
    for name, value in (("IKHOKHA_APP_ID", settings.ikhokha_app_id),
                        ("IKHOKHA_APP_SECRET", settings.ikhokha_app_secret)):
        if not value and not any(p.startswith(name) for p in problems):
            problems.append(f"{name} is not set")
    if not 1 <= args.amount <= MAX_TEST_AMOUNT:
        problems.append(f"--amount must be 1 to {MAX_TEST_AMOUNT} cents")
    if args.timeout <= 0:
        problems.append("--timeout must be more than 0 seconds")
    return list(dict.fromkeys(problems))


async def take_test_payment(settings: Settings, amount: int, timeout_s: float, out: Out,
                            poll_s: float = POLL_S) -> Line:
    """Create the paylink, print its URL, verify until paid or `timeout_s`, then mark it."""
    container = build_container(settings)
    go_live = container.go_live_test()
    try:
        await prepare_storage(settings)
        payment = await go_live.start(Money(amount, "ZAR"))
        out(f"test payment {payment.id} ({payment.amount}, student {GO_LIVE_TEST}): "
            f"pay it at {payment.checkout_url}")
        deadline, problem = time.monotonic() + timeout_s, ""
        while True:
            try:
                payment = await go_live.check(payment.id)
                problem = ""
            except ClassifiedFailure as failure:  # keep asking: the gateway may recover
                problem = f"; last status call failed: {failure.code}"
            if not payment.is_open or payment.is_held or time.monotonic() >= deadline:
                break
            await asyncio.sleep(poll_s)  # a poll interval, between status calls
        status = payment.status.value + (f", held: {payment.review_reason}"
                                         if payment.is_held else "")
        outcome = f"not verified within {timeout_s:.0f} s ({status}{problem})"
        await go_live.mark(payment, outcome)
    except (ClassifiedFailure, DomainError, StorageNotReady) as failure:
        text = str(failure) if isinstance(failure, StorageNotReady) else \
            f"{classify(failure).code}: {failure}"
        return Line("payment", "FAIL", f"no test payment: {text}")
    finally:
        close = getattr(container.gateway(), "aclose", None)
        if close is not None:
            await close()
        await close_storage(container)
    if payment.status is PaymentStatus.SUCCEEDED and not payment.is_held:
        return Line("payment", "ok", f"{payment.id} paid and verified with iK Pay; audited "
                                     "as go_live_test")
    return Line("payment", "FAIL", f"{payment.id} {outcome}")


async def preflight(settings: Settings, args: argparse.Namespace, out: Out = print,
                    poll_s: float = POLL_S) -> int:
    lines = [*await check_gateway(settings), *await check_callback(settings),
             *await check_stores(settings)]
    for line in lines:
        out(str(line))
    failed = sum(line.status == "FAIL" for line in lines)
    if args.test_payment:
        if failed:
            out("skip  payment: not attempted while a check fails")
        else:
            line = await take_test_payment(settings, args.amount, args.timeout, out, poll_s)
            out(str(line))
            failed += line.status == "FAIL"
    out(f"preflight failed: {failed} check(s)" if failed else "preflight passed")
    return FAILED if failed else OK


def run(settings: Settings, args: argparse.Namespace) -> int:
    problems = misconfiguration(settings, args)
    for problem in problems:
        print(f"misconfigured: {problem}", file=sys.stderr)
    if problems:
        return MISCONFIGURED
    return asyncio.run(preflight(settings, args))
