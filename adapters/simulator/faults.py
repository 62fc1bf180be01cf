"""Apply the configured fault to one API request before the real handler runs.

Order per request: count it (tests assert attempts), add latency, then the first
matching fault: a scripted action, the seeded error rate, or a global switch.
"""

from __future__ import annotations

import asyncio
import socket
import struct

from aiohttp import web

from adapters.simulator.config import FaultAction
from adapters.simulator.state import SimState

MALFORMED_BODY = '{"responseCode":"00","paylinkUrl":'


def _global_fault(state: SimState) -> FaultAction | None:
    if state.faults.hang:
        return FaultAction(kind="hang")
    if state.faults.reset:
        return FaultAction(kind="reset")
    if state.faults.malformed:
        return FaultAction(kind="malformed")
    return None


async def _reset(request: web.Request) -> web.StreamResponse:
    """Abort the TCP connection with an RST (SO_LINGER 0): the client sees a reset."""
    transport = request.transport
    if transport is not None:
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()
    raise asyncio.CancelledError


async def faulted_answer(state: SimState, endpoint: str,
                         request: web.Request) -> web.StreamResponse | None:
    """A fault's answer, or None when the request should be served normally."""
    state.requests[endpoint] += 1
    if state.faults.latency_ms:
        await asyncio.sleep(state.faults.latency_ms / 1000)
    action = state.next_fault(endpoint) or _global_fault(state)
    if action is None or action.kind == "ok":
        return None
    if action.kind == "hang":
        await state.released.wait()
        return web.json_response({"message": "simulator shutting down"}, status=503)
    if action.kind == "reset":
        return await _reset(request)
    if action.kind == "malformed":
        return web.Response(status=200, text=action.body or MALFORMED_BODY,
                            content_type="application/json")
    headers = {"Retry-After": action.retry_after} if action.retry_after else {}
    return web.json_response({"message": f"simulated failure {action.status}"},
                             status=action.status, headers=headers)
