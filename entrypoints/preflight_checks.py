"""The checks of `skillpay preflight`, each ending in lines an operator can act on.

The gateway check makes ONE signed, read-only call (today's transaction history) with
the adapter's own transport and decoder, so it proves what payments will use: the app
id, the secret, the base URL, and (from the answer's `Date` header) our clock.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from adapters.ikhokha import answers
from adapters.ikhokha import protocol_points as pp
from adapters.ikhokha.transport import MAX_HISTORY_BYTES, Transport
from domain.classification import ClassifiedFailure
from entrypoints.settings import Settings

MAX_CLOCK_SKEW = timedelta(seconds=60)
DATE_RESOLUTION = timedelta(seconds=1)  # an HTTP Date has whole seconds
# iK Pay's refusals are undocumented: these words in its message say which credential
# it refused. A refusal naming neither is reported as "one of the two".
APP_ID_WORDS = ("appid", "app id", "app_id", "application id", "entity")
SIGNATURE_WORDS = ("sign",)
UNREACHABLE = frozenset({"gateway_unreachable", "gateway_dns_failure", "gateway_timeout",
                         "gateway_connection_reset"})


@dataclass(frozen=True, slots=True)
class Line:
    name: str
    status: str  # ok | warn | FAIL
    text: str

    def __str__(self) -> str:
        return f"{self.status:<5} {self.name}: {self.text}"


def masked_app_id(app_id: str) -> str:
    return app_id[:4] + "***" if app_id else "(not set)"


def refusal_line(failure: ClassifiedFailure, settings: Settings, host: str) -> Line:
    """One line for a failed history call: what is wrong and which setting to fix."""
    detail, code = failure.detail or failure.code, failure.code
    said = detail.lower()
    if code == "gateway_auth_failed":
        if any(w in said for w in APP_ID_WORDS):
            text = (f"unknown app id: iK Pay does not know IKHOKHA_APP_ID "
                    f"{masked_app_id(settings.ikhokha_app_id)} ({detail})")
        elif any(w in said for w in SIGNATURE_WORDS):
            text = (f"bad signature: iK Pay refused IK-SIGN, so IKHOKHA_APP_SECRET is not the "
                    f"secret of this app id ({detail})")
        else:
            text = (f"credentials refused ({detail}): IKHOKHA_APP_ID is unknown or "
                    "IKHOKHA_APP_SECRET is wrong; iK Pay did not say which")
    elif code in UNREACHABLE:
        text = f"unreachable: {host} ({code}: {detail}); check IKHOKHA_API_URL and the network"
    elif code == "gateway_rejected_request" and detail.startswith("HTTP 404"):
        text = f"wrong base URL: {host} has no history endpoint ({detail}); check IKHOKHA_API_URL"
    else:
        text = f"unexpected answer ({code}: {detail}); is IKHOKHA_API_URL iK Pay's API?"
    return Line("gateway", "FAIL", text)


def skew_of(date_header: str | None, sent: datetime, received: datetime) -> timedelta | None:
    """How far the gateway's clock is from ours: zero while its `Date` falls between
    our send and receive times (give or take the header's one-second resolution)."""
    try:
        theirs = parsedate_to_datetime(date_header) if date_header else None
    except (TypeError, ValueError, IndexError):
        theirs = None
    if theirs is None:
        return None
    theirs = theirs if theirs.tzinfo else theirs.replace(tzinfo=UTC)
    if theirs < sent - DATE_RESOLUTION:
        return theirs - (sent - DATE_RESOLUTION)
    if theirs > received + DATE_RESOLUTION:
        return theirs - (received + DATE_RESOLUTION)
    return timedelta(0)


def clock_line(skew: timedelta | None) -> Line:
    if skew is None:
        return Line("clock", "warn", "not checked: iK Pay's answer carried no usable Date header")
    seconds = skew.total_seconds()
    if abs(skew) > MAX_CLOCK_SKEW:
        side = "behind" if seconds > 0 else "ahead of"
        return Line("clock", "FAIL", f"clock skew: this machine's clock is at least "
                                     f"{abs(seconds):.0f} s {side} iK Pay's (at most "
                                     f"{MAX_CLOCK_SKEW.seconds} s allowed); fix NTP on this host")
    return Line("clock", "ok", f"within {MAX_CLOCK_SKEW.seconds} s of iK Pay's "
                               f"(off by {abs(seconds):.0f} s)")


async def check_gateway(settings: Settings,
                        now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> list[Line]:
    """The gateway line and the clock line, from one signed history call for today."""
    transport = Transport(settings.ikhokha_api_url, settings.ikhokha_app_id,
                          settings.ikhokha_app_secret)
    today = now().date()
    sent = now()
    started = time.monotonic()
    try:
        answer = await transport.send("GET", ("payments", "history"),
                                      params=pp.history_params(today, today),
                                      timeout_s=settings.ikhokha_timeout_ms / 1000,
                                      max_bytes=MAX_HISTORY_BYTES)
    except ClassifiedFailure as failure:
        return [refusal_line(failure, settings, transport.host)]
    finally:
        await transport.aclose()
    received = now()
    clock = clock_line(skew_of(answer.headers.get("Date"), sent, received))
    try:
        items = answers.history(answer)
    except ClassifiedFailure as failure:
        return [refusal_line(failure, settings, transport.host), clock]
    took = time.monotonic() - started
    return [Line("gateway", "ok", f"{transport.host} accepted app id "
                                  f"{masked_app_id(settings.ikhokha_app_id)} and its signature "
                                  f"(history for {today}: {len(items)} transaction(s), "
                                  f"{took:.1f} s)"), clock]
