"""Live updates: Server-Sent Events and a WebSocket, each caller seeing only their own
payment and enrollment events (admins: everyone's).

Browsers cannot put a Bearer header on an EventSource or a WebSocket, so these two
routes also take the token as `access_token` in the query string (never logged).

A stream lives no longer than its token: when the token expires, SSE sends a final
`token_expired` event and ends, and the WebSocket closes with code 4401 and the reason
`token expired`. The client reconnects with a fresh token.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncGenerator
from typing import Annotated, Any

from litestar import Request, WebSocket, get, websocket
from litestar.channels import ChannelsPlugin
from litestar.di import NamedDependency
from litestar.exceptions import WebSocketDisconnect
from litestar.params import QueryParameter
from litestar.response import ServerSentEvent, ServerSentEventMessage

from application.actor import Actor
from application.event_payload import ADMIN_CHANNEL, student_channel
from domain.classification import ClassifiedFailure
from entrypoints.http.auth import TokenCodec

Token = Annotated[str | None, QueryParameter(
    name="access_token", required=False, description="the Bearer token, for EventSource")]


def channels_for(actor: Actor) -> list[str]:
    return [ADMIN_CHANNEL] if actor.is_admin else [student_channel(actor.sub)]


EXPIRED = json.dumps({"reason": "token_expired",
                      "what_to_do": "reconnect with a fresh token"})


def stream_actor(tokens: TokenCodec, header: str | None,
                 token: str | None) -> tuple[Actor, float]:
    """Who is listening, and until when (the token's expiry, unix seconds)."""
    authorization = header or (f"Bearer {token}" if token else None)
    actor = tokens.actor_from_header(authorization)
    return actor, tokens.expires_at(authorization)


def _seconds_left(expires_at: float) -> float:
    return expires_at - time.time()


@get("/api/v1/events", operation_id="streamEvents",
     tags=["events"], summary="Your payment and enrollment events (SSE)")
async def events_sse(request: Request[Any, Any, Any], channels: NamedDependency[ChannelsPlugin],
                     tokens: NamedDependency[TokenCodec],
                     access_token: Token = None) -> ServerSentEvent:
    actor, expires_at = stream_actor(tokens, request.headers.get("authorization"),
                                     access_token)

    async def stream() -> AsyncGenerator[ServerSentEventMessage, None]:
        async with channels.start_subscription(channels_for(actor)) as subscriber:
            yield ServerSentEventMessage(data="{}", event="ready", retry=3000)
            events = subscriber.iter_events().__aiter__()
            while True:
                try:
                    message = await asyncio.wait_for(
                        events.__anext__(), timeout=max(_seconds_left(expires_at), 0.0))
                except TimeoutError:
                    yield ServerSentEventMessage(data=EXPIRED, event="token_expired")
                    return
                payload = json.loads(message)
                yield ServerSentEventMessage(data=message.decode(), event=payload["type"],
                                             id=payload["id"])

    return ServerSentEvent(stream(), headers={"Cache-Control": "no-store",
                                              "X-Accel-Buffering": "no"})


@websocket("/api/v1/events/ws", tags=["events"])
async def events_ws(socket: WebSocket[Any, Any, Any], channels: NamedDependency[ChannelsPlugin],
                    tokens: NamedDependency[TokenCodec], access_token: Token = None) -> None:
    try:
        actor, expires_at = stream_actor(tokens, socket.headers.get("authorization"),
                                         access_token)
    except ClassifiedFailure:
        await socket.close(code=4401, reason="unauthenticated")
        return
    await socket.accept()
    async with channels.start_subscription(channels_for(actor)) as subscriber:
        await socket.send_json({"type": "ready"})
        async with subscriber.run_in_background(socket.send_text):
            try:
                while True:
                    await asyncio.wait_for(socket.receive_text(),
                                           timeout=max(_seconds_left(expires_at), 0.0))
            except WebSocketDisconnect:
                return
            except TimeoutError:
                await socket.close(code=4401, reason="token expired")
