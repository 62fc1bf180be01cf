"""The WebSocket route in the OpenAPI document.

OpenAPI 3.1 has no WebSocket operation, and Litestar leaves WebSocket routes out, so
an integrator reading /schema/swagger would not know the live stream exists. The route
is described as what it is on the wire: a GET carrying `Upgrade: websocket` that answers
101 Switching Protocols. What flows afterwards (messages, close codes) goes in an
`x-websocket` extension on the path, which tools that do not know it ignore. The
operation id is declared here, once, like every route's `operation_id=`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from litestar.openapi.spec import (
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Parameter,
    PathItem,
    Schema,
)

EVENTS_WS_PATH = "/api/v1/events/ws"
EVENTS_WS_OPERATION_ID = "streamEventsWebSocket"

_MESSAGES = {
    "first": {"type": "ready"},
    "then": "one JSON text message per event, the same object as the SSE stream's data: "
            "{id, type, data}; `id` is stable across redeliveries",
    "client": "anything the client sends is ignored (it keeps the socket open)",
}
_CLOSE_CODES = {"4401": "no token, an invalid one, or the token expired: reconnect with "
                        "a fresh token"}


@dataclass
class WebSocketPathItem(PathItem):
    """A PathItem that also renders an `x-websocket` member."""

    x_websocket: dict[str, Any] | None = field(default=None,
                                               metadata={"alias": "x-websocket"})


def events_ws_path_item() -> PathItem:
    token = Parameter(
        name="access_token", param_in="query", required=False,
        description="The JWT, for browsers that cannot set Authorization on a WebSocket",
        schema=Schema(type=OpenAPIType.STRING))
    handshake = Operation(
        operation_id=EVENTS_WS_OPERATION_ID, tags=["events"],
        summary="Your payment and enrollment events (WebSocket)",
        description="Open with a WebSocket client (`ws://` or `wss://`), with "
                    "`Authorization: Bearer` or `?access_token=`. The caller's own events "
                    "(admins: everyone's). The first message is `{\"type\":\"ready\"}`; "
                    "then one JSON message per event. Close code 4401: unauthenticated "
                    "or the token expired.",
        parameters=[token],
        responses={"101": OpenAPIResponse(
            description="Switching Protocols: the WebSocket is open")})
    return WebSocketPathItem(
        summary="Live events over a WebSocket",
        description="A WebSocket endpoint, not a plain HTTP one: see `x-websocket`.",
        get=handshake,
        x_websocket={"protocol": "websocket", "messages": _MESSAGES,
                     "close_codes": _CLOSE_CODES})
