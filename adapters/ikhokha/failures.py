"""Map transport errors and HTTP answers to exactly one ClassifiedFailure code.

Details name the kind of failure only: never a header, a body we sent, or a secret.
"""

from __future__ import annotations

import asyncio
import errno
import socket
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import aiohttp

from adapters.ikhokha.protocol_points import error_message
from domain.classification import ClassifiedFailure

RETRY_AFTER_CAP_S = 60.0


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header (delta-seconds or HTTP-date), capped."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), RETRY_AFTER_CAP_S)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    delta = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(delta, 0.0), RETRY_AFTER_CAP_S)


def from_http(status: int, headers: Mapping[str, str], body: Any) -> ClassifiedFailure:
    """A non-success HTTP answer. `body` is decoded JSON (or None) for the message."""
    message = error_message(body)
    detail = f"HTTP {status}" + (f": {message}" if message else "")
    if status == 429:
        return ClassifiedFailure("gateway_rate_limited", detail,
                                 retry_after_s=parse_retry_after(headers.get("Retry-After")))
    if status >= 500:
        return ClassifiedFailure("gateway_server_error", detail,
                                 retry_after_s=parse_retry_after(headers.get("Retry-After")))
    if status in (401, 403):
        return ClassifiedFailure("gateway_auth_failed", detail)
    if 300 <= status < 400:
        return ClassifiedFailure("gateway_malformed_response", f"unexpected redirect ({status})")
    return ClassifiedFailure("gateway_rejected_request", detail)


def _is_reset(exc: BaseException) -> bool:
    if isinstance(exc, (ConnectionResetError, ConnectionAbortedError, BrokenPipeError,
                        aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError)):
        return True
    return isinstance(exc, OSError) and exc.errno in (errno.ECONNRESET, errno.EPIPE,
                                                      errno.ECONNABORTED)


def from_exception(exc: BaseException) -> ClassifiedFailure:
    """A transport failure: the request may or may not have reached the gateway."""
    if isinstance(exc, ClassifiedFailure):
        return exc
    if isinstance(exc, (asyncio.TimeoutError, TimeoutError, aiohttp.ServerTimeoutError)):
        return ClassifiedFailure("gateway_timeout", "no answer within the attempt timeout")
    if isinstance(exc, aiohttp.ClientConnectorDNSError) or isinstance(
            getattr(exc, "os_error", None), socket.gaierror) or isinstance(exc, socket.gaierror):
        return ClassifiedFailure("gateway_dns_failure", "gateway host name did not resolve")
    cause = getattr(exc, "os_error", None) or exc
    if isinstance(cause, ConnectionRefusedError) or getattr(cause, "errno", None) == \
            errno.ECONNREFUSED:
        return ClassifiedFailure("gateway_unreachable", "connection refused")
    if _is_reset(exc) or _is_reset(cause):
        return ClassifiedFailure("gateway_connection_reset", "connection reset by the gateway")
    if isinstance(exc, (aiohttp.ClientConnectionError, OSError)):
        return ClassifiedFailure("gateway_unreachable", type(exc).__name__)
    if isinstance(exc, aiohttp.ClientError):
        return ClassifiedFailure("gateway_malformed_response", type(exc).__name__)
    raise exc
