"""iKhokha's callback: 200 once durably recorded, 401 on a bad signature, never 5xx
for what the callback says. Every callback's outcome and handling time is counted.

A signed callback is never rate limited; bad ones are, per address (see rate_limits.py):
past the limit they answer 429 and are not written to the audit trail."""

from __future__ import annotations

import math
import time
from typing import Any

import msgspec
from litestar import Request, post
from litestar.di import NamedDependency

from application.use_cases.handle_callback import HandleCallback
from domain.classification import ClassifiedFailure
from entrypoints.http.rate_limits import client_key

WEBHOOK_MAX_BODY = 64 * 1024


class CallbackAck(msgspec.Struct):
    received: bool
    duplicate: bool


@post("/webhooks/ikhokha", status_code=200, request_max_body_size=WEBHOOK_MAX_BODY,
      tags=["webhooks"], summary="iK Pay callback (signed with IK-SIGN)")
async def ikhokha_callback(request: Request[Any, Any, Any],
                           handle_callback: NamedDependency[HandleCallback]) -> CallbackAck:
    raw = await request.body()
    metrics, started = request.app.state.metrics, time.perf_counter()
    bad_callbacks = request.app.state.rate_limits.webhook
    address = client_key(request.scope)
    room = bad_callbacks.has_room(address)
    try:
        receipt = await handle_callback(dict(request.headers), raw, record_refusal=room)
    except ClassifiedFailure as refused:
        if refused.code == "invalid_signature":
            metrics.callback("rejected", time.perf_counter() - started)
            wait_s = bad_callbacks.take(address)
            if wait_s > 0:
                raise ClassifiedFailure("rate_limited", "too many refused callbacks from "
                                        "this address; slow down",
                                        retry_after_s=max(1.0, math.ceil(wait_s))) from None
        raise
    metrics.callback(receipt.outcome, time.perf_counter() - started)
    return CallbackAck(received=True, duplicate=receipt.duplicate)
