"""iKhokha's callback: 200 once durably recorded, 401 on a bad signature, never 5xx
for what the callback says."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, post
from litestar.di import NamedDependency

from application.use_cases.handle_callback import HandleCallback

WEBHOOK_MAX_BODY = 64 * 1024


class CallbackAck(msgspec.Struct):
    received: bool
    duplicate: bool


@post("/webhooks/ikhokha", status_code=200, request_max_body_size=WEBHOOK_MAX_BODY,
      tags=["webhooks"], summary="iK Pay callback (signed with IK-SIGN)")
async def ikhokha_callback(request: Request[Any, Any, Any],
                           handle_callback: NamedDependency[HandleCallback]) -> CallbackAck:
    raw = await request.body()
    receipt = await handle_callback(dict(request.headers), raw)
    return CallbackAck(received=True, duplicate=receipt.duplicate)
