"""iKhokha's callback: 200 once durably recorded, 401 on a bad signature, never 5xx
for what the callback says. Every callback's outcome and handling time is counted.

The acknowledgement is one commit (the signature checked over the raw bytes, the inbox
row inserted); confirmation and fulfilment run after it, off the request path, in this
instance's dispatcher (see entrypoints/callback_dispatch.py).

A signed callback is never rate limited; bad ones are, per address (see rate_limits.py):
past the limit they answer 429 and are not written to the audit trail."""

from __future__ import annotations

from typing import Any

from litestar import Request, post
from litestar.di import NamedDependency

from entrypoints.http.callback_endpoint import CallbackAck, CallbackEndpoint
from entrypoints.http.rate_limits import client_key
from entrypoints.http.request_body import UNPARSABLE, parsed_json

WEBHOOK_MAX_BODY = 64 * 1024


def _decoded(request: Request[Any, Any, Any], raw: bytes) -> Any:
    """The card-data guard's parse of these bytes (kept in the scope), so the signature
    check and the inbox's masking do not parse them again; None if msgspec refused them
    (NaN, a lone surrogate): the gateway adapter's lenient parser then decides."""
    value = parsed_json(request.scope, raw)  # type: ignore[arg-type]
    return None if value is UNPARSABLE else value


@post("/webhooks/ikhokha", status_code=200, request_max_body_size=WEBHOOK_MAX_BODY,
      operation_id="receiveIkhokhaCallback",
      tags=["webhooks"], summary="iK Pay callback (signed with IK-SIGN)", security=[])
async def ikhokha_callback(request: Request[Any, Any, Any],
                           callback_endpoint: NamedDependency[CallbackEndpoint]) -> CallbackAck:
    raw = await request.body()
    return await callback_endpoint.acknowledge(dict(request.headers), raw, _decoded(request, raw),
                                               client_key(request.scope))
