"""iKhokha's callback: 200 once durably recorded, 401 on a bad signature, never 5xx
for what the callback says. Every callback's outcome and handling time is counted.

The acknowledgement is one commit (the signature checked over the raw bytes, the inbox
row inserted); confirmation and fulfilment run after it, off the request path, in this
instance's dispatcher (see entrypoints/callback_dispatch.py).

A signed callback is never rate limited; bad ones are, per address (see rate_limits.py):
past the limit they answer 429 and are not written to the audit trail."""

from __future__ import annotations

import math
import time
from typing import Any

import msgspec
from litestar import Request, post
from litestar.di import NamedDependency

from adapters.metrics.prometheus import PrometheusMetrics
from application.use_cases.handle_callback import HandleCallback
from domain.classification import ClassifiedFailure
from entrypoints.callback_dispatch import CallbackDispatcher
from entrypoints.http.rate_limits import RateLimits, client_key
from entrypoints.http.request_body import UNPARSABLE, parsed_json

WEBHOOK_MAX_BODY = 64 * 1024


def _decoded(request: Request[Any, Any, Any], raw: bytes) -> Any:
    """The card-data guard's parse of these bytes (kept in the scope), so the signature
    check and the inbox's masking do not parse them again; None if msgspec refused them
    (NaN, a lone surrogate): the gateway adapter's lenient parser then decides."""
    value = parsed_json(request.scope, raw)  # type: ignore[arg-type]
    return None if value is UNPARSABLE else value


class CallbackAck(msgspec.Struct, frozen=True, kw_only=True):
    received: bool
    duplicate: bool


@post("/webhooks/ikhokha", status_code=200, request_max_body_size=WEBHOOK_MAX_BODY,
      operation_id="receiveIkhokhaCallback",
      tags=["webhooks"], summary="iK Pay callback (signed with IK-SIGN)", security=[])
async def ikhokha_callback(request: Request[Any, Any, Any],
                           handle_callback: NamedDependency[HandleCallback],
                           callback_dispatcher: NamedDependency[CallbackDispatcher],
                           metrics: NamedDependency[PrometheusMetrics],
                           rate_limits: NamedDependency[RateLimits]) -> CallbackAck:
    raw = await request.body()
    started = time.perf_counter()
    bad_callbacks = rate_limits.webhook
    address = client_key(request.scope)
    room = await bad_callbacks.has_room(address)
    hold = callback_dispatcher.has_room()
    try:
        receipt = await handle_callback.receive(dict(request.headers), raw,
                                                decoded=_decoded(request, raw), record_refusal=room,
                                                hold=hold)
    except ClassifiedFailure as refused:
        if refused.code == "invalid_signature":
            metrics.callback("rejected", time.perf_counter() - started)
            wait_s = await bad_callbacks.hit(address)
            if wait_s > 0:
                raise ClassifiedFailure("rate_limited", "too many refused callbacks from "
                                        "this address; slow down",
                                        retry_after_s=max(1.0, math.ceil(wait_s))) from None
        raise
    metrics.callback(receipt.outcome, time.perf_counter() - started)
    if receipt.outcome == "received" and hold:
        callback_dispatcher.submit(receipt, started)
    return CallbackAck(received=True, duplicate=receipt.duplicate)
