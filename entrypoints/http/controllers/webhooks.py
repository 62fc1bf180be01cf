"""iKhokha's callback: 200 once durably recorded, 401 on a bad signature, never 5xx
for what the callback says. Every callback's outcome and handling time is counted."""

from __future__ import annotations

import time
from typing import Any

import msgspec
from litestar import Request, post
from litestar.di import NamedDependency

from application.use_cases.handle_callback import HandleCallback
from domain.classification import ClassifiedFailure

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
    try:
        receipt = await handle_callback(dict(request.headers), raw)
    except ClassifiedFailure as refused:
        if refused.code == "invalid_signature":
            metrics.callback("rejected", time.perf_counter() - started)
        raise
    metrics.callback(receipt.outcome, time.perf_counter() - started)
    return CallbackAck(received=True, duplicate=receipt.duplicate)
